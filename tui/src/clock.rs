//! Dates without a date library: the store writes `YYYY-MM-DD` and RFC 3339 UTC times, and the
//! dashboard only needs day numbers and ages.

/// Days since 1970-01-01 of a `YYYY-MM-DD` (a longer string is read up to its 10th byte).
pub fn day_number(date: &str) -> Option<i64> {
    let date = date.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Unix seconds of an RFC 3339 time in UTC (`2026-11-26T09:00:00Z` or `…+00:00`).
pub fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let day = day_number(rfc3339)?;
    let time = rfc3339.get(11..19)?;
    let mut parts = time.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let s: i64 = parts.next()?.parse().ok()?;
    Some(day * 86_400 + h * 3_600 + m * 60 + s)
}

/// `40 s`, `12 min`, `5 h`, `3 d` since `rfc3339`, seen at `now` (Unix seconds).
pub fn age(rfc3339: &str, now: i64) -> String {
    let Some(then) = unix_seconds(rfc3339) else {
        return "?".to_owned();
    };
    let seconds = (now - then).max(0);
    match seconds {
        s if s >= 2 * 86_400 => format!("{} d", s / 86_400),
        s if s >= 2 * 3_600 => format!("{} h", s / 3_600),
        s if s >= 120 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// `YYYY-MM-DD` of a Unix time.
pub fn date_of(unix: i64) -> String {
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_seconds_agree_with_known_dates() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(day_number("2026-11-26"), Some(20_783));
        assert_eq!(day_number("2026-13-01"), None);
        assert_eq!(unix_seconds("2027-01-15T08:00:00Z"), Some(1_800_000_000));
        assert_eq!(date_of(1_800_000_000), "2027-01-15");
        assert_eq!(date_of(-86_400), "1969-12-31");
        for day in [0, 11_016, 11_017, 20_783, 30_000] {
            assert_eq!(day_number(&date_of(day * 86_400)), Some(day));
        }
    }

    #[test]
    fn ages_are_short() {
        let now = 1_800_000_000;
        assert_eq!(age("2027-01-15T07:59:20Z", now), "40 s");
        assert_eq!(age("2027-01-15T07:48:00Z", now), "12 min");
        assert_eq!(age("2027-01-15T03:00:00Z", now), "5 h");
        assert_eq!(age("2027-01-12T08:00:00Z", now), "3 d");
        assert_eq!(age("yesterday", now), "?");
    }
}
