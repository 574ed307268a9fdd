//! What the demo realm holds: groups of offline sessions whose ages make every view of the
//! console show something (growth, idle sessions, sessions about to expire, long-lived ones).

const DAY: i64 = 86_400;

pub struct Cohort {
    /// Usernames are this prefix and a number.
    pub prefix: &'static str,
    pub users: u64,
    /// One offline session per user, holding a client session for each of these.
    pub clients: &'static [&'static str],
    /// Seconds since each session started, drawn evenly from this range.
    pub started_ago: [i64; 2],
    /// Seconds since each session was last refreshed (never before it started).
    pub idle_ago: [i64; 2],
    /// What the group shows, for the summary printed after seeding.
    pub what: &'static str,
}

/// Realm defaults apply: sessions end after 30 days idle; the max lifespan is off, so
/// lowering it on the policy page shows which long-lived sessions it would end.
pub const COHORTS: &[Cohort] = &[
    Cohort {
        prefix: "mobile-new",
        users: 1400,
        clients: &["mobile-app"],
        started_ago: [0, 6 * DAY],
        idle_ago: [0, DAY],
        what: "signed up this week: unusual growth on the trends page",
    },
    Cohort {
        prefix: "mobile",
        users: 700,
        clients: &["mobile-app"],
        started_ago: [30 * DAY, 400 * DAY],
        idle_ago: [0, 3 * DAY],
        what: "in daily use for months: past a lowered max lifespan",
    },
    Cohort {
        prefix: "print",
        users: 800,
        clients: &["photo-print"],
        started_ago: [7 * DAY, 60 * DAY],
        idle_ago: [7 * DAY, 27 * DAY],
        what: "idle for weeks",
    },
    Cohort {
        prefix: "print-lapsing",
        users: 150,
        clients: &["photo-print"],
        started_ago: [29 * DAY, 45 * DAY],
        idle_ago: [28 * DAY + DAY / 2, 30 * DAY - 3600],
        what: "about to pass the 30-day idle timeout",
    },
    Cohort {
        prefix: "backup",
        users: 250,
        clients: &["backup-service", "photo-print"],
        started_ago: [DAY, 120 * DAY],
        idle_ago: [0, DAY],
        what: "one session shared by two clients",
    },
];
