//! Timestamps for audit records and sessions: UTC instants written
//! `YYYY-MM-DDTHH:MM:SSZ`, so that stored instants compare as strings.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_iso() -> String {
    iso_from_unix(now_unix())
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `secs` seconds from now, as `now_iso` writes instants (so that stored
/// instants compare as strings).
pub fn iso_in(secs: i64) -> String {
    iso_from_unix(now_unix() + secs)
}

/// An instant given in seconds since the Unix epoch, as stored.
pub fn iso_from_unix(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        // Outside the years `time` knows: the epoch, never a panic.
        Err(_) => "1970-01-01T00:00:00Z".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_instants() {
        assert_eq!(super::iso_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso_from_unix(1_740_787_200), "2025-03-01T00:00:00Z");
        assert_eq!(super::iso_from_unix(951_782_400), "2000-02-29T00:00:00Z");
    }
}
