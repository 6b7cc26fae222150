//! Sprig's date functions (`now`, `date`, `dateInZone`, `dateModify`, `toDate`, `ago`,
//! `duration`, ...) and the `time.Time` values they pass around, with the methods templates
//! call on them (`.Year`, `.Format`, `.Unix`, ...).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use jiff::tz::TimeZone;

use super::env::FuncEnv;
use super::gotime::{
    GoTime, LONG_DAYS, LONG_MONTHS, Loc, LocalZone, duration_string, parse, parse_duration, round_to_second,
};
use crate::template::error::GoError;
use crate::template::exec::CallCtx;
use crate::template::funcs::{FuncTable, arg, arg_int, arg_str};
use crate::template::sig::{DURATION, LOCATION, Sig, Ty};
use crate::template::value::{GoObject, Val, YamlView};

/// Go's name of the time type.
pub(crate) const TIME: &str = "time.Time";
const TIME_TY: Ty = Ty::Named(TIME);

pub(crate) fn register(t: &mut FuncTable) {
    t.add("now", Sig::fixed(&[]), |c, _| {
        let env = FuncEnv::of(c);
        let now = GoTime { ts: env.now(), loc: Loc::Local(env.local().clone()), mono: env.monotonic() };
        Ok(time_val(now, env))
    });
    t.add("date", Sig::fixed(&[Ty::Str, Ty::Any]), |c, a| {
        date_in_zone(c, arg_str(a, 0), &arg(a, 1), "Local")
    });
    t.add("htmlDate", Sig::fixed(&[Ty::Any]), |c, a| date_in_zone(c, "2006-01-02", &arg(a, 0), "Local"));
    t.add("htmlDateInZone", Sig::fixed(&[Ty::Any, Ty::Str]), |c, a| {
        date_in_zone(c, "2006-01-02", &arg(a, 0), arg_str(a, 1))
    });
    for name in ["dateInZone", "date_in_zone"] {
        t.add(name, Sig::fixed(&[Ty::Str, Ty::Any, Ty::Str]), |c, a| {
            date_in_zone(c, arg_str(a, 0), &arg(a, 1), arg_str(a, 2))
        });
    }
    for name in ["dateModify", "date_modify"] {
        t.add(name, Sig::fixed(&[Ty::Str, TIME_TY]), |c, a| {
            let t = time_arg(&arg(a, 1));
            Ok(match parse_duration(arg_str(a, 0)) {
                Ok(d) => time_val(add_or_keep(&t, d), FuncEnv::of(c)),
                Err(_) => arg(a, 1),
            })
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        t.add(name, Sig::fixed(&[Ty::Str, TIME_TY]), |c, a| {
            let t = time_arg(&arg(a, 1));
            let d = parse_duration(arg_str(a, 0)).map_err(GoError::msg)?;
            Ok(time_val(add_or_keep(&t, d), FuncEnv::of(c)))
        });
    }
    t.add("ago", Sig::fixed(&[Ty::Any]), |c, a| {
        let env = FuncEnv::of(c);
        let t = match given_time(&arg(a, 0), env, false) {
            Some(t) => t,
            None => return Ok(Val::str("0s")),
        };
        Ok(Val::str(duration_string(round_to_second(since(env, &t)))))
    });
    t.add("duration", Sig::fixed(&[Ty::Any]), |_, a| {
        let secs = match arg(a, 0) {
            Val::Str(s) => s.parse::<i64>().unwrap_or(0),
            Val::Int64(n) => n,
            _ => 0,
        };
        Ok(Val::str(duration_string(secs.wrapping_mul(1_000_000_000))))
    });
    t.add("durationRound", Sig::fixed(&[Ty::Any]), |c, a| {
        let d = match arg(a, 0) {
            Val::Str(s) => parse_duration(&s).unwrap_or(0),
            Val::Int64(n) => n,
            Val::Obj(o) => match o.downcast_ref::<TimeObj>() {
                Some(t) => since(FuncEnv::of(c), &t.time),
                None => 0,
            },
            _ => 0,
        };
        Ok(Val::str(duration_round(d)))
    });
    t.add("toDate", Sig::fixed(&[Ty::Str, Ty::Str]), |c, a| {
        let env = FuncEnv::of(c);
        let local = env.local();
        let t = parse(arg_str(a, 0), arg_str(a, 1), &Loc::Local(local.clone()), local)
            .unwrap_or_else(|_| GoTime::zero());
        Ok(time_val(t, env))
    });
    t.add("mustToDate", Sig::fixed(&[Ty::Str, Ty::Str]), |c, a| {
        let env = FuncEnv::of(c);
        let local = env.local();
        let t =
            parse(arg_str(a, 0), arg_str(a, 1), &Loc::Local(local.clone()), local).map_err(GoError::msg)?;
        Ok(time_val(t, env))
    });
    t.add("unixEpoch", Sig::fixed(&[TIME_TY]), |_, a| {
        Ok(Val::str(time_arg(&arg(a, 0)).unix_seconds().to_string()))
    });
}

/// A `time.Time` value for templates.
fn time_val(time: GoTime, env: &FuncEnv) -> Val {
    Val::Obj(Rc::new(TimeObj { time, local: env.local_zone().clone() }))
}

/// The time inside a checked `time.Time` argument.
fn time_arg(v: &Val) -> GoTime {
    match v {
        Val::Obj(o) => o.downcast_ref::<TimeObj>().map(|t| t.time.clone()).unwrap_or_else(GoTime::zero),
        _ => GoTime::zero(),
    }
}

/// `t.Add(d)`, or `t` itself beyond the representable years.
fn add_or_keep(t: &GoTime, d: i64) -> GoTime {
    t.add(d).unwrap_or_else(|| t.clone())
}

/// The time Sprig's `date` family takes: a `time.Time`, or seconds since the epoch as an
/// `int` or `int64`; anything else means now (`with_now`) or nothing.
fn given_time(v: &Val, env: &FuncEnv, with_now: bool) -> Option<GoTime> {
    match v {
        Val::Obj(o) => match o.downcast_ref::<TimeObj>() {
            Some(t) => Some(t.time.clone()),
            None => with_now.then(|| now(env)),
        },
        Val::Int(n) | Val::Int64(n) => GoTime::unix(*n, env.local()).or_else(|| with_now.then(|| now(env))),
        _ => with_now.then(|| now(env)),
    }
}

fn now(env: &FuncEnv) -> GoTime {
    GoTime { ts: env.now(), loc: Loc::Local(env.local().clone()), mono: env.monotonic() }
}

/// `time.Since(t)` in nanoseconds (saturating).
fn since(env: &FuncEnv, t: &GoTime) -> i64 {
    nanos_between(env.now(), t.ts)
}

/// Go's `a.Sub(b)`: nanoseconds, saturating at the ends of a `time.Duration`.
fn nanos_between(a: jiff::Timestamp, b: jiff::Timestamp) -> i64 {
    let d = a.duration_since(b);
    i64::try_from(d.as_nanos()).unwrap_or(if d.is_negative() { i64::MIN } else { i64::MAX })
}

/// Go's `time.LoadLocation`, falling back to UTC as Sprig does when the zone is unknown.
pub(crate) fn load_location(name: &str, local: &TimeZone) -> Loc {
    match name {
        "" | "UTC" => Loc::Utc,
        "Local" => Loc::Local(local.clone()),
        _ if name.contains("..") || name.starts_with('/') || name.starts_with('\\') => Loc::Utc,
        _ => match TimeZone::get(name) {
            // The database is case-insensitive; Go's file lookup is not.
            Ok(tz) if tz.iana_name() == Some(name) => Loc::Named(name.to_string(), tz),
            _ => Loc::Utc,
        },
    }
}

fn date_in_zone(ctx: &CallCtx<'_>, layout: &str, date: &Val, zone: &str) -> Result<Val, GoError> {
    let env = FuncEnv::of(ctx);
    let t = given_time(date, env, true).unwrap_or_else(|| now(env));
    let loc = load_location(zone, env.local());
    Ok(Val::str(t.in_loc(loc).format(layout)))
}

/// Sprig's `durationRound`: the largest whole unit, from years (365 days) down to seconds.
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    let second = 1_000_000_000u64;
    let (minute, hour) = (60 * second, 3600 * second);
    let day = 24 * hour;
    let (month, year) = (30 * day, 365 * day);
    for (unit, suffix) in [(year, "y"), (month, "mo"), (day, "d"), (hour, "h"), (minute, "m"), (second, "s")]
    {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".into()
}

/// A `time.Time` as templates hold it, with the zone Go calls `Local` for its `.Local`
/// method.
#[derive(Debug)]
pub(crate) struct TimeObj {
    /// The time.
    pub time: GoTime,
    local: LocalZone,
}

impl TimeObj {
    /// A time whose `.Local` method shows it in `local`.
    pub(crate) fn new(time: GoTime, local: LocalZone) -> TimeObj {
        TimeObj { time, local }
    }

    fn with(&self, time: GoTime) -> Val {
        Val::Obj(Rc::new(TimeObj { time, local: self.local.clone() }))
    }
}

/// An integer-based Go type that prints as a name (`time.Month`, `time.Weekday`).
#[derive(Debug)]
struct NamedNumber {
    type_name: &'static str,
    value: i64,
    name: &'static str,
}

impl GoObject for NamedNumber {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn kind_name(&self) -> &'static str {
        "int"
    }

    fn truth(&self) -> bool {
        self.value != 0
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other
            .downcast_ref::<NamedNumber>()
            .is_some_and(|o| o.type_name == self.type_name && o.value == self.value)
    }

    fn to_json_val(&self) -> Val {
        Val::Int(self.value)
    }

    fn yaml_view(&self) -> YamlView {
        YamlView::As(Val::Int(self.value))
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        (name == "String").then_some(Sig::fixed(&[]))
    }

    fn call_method(&self, _name: &str, _args: &[Val]) -> Result<Val, String> {
        Ok(Val::str(self.name))
    }

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        self.name.to_string()
    }
}

/// A `time.Duration` (what `.Sub` returns), printed as Go spells durations.
#[derive(Debug)]
struct Duration(i64);

impl GoObject for Duration {
    fn type_name(&self) -> &'static str {
        DURATION
    }

    fn kind_name(&self) -> &'static str {
        "int64"
    }

    fn truth(&self) -> bool {
        self.0 != 0
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<Duration>().is_some_and(|o| o.0 == self.0)
    }

    fn to_json_val(&self) -> Val {
        Val::Int64(self.0)
    }

    fn yaml_view(&self) -> YamlView {
        // go-yaml writes a duration as its `String`.
        YamlView::As(Val::str(duration_string(self.0)))
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        Some(match name {
            "Round" | "Truncate" => Sig::fixed(&[Ty::Duration]),
            "Abs" | "Hours" | "Minutes" | "Seconds" | "Milliseconds" | "Microseconds" | "Nanoseconds"
            | "String" => Sig::fixed(&[]),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let d = self.0;
        // Go divides the whole units and the rest separately, which rounds differently from
        // one division.
        let split = |unit: i64| (d / unit) as f64 + (d % unit) as f64 / unit as f64;
        Ok(match name {
            "Hours" => Val::Float(split(3_600_000_000_000)),
            "Minutes" => Val::Float(split(60_000_000_000)),
            "Seconds" => Val::Float(split(1_000_000_000)),
            "Milliseconds" => Val::Int64(d / 1_000_000),
            "Microseconds" => Val::Int64(d / 1_000),
            "Nanoseconds" => Val::Int64(d),
            // The smallest duration has no positive counterpart; Go gives the largest.
            "Abs" => duration_val(if d == i64::MIN { i64::MAX } else { d.abs() }),
            "Round" => duration_val(round_duration(d, duration_arg(args))),
            "Truncate" => {
                let m = duration_arg(args);
                duration_val(if m <= 0 { d } else { d - d % m })
            }
            _ => Val::str(duration_string(d)),
        })
    }

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        duration_string(self.0)
    }
}

impl GoObject for TimeObj {
    fn type_name(&self) -> &'static str {
        TIME
    }

    fn kind_name(&self) -> &'static str {
        "struct"
    }

    fn truth(&self) -> bool {
        true
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<TimeObj>().is_some_and(|o| o.time.same(&self.time))
    }

    fn to_json_val(&self) -> Val {
        Val::str(self.time.to_json_string())
    }

    fn yaml_view(&self) -> YamlView {
        YamlView::Time(self.time.format("2006-01-02T15:04:05.999999999Z07:00"))
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        Some(match name {
            "Format" => Sig::fixed(&[Ty::Str]),
            "AddDate" => Sig::fixed(&[Ty::Int, Ty::Int, Ty::Int]),
            "Before" | "After" | "Equal" | "Sub" | "Compare" => Sig::fixed(&[TIME_TY]),
            "Add" | "Round" | "Truncate" => Sig::fixed(&[Ty::Duration]),
            "In" => Sig::fixed(&[Ty::Location]),
            "AppendFormat" => Sig::fixed(&[Ty::Bytes, Ty::Str]),
            "AppendText" | "AppendBinary" => Sig::fixed(&[Ty::Bytes]),
            "Year" | "Month" | "Day" | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay"
            | "Weekday" | "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" | "UTC" | "Local" | "IsZero"
            | "String" | "GoString" | "Location" | "IsDST" | "MarshalJSON" | "MarshalText"
            | "MarshalBinary" | "GobEncode" => Sig::fixed(&[]),
            // Go finds these but templates cannot call them (their results).
            "Clock" => Sig::unusable(&[], "function Clock has 3 return values; should be 1 or 2"),
            "Date" => Sig::unusable(&[], "function Date has 3 return values; should be 1 or 2"),
            "ISOWeek" => Sig::unusable(
                &[],
                "invalid function signature for ISOWeek: second return value should be error; is int",
            ),
            "Zone" => Sig::unusable(
                &[],
                "invalid function signature for Zone: second return value should be error; is int",
            ),
            "ZoneBounds" => Sig::unusable(
                &[],
                "invalid function signature for ZoneBounds: second return value should be error; is time.Time",
            ),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let t = &self.time;
        let c = t.civil();
        let nanos = t.ts.as_nanosecond();
        let other = || time_arg(&arg(args, 0));
        let out_of_range = || "the date is out of range for helm-engine".to_string();
        Ok(match name {
            "Format" => Val::str(t.format(arg_str(args, 0))),
            "Year" => Val::Int(c.year),
            "Month" => Val::Obj(Rc::new(NamedNumber {
                type_name: "time.Month",
                value: c.month as i64,
                name: LONG_MONTHS[c.month - 1],
            })),
            "Day" => Val::Int(c.day),
            "Hour" => Val::Int(c.hour),
            "Minute" => Val::Int(c.minute),
            "Second" => Val::Int(c.second),
            "Nanosecond" => Val::Int(c.nanos),
            "YearDay" => Val::Int(c.yday),
            "Weekday" => Val::Obj(Rc::new(NamedNumber {
                type_name: "time.Weekday",
                value: c.weekday as i64,
                name: LONG_DAYS[c.weekday],
            })),
            "Unix" => Val::Int64(t.unix_seconds()),
            "UnixMilli" => Val::Int64((nanos / 1_000_000) as i64),
            "UnixMicro" => Val::Int64((nanos / 1_000) as i64),
            "UnixNano" => Val::Int64(nanos as i64),
            "UTC" => self.with(t.in_loc(Loc::Utc)),
            "Local" => self.with(t.in_loc(Loc::Local(self.local.tz.clone()))),
            "IsZero" => Val::Bool(t.ts == GoTime::zero().ts),
            "String" => Val::str(t.to_go_string()),
            "GoString" => Val::str(go_string(t)),
            "Before" => Val::Bool(t.ts < other().ts),
            "After" => Val::Bool(t.ts > other().ts),
            "Equal" => Val::Bool(t.ts == other().ts),
            "Compare" => Val::Int(t.ts.cmp(&other().ts) as i64),
            "Sub" => duration_val(nanos_between(t.ts, other().ts)),
            "AddDate" => {
                let moved = add_date(t, arg_int(args, 0), arg_int(args, 1), arg_int(args, 2))
                    .ok_or_else(out_of_range)?;
                self.with(moved)
            }
            "Add" => self.with(t.add(duration_arg(args)).ok_or_else(out_of_range)?),
            "Round" | "Truncate" => {
                let d = duration_arg(args);
                let unmarked = GoTime { mono: None, ..t.clone() };
                if d <= 0 {
                    return Ok(self.with(unmarked));
                }
                // Go counts multiples of d from its zero time (January 1 of year 1), not from
                // the Unix epoch: the two differ for durations that do not divide a day.
                let r = i64::try_from((nanos + ZERO_TIME_UNIX_NANOS).rem_euclid(i128::from(d)))
                    .expect("a remainder below an i64 duration");
                let down = name == "Truncate" || (r as u64) + (r as u64) < d as u64;
                let step = if down { -r } else { d - r };
                self.with(unmarked.add(step).ok_or_else(out_of_range)?)
            }
            "In" => match &arg(args, 0) {
                Val::Obj(o) => match o.downcast_ref::<LocationObj>() {
                    Some(l) => self.with(t.in_loc(l.loc.clone())),
                    None => return Err(MISSING_LOCATION.into()),
                },
                // Go panics, and the template reports the panic as the call's error.
                _ => return Err(MISSING_LOCATION.into()),
            },
            "Location" => Val::Obj(Rc::new(LocationObj { loc: t.loc.clone(), local: self.local.clone() })),
            "IsDST" => Val::Bool(match &t.loc {
                Loc::Local(tz) | Loc::Named(_, tz) => tz.to_offset_info(t.ts).dst().is_dst(),
                Loc::Utc | Loc::Fixed(..) => false,
            }),
            "MarshalJSON" => {
                let text = strict_rfc3339(t).map_err(|e| format!("Time.MarshalJSON: {e}"))?;
                Val::Bytes(Arc::new(format!("\"{text}\"").into_bytes()))
            }
            "MarshalText" => {
                let text = strict_rfc3339(t).map_err(|e| format!("Time.MarshalText: {e}"))?;
                Val::Bytes(Arc::new(text.into_bytes()))
            }
            "AppendText" => {
                let text = strict_rfc3339(t).map_err(|e| format!("Time.AppendText: {e}"))?;
                appended(args, text.as_bytes())
            }
            "MarshalBinary" | "GobEncode" => Val::Bytes(Arc::new(binary(t)?)),
            "AppendBinary" => appended(args, &binary(t)?),
            "AppendFormat" => appended(args, t.format(arg_str(args, 1)).as_bytes()),
            _ => return Err(format!("method {name} not found")),
        })
    }

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        self.time.to_go_string()
    }
}

/// Go's zero time (January 1 of year 1, UTC) is this many nanoseconds before the Unix epoch.
const ZERO_TIME_UNIX_NANOS: i128 = 62_135_596_800 * 1_000_000_000;

/// What Go's `Time.In` panics with for a nil location.
const MISSING_LOCATION: &str = "time: missing Location in call to Time.In";

fn duration_val(d: i64) -> Val {
    Val::Obj(Rc::new(Duration(d)))
}

/// A checked `time.Duration` argument: a duration, or an integer literal.
fn duration_arg(args: &[Val]) -> i64 {
    match arg(args, 0) {
        Val::Int64(n) => n,
        Val::Obj(o) => o.downcast_ref::<Duration>().map_or(0, |d| d.0),
        _ => 0,
    }
}

/// Go's `Duration.Round`: halves away from zero, saturating instead of overflowing.
fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let r = (d % m).abs();
    let less_than_half = (r as u64) + (r as u64) < m as u64;
    if d < 0 {
        if less_than_half {
            return d + r;
        }
        d.checked_sub(m - r).unwrap_or(i64::MIN)
    } else {
        if less_than_half {
            return d - r;
        }
        d.checked_add(m - r).unwrap_or(i64::MAX)
    }
}

/// Go's `Time.GoString`: `time.Date(2009, time.November, 10, 23, 0, 0, 0, time.UTC)`.
fn go_string(t: &GoTime) -> String {
    let c = t.civil();
    let loc = match &t.loc {
        Loc::Utc => "time.UTC".to_string(),
        Loc::Local(_) => "time.Local".to_string(),
        Loc::Named(name, _) | Loc::Fixed(name, _) => format!("time.Location({})", go_time_quote(name)),
    };
    format!(
        "time.Date({}, time.{}, {}, {}, {}, {}, {}, {loc})",
        c.year,
        LONG_MONTHS[c.month - 1],
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.nanos
    )
}

/// The `time` package's own quoting: `"` and `\` escaped, other bytes that are not
/// printable ASCII written as `\xNN`.
fn go_time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_ascii() && c >= ' ' {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    out.push('"');
    out
}

/// RFC 3339 with nanoseconds, refused where it would not be valid RFC 3339 (Go's
/// `MarshalJSON` and `MarshalText`).
fn strict_rfc3339(t: &GoTime) -> Result<String, &'static str> {
    let c = t.civil();
    if !(0..=9999).contains(&c.year) {
        return Err("year outside of range [0,9999]");
    }
    if c.offset.unsigned_abs() / 3600 >= 24 {
        return Err("timezone hour outside of range [0,23]");
    }
    Ok(t.to_json_string())
}

/// Go's `MarshalBinary`: a version byte, the seconds since year 1, the nanoseconds and the
/// zone offset in minutes (-1 for UTC itself), then the offset's seconds where it has some.
fn binary(t: &GoTime) -> Result<Vec<u8>, String> {
    let (offset_min, offset_sec) = match &t.loc {
        Loc::Utc => (-1i16, None),
        loc => {
            let offset = loc.at(t.ts).0;
            let secs = offset % 60;
            match i16::try_from(offset / 60) {
                Ok(minutes) if minutes != -1 => (minutes, (secs != 0).then_some(secs as i8)),
                _ => return Err("Time.MarshalBinary: unexpected zone offset".into()),
            }
        }
    };
    let total = t.ts.as_nanosecond() + ZERO_TIME_UNIX_NANOS;
    let sec = total.div_euclid(1_000_000_000) as i64;
    let nsec = total.rem_euclid(1_000_000_000) as i32;
    let mut out = vec![if offset_sec.is_some() { 2 } else { 1 }];
    out.extend_from_slice(&sec.to_be_bytes());
    out.extend_from_slice(&nsec.to_be_bytes());
    out.extend_from_slice(&offset_min.to_be_bytes());
    out.extend(offset_sec.map(|s| s as u8));
    Ok(out)
}

/// The `[]byte` argument with `more` after it (Go's `Append...` methods).
fn appended(args: &[Val], more: &[u8]) -> Val {
    let mut out = match arg(args, 0) {
        Val::Bytes(b) => b.as_ref().clone(),
        _ => Vec::new(),
    };
    out.extend_from_slice(more);
    Val::Bytes(Arc::new(out))
}

/// A `*time.Location` (what `Time.Location` returns), printed as its name.
#[derive(Debug)]
struct LocationObj {
    loc: Loc,
    local: LocalZone,
}

impl LocationObj {
    fn name(&self) -> &str {
        match &self.loc {
            Loc::Utc => "UTC",
            Loc::Local(_) => &self.local.name,
            Loc::Named(name, _) | Loc::Fixed(name, _) => name,
        }
    }
}

impl GoObject for LocationObj {
    fn type_name(&self) -> &'static str {
        LOCATION
    }

    fn kind_name(&self) -> &'static str {
        "ptr"
    }

    fn truth(&self) -> bool {
        true
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<LocationObj>().is_some_and(|o| o.loc.same(&self.loc))
    }

    // A location has no exported fields.
    fn to_json_val(&self) -> Val {
        Val::map(BTreeMap::new())
    }

    fn yaml_view(&self) -> YamlView {
        YamlView::As(Val::map(BTreeMap::new()))
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        (name == "String").then_some(Sig::fixed(&[]))
    }

    fn call_method(&self, _name: &str, _args: &[Val]) -> Result<Val, String> {
        Ok(Val::str(self.name()))
    }

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        self.name().to_string()
    }
}

/// Go's `AddDate`: months overflow into years and days into months, as `time.Date`
/// normalises them (October 31 plus one month is December 1).
fn add_date(t: &GoTime, years: i64, months: i64, days: i64) -> Option<GoTime> {
    let c = t.civil();
    let m0 = c.month as i64 - 1 + months;
    let year = c.year + years + m0.div_euclid(12);
    let month = m0.rem_euclid(12) + 1;
    let first = jiff::civil::Date::new(i16::try_from(year).ok()?, month as i8, 1).ok()?;
    let date = first.checked_add(jiff::Span::new().days(c.day - 1 + days)).ok()?;
    let dt = date.at(c.hour as i8, c.minute as i8, c.second as i8, c.nanos as i32);
    let ts = match &t.loc {
        Loc::Utc => dt.to_zoned(TimeZone::UTC).ok()?.timestamp(),
        Loc::Local(tz) | Loc::Named(_, tz) => tz.to_ambiguous_zoned(dt).compatible().ok()?.timestamp(),
        Loc::Fixed(_, offset) => {
            dt.to_zoned(TimeZone::fixed(jiff::tz::Offset::from_seconds(*offset).ok()?)).ok()?.timestamp()
        }
    };
    Some(GoTime { ts, loc: t.loc.clone(), mono: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_round_picks_the_largest_unit() {
        assert_eq!(duration_round(0), "0s");
        assert_eq!(duration_round(2 * 3_600_000_000_000 + 1), "2h");
        assert_eq!(duration_round(-90 * 24 * 3_600_000_000_000), "3mo");
        assert_eq!(duration_round(400 * 24 * 3_600_000_000_000), "1y");
    }

    #[test]
    fn locations_fall_back_to_utc() {
        let local = TimeZone::UTC;
        assert_eq!(load_location("Europe/Berlin", &local).name(), "Europe/Berlin");
        assert_eq!(load_location("europe/berlin", &local).name(), "UTC");
        assert_eq!(load_location("Nowhere/City", &local).name(), "UTC");
        assert_eq!(load_location("Local", &local).name(), "Local");
    }

    #[test]
    fn durations_round_half_away_from_zero_and_saturate() {
        assert_eq!(round_duration(90, 60), 120);
        assert_eq!(round_duration(-90, 60), -120);
        assert_eq!(round_duration(89, 60), 60);
        assert_eq!(round_duration(-89, 60), -60);
        assert_eq!(round_duration(7, 0), 7);
        assert_eq!(round_duration(i64::MAX - 1, 1 << 62), i64::MAX);
        assert_eq!(round_duration(i64::MIN + 1, 1 << 62), i64::MIN);
    }

    #[test]
    fn binary_form_keeps_offsets_that_are_not_whole_minutes() {
        // Amsterdam's mean time, +00:19:32, needs the second version of the format.
        let t = GoTime {
            ts: "2024-07-04T09:00:00Z".parse().unwrap(),
            loc: Loc::Fixed("LMT".into(), 19 * 60 + 32),
            mono: None,
        };
        let b = binary(&t).unwrap();
        assert_eq!(b[0], 2);
        assert_eq!(&b[13..], &[0, 19, 32]);
        let odd = GoTime { loc: Loc::Fixed(String::new(), -90), ..t };
        assert_eq!(binary(&odd).unwrap_err(), "Time.MarshalBinary: unexpected zone offset");
    }

    #[test]
    fn go_string_quotes_zone_names_as_the_time_package_does() {
        assert_eq!(go_time_quote("Europe/Berlin"), "\"Europe/Berlin\"");
        assert_eq!(go_time_quote("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(go_time_quote("\u{e9}\t"), "\"\\xc3\\xa9\\x09\"");
    }

    #[test]
    fn add_date_normalises_like_go() {
        let t = GoTime { ts: "2024-10-31T12:00:00Z".parse().unwrap(), loc: Loc::Utc, mono: None };
        assert_eq!(add_date(&t, 0, 1, 0).unwrap().format("2006-01-02"), "2024-12-01");
        assert_eq!(add_date(&t, 1, -10, 1).unwrap().format("2006-01-02"), "2025-01-01");
    }
}
