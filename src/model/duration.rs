//! Durations as a person types them ("30" + days) and as Keycloak stores
//! them (whole seconds), with the messages shown beside a wrong field.

use serde::{Deserialize, Serialize};

/// Ten years: far beyond any sensible session setting, well inside the
/// 32-bit seconds Keycloak stores.
pub const MAX_DURATION_SECS: i64 = 10 * 365 * 86_400;

/// Largest refresh-token reuse count accepted (Keycloak stores an int).
pub const MAX_REUSE: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DurationUnit {
    Seconds,
    #[default]
    Minutes,
    Hours,
    Days,
}

impl DurationUnit {
    pub const ALL: [DurationUnit; 4] = [
        DurationUnit::Minutes,
        DurationUnit::Hours,
        DurationUnit::Days,
        DurationUnit::Seconds,
    ];

    pub fn secs(self) -> i64 {
        match self {
            DurationUnit::Seconds => 1,
            DurationUnit::Minutes => 60,
            DurationUnit::Hours => 3600,
            DurationUnit::Days => 86_400,
        }
    }

    /// The form value (`minutes`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Minutes => "minutes",
            DurationUnit::Hours => "hours",
            DurationUnit::Days => "days",
        }
    }

    pub fn parse(raw: &str) -> Option<DurationUnit> {
        DurationUnit::ALL
            .into_iter()
            .find(|unit| unit.as_str() == raw.trim())
    }

    /// The largest unit that divides `secs` exactly, for showing a stored value.
    pub fn fitting(secs: i64) -> DurationUnit {
        [
            DurationUnit::Days,
            DurationUnit::Hours,
            DurationUnit::Minutes,
        ]
        .into_iter()
        .find(|unit| secs != 0 && secs % unit.secs() == 0)
        .unwrap_or(if secs == 0 {
            DurationUnit::Days
        } else {
            DurationUnit::Seconds
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("Enter a value (0 or more).")]
    Empty,
    #[error("Use digits only: a whole number such as 30.")]
    NotAWholeNumber,
    #[error("The value cannot be negative.")]
    Negative,
    #[error("That is too long: at most {0}.")]
    TooLarge(String),
}

/// A whole, non-negative number no larger than `max`; `describe_max` words the bound.
fn whole_number(
    raw: &str,
    max: i64,
    describe_max: impl Fn() -> String,
) -> Result<i64, NumberError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::NotAWholeNumber);
    }
    if negative && digits.bytes().any(|b| b != b'0') {
        return Err(NumberError::Negative);
    }
    // Digits only, so the only parse failure left is overflow.
    match digits.parse::<i64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(NumberError::TooLarge(describe_max())),
    }
}

/// "30" + days → 2,592,000 seconds.
pub fn parse_duration(raw: &str, unit: DurationUnit) -> Result<i64, NumberError> {
    let max_in_unit = MAX_DURATION_SECS / unit.secs();
    let n = whole_number(raw, max_in_unit, || "3650 days (10 years)".to_owned())?;
    Ok(n * unit.secs())
}

/// A refresh-token reuse count.
pub fn parse_reuse(raw: &str) -> Result<i64, NumberError> {
    whole_number(raw, MAX_REUSE, || "1000000".to_owned())
}

/// A stored value as the form shows it: ("30", days).
pub fn split_duration(secs: i64) -> (String, DurationUnit) {
    let unit = DurationUnit::fitting(secs);
    ((secs / unit.secs()).to_string(), unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_units_to_seconds() {
        assert_eq!(parse_duration("30", DurationUnit::Days), Ok(2_592_000));
        assert_eq!(parse_duration(" 12 ", DurationUnit::Hours), Ok(43_200));
        assert_eq!(parse_duration("90", DurationUnit::Minutes), Ok(5_400));
        assert_eq!(parse_duration("0", DurationUnit::Days), Ok(0));
        assert_eq!(parse_duration("-0", DurationUnit::Days), Ok(0));
        assert_eq!(
            parse_duration("3650", DurationUnit::Days),
            Ok(MAX_DURATION_SECS)
        );
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            parse_duration("", DurationUnit::Days),
            Err(NumberError::Empty)
        );
        assert_eq!(
            parse_duration("   ", DurationUnit::Days),
            Err(NumberError::Empty)
        );
        assert_eq!(
            parse_duration("abc", DurationUnit::Days),
            Err(NumberError::NotAWholeNumber)
        );
        assert_eq!(
            parse_duration("1.5", DurationUnit::Days),
            Err(NumberError::NotAWholeNumber)
        );
        assert_eq!(
            parse_duration("30d", DurationUnit::Days),
            Err(NumberError::NotAWholeNumber)
        );
        assert_eq!(
            parse_duration("-5", DurationUnit::Days),
            Err(NumberError::Negative)
        );
        let too_large = parse_duration("1000000000000", DurationUnit::Minutes).unwrap_err();
        assert_eq!(
            too_large.to_string(),
            "That is too long: at most 3650 days (10 years)."
        );
        assert!(matches!(
            parse_duration("99999999999999999999999", DurationUnit::Seconds),
            Err(NumberError::TooLarge(_))
        ));
        assert!(matches!(
            parse_duration("3651", DurationUnit::Days),
            Err(NumberError::TooLarge(_))
        ));
        assert_eq!(
            NumberError::NotAWholeNumber.to_string(),
            "Use digits only: a whole number such as 30."
        );
    }

    #[test]
    fn reuse_counts_are_whole_and_bounded() {
        assert_eq!(parse_reuse("0"), Ok(0));
        assert_eq!(parse_reuse("3"), Ok(3));
        assert_eq!(parse_reuse("-1"), Err(NumberError::Negative));
        assert!(matches!(
            parse_reuse("1000001"),
            Err(NumberError::TooLarge(_))
        ));
    }

    #[test]
    fn stored_values_show_in_the_largest_whole_unit() {
        assert_eq!(split_duration(2_592_000), ("30".into(), DurationUnit::Days));
        assert_eq!(split_duration(7_200), ("2".into(), DurationUnit::Hours));
        assert_eq!(split_duration(5_400), ("90".into(), DurationUnit::Minutes));
        assert_eq!(split_duration(90), ("90".into(), DurationUnit::Seconds));
        assert_eq!(split_duration(0), ("0".into(), DurationUnit::Days));
        assert_eq!(DurationUnit::parse("hours"), Some(DurationUnit::Hours));
        assert_eq!(DurationUnit::parse("weeks"), None);
    }
}
