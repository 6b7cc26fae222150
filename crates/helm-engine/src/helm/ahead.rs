//! Parsing a chart's files on a helper thread while the chart loads.
//!
//! Reading `values.yaml` files and parsing templates are most of the work of loading and
//! rendering a large chart, and none of it depends on the rest of the load. The loader
//! offers each such file here as soon as it has read it; a helper thread (started once
//! enough is offered to be worth one) parses them in turn, values files first, while the
//! walk, the loading of subcharts, the processing of dependencies and the coalescing of
//! values go on. Whoever needs a result later (the loader a chart's values, the renderer a
//! template's trees) takes it: ready, it is taken; being parsed, it is waited for; not begun,
//! it is parsed by the asking thread itself, so that no one waits on a queue and both cores
//! share what is left.
//!
//! Files are known by their contents: a library chart carried by several subcharts is
//! parsed once. A template is parsed under the name it has in the chart directory; the
//! renderer renames the trees to the names they are rendered under (see
//! `engine::parse_templates`). Only the parse is done ahead: which results are used, and
//! whose error is reported, stays with the loader and renderer, in Helm's order.

use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::chart::{ChartLoadError, read_chart_values};
use crate::template::parser::{ParseError, ParsedFile, parse_file};
use crate::value::Map;

/// Files parsed ahead for one chart load (shared by the copies of the loaded chart).
#[derive(Clone, Default)]
pub(crate) struct Ahead {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when work is offered or done, when offers end, and when the helper stops.
    changed: Condvar,
}

#[derive(Default)]
struct State {
    jobs: Vec<Job>,
    /// Jobs by the hash of their contents.
    by_hash: foldhash::HashMap<u64, Vec<usize>>,
    /// Values files wait here, and go before the templates.
    values_queue: VecDeque<usize>,
    templates_queue: VecDeque<usize>,
    /// The size of everything offered.
    offered: usize,
    /// Whether a helper thread was started (or could not be).
    helper_started: bool,
    /// No more offers are coming: the helper stops when it has nothing to do.
    closed: bool,
}

struct Job {
    kind: Kind,
    data: Arc<Vec<u8>>,
    /// The template's name in the chart directory.
    name: String,
    slot: Slot,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Values,
    Template,
}

enum Slot {
    Queued,
    Parsing,
    Done(Parsed),
    /// Taken by someone: whoever asks again parses it themselves.
    Taken,
}

enum Parsed {
    Values(Result<Map, ChartLoadError>),
    Template(Result<ParsedFile, ParseError>),
}

/// A template parsed ahead: the name it was parsed under, and the result.
pub(crate) struct AheadTemplate {
    pub(crate) name: String,
    pub(crate) parsed: Result<ParsedFile, ParseError>,
}

/// Offered work from this size on is worth a helper thread (starting one takes about a
/// tenth of a millisecond; parsing 32 KB of values or templates several times that).
const HELPER_FROM: usize = 32 << 10;

impl Ahead {
    /// A chart's `values.yaml`, to be read into values.
    pub(crate) fn offer_values(&self, file: Contents<'_>) {
        self.offer(Kind::Values, "", file);
    }

    /// A template (named as in the chart directory), to be parsed.
    pub(crate) fn offer_template(&self, name: &str, file: Contents<'_>) {
        self.offer(Kind::Template, name, file);
    }

    fn offer(&self, kind: Kind, name: &str, file: Contents<'_>) {
        let mut state = self.lock();
        if state.find(kind, file).is_some() {
            return;
        }
        let at = state.jobs.len();
        let data = file.data;
        state.jobs.push(Job { kind, data: data.clone(), name: name.to_string(), slot: Slot::Queued });
        state.by_hash.entry(file.hash).or_default().push(at);
        match kind {
            Kind::Values => state.values_queue.push_back(at),
            Kind::Template => state.templates_queue.push_back(at),
        }
        state.offered += data.len();
        if !state.helper_started && state.offered >= HELPER_FROM {
            state.helper_started = true;
            self.start_helper();
        }
        drop(state);
        self.shared.changed.notify_all();
    }

    /// No more offers: the helper stops once nothing is left to parse.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.shared.changed.notify_all();
    }

    /// The values in a `values.yaml`: parsed ahead, or here.
    pub(crate) fn values(&self, file: Contents<'_>) -> Result<Map, ChartLoadError> {
        match self.take(Kind::Values, file) {
            Some((_, Parsed::Values(values))) => values,
            _ => read_chart_values(file.data),
        }
    }

    /// Leaves unparsed every template not among `wanted` (the renderer's): a subchart that
    /// is not enabled, for one, is not rendered.
    pub(crate) fn keep_templates<'a>(&self, wanted: impl IntoIterator<Item = Contents<'a>>) {
        let mut state = self.lock();
        let mut keep = vec![false; state.jobs.len()];
        for file in wanted {
            if let Some(at) = state.find(Kind::Template, file) {
                keep[at] = true;
            }
        }
        state.templates_queue.retain(|&at| keep[at]);
    }

    /// Claims a template for the caller to parse when no one has begun it; false when it is
    /// parsed or being parsed (then [`Self::template`] has it).
    pub(crate) fn claim_template(&self, file: Contents<'_>) -> bool {
        let mut state = self.lock();
        match state.find(Kind::Template, file) {
            None => true,
            Some(at) => match state.jobs[at].slot {
                Slot::Queued => {
                    state.jobs[at].slot = Slot::Taken;
                    true
                }
                Slot::Taken => true,
                Slot::Parsing | Slot::Done(_) => false,
            },
        }
    }

    /// A template as parsed ahead (waited for if it is being parsed); `None` when the caller
    /// is to parse it.
    pub(crate) fn template(&self, file: Contents<'_>) -> Option<AheadTemplate> {
        match self.take(Kind::Template, file)? {
            (name, Parsed::Template(parsed)) => Some(AheadTemplate { name, parsed }),
            (_, Parsed::Values(_)) => None,
        }
    }

    /// Takes the result of a job, with the name it was offered under: waits while it is being
    /// parsed; `None` when the caller is to parse it (never offered, not begun, or taken
    /// before).
    fn take(&self, kind: Kind, file: Contents<'_>) -> Option<(String, Parsed)> {
        let mut state = self.lock();
        let at = state.find(kind, file)?;
        loop {
            let job = &mut state.jobs[at];
            match std::mem::replace(&mut job.slot, Slot::Taken) {
                Slot::Done(parsed) => return Some((std::mem::take(&mut job.name), parsed)),
                Slot::Parsing => {
                    job.slot = Slot::Parsing;
                    state = self.shared.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                }
                Slot::Queued | Slot::Taken => return None,
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the helper; without a thread to be had, the askers parse everything. It is
    /// started as usual, not from another CPU ([`super::beside`]): at this point the other
    /// CPU has been idle longest, and moving there cost the walk more than the helper's
    /// later start (measured on kong, mastodon, postgresql and three more).
    fn start_helper(&self) {
        let ahead = self.clone();
        let _ = std::thread::Builder::new()
            .name("chart-parse".into())
            .stack_size(super::engine::STACK_SIZE)
            .spawn(move || ahead.help());
    }

    /// The helper's work: the next queued job, until none is left and no more will come.
    fn help(&self) {
        // Should a parse fail unexpectedly, its job is left to whoever asks for it.
        let mut stopping = HelperStop { ahead: self, job: None };
        loop {
            let job = {
                let mut state = self.lock();
                loop {
                    if let Some(at) = state.next_queued() {
                        state.jobs[at].slot = Slot::Parsing;
                        break (
                            at,
                            state.jobs[at].kind,
                            state.jobs[at].data.clone(),
                            state.jobs[at].name.clone(),
                        );
                    }
                    if state.closed {
                        return;
                    }
                    state = self.shared.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
                }
            };
            let (at, kind, data, name) = job;
            stopping.job = Some(at);
            let parsed = match kind {
                Kind::Values => Parsed::Values(read_chart_values(&data)),
                Kind::Template => Parsed::Template(parse_file(
                    &name,
                    &crate::strconv::text_in(&data),
                    &crate::funcs::is_helm_function,
                )),
            };
            stopping.job = None;
            self.lock().jobs[at].slot = Slot::Done(parsed);
            self.shared.changed.notify_all();
        }
    }
}

/// Leaves a job the helper did not finish (it stopped unexpectedly) to its asker, and wakes
/// whoever waits for it.
struct HelperStop<'a> {
    ahead: &'a Ahead,
    job: Option<usize>,
}

impl Drop for HelperStop<'_> {
    fn drop(&mut self) {
        if let Some(at) = self.job {
            self.ahead.lock().jobs[at].slot = Slot::Queued;
        }
        self.ahead.shared.changed.notify_all();
    }
}

impl State {
    fn find(&self, kind: Kind, file: Contents<'_>) -> Option<usize> {
        self.by_hash.get(&file.hash)?.iter().copied().find(|&at| {
            let job = &self.jobs[at];
            job.kind == kind && file.is(&job.data)
        })
    }

    fn next_queued(&mut self) -> Option<usize> {
        let State { jobs, values_queue, templates_queue, .. } = self;
        std::iter::from_fn(|| values_queue.pop_front().or_else(|| templates_queue.pop_front()))
            .find(|&at| matches!(jobs[at].slot, Slot::Queued))
    }
}

/// A file's contents with their hash: how an [`Ahead`] knows a file. Equal when the
/// contents are.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Contents<'a> {
    pub(crate) data: &'a Arc<Vec<u8>>,
    hash: u64,
}

impl<'a> Contents<'a> {
    pub(crate) fn of(data: &'a Arc<Vec<u8>>) -> Contents<'a> {
        Contents { data, hash: foldhash::fast::FixedState::default().hash_one(data.as_slice()) }
    }

    fn is(&self, data: &Arc<Vec<u8>>) -> bool {
        Arc::ptr_eq(self.data, data) || self.data == data
    }
}

impl PartialEq for Contents<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.is(other.data)
    }
}

impl Eq for Contents<'_> {}

impl std::hash::Hash for Contents<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl std::fmt::Debug for Ahead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ahead")
    }
}

/// Parsing ahead is how a chart was loaded, not what it is.
impl PartialEq for Ahead {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
