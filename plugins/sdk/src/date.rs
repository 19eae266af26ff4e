//! Dates as the contract carries them: `YYYY-MM-DD` strings.

use crate::Error;

/// Checks that `raw` starts with a `YYYY-MM-DD` date and returns that date; RFC 3339 timestamps
/// (`2024-12-19T10:00:00Z`) are cut to their date.
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

#[cfg(test)]
mod tests {
    use super::iso_date;

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
