//! Go's `time` package as templates see it: `time.Time` values with their zone, Go's
//! reference-time layouts (`2006-01-02T15:04:05Z07:00`) for formatting and parsing, and
//! `time.Duration`'s spelling and parsing (`1h30m`). Zones come from the IANA database
//! embedded in the `jiff` crate.

use std::sync::Arc;

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// Go's `time.Local`: the zone's rules, and the name its `Location.String` gives.
#[derive(Clone, Debug)]
pub(crate) struct LocalZone {
    /// The rules.
    pub tz: TimeZone,
    /// `Local` for the system's `/etc/localtime`, else the zone `TZ` names (`UTC` when
    /// none is found), as Go names it.
    pub name: Arc<str>,
}

impl LocalZone {
    /// The zone Go takes for `Local` from `TZ` and `/etc/localtime`, named as Go names it.
    pub(crate) fn system() -> LocalZone {
        let name = go_local_name(std::env::var("TZ").ok().as_deref());
        // Where Go finds no zone it takes UTC, even if the database would find one.
        let tz = if name == "UTC" { TimeZone::UTC } else { TimeZone::system() };
        LocalZone { tz, name: name.into() }
    }

    /// `Local` set to a zone named in the IANA database, or UTC (as `TZ=UTC` sets it).
    pub(crate) fn named(name: &str) -> Result<LocalZone, String> {
        if name == "UTC" || name.is_empty() {
            return Ok(LocalZone { tz: TimeZone::UTC, name: "UTC".into() });
        }
        let tz = TimeZone::get(name).map_err(|_| format!("unknown time zone {name:?}"))?;
        Ok(LocalZone { tz, name: name.into() })
    }
}

/// The name Go's `initLocal` gives `Local` for a value of `TZ` (None: unset).
fn go_local_name(tz: Option<&str>) -> String {
    let fallback = "UTC".to_string();
    let Some(tz) = tz else {
        return if std::path::Path::new("/etc/localtime").exists() { "Local".into() } else { fallback };
    };
    let tz = tz.strip_prefix(':').unwrap_or(tz);
    if tz.starts_with('/') {
        if !std::path::Path::new(tz).is_file() {
            return fallback;
        }
        return if tz == "/etc/localtime" { "Local".into() } else { tz.into() };
    }
    // Go reads the zone from a file of that name: the database's case-insensitive lookup
    // would find names Go does not.
    match TimeZone::get(tz) {
        Ok(zone) if tz != "UTC" && zone.iana_name() == Some(tz) => tz.into(),
        _ => fallback,
    }
}

/// Where a time is shown: Go's `*time.Location` of a `time.Time`.
#[derive(Clone, Debug)]
pub(crate) enum Loc {
    /// `time.UTC`.
    Utc,
    /// `time.Local`.
    Local(TimeZone),
    /// A zone loaded by name (`time.LoadLocation`).
    Named(String, TimeZone),
    /// `time.FixedZone(name, offset)`, which parsing creates for unknown offsets.
    Fixed(String, i32),
}

impl Loc {
    /// The UTC offset in seconds and the zone's abbreviation at an instant.
    pub(crate) fn at(&self, ts: Timestamp) -> (i32, String) {
        match self {
            Loc::Utc => (0, "UTC".into()),
            Loc::Local(tz) | Loc::Named(_, tz) => {
                let info = tz.to_offset_info(ts);
                (info.offset().seconds(), info.abbreviation().to_string())
            }
            Loc::Fixed(name, offset) => (*offset, name.clone()),
        }
    }

    /// Go's name of the location (`Local`, `UTC`, `Europe/Berlin`).
    #[cfg(test)]
    pub(crate) fn name(&self) -> &str {
        match self {
            Loc::Utc => "UTC",
            Loc::Local(_) => "Local",
            Loc::Named(name, _) | Loc::Fixed(name, _) => name,
        }
    }

    pub(crate) fn same(&self, other: &Loc) -> bool {
        match (self, other) {
            (Loc::Utc, Loc::Utc) | (Loc::Local(_), Loc::Local(_)) => true,
            (Loc::Named(a, _), Loc::Named(b, _)) => a == b,
            (Loc::Fixed(a, x), Loc::Fixed(b, y)) => a == b && x == y,
            _ => false,
        }
    }
}

/// A Go `time.Time`: an instant, its location, and the monotonic clock reading that
/// `time.Now` attaches (printed as `m=+0.000123456`).
#[derive(Clone, Debug)]
pub(crate) struct GoTime {
    /// The instant.
    pub ts: Timestamp,
    /// The location it is shown in.
    pub loc: Loc,
    /// Nanoseconds on the monotonic clock, for times from `now`.
    pub mono: Option<i64>,
}

/// The fields of a time in its location.
pub(crate) struct Civil {
    pub year: i64,
    pub month: usize,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub nanos: i64,
    pub weekday: usize,
    pub yday: i64,
    pub offset: i32,
    pub abbrev: String,
}

pub(crate) const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(crate) const LONG_DAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

impl GoTime {
    /// Go's zero `time.Time{}`: January 1 of year 1, UTC.
    pub(crate) fn zero() -> GoTime {
        GoTime { ts: "0001-01-01T00:00:00Z".parse().expect("a valid time"), loc: Loc::Utc, mono: None }
    }

    /// `time.Unix(secs, 0)` in `Local`; `None` beyond the years this crate can represent.
    pub(crate) fn unix(secs: i64, local: &TimeZone) -> Option<GoTime> {
        Some(GoTime { ts: Timestamp::from_second(secs).ok()?, loc: Loc::Local(local.clone()), mono: None })
    }

    /// The same instant in another location (Go's `In`, `UTC`, `Local`: they drop the
    /// monotonic reading).
    pub(crate) fn in_loc(&self, loc: Loc) -> GoTime {
        GoTime { ts: self.ts, loc, mono: None }
    }

    /// The calendar fields in the time's location.
    pub(crate) fn civil(&self) -> Civil {
        let (offset, abbrev) = self.loc.at(self.ts);
        let dt = Offset::from_seconds(offset).unwrap_or(Offset::UTC).to_datetime(self.ts);
        Civil {
            year: i64::from(dt.year()),
            month: dt.month() as usize,
            day: i64::from(dt.day()),
            hour: i64::from(dt.hour()),
            minute: i64::from(dt.minute()),
            second: i64::from(dt.second()),
            nanos: i64::from(dt.subsec_nanosecond()),
            weekday: dt.weekday().to_sunday_zero_offset() as usize,
            yday: i64::from(dt.day_of_year()),
            offset,
            abbrev,
        }
    }

    /// Go's `Time.Format`.
    pub(crate) fn format(&self, layout: &str) -> String {
        format(&self.civil(), layout)
    }

    /// Go's `Time.String`: `2006-01-02 15:04:05.999999999 -0700 MST`, then the monotonic
    /// reading if there is one.
    pub(crate) fn to_go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            s.push_str(&format!(" m={sign}{}.{:09}", m / 1_000_000_000, m % 1_000_000_000));
        }
        s
    }

    /// `encoding/json`'s spelling (RFC 3339 with nanoseconds).
    pub(crate) fn to_json_string(&self) -> String {
        self.format("2006-01-02T15:04:05.999999999Z07:00")
    }

    /// Go's `==`-like identity (`reflect.DeepEqual`).
    pub(crate) fn same(&self, other: &GoTime) -> bool {
        self.ts == other.ts && self.mono == other.mono && self.loc.same(&other.loc)
    }

    /// `Time.Add(d)`: keeps the location and shifts the monotonic reading too.
    pub(crate) fn add(&self, nanos: i64) -> Option<GoTime> {
        let ts = self.ts.checked_add(SignedDuration::from_nanos(nanos)).ok()?;
        Some(GoTime { ts, loc: self.loc.clone(), mono: self.mono.map(|m| m.wrapping_add(nanos)) })
    }

    /// Seconds since the Unix epoch.
    pub(crate) fn unix_seconds(&self) -> i64 {
        self.ts.as_second()
    }
}

// ---- layouts -----------------------------------------------------------------------------

/// One element of a Go layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// Fractional seconds with exactly `n` digits (`.000`), with its separator.
    Frac0(usize, u8),
    /// Fractional seconds with at most `n` digits, trailing zeros dropped (`.999`).
    Frac9(usize, u8),
}

/// Go's `nextStdChunk`: the literal text before the first layout element, the element, and
/// the rest of the layout.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let starts = |i: usize, s: &str| layout[i..].starts_with(s);
    let mut i = 0;
    while i < b.len() {
        let found: Option<(Std, usize)> = match b[i] {
            b'J' if starts(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if starts(i, "Jan") => Some((Std::Month, 3)),
            b'M' if starts(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if starts(i, "Mon") => Some((Std::WeekDay, 3)),
            b'M' if starts(i, "MST") => Some((Std::Tz, 3)),
            b'0' if i + 1 < b.len() && (b'1'..=b'6').contains(&b[i + 1]) => Some((
                [Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year]
                    [usize::from(b[i + 1] - b'1')],
                2,
            )),
            b'0' if starts(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if starts(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if starts(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if starts(i, "_2") => {
                if starts(i, "_2006") {
                    // A literal underscore before a long year.
                    return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                }
                Some((Std::UnderDay, 2))
            }
            b'_' if starts(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if starts(i, "PM") => Some((Std::PM, 2)),
            b'p' if starts(i, "pm") => Some((Std::Pm, 2)),
            b'-' if starts(i, "-070000") => Some((Std::NumSecondsTz, 7)),
            b'-' if starts(i, "-07:00:00") => Some((Std::NumColonSecondsTz, 9)),
            b'-' if starts(i, "-0700") => Some((Std::NumTz, 5)),
            b'-' if starts(i, "-07:00") => Some((Std::NumColonTz, 6)),
            b'-' if starts(i, "-07") => Some((Std::NumShortTz, 3)),
            b'Z' if starts(i, "Z070000") => Some((Std::Iso8601SecondsTz, 7)),
            b'Z' if starts(i, "Z07:00:00") => Some((Std::Iso8601ColonSecondsTz, 9)),
            b'Z' if starts(i, "Z0700") => Some((Std::Iso8601Tz, 5)),
            b'Z' if starts(i, "Z07:00") => Some((Std::Iso8601ColonTz, 6)),
            b'Z' if starts(i, "Z07") => Some((Std::Iso8601ShortTz, 3)),
            c @ (b'.' | b',') if i + 1 < b.len() && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    None
                } else {
                    let n = j - (i + 1);
                    let std = if ch == b'0' { Std::Frac0(n, c) } else { Std::Frac9(n, c) };
                    return (&layout[..i], Some(std), &layout[j..]);
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
        i += 1;
    }
    (layout, None, "")
}

/// Go's `appendInt`: `x` in decimal, zero-padded to `width` digits.
fn pad(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Go's `Time.Format` over the fields of a time.
fn format(c: &Civil, layout: &str) -> String {
    let mut out = String::new();
    let mut rest = layout;
    loop {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = suffix;
        match std {
            Std::Year => pad(&mut out, (c.year % 100).abs(), 2),
            Std::LongYear => pad(&mut out, c.year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[c.month - 1][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[c.month - 1]),
            Std::NumMonth => pad(&mut out, c.month as i64, 0),
            Std::ZeroMonth => pad(&mut out, c.month as i64, 2),
            Std::WeekDay => out.push_str(&LONG_DAYS[c.weekday][..3]),
            Std::LongWeekDay => out.push_str(LONG_DAYS[c.weekday]),
            Std::Day => pad(&mut out, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                pad(&mut out, c.day, 0);
            }
            Std::ZeroDay => pad(&mut out, c.day, 2),
            Std::UnderYearDay => {
                if c.yday < 100 {
                    out.push(' ');
                    if c.yday < 10 {
                        out.push(' ');
                    }
                }
                pad(&mut out, c.yday, 0);
            }
            Std::ZeroYearDay => pad(&mut out, c.yday, 3),
            Std::Hour => pad(&mut out, c.hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = match c.hour % 12 {
                    0 => 12,
                    h => h,
                };
                pad(&mut out, h, if std == Std::ZeroHour12 { 2 } else { 0 });
            }
            Std::Minute => pad(&mut out, c.minute, 0),
            Std::ZeroMinute => pad(&mut out, c.minute, 2),
            Std::Second => pad(&mut out, c.second, 0),
            Std::ZeroSecond => pad(&mut out, c.second, 2),
            Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::Iso8601Tz
            | Std::Iso8601ColonTz
            | Std::Iso8601SecondsTz
            | Std::Iso8601ShortTz
            | Std::Iso8601ColonSecondsTz
            | Std::NumTz
            | Std::NumColonTz
            | Std::NumSecondsTz
            | Std::NumShortTz
            | Std::NumColonSecondsTz => {
                let iso = matches!(
                    std,
                    Std::Iso8601Tz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonSecondsTz
                );
                if iso && c.offset == 0 {
                    out.push('Z');
                    continue;
                }
                let mut zone = c.offset / 60;
                let mut abs = c.offset;
                if zone < 0 {
                    out.push('-');
                    zone = -zone;
                    abs = -abs;
                } else {
                    out.push('+');
                }
                pad(&mut out, i64::from(zone / 60), 2);
                let colon = matches!(
                    std,
                    Std::Iso8601ColonTz
                        | Std::NumColonTz
                        | Std::Iso8601ColonSecondsTz
                        | Std::NumColonSecondsTz
                );
                if colon {
                    out.push(':');
                }
                if !matches!(std, Std::NumShortTz | Std::Iso8601ShortTz) {
                    pad(&mut out, i64::from(zone % 60), 2);
                }
                if matches!(
                    std,
                    Std::Iso8601SecondsTz
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTz
                        | Std::Iso8601ColonSecondsTz
                ) {
                    if matches!(std, Std::NumColonSecondsTz | Std::Iso8601ColonSecondsTz) {
                        out.push(':');
                    }
                    pad(&mut out, i64::from(abs % 60), 2);
                }
            }
            Std::Tz => {
                if !c.abbrev.is_empty() {
                    out.push_str(&c.abbrev);
                } else {
                    let mut zone = c.offset / 60;
                    if zone < 0 {
                        out.push('-');
                        zone = -zone;
                    } else {
                        out.push('+');
                    }
                    pad(&mut out, i64::from(zone / 60), 2);
                    pad(&mut out, i64::from(zone % 60), 2);
                }
            }
            Std::Frac0(n, sep) | Std::Frac9(n, sep) => {
                let digits = format!("{:09}", c.nanos);
                let mut frac = &digits[..n.min(9)];
                if matches!(std, Std::Frac9(..)) {
                    frac = frac.trim_end_matches('0');
                    if frac.is_empty() {
                        continue;
                    }
                }
                out.push(char::from(sep));
                out.push_str(frac);
            }
        }
    }
    out
}

/// Go's quoting in time errors: ASCII as is (with `"` and `\` escaped), other bytes as
/// `\x..`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        if ch.is_ascii() && !ch.is_ascii_control() {
            if ch == '"' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    out.push('"');
    out
}

/// A failed parse, with Go's `*time.ParseError` text.
fn parse_error(layout: &str, value: &str, layout_elem: &str, value_elem: &str, message: &str) -> String {
    if message.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            time_quote(value),
            time_quote(layout),
            time_quote(value_elem),
            time_quote(layout_elem)
        )
    } else {
        format!("parsing time {}{message}", time_quote(value))
    }
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return None;
    }
    if b.len() < 2 || !b[1].is_ascii_digit() {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'), &s[2..]))
}

/// Go's `getnum3`: one to three digits (exactly three when `fixed`).
fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < 3 && i < b.len() && b[i].is_ascii_digit() {
        n = n * 10 + i64::from(b[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

/// Go's `skip`: the literal layout text must appear in the value (runs of spaces match).
fn skip<'v>(mut value: &'v str, mut prefix: &str) -> Option<&'v str> {
    while !prefix.is_empty() {
        if prefix.as_bytes()[0] == b' ' {
            if !value.is_empty() && value.as_bytes()[0] != b' ' {
                return None;
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        let pc = prefix.chars().next()?;
        if !value.starts_with(pc) {
            return None;
        }
        prefix = &prefix[pc.len_utf8()..];
        value = &value[pc.len_utf8()..];
    }
    Some(value)
}

/// Go's `lookup`: a case-insensitive match of one of the names at the start of `value`.
fn lookup<'v>(names: &[&str], value: &'v str) -> Option<(usize, &'v str)> {
    for (i, name) in names.iter().enumerate() {
        if value.len() >= name.len() && value.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some((i, &value[name.len()..]));
        }
    }
    None
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `value`.
fn zone_name_len(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = value.strip_prefix("GMT") {
        return Some(3 + signed_offset_len(rest));
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = signed_offset_len(value);
        return (n > 0).then_some(n);
    }
    let upper = b.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Go's `parseSignedOffset`: `+hh` or `-hh` with hh at most 23.
fn signed_offset_len(value: &str) -> usize {
    let b = value.as_bytes();
    if b.is_empty() || (b[0] != b'+' && b[0] != b'-') {
        return 0;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return 0;
    }
    match value[1..1 + digits].parse::<i64>() {
        Ok(x) if x <= 23 => 1 + digits,
        _ => 0,
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days before the first of `month` in a common year.
fn days_before(month: i64) -> i64 {
    (1..month).map(|m| days_in(m, 1)).sum()
}

/// Go's `parseNanoseconds`: a separator and digits as nanoseconds.
fn parse_nanos(value: &str, nbytes: usize) -> Result<i64, ()> {
    let b = value.as_bytes();
    if b[0] != b'.' && b[0] != b',' {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let digits = &value[1..nbytes];
    let mut ns: i64 = digits.parse().map_err(|_| ())?;
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Ok(ns)
}

/// Go's `time.ParseInLocation`, with Go's error messages. Times without a zone are in
/// `default`; `local` is the zone Go calls `Local`, which parsing prefers for offsets
/// that match it.
pub(crate) fn parse(layout: &str, value: &str, default: &Loc, local: &TimeZone) -> Result<GoTime, String> {
    let (alayout, avalue) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut utc = false;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = String::new();
    let (mut pm_set, mut am_set) = (false, false);
    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let std_str = &layout[prefix.len()..layout.len() - suffix.len()];
        value = match skip(value, prefix) {
            Some(v) => v,
            None => return Err(parse_error(alayout, avalue, prefix, value, "")),
        };
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(parse_error(
                    alayout,
                    avalue,
                    "",
                    value,
                    &format!(": extra text: {}", time_quote(value)),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err = "";
        let mut bad = false;
        match std {
            Std::Year => {
                if value.len() < 2 {
                    bad = true;
                } else {
                    match value[..2].parse::<i64>() {
                        Ok(y) if value.as_bytes()[..2].iter().all(u8::is_ascii_digit) => {
                            year = if y >= 69 { y + 1900 } else { y + 2000 };
                            value = &value[2..];
                        }
                        _ => bad = true,
                    }
                }
            }
            Std::LongYear => {
                if value.len() < 4 || !value.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
                    bad = true;
                } else {
                    year = value[..4].parse().unwrap_or(0);
                    value = &value[4..];
                }
            }
            Std::Month | Std::LongMonth => {
                let names: Vec<&str> = if std == Std::Month {
                    LONG_MONTHS.iter().map(|m| &m[..3]).collect()
                } else {
                    LONG_MONTHS.to_vec()
                };
                match lookup(&names, value) {
                    Some((i, rest)) => {
                        month = i as i64 + 1;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Std::NumMonth | Std::ZeroMonth => match getnum(value, std == Std::ZeroMonth) {
                Some((m, rest)) => {
                    month = m;
                    value = rest;
                    if !(1..=12).contains(&m) {
                        range_err = "month";
                    }
                }
                None => bad = true,
            },
            Std::WeekDay | Std::LongWeekDay => {
                let names: Vec<&str> = if std == Std::WeekDay {
                    LONG_DAYS.iter().map(|d| &d[..3]).collect()
                } else {
                    LONG_DAYS.to_vec()
                };
                match lookup(&names, value) {
                    Some((_, rest)) => value = rest,
                    None => bad = true,
                }
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.starts_with(' ') {
                    value = &value[1..];
                }
                match getnum(value, std == Std::ZeroDay) {
                    Some((d, rest)) => {
                        day = d;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                }
                match getnum3(value, std == Std::ZeroYearDay) {
                    Some((d, rest)) => {
                        yday = d;
                        value = rest;
                    }
                    None => bad = true,
                }
            }
            Std::Hour => match getnum(value, false) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => bad = true,
            },
            Std::Hour12 | Std::ZeroHour12 => match getnum(value, std == Std::ZeroHour12) {
                Some((h, rest)) => {
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&h) {
                        range_err = "hour";
                    }
                }
                None => bad = true,
            },
            Std::Minute | Std::ZeroMinute => match getnum(value, std == Std::ZeroMinute) {
                Some((m, rest)) => {
                    min = m;
                    value = rest;
                    if !(0..60).contains(&m) {
                        range_err = "minute";
                    }
                }
                None => bad = true,
            },
            Std::Second | Std::ZeroSecond => match getnum(value, std == Std::ZeroSecond) {
                Some((s, rest)) => {
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&s) {
                        range_err = "second";
                    } else {
                        // A fraction in the value that the layout does not mention.
                        let b = value.as_bytes();
                        if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
                            let (_, next, _) = next_chunk(layout);
                            if !matches!(next, Some(Std::Frac0(..) | Std::Frac9(..))) {
                                let n = 2 + b[2..].iter().take_while(|c| c.is_ascii_digit()).count();
                                match parse_nanos(value, n) {
                                    Ok(ns) => nsec = ns,
                                    Err(()) => bad = true,
                                }
                                value = &value[n..];
                            }
                        }
                    }
                }
                None => bad = true,
            },
            Std::PM | Std::Pm => {
                let (p, a) = if std == Std::PM { ("PM", "AM") } else { ("pm", "am") };
                if value.len() < 2 {
                    bad = true;
                } else if value.starts_with(p) {
                    pm_set = true;
                    value = &value[2..];
                } else if value.starts_with(a) {
                    am_set = true;
                    value = &value[2..];
                } else {
                    bad = true;
                }
            }
            Std::Iso8601Tz
            | Std::Iso8601ShortTz
            | Std::Iso8601ColonTz
            | Std::Iso8601SecondsTz
            | Std::Iso8601ColonSecondsTz
            | Std::NumTz
            | Std::NumShortTz
            | Std::NumColonTz
            | Std::NumSecondsTz
            | Std::NumColonSecondsTz => {
                let iso = matches!(
                    std,
                    Std::Iso8601Tz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ColonSecondsTz
                );
                if iso && value.starts_with('Z') {
                    value = &value[1..];
                    utc = true;
                } else {
                    match parse_offset(std, value) {
                        Some((offset, rest, err)) => {
                            zone_offset = Some(offset);
                            value = rest;
                            range_err = err;
                        }
                        None => bad = true,
                    }
                }
            }
            Std::Tz => {
                if value.starts_with("UTC") {
                    utc = true;
                    value = &value[3..];
                } else {
                    match zone_name_len(value) {
                        Some(n) if n <= value.len() => {
                            zone_name = value[..n].to_string();
                            value = &value[n..];
                        }
                        _ => bad = true,
                    }
                }
            }
            Std::Frac0(n, _) => {
                let ndigit = 1 + n;
                if value.len() < ndigit {
                    bad = true;
                } else {
                    match parse_nanos(value, ndigit) {
                        Ok(ns) => nsec = ns,
                        Err(()) => bad = true,
                    }
                    value = &value[ndigit..];
                }
            }
            Std::Frac9(..) => {
                let b = value.as_bytes();
                if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
                    let i = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    match parse_nanos(value, 1 + i) {
                        Ok(ns) => nsec = ns,
                        Err(()) => bad = true,
                    }
                    value = &value[1 + i..];
                }
            }
        }
        if !range_err.is_empty() {
            return Err(parse_error(alayout, avalue, std_str, value, &format!(": {range_err} out of range")));
        }
        if bad {
            return Err(parse_error(alayout, avalue, std_str, hold, ""));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (mut m, mut d) = (0, 0);
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(alayout, avalue, "", value, ": day-of-year out of range"));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if days_before(m + 1) < yday {
                m += 1;
            }
            d = yday - days_before(m);
        }
        if month >= 0 && month != m {
            return Err(parse_error(alayout, avalue, "", value, ": day-of-year does not match month"));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(alayout, avalue, "", value, ": day-of-year does not match day"));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(alayout, avalue, "", value, ": day out of range"));
    }
    let civil = jiff::civil::DateTime::new(
        year as i16,
        month as i8,
        day as i8,
        hour as i8,
        min as i8,
        sec as i8,
        nsec as i32,
    )
    .map_err(|e| parse_error(alayout, avalue, "", value, &format!(": {e}")))?;
    let out_of_range = |e: jiff::Error| parse_error(alayout, avalue, "", value, &format!(": {e}"));
    let utc_ts = |dt: jiff::civil::DateTime| dt.to_zoned(TimeZone::UTC).map(|z| z.timestamp());
    if utc {
        return Ok(GoTime { ts: utc_ts(civil).map_err(out_of_range)?, loc: Loc::Utc, mono: None });
    }
    if let Some(offset) = zone_offset {
        let ts = utc_ts(civil)
            .and_then(|t| t.checked_sub(SignedDuration::from_secs(i64::from(offset))))
            .map_err(out_of_range)?;
        let info = local.to_offset_info(ts);
        if info.offset().seconds() == offset && (zone_name.is_empty() || info.abbreviation() == zone_name) {
            return Ok(GoTime { ts, loc: Loc::Local(local.clone()), mono: None });
        }
        return Ok(GoTime { ts, loc: Loc::Fixed(zone_name, offset), mono: None });
    }
    if !zone_name.is_empty() {
        let ts = utc_ts(civil).map_err(out_of_range)?;
        // A zone abbreviation that the local zone uses at about that time.
        for guess in [ts, ts.checked_sub(SignedDuration::from_hours(12)).unwrap_or(ts)] {
            let info = local.to_offset_info(guess);
            if info.abbreviation() == zone_name {
                let offset = info.offset().seconds();
                let ts =
                    ts.checked_sub(SignedDuration::from_secs(i64::from(offset))).map_err(out_of_range)?;
                return Ok(GoTime { ts, loc: Loc::Local(local.clone()), mono: None });
            }
        }
        let mut offset = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = zone_name[3..].parse::<i32>().unwrap_or(0) * 3600;
        }
        let ts = ts.checked_sub(SignedDuration::from_secs(i64::from(offset))).map_err(out_of_range)?;
        return Ok(GoTime { ts, loc: Loc::Fixed(zone_name, offset), mono: None });
    }
    let ts = match default {
        Loc::Utc => utc_ts(civil).map_err(out_of_range)?,
        Loc::Local(tz) | Loc::Named(_, tz) => {
            tz.to_ambiguous_zoned(civil).compatible().map_err(out_of_range)?.timestamp()
        }
        Loc::Fixed(_, offset) => utc_ts(civil)
            .and_then(|t| t.checked_sub(SignedDuration::from_secs(i64::from(*offset))))
            .map_err(out_of_range)?,
    };
    Ok(GoTime { ts, loc: default.clone(), mono: None })
}

/// A numeric zone offset at the start of `value`: (offset in seconds, rest, range error).
fn parse_offset(std: Std, value: &str) -> Option<(i32, &str, &'static str)> {
    let b = value.as_bytes();
    let (sign, hh, mm, ss, rest) = match std {
        Std::Iso8601ColonTz | Std::NumColonTz => {
            if b.len() < 6 || b[3] != b':' {
                return None;
            }
            (b[0], &value[1..3], &value[4..6], "00", &value[6..])
        }
        Std::NumShortTz | Std::Iso8601ShortTz => {
            if b.len() < 3 {
                return None;
            }
            (b[0], &value[1..3], "00", "00", &value[3..])
        }
        Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz => {
            if b.len() < 9 || b[3] != b':' || b[6] != b':' {
                return None;
            }
            (b[0], &value[1..3], &value[4..6], &value[7..9], &value[9..])
        }
        Std::Iso8601SecondsTz | Std::NumSecondsTz => {
            if b.len() < 7 {
                return None;
            }
            (b[0], &value[1..3], &value[3..5], &value[5..7], &value[7..])
        }
        _ => {
            if b.len() < 5 {
                return None;
            }
            (b[0], &value[1..3], &value[3..5], "00", &value[5..])
        }
    };
    let (h, _) = getnum(hh, true)?;
    let (m, _) = getnum(mm, true)?;
    let (s, _) = getnum(ss, true)?;
    let mut err = "";
    if h > 24 {
        err = "time zone offset hour";
    }
    if m > 60 {
        err = "time zone offset minute";
    }
    if s > 60 {
        err = "time zone offset second";
    }
    let mut offset = ((h * 60 + m) * 60 + s) as i32;
    match sign {
        b'+' => {}
        b'-' => offset = -offset,
        _ => return None,
    }
    Some((offset, rest, err))
}

// ---- durations ---------------------------------------------------------------------------

/// Go's `Duration.String`: `1h2m3.5s`, `1.5µs`, `0s`.
pub(crate) fn duration_string(d: i64) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // Below a second: one unit with a fraction.
        let (unit, scale) = match u {
            0..1_000 => ("ns", 1u64),
            1_000..1_000_000 => ("µs", 1_000),
            _ => ("ms", 1_000_000),
        };
        out.push_str(&fraction(u, scale));
        out.push_str(unit);
    } else {
        let secs = u / 1_000_000_000;
        let frac = u % 1_000_000_000;
        let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&fraction(s * 1_000_000_000 + frac, 1_000_000_000));
        out.push('s');
    }
    if neg { format!("-{out}") } else { out }
}

/// `v / scale` with the remainder as a decimal fraction without trailing zeros.
fn fraction(v: u64, scale: u64) -> String {
    let whole = v / scale;
    let rem = v % scale;
    if rem == 0 {
        return whole.to_string();
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{rem:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// Go's `time.ParseDuration`, with its error messages: the duration in nanoseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", crate::strconv::quote(text));
    let mut s = text;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let pre = int_len > 0;
        let mut v: u64 = 0;
        for c in &b[..int_len] {
            v = v.checked_mul(10).and_then(|v| v.checked_add(u64::from(c - b'0'))).ok_or_else(invalid)?;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        s = &s[int_len..];
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            s = rest;
            let frac_len = s.bytes().take_while(u8::is_ascii_digit).count();
            post = frac_len > 0;
            let mut overflow = false;
            for c in s[..frac_len].bytes() {
                if overflow {
                    continue;
                }
                if f > (1 << 63) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > 1 << 63 {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            s = &s[frac_len..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s.bytes().take_while(|c| *c != b'.' && !c.is_ascii_digit()).count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", crate::strconv::quote(text)));
        }
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let mult: u64 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    crate::strconv::quote(unit),
                    crate::strconv::quote(text)
                ));
            }
        };
        if v > (1 << 63) / mult {
            return Err(invalid());
        }
        v *= mult;
        if f > 0 {
            v += (f as f64 * (mult as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        total = total.checked_add(v).ok_or_else(invalid)?;
        if total > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    if total > (1 << 63) - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

/// Go's `Duration.Round(time.Second)` for `ago`.
pub(crate) fn round_to_second(d: i64) -> i64 {
    let m = 1_000_000_000i64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if r + r < m {
            return d + r;
        }
        if let Some(d1) = d.checked_sub(m).map(|x| x + r) {
            return d1;
        }
        return i64::MIN;
    }
    if r + r < m {
        return d - r;
    }
    if let Some(d1) = d.checked_add(m).map(|x| x - r) {
        return d1;
    }
    i64::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_is_named_as_go_names_it() {
        assert_eq!(go_local_name(Some("Europe/Berlin")), "Europe/Berlin");
        assert_eq!(go_local_name(Some(":Europe/Berlin")), "Europe/Berlin");
        // Go looks the name up as a file: a name in another case is not found.
        assert_eq!(go_local_name(Some("europe/berlin")), "UTC");
        assert_eq!(go_local_name(Some("UTC")), "UTC");
        assert_eq!(go_local_name(Some("")), "UTC");
        assert_eq!(go_local_name(Some("/nowhere/zone")), "UTC");
        assert_eq!(LocalZone::named("Asia/Tokyo").unwrap().name.as_ref(), "Asia/Tokyo");
        assert_eq!(LocalZone::named("").unwrap().name.as_ref(), "UTC");
    }

    fn t(text: &str) -> GoTime {
        GoTime { ts: text.parse().unwrap(), loc: Loc::Utc, mono: None }
    }

    #[test]
    fn formats_like_go() {
        let x = t("2009-11-10T23:04:05.012Z");
        assert_eq!(x.format("2006-01-02T15:04:05Z07:00"), "2009-11-10T23:04:05Z");
        assert_eq!(x.format("Mon Jan _2 15:04:05 MST 2006"), "Tue Nov 10 23:04:05 UTC 2009");
        assert_eq!(x.format("3:4:5 PM .000 .999 ,9"), "11:4:5 PM .012 .012 ");
        assert_eq!(x.format("06 1 2 __2 002 -07:00"), "09 11 10 314 314 +00:00");
        assert_eq!(x.to_go_string(), "2009-11-10 23:04:05.012 +0000 UTC");
        assert_eq!(GoTime::zero().to_go_string(), "0001-01-01 00:00:00 +0000 UTC");
        let berlin = x.in_loc(Loc::Named("Europe/Berlin".into(), TimeZone::get("Europe/Berlin").unwrap()));
        assert_eq!(berlin.format("2006-01-02 15:04 MST -0700"), "2009-11-11 00:04 CET +0100");
    }

    #[test]
    fn parses_like_go() {
        let p = |l: &str, v: &str| parse(l, v, &Loc::Utc, &TimeZone::UTC);
        assert_eq!(p("2006-01-02", "2024-02-29").unwrap().to_go_string(), "2024-02-29 00:00:00 +0000 UTC");
        assert_eq!(
            p("2006-01-02T15:04:05Z07:00", "2024-02-29T10:11:12+02:00").unwrap().to_go_string(),
            "2024-02-29 10:11:12 +0200 +0200"
        );
        assert_eq!(
            p("2006-01-02", "2024-13-01").unwrap_err(),
            r#"parsing time "2024-13-01": month out of range"#
        );
        assert_eq!(
            p("2006-01-02", "x").unwrap_err(),
            r#"parsing time "x" as "2006-01-02": cannot parse "x" as "2006""#
        );
        assert_eq!(
            p("2006-01-02", "2023-02-29").unwrap_err(),
            r#"parsing time "2023-02-29": day out of range"#
        );
        assert_eq!(p("2006", "2024 x").unwrap_err(), r#"parsing time "2024 x": extra text: " x""#);
        assert_eq!(p("15:04:05", "10:11:12.5").unwrap().to_go_string(), "0000-01-01 10:11:12.5 +0000 UTC");
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(90 * 1_000_000_000), "1m30s");
        assert_eq!(duration_string(3_600_000_000_000 + 500_000_000), "1h0m0.5s");
        assert_eq!(duration_string(1500), "1.5µs");
        assert_eq!(duration_string(-2_000_000), "-2ms");
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-1.5h").unwrap(), -5_400_000_000_000);
        assert_eq!(parse_duration("300ms").unwrap(), 300_000_000);
        assert_eq!(parse_duration("x").unwrap_err(), r#"time: invalid duration "x""#);
        assert_eq!(parse_duration("3").unwrap_err(), r#"time: missing unit in duration "3""#);
        assert_eq!(parse_duration("3x").unwrap_err(), r#"time: unknown unit "x" in duration "3x""#);
        assert_eq!(round_to_second(1_500_000_000), 2_000_000_000);
        assert_eq!(round_to_second(-1_400_000_000), -1_000_000_000);
    }
}
