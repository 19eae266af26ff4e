//! When the daemon polls a watch: a cron expression per watch (`schedule = "0 */6 * * *"`),
//! five fields as in crontab or six with seconds first; the default is every six hours.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// The schedule of a watch without one: every six hours, on the hour.
pub const DEFAULT: &str = "0 */6 * * *";

/// A parsed cron expression.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: cron::Schedule,
    source: String,
}

impl Schedule {
    /// Parses five fields (minute hour day month weekday) or six (seconds first).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let fields = raw.split_whitespace().count();
        let expanded = match fields {
            5 => format!("0 {raw}"),
            6 | 7 => raw.to_owned(),
            n => {
                return Err(format!(
                    "`{raw}` has {n} fields; a schedule has five (`minute hour day month weekday`, as in crontab) or six (seconds first)"
                ));
            }
        };
        let cron = cron::Schedule::from_str(&expanded)
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

    /// The first time strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.after(&t).next()
    }

    /// The `n`-th time after `t` (`n` ≥ 1): used to skip slots of a quiet upstream.
    pub fn nth_after(&self, t: DateTime<Utc>, n: usize) -> Option<DateTime<Utc>> {
        self.cron.after(&t).nth(n.max(1) - 1)
    }
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
        let six_hourly = Schedule::default_schedule();
        assert_eq!(
            six_hourly.next_after(at("2026-11-26T07:41:00Z")),
            Some(at("2026-11-26T12:00:00Z"))
        );
        assert_eq!(
            six_hourly.nth_after(at("2026-11-26T07:41:00Z"), 3),
            Some(at("2026-11-27T00:00:00Z"))
        );
        let every_second = Schedule::parse("* * * * * *").expect("six fields");
        assert_eq!(
            every_second.next_after(at("2026-11-26T07:41:00Z")),
            Some(at("2026-11-26T07:41:01Z"))
        );
        assert!(Schedule::parse("every day").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
    }
}
