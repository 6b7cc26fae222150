//! Sprig's date functions (`now`, `date`, `dateInZone`, `dateModify`, `toDate`, `ago`,
//! `duration`, ...) and the `time.Time` values they pass around, with the methods templates
//! call on them (`.Year`, `.Format`, `.Unix`, ...).

use std::rc::Rc;

use jiff::tz::TimeZone;

use super::env::FuncEnv;
use super::gotime::{
    GoTime, LONG_DAYS, LONG_MONTHS, Loc, duration_string, parse, parse_duration, round_to_second,
};
use crate::template::error::GoError;
use crate::template::exec::CallCtx;
use crate::template::funcs::{FuncTable, arg, arg_int, arg_str};
use crate::template::sig::{Sig, Ty};
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
    Val::Obj(Rc::new(TimeObj { time, local: env.local().clone() }))
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
    let d = env.now().duration_since(t.ts);
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
    local: TimeZone,
}

impl TimeObj {
    /// A time whose `.Local` method shows it in `local`.
    pub(crate) fn new(time: GoTime, local: TimeZone) -> TimeObj {
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

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        self.name.to_string()
    }
}

/// A `time.Duration` (what `.Sub` returns), printed as Go spells durations.
#[derive(Debug)]
struct Duration(i64);

impl GoObject for Duration {
    fn type_name(&self) -> &'static str {
        "time.Duration"
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
        matches!(name, "Hours" | "Minutes" | "Seconds" | "Milliseconds" | "String").then_some(Sig::fixed(&[]))
    }

    fn call_method(&self, name: &str, _args: &[Val]) -> Result<Val, String> {
        let d = self.0;
        // Go divides the whole units and the rest separately, which rounds differently from
        // one division.
        let split = |unit: i64| (d / unit) as f64 + (d % unit) as f64 / unit as f64;
        Ok(match name {
            "Hours" => Val::Float(split(3_600_000_000_000)),
            "Minutes" => Val::Float(split(60_000_000_000)),
            "Seconds" => Val::Float(split(1_000_000_000)),
            "Milliseconds" => Val::Int64(d / 1_000_000),
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
            "Before" | "After" | "Equal" | "Sub" => Sig::fixed(&[TIME_TY]),
            "Year" | "Month" | "Day" | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay"
            | "Weekday" | "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" | "UTC" | "Local" | "IsZero"
            | "String" => Sig::fixed(&[]),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let t = &self.time;
        let c = t.civil();
        let nanos = t.ts.as_nanosecond();
        let other = || time_arg(&arg(args, 0));
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
            "Local" => self.with(t.in_loc(Loc::Local(self.local.clone()))),
            "IsZero" => Val::Bool(t.ts == GoTime::zero().ts),
            "String" => Val::str(t.to_go_string()),
            "Before" => Val::Bool(t.ts < other().ts),
            "After" => Val::Bool(t.ts > other().ts),
            "Equal" => Val::Bool(t.ts == other().ts),
            "Sub" => {
                let d = t.ts.duration_since(other().ts);
                Val::Obj(Rc::new(Duration(i64::try_from(d.as_nanos()).unwrap_or(if d.is_negative() {
                    i64::MIN
                } else {
                    i64::MAX
                }))))
            }
            "AddDate" => {
                let moved = add_date(t, arg_int(args, 0), arg_int(args, 1), arg_int(args, 2))
                    .ok_or_else(|| "the date is out of range for helm-engine".to_string())?;
                self.with(moved)
            }
            _ => return Err(format!("method {name} not found")),
        })
    }

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        self.time.to_go_string()
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
    fn add_date_normalises_like_go() {
        let t = GoTime { ts: "2024-10-31T12:00:00Z".parse().unwrap(), loc: Loc::Utc, mono: None };
        assert_eq!(add_date(&t, 0, 1, 0).unwrap().format("2006-01-02"), "2024-12-01");
        assert_eq!(add_date(&t, 1, -10, 1).unwrap().format("2006-01-02"), "2025-01-01");
    }
}
