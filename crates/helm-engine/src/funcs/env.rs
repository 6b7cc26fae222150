//! What Sprig's non-deterministic functions draw on during one rendering: a random source,
//! a clock and the local time zone.
//!
//! By default they are the real ones, as in helm: the operating system's cryptographically
//! secure generator, the system clock and the system's zone (`TZ`, `/etc/localtime`). A
//! caller can instead fix all three, which helm cannot: with a seed every random string,
//! number and key comes from ChaCha20 keyed by the seed (one stream per template file, so
//! that editing one template does not change the values of the others), and with a fixed
//! time every `now` returns it.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, OsRng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};

use super::gotime::LocalZone;
use crate::template::exec::CallCtx;

/// The random source: the system's, or a seeded ChaCha20 stream.
pub(crate) enum Source {
    System(OsRng),
    Seeded(Box<ChaCha20Rng>),
}

impl RngCore for Source {
    fn next_u32(&mut self) -> u32 {
        match self {
            Source::System(r) => r.next_u32(),
            Source::Seeded(r) => r.next_u32(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        match self {
            Source::System(r) => r.next_u64(),
            Source::Seeded(r) => r.next_u64(),
        }
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        match self {
            Source::System(r) => r.fill_bytes(dest),
            Source::Seeded(r) => r.fill_bytes(dest),
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        match self {
            Source::System(r) => r.try_fill_bytes(dest),
            Source::Seeded(r) => r.try_fill_bytes(dest),
        }
    }
}

// Both sources are cryptographically secure.
impl CryptoRng for Source {}

/// The random source, clock and local zone of one rendering.
pub(crate) struct FuncEnv {
    seed: Option<[u8; 32]>,
    rng: RefCell<Source>,
    now: Option<Timestamp>,
    local: LocalZone,
    /// Whether `getHostByName` may ask the resolver (`--enable-dns`).
    pub(crate) dns: bool,
}

/// Where the monotonic readings Go prints after a time (`m=+0.001`) count from.
fn process_start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

impl FuncEnv {
    /// The real generator, clock and zone, as helm has them.
    pub(crate) fn system() -> FuncEnv {
        process_start();
        FuncEnv {
            seed: None,
            rng: RefCell::new(Source::System(OsRng)),
            now: None,
            local: LocalZone::system(),
            dns: false,
        }
    }

    /// An environment with any of the three fixed. `time_zone` is an IANA name (or `UTC`).
    pub(crate) fn new(
        seed: Option<[u8; 32]>,
        now: Option<SystemTime>,
        time_zone: Option<&str>,
    ) -> Result<FuncEnv, String> {
        let mut env = FuncEnv::system();
        if let Some(seed) = seed {
            env.seed = Some(seed);
            env.rng = RefCell::new(Source::Seeded(Box::new(stream(&seed, ""))));
        }
        if let Some(now) = now {
            env.now = Some(
                Timestamp::try_from(now).map_err(|e| format!("the fixed time cannot be represented: {e}"))?,
            );
        }
        if let Some(name) = time_zone {
            env.local = LocalZone::named(name)?;
        }
        Ok(env)
    }

    /// This environment, with `getHostByName` asking the resolver or not.
    pub(crate) fn with_dns(self, dns: bool) -> FuncEnv {
        FuncEnv { dns, ..self }
    }

    /// The environment handed to the functions of a template set ([`super::helm_functions`]
    /// always hands one over).
    pub(crate) fn of<'a>(ctx: &'a CallCtx<'_>) -> &'a FuncEnv {
        ctx.rt.funcs.host::<FuncEnv>().expect("helm_functions hands every table an environment")
    }

    /// Starts the random stream of the template file `name` (seeded mode only): values in one
    /// file do not depend on what the other files draw.
    pub(crate) fn start_template(&self, name: &str) {
        if let Some(seed) = &self.seed {
            *self.rng.borrow_mut() = Source::Seeded(Box::new(stream(seed, name)));
        }
    }

    /// Runs `f` with the random source.
    pub(crate) fn with_rng<T>(&self, f: impl FnOnce(&mut Source) -> T) -> T {
        let mut rng = self.rng.borrow_mut();
        f(&mut rng)
    }

    /// `count` random bytes.
    pub(crate) fn random_bytes(&self, count: usize) -> Vec<u8> {
        let mut buf = vec![0u8; count];
        self.rng.borrow_mut().fill_bytes(&mut buf);
        buf
    }

    /// A uniform random number in `0..bound` (`bound` > 0), without modulo bias.
    pub(crate) fn below(&self, bound: u64) -> u64 {
        let mut rng = self.rng.borrow_mut();
        // Reject the top partial range of u64 so that every residue is equally likely.
        let zone = u64::MAX - (u64::MAX % bound + 1) % bound;
        loop {
            let v = rng.next_u64();
            if v <= zone {
                return v % bound;
            }
        }
    }

    /// The current time: the fixed one, or the system clock's.
    pub(crate) fn now(&self) -> Timestamp {
        self.now.unwrap_or_else(Timestamp::now)
    }

    /// Go's monotonic clock reading of a `time.Now()` (nanoseconds since the process
    /// started), absent when the clock is fixed.
    pub(crate) fn monotonic(&self) -> Option<i64> {
        match self.now {
            Some(_) => None,
            None => Some(i64::try_from(process_start().elapsed().as_nanos()).unwrap_or(i64::MAX)),
        }
    }

    /// Go's `time.Local`.
    pub(crate) fn local(&self) -> &TimeZone {
        &self.local.tz
    }

    /// Go's `time.Local` with its name.
    pub(crate) fn local_zone(&self) -> &LocalZone {
        &self.local
    }
}

/// The ChaCha20 stream of one template file: keyed by SHA-256 of the seed and the name.
fn stream(seed: &[u8; 32], name: &str) -> ChaCha20Rng {
    let mut h = Sha256::new();
    h.update(b"helm-engine template stream\0");
    h.update(seed);
    h.update(name.as_bytes());
    ChaCha20Rng::from_seed(h.finalize().into())
}

/// A 32-byte seed from any text (its SHA-256), for command lines that take a seed as a word.
pub fn seed_from_text(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// A fixed time given as RFC 3339 text (`2024-05-01T12:00:00Z`, offsets and fractions
/// allowed) or as whole seconds since the Unix epoch (`1714564800`).
pub fn parse_time(text: &str) -> Result<SystemTime, TimeParseError> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        let ts = Timestamp::from_second(secs).map_err(|_| TimeParseError(text.to_string()))?;
        return Ok(SystemTime::from(ts));
    }
    let ts: Timestamp = text.parse().map_err(|_| TimeParseError(text.to_string()))?;
    Ok(SystemTime::from(ts))
}

/// A time that [`parse_time`] cannot read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid time {0:?}: expected RFC 3339 (2024-05-01T12:00:00Z) or seconds since 1970")]
pub struct TimeParseError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_streams_repeat_and_differ_per_template() {
        let seed = seed_from_text("s");
        let a = FuncEnv::new(Some(seed), None, None).unwrap();
        let b = FuncEnv::new(Some(seed), None, None).unwrap();
        a.start_template("x");
        b.start_template("x");
        assert_eq!(a.random_bytes(16), b.random_bytes(16));
        b.start_template("y");
        a.start_template("x");
        assert_ne!(a.random_bytes(16), b.random_bytes(16));
    }

    #[test]
    fn below_stays_in_range() {
        let env = FuncEnv::new(Some([1; 32]), None, None).unwrap();
        assert!((0..1000).all(|_| env.below(7) < 7));
    }

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("0").unwrap(), SystemTime::UNIX_EPOCH);
        let t = parse_time("1970-01-01T00:01:00+00:00").unwrap();
        assert_eq!(t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(), 60);
        assert!(parse_time("yesterday").is_err());
    }
}
