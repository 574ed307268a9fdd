//! The audit log as CSV (RFC 4180). A cell a spreadsheet would evaluate as a
//! formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`.

use crate::model::audit::AuditEntry;

pub const HEADER: &str =
    "id,occurred_at,correlation,actor,actor_realm,realm,action,target,outcome,detail,reason,actor_id\r\n";

pub fn cell(raw: &str) -> String {
    let neutral = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

pub fn row(e: &AuditEntry) -> String {
    let cells = [
        e.id.to_string(),
        cell(&e.occurred_at),
        cell(&e.correlation),
        cell(&e.actor),
        cell(&e.actor_realm),
        cell(&e.realm),
        cell(&e.action),
        cell(&e.target),
        cell(&e.outcome),
        cell(e.detail.as_deref().unwrap_or_default()),
        cell(e.reason.as_deref().unwrap_or_default()),
        cell(e.actor_id.as_deref().unwrap_or_default()),
    ];
    format!("{}\r\n", cells.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_escaped() {
        assert_eq!(cell("alice"), "alice");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("x=1"), "x=1");
    }
}
