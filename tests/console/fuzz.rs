//! Property-based fuzzing, on stable Rust, of every parser and validator of
//! user input: identifiers, durations (form and configuration), the
//! post-sign-in path, CSV neutralisation, the dry-run filter, the policy form
//! and the audit filter. Inputs are random strings over an alphabet of the
//! characters that matter to these parsers, and mutations of known-good
//! values; each target checks properties, not just "no panic".
//!
//! `cargo test` runs a short pass (`FUZZ_CASES` per target, 3000 by default).
//! `scripts/fuzz.sh` runs each target for `FUZZ_SECONDS`. A failure prints the
//! seed; `FUZZ_SEED=<seed>` replays it.

use std::time::{Duration, Instant};

use offline_console::audit::csv::cell;
use offline_console::config::parse_duration as parse_config_duration;
use offline_console::export::csv::write_record;
use offline_console::model::audit::{AuditFilter, OUTCOMES};
use offline_console::model::duration::{
    parse_duration, parse_reuse, split_duration, DurationUnit, MAX_DURATION_SECS, MAX_REUSE,
};
use offline_console::model::ids::{ClientId, ClientUuid, RealmName, SessionId, UserId};
use offline_console::model::jobs::{Candidate, SessionFilter};
use offline_console::model::next_path::same_site_path;
use offline_console::model::realm_policy::PolicyForm;
use offline_console::model::time::parse_date_ms;

/// xorshift64*: small, fast, reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Characters these parsers treat specially, plus ordinary ones.
const ALPHABET: &[&str] = &[
    "0",
    "1",
    "5",
    "9",
    "00",
    "-",
    "+",
    " ",
    "\t",
    "\n",
    "\r",
    "\0",
    "\u{7f}",
    "\u{85}",
    "s",
    "m",
    "h",
    "d",
    "w",
    "days",
    "hours",
    "minutes",
    "seconds",
    "/",
    "//",
    "\\",
    ".",
    "..",
    "%",
    "%2F",
    "%00",
    "?",
    "#",
    "&",
    "=",
    "@",
    ",",
    "\"",
    "'",
    ";",
    ":",
    "<",
    ">",
    "T",
    "Z",
    "é",
    "ß",
    "İ",
    "\u{202e}",
    "\u{feff}",
    "😀",
    "a",
    "Z",
    "x",
    "http:",
    "javascript:",
    "9999999999999999999",
];

/// Known-good values to mutate.
const SEEDS: &[&str] = &[
    "30",
    "15m",
    "8h",
    "7d",
    "0",
    "+30",
    "-0",
    "2026-01-31",
    "2026-02-29",
    "/admin/demo",
    "/admin/demo?x=1#y",
    "demo",
    "backup-service",
    "=SUM(A1)",
    "a,b",
    "say \"hi\"",
    "failed",
    "2026-11-26T10:00:00Z",
];

fn random_text(rng: &mut Rng) -> String {
    if rng.chance(3) {
        let seed = SEEDS[rng.below(SEEDS.len())];
        return mutate(rng, seed);
    }
    let len = if rng.chance(50) {
        200 + rng.below(200)
    } else {
        rng.below(12)
    };
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut chars: Vec<String> = seed.chars().map(String::from).collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 => chars.insert(at, ALPHABET[rng.below(ALPHABET.len())].to_owned()),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at < chars.len() => chars[at] = ALPHABET[rng.below(ALPHABET.len())].to_owned(),
            _ => {}
        }
    }
    chars.concat()
}

/// Runs `target` on fresh random input until the budget is spent; returns the cases run.
fn fuzz(name: &str, target: impl Fn(&mut Rng)) -> u64 {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let seconds: Option<u64> = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let cases: u64 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut run = 0u64;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loop {
        let done = match seconds {
            Some(s) => started.elapsed() >= Duration::from_secs(s),
            None => run >= cases,
        };
        if done {
            break;
        }
        target(&mut rng);
        run += 1;
    }));
    if outcome.is_err() {
        panic!("fuzz target {name} failed after {run} cases; replay with FUZZ_SEED={seed}");
    }
    println!("fuzz {name}: {run} cases, seed {seed}, no findings");
    run
}

#[test]
fn identifiers() {
    fuzz("identifiers", |rng| {
        let raw = random_text(rng);
        let chars = raw.chars().count();
        let valid = (1..=255).contains(&chars)
            && !raw.chars().any(char::is_control)
            && raw != "."
            && raw != "..";
        let parsed = RealmName::parse(&raw);
        assert_eq!(parsed.is_ok(), valid, "{raw:?}");
        if let Ok(id) = &parsed {
            assert_eq!(id.as_str(), raw);
        }
        let from_json: Result<RealmName, _> = serde_json::from_value(serde_json::json!(raw));
        assert_eq!(
            from_json.ok(),
            parsed.ok(),
            "JSON agrees with parse: {raw:?}"
        );
        assert_eq!(ClientUuid::parse(&raw).is_ok(), valid);
        assert_eq!(ClientId::parse(&raw).is_ok(), valid);
        assert_eq!(UserId::parse(&raw).is_ok(), valid);
        assert_eq!(SessionId::parse(&raw).is_ok(), valid);
    });
}

const UNITS: [DurationUnit; 4] = [
    DurationUnit::Seconds,
    DurationUnit::Minutes,
    DurationUnit::Hours,
    DurationUnit::Days,
];

/// The oracle: trimmed, an optional `+` (or `-` before zeros), then digits only.
fn whole_number_oracle(raw: &str) -> Option<i128> {
    let text = raw.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = digits.trim_start_matches('0');
    let value = match significant.len() {
        0 => 0,
        // Far beyond every bound these parsers have.
        31.. => i128::MAX,
        _ => significant.parse().unwrap(),
    };
    (!negative || value == 0).then_some(value)
}

#[test]
fn form_durations_and_reuse_counts() {
    fuzz("form durations", |rng| {
        let raw = random_text(rng);
        let unit = UNITS[rng.below(UNITS.len())];
        let oracle = whole_number_oracle(&raw);
        let max_in_unit = i128::from(MAX_DURATION_SECS / unit.secs());
        match parse_duration(&raw, unit) {
            Ok(secs) => {
                let n = oracle.unwrap_or_else(|| panic!("accepted {raw:?}"));
                assert!(n <= max_in_unit, "{raw:?}");
                assert_eq!(i128::from(secs), n * i128::from(unit.secs()), "{raw:?}");
                let (shown, shown_unit) = split_duration(secs);
                assert_eq!(parse_duration(&shown, shown_unit), Ok(secs), "round trip");
            }
            Err(_) => assert!(
                oracle.is_none_or(|n| n > max_in_unit),
                "refused {raw:?} in {unit:?}"
            ),
        }
        match parse_reuse(&raw) {
            Ok(n) => assert!((0..=MAX_REUSE).contains(&n) && oracle == Some(i128::from(n))),
            Err(_) => assert!(oracle.is_none_or(|n| n > i128::from(MAX_REUSE)), "{raw:?}"),
        }
    });
}

#[test]
fn configuration_durations() {
    fuzz("configuration durations", |rng| {
        let raw = random_text(rng);
        if let Ok(duration) = parse_config_duration(&raw) {
            let text = raw.trim();
            let unit = text.chars().last().unwrap();
            let digits = &text[..text.len() - 1];
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{raw:?}");
            let per_unit = match unit {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                other => panic!("unit {other:?} accepted in {raw:?}"),
            };
            assert_eq!(
                duration.as_secs(),
                digits.parse::<u64>().unwrap() * per_unit
            );
            assert!((1..=366 * 86_400).contains(&duration.as_secs()), "{raw:?}");
        }
    });
}

#[test]
fn post_sign_in_paths_never_leave_the_site() {
    let base = url::Url::parse("https://console.example/signin").unwrap();
    fuzz("next path", |rng| {
        let raw = random_text(rng);
        let raw = if rng.chance(2) {
            format!("/{raw}")
        } else {
            raw
        };
        if let Some(path) = same_site_path(&raw) {
            assert_eq!(path, raw);
            // Wherever a browser resolves it, it stays on this host.
            if let Ok(target) = base.join(path) {
                assert_eq!(target.host_str(), Some("console.example"), "{raw:?}");
                assert_eq!(target.scheme(), "https", "{raw:?}");
            }
        }
    });
}

/// Splits one CSV record (RFC 4180, CRLF-terminated or not) into cells.
fn parse_record(text: &str) -> Vec<String> {
    let text = text.strip_suffix("\r\n").unwrap_or(text);
    let mut cells = vec![String::new()];
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') => quoted = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            (true, '"') => quoted = false,
            (false, ',') => cells.push(String::new()),
            (_, c) => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn neutralised(raw: &str) -> String {
    if raw.starts_with(FORMULA_STARTS) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    }
}

#[test]
fn csv_cells_are_neutralised_and_read_back_unchanged() {
    fuzz("csv", |rng| {
        let values: Vec<String> = (0..1 + rng.below(4)).map(|_| random_text(rng)).collect();
        for value in &values {
            let written = cell(value);
            assert_eq!(parse_record(&written), [neutralised(value)], "{value:?}");
        }
        let mut record = String::new();
        write_record(&mut record, values.iter().map(String::as_str));
        assert!(record.ends_with("\r\n"));
        let expected: Vec<String> = values.iter().map(|v| neutralised(v)).collect();
        assert_eq!(parse_record(&record), expected, "{values:?}");
        for read in parse_record(&record) {
            assert!(!read.starts_with(FORMULA_STARTS), "a formula: {read:?}");
        }
    });
}

#[test]
fn dry_run_filters() {
    fuzz("session filter", |rng| {
        let pick = |rng: &mut Rng| rng.chance(2).then(|| random_text(rng));
        let days = |rng: &mut Rng| {
            rng.chance(2)
                .then(|| [0, 1, 30, 36_500, 36_501, u32::MAX][rng.below(6)])
        };
        let filter = SessionFilter {
            idle_days: days(rng),
            expiring_days: days(rng),
            started_before: pick(rng),
            username_contains: pick(rng),
        };
        let Ok(normal) = filter.clone().normalised() else {
            return;
        };
        if let Some(date) = &normal.started_before {
            assert!(parse_date_ms(date).is_some(), "{filter:?}");
        }
        if let Some(part) = &normal.username_contains {
            assert!(!part.is_empty() && part.chars().count() <= 255);
            assert_eq!(part, &part.to_lowercase());
        }
        assert!(normal.idle_days.is_none_or(|d| d <= 36_500));
        let username = random_text(rng);
        let now = 1_800_000_000_000;
        let started = now - (rng.next() % 4_000_000_000_000) as i64;
        let candidate = Candidate {
            username: &username,
            started_ms: started,
            last_access_ms: started + (rng.next() % 1_000_000_000) as i64,
        };
        let matched = normal.matches(candidate, now, None);
        if let Some(part) = &normal.username_contains {
            if matched {
                assert!(username.to_lowercase().contains(part.as_str()));
            }
        }
    });
}

#[test]
fn dates() {
    fuzz("dates", |rng| {
        let raw = random_text(rng);
        if let Some(ms) = parse_date_ms(&raw) {
            assert_eq!(ms % 86_400_000, 0, "{raw:?}");
        }
    });
}

#[test]
fn policy_forms() {
    fuzz("policy form", |rng| {
        let unit = |rng: &mut Rng| {
            if rng.chance(4) {
                random_text(rng)
            } else {
                UNITS[rng.below(4)].as_str().to_owned()
            }
        };
        let form = PolicyForm {
            offline_idle: random_text(rng),
            offline_idle_unit: unit(rng),
            offline_max_enabled: rng.chance(2),
            offline_max: random_text(rng),
            offline_max_unit: unit(rng),
            client_idle: random_text(rng),
            client_idle_unit: unit(rng),
            client_max: random_text(rng),
            client_max_unit: unit(rng),
            revoke_refresh_token: rng.chance(2),
            max_reuse: random_text(rng),
        };
        if let Ok(settings) = form.validate() {
            for secs in [
                settings.offline_session_idle_timeout,
                settings.offline_session_max_lifespan,
                settings.client_offline_session_idle_timeout,
                settings.client_offline_session_max_lifespan,
            ] {
                assert!((0..=MAX_DURATION_SECS).contains(&secs), "{form:?}");
            }
            assert!((0..=MAX_REUSE).contains(&settings.refresh_token_max_reuse));
            assert_eq!(
                PolicyForm::from_settings(&settings).validate(),
                Ok(settings)
            );
        }
    });
}

#[test]
fn audit_filters() {
    fuzz("audit filter", |rng| {
        let pick = |rng: &mut Rng| rng.chance(2).then(|| random_text(rng));
        let filter = AuditFilter {
            actor: pick(rng),
            action: pick(rng),
            realm: pick(rng),
            outcome: if rng.chance(3) {
                Some(OUTCOMES[rng.below(OUTCOMES.len())].to_owned())
            } else {
                pick(rng)
            },
            from: pick(rng),
            to: pick(rng),
        };
        if filter.check().is_ok() {
            if let Some(outcome) = filter.outcome.as_deref().filter(|o| !o.is_empty()) {
                assert!(OUTCOMES.contains(&outcome), "{filter:?}");
            }
            for date in [&filter.from, &filter.to].into_iter().flatten() {
                assert!(date.is_empty() || date.len() >= 10, "{filter:?}");
            }
        }
    });
}
