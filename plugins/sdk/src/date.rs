//! Dates as the contract carries them: `YYYY-MM-DD` strings.

use crate::Error;

/// Checks that `raw` starts with a `YYYY-MM-DD` date and returns that date; RFC 3339 timestamps
/// (`2024-12-19T10:00:00Z`) are cut to their date.
///
/// ```
/// use rollcall_sdk::date::{add_months, iso_date};
///
/// assert_eq!(iso_date("2024-12-19T10:00:00Z").unwrap(), "2024-12-19");
/// assert!(iso_date("19/12/2024").is_err());
/// assert_eq!(add_months("2024-01-31", 1).unwrap(), "2024-02-29");
/// ```
pub fn iso_date(raw: &str) -> Result<String, Error> {
    let date = raw.trim().get(..10).unwrap_or("");
    let bytes = date.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    let month = date
        .get(5..7)
        .and_then(|m| m.parse::<u8>().ok())
        .unwrap_or(0);
    let day = date
        .get(8..10)
        .and_then(|d| d.parse::<u8>().ok())
        .unwrap_or(0);
    if shaped && (1..=12).contains(&month) && (1..=31).contains(&day) {
        Ok(date.to_owned())
    } else {
        Err(Error::parse(format!("`{raw}` is not a YYYY-MM-DD date")))
    }
}

/// `date` (`YYYY-MM-DD`) plus `months` calendar months; the day is clamped to the month's length
/// (`2024-01-31` + 1 month = `2024-02-29`). Used to project support windows from a policy.
pub fn add_months(date: &str, months: u32) -> Result<String, Error> {
    let date = iso_date(date)?;
    let field = |r: std::ops::Range<usize>| date[r].parse::<u32>().unwrap_or(1);
    let (year, month, day) = (field(0..4), field(5..7), field(8..10));
    let total = year * 12 + (month - 1) + months;
    let (year, month) = (total / 12, total % 12 + 1);
    let day = day.min(days_in_month(year, month));
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The UTC date of a Unix timestamp in seconds (AppStream's `timestamp` attribute, registry
/// times). Days are converted with the proleptic Gregorian calendar.
pub fn from_unix(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::{add_months, from_unix, iso_date};

    #[test]
    fn months_are_added_with_the_day_clamped() {
        for (date, months, expected) in [
            ("2024-08-13", 14, "2025-10-13"),
            ("2024-01-31", 1, "2024-02-29"),
            ("2023-01-31", 1, "2023-02-28"),
            ("2023-11-15", 2, "2024-01-15"),
            ("2020-02-29", 12, "2021-02-28"),
        ] {
            assert_eq!(add_months(date, months).ok().as_deref(), Some(expected));
        }
    }

    #[test]
    fn unix_timestamps_become_utc_dates() {
        for (seconds, expected) in [
            (0, "1970-01-01"),
            (951_782_400, "2000-02-29"),
            (1_732_579_200, "2024-11-26"),
            (-86_400, "1969-12-31"),
        ] {
            assert_eq!(from_unix(seconds), expected);
        }
    }

    #[test]
    fn accepts_dates_and_timestamps_only() {
        assert_eq!(iso_date("2024-12-19").ok().as_deref(), Some("2024-12-19"));
        assert_eq!(
            iso_date("2024-12-19T10:00:00Z").ok().as_deref(),
            Some("2024-12-19")
        );
        for bad in ["", "2024-13-01", "19.12.2024", "2024-1-1", "true"] {
            assert!(iso_date(bad).is_err(), "{bad}");
        }
    }
}
