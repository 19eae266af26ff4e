//! When the daemon polls a watch: a cron expression per watch (`schedule = "0 */6 * * *"`),
//! five fields as in crontab or six with seconds first; the default is every six hours.
//!
//! The `cron` crate numbers weekdays 1–7 from Sunday; crontab numbers them 0–7 with Sunday as 0
//! or 7. The weekday field is read the crontab way here and handed to the crate as names, so
//! `0 9 * * 1-5` means Monday to Friday. Times are evaluated in a time zone: the machine's own
//! unless `[daemon] timezone` names one, as cron does.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// The schedule of a watch without one: every six hours, on the hour.
pub const DEFAULT: &str = "0 */6 * * *";

/// Weekday names by crontab number (0 and 7 are Sunday).
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Where a schedule's times are read: `0 9 * * *` is nine o'clock in this zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The machine's local time zone (`TZ`, `/etc/localtime`), as crontab uses.
    #[default]
    Local,
    /// A named zone from the IANA database (`Europe/Berlin`, `UTC`).
    Named(chrono_tz::Tz),
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("local") {
            return Ok(Zone::Local);
        }
        s.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| {
            format!(
                "`{s}` is not a time zone of the IANA database; use a name such as `Europe/Berlin` or `UTC`, or `local`"
            )
        })
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// A parsed cron expression.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: cron::Schedule,
    source: String,
}

impl Schedule {
    /// Parses five fields (minute hour day month weekday) or six (seconds first); weekdays as
    /// in crontab (0–7, Sunday 0 or 7, or names).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut fields: Vec<String> = raw.split_whitespace().map(str::to_owned).collect();
        match fields.len() {
            5 => fields.insert(0, "0".to_owned()),
            6 | 7 => {}
            n => {
                return Err(format!(
                    "`{raw}` has {n} fields; a schedule has five (`minute hour day month weekday`, as in crontab) or six (seconds first)"
                ));
            }
        }
        fields[5] = weekdays(&fields[5]).map_err(|e| format!("`{raw}`: {e}"))?;
        let cron = cron::Schedule::from_str(&fields.join(" "))
            .map_err(|e| format!("`{raw}` is not a cron expression: {e}"))?;
        Ok(Self {
            cron,
            source: raw.to_owned(),
        })
    }

    /// The default schedule.
    pub fn default_schedule() -> Self {
        Self::parse(DEFAULT).expect("the default schedule parses")
    }

    /// The first time strictly after `t`, reading the schedule in `zone`.
    pub fn next_after(&self, t: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        self.nth_after(t, 1, zone)
    }

    /// The `n`-th time after `t` (`n` ≥ 1), reading the schedule in `zone`: used to skip
    /// slots of a quiet upstream.
    pub fn nth_after(&self, t: DateTime<Utc>, n: usize, zone: Zone) -> Option<DateTime<Utc>> {
        let n = n.max(1) - 1;
        match zone {
            Zone::Local => self
                .cron
                .after(&t.with_timezone(&chrono::Local))
                .nth(n)
                .map(|d| d.with_timezone(&Utc)),
            Zone::Named(tz) => self
                .cron
                .after(&t.with_timezone(&tz))
                .nth(n)
                .map(|d| d.with_timezone(&Utc)),
        }
    }
}

/// A crontab weekday field as day names the `cron` crate reads the same way: `1-5` → `Mon,Tue,
/// Wed,Thu,Fri`; `0`, `7` and `sun` → `Sun`; `*/2` → Sunday, Tuesday, Thursday, Saturday.
fn weekdays(field: &str) -> Result<String, String> {
    if field == "*" || field == "?" {
        return Ok(field.to_owned());
    }
    let day = |raw: &str| -> Result<usize, String> {
        if let Ok(n) = raw.parse::<usize>() {
            return if n <= 7 {
                Ok(n % 7)
            } else {
                Err(format!(
                    "weekday `{raw}` is out of range (0–7, Sunday is 0 or 7)"
                ))
            };
        }
        let lower = raw.to_ascii_lowercase();
        WEEKDAYS
            .iter()
            .position(|w| lower.starts_with(&w.to_ascii_lowercase()))
            .ok_or_else(|| format!("`{raw}` is not a weekday (0–7 or sun, mon, …, sat)"))
    };
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (
                range,
                step.parse::<usize>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("`{item}` has a step that is not a positive number"))?,
            ),
            None => (item, 1),
        };
        let (first, last) = match range {
            "*" => (0, 6),
            _ => match range.split_once('-') {
                Some((a, b)) => {
                    let a = day(a)?;
                    // `5-7` and `5-0` both end on Sunday, the last day of crontab's week.
                    let b = match day(b)? {
                        0 if a > 0 => 7,
                        b => b,
                    };
                    if b < a {
                        return Err(format!("weekday range `{range}` runs backwards"));
                    }
                    (a, b)
                }
                None if step > 1 => (day(range)?, 6),
                None => {
                    let d = day(range)?;
                    (d, d)
                }
            },
        };
        for d in (first..=last).step_by(step) {
            days[d % 7] = true;
        }
    }
    Ok(WEEKDAYS
        .iter()
        .zip(days)
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(","))
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Schedule::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("test time")
    }

    #[test]
    fn five_and_six_field_expressions() {
        let utc = Zone::Named(chrono_tz::UTC);
        let six_hourly = Schedule::default_schedule();
        assert_eq!(
            six_hourly.next_after(at("2026-11-26T07:41:00Z"), utc),
            Some(at("2026-11-26T12:00:00Z"))
        );
        assert_eq!(
            six_hourly.nth_after(at("2026-11-26T07:41:00Z"), 3, utc),
            Some(at("2026-11-27T00:00:00Z"))
        );
        let every_second = Schedule::parse("* * * * * *").expect("six fields");
        assert_eq!(
            every_second.next_after(at("2026-11-26T07:41:00Z"), utc),
            Some(at("2026-11-26T07:41:01Z"))
        );
        assert!(Schedule::parse("every day").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
    }

    /// `0 9 * * 1-5` is nine o'clock on working days, as crontab means it, in the zone given:
    /// 2026-11-27 is a Friday, 2026-11-30 a Monday.
    #[test]
    fn weekdays_count_as_in_crontab_in_the_zone_given() {
        let berlin: Zone = "Europe/Berlin".parse().expect("a zone");
        let workdays = Schedule::parse("0 9 * * 1-5").expect("parses");
        assert_eq!(
            workdays.next_after(at("2026-11-27T09:30:00Z"), berlin),
            Some(at("2026-11-30T08:00:00Z")),
            "after Friday 10:30 in Berlin comes Monday 09:00 in Berlin"
        );
        assert_eq!(
            workdays.next_after(at("2026-11-26T07:00:00Z"), berlin),
            Some(at("2026-11-26T08:00:00Z"))
        );
        let utc = Zone::Named(chrono_tz::UTC);
        for sunday in ["0 9 * * 0", "0 9 * * 7", "0 9 * * sun", "0 9 * * SUN"] {
            assert_eq!(
                Schedule::parse(sunday)
                    .expect("parses")
                    .next_after(at("2026-11-26T00:00:00Z"), utc),
                Some(at("2026-11-29T09:00:00Z")),
                "{sunday}"
            );
        }
        assert_eq!(weekdays("5-7"), Ok("Sun,Fri,Sat".to_owned()));
        assert_eq!(weekdays("*/2"), Ok("Sun,Tue,Thu,Sat".to_owned()));
        assert_eq!(weekdays("mon-wed,sat"), Ok("Mon,Tue,Wed,Sat".to_owned()));
        assert!(Schedule::parse("0 9 * * 8").is_err_and(|e| e.contains("out of range")));
        assert!(Schedule::parse("0 9 * * 5-1").is_err_and(|e| e.contains("backwards")));
        assert!(
            "Mars/Olympus"
                .parse::<Zone>()
                .is_err_and(|e| e.contains("IANA"))
        );
    }
}
