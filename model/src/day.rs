//! Calendar days, the only kind of date rollcall deals in (release dates, end-of-life dates).
//! Written and read as `YYYY-MM-DD` everywhere: config, plugin output, reports.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;
use time::macros::format_description;

/// A calendar day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

impl Day {
    /// Today, in UTC.
    pub fn today() -> Self {
        Self(time::OffsetDateTime::now_utc().date())
    }

    /// From year, month (1–12) and day of month.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = time::Month::try_from(month).ok()?;
        Date::from_calendar_date(year, month, day).ok().map(Self)
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Day) -> i64 {
        (later.0 - self.0).whole_days()
    }

    /// `self` moved by `days`, stopping at the first or last day the calendar has.
    pub fn plus_days(self, days: i64) -> Self {
        // `Duration::days` panics past `i64::MAX` seconds; `seconds` never does.
        let span = time::Duration::seconds(days.saturating_mul(86_400));
        Self(self.0.saturating_add(span))
    }
}

impl FromStr for Day {
    type Err = String;

    /// Accepts `YYYY-MM-DD`, and RFC 3339 timestamps cut to their date.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let date = raw.trim().get(..10).unwrap_or(raw);
        Date::parse(date, format_description!("[year]-[month]-[day]"))
            .map(Self)
            .map_err(|_| format!("`{raw}` is not a date; write it as YYYY-MM-DD"))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Day;

    #[test]
    fn parses_and_prints_iso_days() {
        for (raw, shown) in [
            ("2024-12-19", "2024-12-19"),
            ("2024-12-19T10:00:00Z", "2024-12-19"),
            (" 2000-02-29 ", "2000-02-29"),
        ] {
            assert_eq!(
                raw.parse::<Day>().map(|d| d.to_string()),
                Ok(shown.to_owned())
            );
        }
        for bad in ["2023-02-29", "19.12.2024", "", "2024-13-01", "false"] {
            assert!(bad.parse::<Day>().is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_days_between() {
        let a = Day::from_ymd(2023, 8, 16).expect("valid");
        let b = Day::from_ymd(2026, 11, 26).expect("valid");
        assert_eq!(a.days_until(b), 1198);
        assert_eq!(b.days_until(a), -1198);
        assert_eq!(a.plus_days(1198), b);
    }

    #[test]
    fn far_moves_stop_at_the_calendars_ends() {
        let a = Day::from_ymd(2023, 8, 16).expect("valid");
        let last = Day::from_ymd(9999, 12, 31).expect("valid");
        let first = Day::from_ymd(-9999, 1, 1).expect("valid");
        assert_eq!(a.plus_days(i64::MAX), last);
        assert_eq!(a.plus_days(i64::MIN), first);
        assert_eq!(a.plus_days(999_999_999), last);
        assert_eq!(last.days_until(first), -7_304_483);
    }
}
