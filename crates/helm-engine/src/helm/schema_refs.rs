//! The other documents a `values.schema.json` refers to, loaded as helm 4's validator loads
//! them. Helm gives the chart's schema the address `file:///values.schema.json`, so a
//! relative `$ref` (`other.json`) names a file at the root of this machine's file system
//! (`/other.json`), as in helm.
//!
//! - `http://`, `https://`: a GET with a 15-second limit, proxies from the environment, the
//!   system's certificate authorities, redirects followed, anything but `200 OK` refused.
//! - `file:`: the file at the address's path (its host, if any, ignored).
//! - `urn:`: no document; helm accepts anything there (the schema `true`) and warns, once
//!   per address in a rendering.
//! - Any other scheme: refused (`no URLLoader registered for "<address>"`).
//!
//! A document read is one JSON value, read as Go's JSON decoder reads a stream. Nothing is
//! kept between runs.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jsonschema::{Resource, Retrieve, Uri};
use serde_json::Value as Json;

use super::web;
use crate::strconv::quote;

/// The address helm gives the chart's own schema: relative references resolve against it.
pub(crate) const OWN_ADDRESS: &str = "file:///values.schema.json";

/// How long helm's loader waits for a schema on the web, connection to last byte.
const TIME_LIMIT: Duration = Duration::from_secs(15);

/// The largest schema read from the web: far above any real one.
const MAX_DOCUMENT_BYTES: u64 = 10 << 20;

/// Helm's warning for a `urn:` address, which it reads as the schema `true`.
const URN_IGNORED: &str = "unresolved URN reference ignored; using permissive schema";

/// The retriever handed to the validator, for the checks of one `values.schema.json`: each
/// address is loaded once, however often it is asked for.
#[derive(Clone)]
pub(crate) struct ReferredSchemas {
    loaded: Arc<Mutex<BTreeMap<String, Result<Json, String>>>>,
    /// Helm's warnings, each once (shared by the checks of one rendering).
    warnings: Warnings,
}

/// Warnings gathered while the schemas are checked, each once, in the order they came.
pub(crate) type Warnings = Arc<Mutex<Vec<String>>>;

impl ReferredSchemas {
    pub(crate) fn new(warnings: Warnings) -> Self {
        ReferredSchemas { loaded: Arc::default(), warnings }
    }

    /// The document at `url` (without a fragment), loaded now or earlier.
    fn document(&self, url: &str) -> Result<Json, String> {
        if let Some(known) = self.loaded.lock().unwrap_or_else(PoisonError::into_inner).get(url) {
            return known.clone();
        }
        let result = self.load(url);
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner).insert(url.to_string(), result.clone());
        result
    }

    fn load(&self, url: &str) -> Result<Json, String> {
        let uri = jsonschema::uri::from_str(url).map_err(|e| e.to_string())?;
        match uri.scheme().as_str().to_ascii_lowercase().as_str() {
            "http" | "https" => fetch(url),
            "file" => read_file(url),
            "urn" => {
                let warning = format!("{URN_IGNORED}: {url}");
                let mut warnings = self.warnings.lock().unwrap_or_else(PoisonError::into_inner);
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
                Ok(Json::Bool(true))
            }
            _ => Err(format!("no URLLoader registered for {}", quote(url))),
        }
    }

    /// Why the document at `url` could not be loaded, if it was asked for and could not.
    pub(crate) fn failure(&self, url: &str) -> Option<String> {
        match self.loaded.lock().unwrap_or_else(PoisonError::into_inner).get(url)? {
            Err(why) => Some(why.clone()),
            Ok(_) => None,
        }
    }

    /// Every other document that `schema` refers to, directly or through another such
    /// document, with its address. The validator gathers the documents before it compiles,
    /// and can miss one that only a chain of `$ref`s through other documents' definitions
    /// leads to (bjw-s' `common` library); helm's loads each when its compiler reaches it.
    /// Here every `$ref` anywhere counts, resolved against its document's address (or
    /// top-level `$id`).
    pub(crate) fn referred_documents(&self, schema: &Json) -> Vec<(String, Resource)> {
        let own = own_base(schema);
        let mut documents = Vec::new();
        let mut waiting = VecDeque::from([(own.clone(), schema.clone())]);
        let mut seen: BTreeSet<String> = own.iter().map(|own| own.as_str().to_string()).collect();
        while let Some((base, document)) = waiting.pop_front() {
            let mut references = Vec::new();
            collect_references(&document, &mut references);
            for reference in references {
                let Some(url) = base.as_ref().map_or_else(
                    || jsonschema::uri::from_str(reference).ok(),
                    |base| jsonschema::uri::resolve_against(&base.borrow(), reference).ok(),
                ) else {
                    continue;
                };
                let url = url.as_str().split('#').next().unwrap_or_default().to_string();
                let Ok(uri) = jsonschema::uri::from_str(&url) else { continue };
                if !seen.insert(url.clone()) {
                    continue;
                }
                if let Ok(found) = self.document(&url) {
                    waiting.push_back((base_of(&found, Some(&uri)), found.clone()));
                    documents.push((url, Resource::from_contents(found)));
                }
            }
        }
        documents
    }
}

impl Retrieve for ReferredSchemas {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Json, Box<dyn std::error::Error + Send + Sync>> {
        self.document(uri.as_str()).map_err(Into::into)
    }
}

/// The file a `file:` address names, read as one JSON document; Go's words when it cannot
/// be (`open /other.json: no such file or directory`).
fn read_file(url: &str) -> Result<Json, String> {
    let url = crate::gourl::parse(url)?;
    let path = String::from_utf8_lossy(&url.path).into_owned();
    let file = std::fs::File::open(&path).map_err(|e| format!("open {path}: {}", super::go_os_reason(&e)))?;
    let body = super::read_all_within(file, super::MAX_SETTINGS_FILE_SIZE)
        .map_err(|e| format!("read {path}: {}", super::go_os_reason(&e)))?;
    json_document(&crate::strconv::go_string_of(&body))
}

/// `text` as one JSON document, with Go's words when it is not one.
fn json_document(text: &str) -> Result<Json, String> {
    serde_json::from_str(text)
        .map_err(|e| crate::funcs::json::decode_document(text).err().unwrap_or_else(|| e.to_string()))
}

/// The address relative references in the chart's own schema resolve against: its `$id`
/// resolved against [`OWN_ADDRESS`], else that address.
pub(crate) fn own_base(schema: &Json) -> Option<Uri<String>> {
    base_of(schema, jsonschema::uri::from_str(OWN_ADDRESS).ok().as_ref())
}

/// The address relative references in `document` resolve against: its top-level `$id`
/// resolved against where it was loaded from, else that place.
fn base_of(document: &Json, fetched_from: Option<&Uri<String>>) -> Option<Uri<String>> {
    let id = document.get("$id").and_then(Json::as_str);
    match (id, fetched_from) {
        (Some(id), Some(from)) => jsonschema::uri::resolve_against(&from.borrow(), id).ok(),
        (Some(id), None) => jsonschema::uri::from_str(id).ok(),
        (None, from) => from.cloned(),
    }
}

/// Every `$ref` text in `value`, in document order.
pub(crate) fn collect_references<'a>(value: &'a Json, out: &mut Vec<&'a str>) {
    match value {
        Json::Object(members) => {
            if let Some(Json::String(reference)) = members.get("$ref") {
                out.push(reference);
            }
            members.values().for_each(|member| collect_references(member, out));
        }
        Json::Array(items) => items.iter().for_each(|item| collect_references(item, out)),
        _ => {}
    }
}

/// The JSON document at `url`, or helm's words for why there is none.
fn fetch(url: &str) -> Result<Json, String> {
    let failed = |reason: String| format!("HTTP request failed for {url}: {reason}");
    let answer = web::get(url, Some(TIME_LIMIT), MAX_DOCUMENT_BYTES).map_err(|e| match e {
        web::GetError::Failed(reason) => failed(reason),
        web::GetError::TooLarge => failed(format!("the document is larger than {MAX_DOCUMENT_BYTES} bytes")),
    })?;
    if answer.status != 200 {
        return Err(format!(
            "HTTP request to {url} returned status {} ({})",
            answer.status,
            web::go_status_text(answer.status)
        ));
    }
    json_document(&crate::strconv::go_string_of(&answer.body))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use super::*;

    /// A server on this machine, for as long as the test runs, that answers a request for
    /// one of `pages` (path, status, body) with it, and any other with 404; its address.
    pub(crate) fn serve(pages: &'static [(&'static str, u16, &'static str)]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let asked = request_line.split_whitespace().nth(1).unwrap_or("");
                let (status, body) = pages
                    .iter()
                    .find(|(path, ..)| *path == asked)
                    .map_or((404, "404 page not found"), |&(_, status, body)| (status, body));
                let _ = write!(
                    &stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        address
    }

    #[test]
    fn a_schema_is_fetched() {
        let address = serve(&[("/s.json", 200, r#"{"type": "integer"}"#)]);
        assert_eq!(fetch(&format!("{address}/s.json")).unwrap(), serde_json::json!({"type": "integer"}));
    }

    #[test]
    fn an_answer_other_than_ok_is_refused_in_gos_words() {
        let address = serve(&[("/s.json", 413, "")]);
        assert_eq!(
            fetch(&format!("{address}/s.json")).unwrap_err(),
            format!("HTTP request to {address}/s.json returned status 413 (Request Entity Too Large)")
        );
        assert_eq!(
            fetch(&format!("{address}/other.json")).unwrap_err(),
            format!("HTTP request to {address}/other.json returned status 404 (Not Found)")
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_refused_in_gos_words() {
        let address = serve(&[("/s.json", 200, "<html>")]);
        assert_eq!(
            fetch(&format!("{address}/s.json")).unwrap_err(),
            "invalid character '<' looking for beginning of value"
        );
    }

    #[test]
    fn a_server_that_is_not_there_is_named() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/s.json", listener.local_addr().unwrap());
        drop(listener);
        let err = fetch(&url).unwrap_err();
        assert!(err.starts_with(&format!("HTTP request failed for {url}: ")), "{err}");
    }

    #[test]
    fn every_ref_of_every_document_is_followed_once() {
        let address = serve(&[
            ("/lib/a.json", 200, r#"{"$id": "sub/a.json", "named": {"anywhere": {"$ref": "b.json"}}}"#),
            ("/lib/sub/b.json", 200, r#"{"list": [{"$ref": "../a.json"}, {"$ref": "gone.json"}]}"#),
        ]);
        let web = ReferredSchemas::new(Warnings::default());
        let schema =
            serde_json::json!({"properties": {"x": {"$ref": format!("{address}/lib/a.json#/named")}}});
        let documents: Vec<String> =
            web.referred_documents(&schema).into_iter().map(|(url, _)| url).collect();
        // b.json resolved against a.json's `$id`, a.json not fetched twice; the document
        // that is not there is left to the validator to report.
        assert_eq!(documents, [format!("{address}/lib/a.json"), format!("{address}/lib/sub/b.json")]);
        assert_eq!(
            web.failure(&format!("{address}/lib/sub/gone.json")),
            Some(format!("HTTP request to {address}/lib/sub/gone.json returned status 404 (Not Found)"))
        );
    }
}
