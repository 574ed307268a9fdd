//! Time: formatting shared by the server render and the browser (absolute UTC, as the server
//! does not know the viewer's zone, and a relative form), and the server's clock.

/// The server's clock, and the RFC 3339 form that files and the database hold.
#[cfg(feature = "ssr")]
pub mod clock {
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    /// Seconds since the epoch.
    pub fn now_secs() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default()
    }

    /// Milliseconds since the epoch, at the precision of seconds.
    pub fn now_ms() -> i64 {
        now_secs() * 1000
    }

    /// Epoch milliseconds as RFC 3339 UTC, e.g. `2026-11-26T08:40:00Z`.
    pub fn rfc3339(ms: i64) -> String {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default()
    }

    /// Now, as RFC 3339 UTC with the clock's full precision.
    pub fn now_rfc3339() -> String {
        OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn rfc3339_is_utc_with_milliseconds_when_there_are_any() {
            assert_eq!(rfc3339(1_795_682_400_000), "2026-11-26T08:40:00Z");
            assert_eq!(rfc3339(1_795_682_400_123), "2026-11-26T08:40:00.123Z");
        }
    }
}

/// `2026-11-26 08:40 UTC` from epoch milliseconds.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Howard Hinnant's algorithm: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Epoch milliseconds of 00:00 UTC on a `YYYY-MM-DD` date; `None` for anything else.
pub fn parse_date_ms(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // 2026-02-30 would silently become March 2nd: refuse dates that do not exist.
    (civil_from_days(days) == (year, month, day)).then_some(days * 86_400_000)
}

/// The inverse of `civil_from_days`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "3 days ago", "in 27 days", "just now": the largest whole unit.
pub fn relative(ms: i64, now_ms: i64) -> String {
    let delta = (ms - now_ms) / 1000;
    let future = delta > 0;
    let secs = delta.unsigned_abs();
    let (n, unit) = if secs < 60 {
        return "just now".into();
    } else if secs < 3600 {
        (secs / 60, "minute")
    } else if secs < 86_400 {
        (secs / 3600, "hour")
    } else if secs < 86_400 * 365 {
        (secs / 86_400, "day")
    } else {
        (secs / (86_400 * 365), "year")
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// A duration in the largest unit that divides it: "30 days", "12 hours", "90 seconds".
pub fn format_duration(secs: i64) -> String {
    let (n, unit) = if secs != 0 && secs % 86_400 == 0 {
        (secs / 86_400, "day")
    } else if secs != 0 && secs % 3600 == 0 {
        (secs / 3600, "hour")
    } else if secs != 0 && secs % 60 == 0 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_795_682_400_000), "2026-11-26 08:40 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn parses_dates_that_exist() {
        assert_eq!(parse_date_ms("1970-01-01"), Some(0));
        assert_eq!(parse_date_ms("2026-11-26"), Some(1_795_651_200_000));
        assert_eq!(parse_date_ms("2000-02-29"), Some(951_782_400_000));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-",
            "yesterday",
            "",
            "2026-11-26T00:00",
        ] {
            assert_eq!(parse_date_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_picks_the_largest_unit() {
        let now = 1_000_000_000_000;
        assert_eq!(relative(now - 3 * 86_400_000, now), "3 days ago");
        assert_eq!(relative(now + 27 * 86_400_000 + 5_000, now), "in 27 days");
        assert_eq!(relative(now - 3_600_000, now), "1 hour ago");
        assert_eq!(relative(now + 30_000, now), "just now");
    }

    #[test]
    fn durations_use_whole_units() {
        assert_eq!(format_duration(2_592_000), "30 days");
        assert_eq!(format_duration(43_200), "12 hours");
        assert_eq!(format_duration(90), "90 seconds");
        assert_eq!(format_duration(60), "1 minute");
    }
}
