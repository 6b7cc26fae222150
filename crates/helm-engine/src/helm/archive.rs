//! Chart archives (`chart-1.0.0.tgz`, also inside a chart's `charts/`), read into memory as
//! Helm reads them, with Helm's safety checks: every entry must sit inside the archive's one
//! top directory (no absolute paths, no `..`, no drive letters), a file may not exceed
//! 5 MiB and all files together 100 MiB once decompressed. `.helmignore` does not apply to
//! archives, as in Helm.

use std::io::Read;

use super::chart::LoadedChartFile;
use super::contents::FileData;
use crate::strconv::quote;

/// The largest total size of an archive's files, decompressed (Helm's
/// `MaxDecompressedChartSize`).
pub(crate) const MAX_CHART_SIZE: u64 = 100 * 1024 * 1024;

/// The largest size of one file of a chart (Helm's `MaxDecompressedFileSize`); it applies
/// to chart directories too.
pub(crate) const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Why an archive was refused; `Display` is Helm's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArchiveError {
    /// An entry's path is absolute.
    #[error("chart illegally contains absolute paths")]
    AbsolutePath,
    /// An entry is not inside the archive's top directory.
    #[error("chart illegally contains content outside the base directory: {}", quote(.0))]
    OutsideBase(String),
    /// An entry's path climbs out with `..`.
    #[error("chart illegally references parent directory")]
    ParentDirectory,
    /// An entry's path starts with a drive letter (`c:/`).
    #[error("chart contains illegally named files")]
    DriveLetter,
    /// `Chart.yaml` is the archive's top directory.
    #[error("chart yaml not in base directory")]
    ChartYamlNotInBase,
    /// The files together are too large.
    #[error("decompressed chart is larger than the maximum size {MAX_CHART_SIZE}")]
    TooLarge,
    /// One file is too large.
    #[error("decompressed chart file {} is larger than the maximum file size {MAX_FILE_SIZE}", quote(.0))]
    FileTooLarge(String),
    /// The archive holds no file.
    #[error("no files in chart archive")]
    Empty,
    /// The data is not gzip-compressed.
    #[error("gzip: invalid header")]
    NotGzip,
    /// The compressed or tar data is damaged (Go's wording where it has one).
    #[error("{0}")]
    Damaged(String),
}

/// Reads a gzip-compressed tar archive into the chart's files, named relative to the
/// archive's top directory (Helm's `LoadArchiveFiles`).
/// The archive is read as a stream: only what the entries hold is read, never more.
pub(crate) fn load_archive_files(mut data: impl Read) -> Result<Vec<LoadedChartFile>, ArchiveError> {
    // Go's gzip reader wants ten header bytes before it looks at them.
    let mut header = Vec::with_capacity(10);
    (&mut data).take(10).read_to_end(&mut header).map_err(damaged)?;
    if !header.starts_with(b"\x1f\x8b") {
        return Err(if header.len() < 10 { damaged_eof() } else { ArchiveError::NotGzip });
    }
    let stream = std::io::Cursor::new(header).chain(data);
    let mut archive = tar::Archive::new(flate2::read::MultiGzDecoder::new(stream));
    let entries = archive.entries().map_err(damaged)?;
    let mut files = Vec::new();
    let mut remaining = MAX_CHART_SIZE;
    for entry in entries {
        let mut entry = entry.map_err(damaged)?;
        let header_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        // Old archives mark directories only by a trailing slash.
        let is_dir = kind.is_dir() || (kind == tar::EntryType::Regular && header_name.ends_with('/'));
        if is_dir || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let name = entry_name(&header_name)?;
        let size = entry.size();
        if size > remaining {
            return Err(ArchiveError::TooLarge);
        }
        if size > MAX_FILE_SIZE {
            return Err(ArchiveError::FileTooLarge(header_name));
        }
        let mut data = Vec::with_capacity(size as usize);
        let written = (&mut entry).take(remaining).read_to_end(&mut data).map_err(damaged)? as u64;
        remaining -= written;
        if written < size || remaining == 0 {
            return Err(ArchiveError::TooLarge);
        }
        files.push(LoadedChartFile { name, data: FileData::read(data) });
    }
    if files.is_empty() {
        return Err(ArchiveError::Empty);
    }
    Ok(files)
}

/// An entry's name inside the chart: the top directory dropped, `\` (archives made on
/// Windows) read as `/`, and every way out of the chart refused.
fn entry_name(header_name: &str) -> Result<String, ArchiveError> {
    let delimiter = if header_name.contains('\\') { '\\' } else { '/' };
    let mut parts = header_name.split(delimiter);
    let top = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let joined = rest.join("/");
    if joined.starts_with('/') {
        return Err(ArchiveError::AbsolutePath);
    }
    let name = clean(&joined);
    if name == "." {
        return Err(ArchiveError::OutsideBase(header_name.to_string()));
    }
    if name.starts_with("..") {
        return Err(ArchiveError::ParentDirectory);
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        return Err(ArchiveError::DriveLetter);
    }
    if top == "Chart.yaml" {
        return Err(ArchiveError::ChartYamlNotInBase);
    }
    Ok(name)
}

/// Go's `path.Clean` for a relative path: `.` and empty parts dropped, `..` applied where it
/// can be; an empty result is `.`.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() { ".".to_string() } else { parts.join("/") }
}

fn damaged_eof() -> ArchiveError {
    ArchiveError::Damaged("unexpected EOF".into())
}

fn damaged(e: std::io::Error) -> ArchiveError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return damaged_eof();
    }
    ArchiveError::Damaged(e.to_string())
}

/// Helm's check that a file given as a chart is a gzip archive: a YAML file (a common
/// mistake: `template values.yaml chart`) or anything else is refused with Helm's message,
/// naming the content type Go's `http.DetectContentType` would give.
pub(crate) fn ensure_archive(display_name: &str, data: &[u8]) -> Result<(), String> {
    let content_type = sniffed_type(data);
    if content_type.is_none() {
        return Ok(());
    }
    if display_name.ends_with(".yml") || display_name.ends_with(".yaml") {
        return Err(format!("file '{display_name}' seems to be a YAML file, but expected a gzipped archive"));
    }
    ensure_downloaded_archive(display_name, data)
}

/// [`ensure_archive`] for a chart downloaded from `url`: helm checks the file it saved the
/// download in, whose name says nothing, so only the content counts.
pub(crate) fn ensure_downloaded_archive(url: &str, data: &[u8]) -> Result<(), String> {
    match sniffed_type(data) {
        None => Ok(()),
        Some(content_type) => {
            Err(format!("file '{url}' does not appear to be a gzipped archive; got '{content_type}'"))
        }
    }
}

/// What Go's content sniffing calls `data`, when it is not a gzip archive.
fn sniffed_type(data: &[u8]) -> Option<&'static str> {
    // Go sniffs a 512-byte buffer, zero-padded when the file is shorter.
    let mut head = [0u8; 512];
    let n = data.len().min(512);
    head[..n].copy_from_slice(&data[..n]);
    let content_type = detect_content_type(&head);
    (content_type != "application/x-gzip" && !head.starts_with(b"\x1f\x8b\x08")).then_some(content_type)
}

/// The common cases of Go's `http.DetectContentType`: well-known signatures, then text or
/// binary.
fn detect_content_type(head: &[u8]) -> &'static str {
    const EXACT: &[(&[u8], &str)] = &[
        (b"\x1f\x8b\x08", "application/x-gzip"),
        (b"PK\x03\x04", "application/zip"),
        (b"%PDF-", "application/pdf"),
        (b"%!PS-Adobe-", "application/postscript"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"BM", "image/bmp"),
        (b"Rar!\x1a\x07\x00", "application/x-rar-compressed"),
        (b"Rar!\x1a\x07\x01\x00", "application/x-rar-compressed"),
        (b"\x00asm", "application/wasm"),
        (b"\xfe\xff", "text/plain; charset=utf-16be"),
        (b"\xff\xfe", "text/plain; charset=utf-16le"),
        (b"\xef\xbb\xbf", "text/plain; charset=utf-8"),
    ];
    if let Some((_, kind)) = EXACT.iter().find(|(sig, _)| head.starts_with(sig)) {
        return kind;
    }
    let text = head.trim_ascii_start();
    if text.starts_with(b"<?xml") {
        return "text/xml; charset=utf-8";
    }
    const HTML: &[&[u8]] = &[
        b"<!DOCTYPE HTML",
        b"<HTML",
        b"<HEAD",
        b"<SCRIPT",
        b"<IFRAME",
        b"<H1",
        b"<DIV",
        b"<FONT",
        b"<TABLE",
        b"<A",
        b"<STYLE",
        b"<TITLE",
        b"<B",
        b"<BODY",
        b"<BR",
        b"<P",
        b"<!--",
    ];
    for tag in HTML {
        if text.len() > tag.len()
            && text[..tag.len()].eq_ignore_ascii_case(tag)
            && matches!(text[tag.len()], b' ' | b'>')
        {
            return "text/html; charset=utf-8";
        }
    }
    let binary = head.iter().any(|&b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F));
    if binary { "application/octet-stream" } else { "text/plain; charset=utf-8" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_relative_to_the_top_directory() {
        assert_eq!(entry_name("c/templates/a.yaml").unwrap(), "templates/a.yaml");
        assert_eq!(entry_name("c\\templates\\a.yaml").unwrap(), "templates/a.yaml");
        assert_eq!(entry_name("c/./x/../Chart.yaml").unwrap(), "Chart.yaml");
    }

    #[test]
    fn every_way_out_of_the_chart_is_refused() {
        assert_eq!(entry_name("c/../../etc/passwd"), Err(ArchiveError::ParentDirectory));
        assert_eq!(entry_name("c//etc/passwd"), Err(ArchiveError::AbsolutePath));
        assert_eq!(entry_name("Chart.yaml"), Err(ArchiveError::OutsideBase("Chart.yaml".into())));
        assert_eq!(entry_name("c"), Err(ArchiveError::OutsideBase("c".into())));
        assert_eq!(entry_name("c/c:/x"), Err(ArchiveError::DriveLetter));
        assert_eq!(entry_name("Chart.yaml/x"), Err(ArchiveError::ChartYamlNotInBase));
        assert_eq!(
            ArchiveError::OutsideBase("a\"b".into()).to_string(),
            "chart illegally contains content outside the base directory: \"a\\\"b\""
        );
    }

    #[test]
    fn clean_is_gos_path_clean() {
        for (given, want) in
            [("", "."), ("a/b/../c", "a/c"), ("../a", "../a"), ("a/../..", ".."), ("./a//b/", "a/b")]
        {
            assert_eq!(clean(given), want, "{given}");
        }
    }

    #[test]
    fn files_that_are_not_archives_are_named_like_go_names_them() {
        assert_eq!(
            ensure_archive("v.yaml", b"a: 1\n").unwrap_err(),
            "file 'v.yaml' seems to be a YAML file, but expected a gzipped archive"
        );
        assert_eq!(
            ensure_archive("x", b"PK\x03\x04rest").unwrap_err(),
            "file 'x' does not appear to be a gzipped archive; got 'application/zip'"
        );
        // A short text is zero-padded, hence binary, as in Go.
        assert!(ensure_archive("x", b"hello").unwrap_err().ends_with("got 'application/octet-stream'"));
        assert!(ensure_archive("x", &[b'a'; 600]).unwrap_err().ends_with("got 'text/plain; charset=utf-8'"));
        assert!(ensure_archive("x", b"\x1f\x8b\x08\x00").is_ok());
    }

    #[test]
    fn data_that_is_not_gzip_is_refused_like_go_refuses_it() {
        assert_eq!(load_archive_files(&b"short"[..]), Err(damaged_eof()));
        assert_eq!(load_archive_files(&b"not gzip at all"[..]), Err(ArchiveError::NotGzip));
    }
}
