//! Virtual clock: wall time plus an offset that `/_sim/clock/advance` moves forward.
//! Every expiry, timestamp and token time in the simulator reads this clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far the virtual clock may run ahead of wall time (about 317 years), so no
/// timestamp arithmetic can overflow.
pub const MAX_OFFSET_SECS: i64 = 10_000_000_000;

#[derive(Debug)]
pub struct ClockRangeError;

pub struct Clock {
    offset_secs: AtomicI64,
    /// Wall time at which `hold_wall_time` stopped it, or `RUNNING`.
    held_wall_ms: AtomicI64,
}

const RUNNING: i64 = i64::MIN;

impl Default for Clock {
    fn default() -> Self {
        Clock {
            offset_secs: AtomicI64::new(0),
            held_wall_ms: AtomicI64::new(RUNNING),
        }
    }
}

impl Clock {
    /// Epoch seconds (Keycloak's `Time.currentTime()`).
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        let wall = match self.held_wall_ms.load(Ordering::SeqCst) {
            RUNNING => wall_ms(),
            held => held,
        };
        wall + self.offset() * 1000
    }

    /// From now on the clock moves only when advanced, for in-process tests that must hit an
    /// exact second (a deadline) however slowly the machine runs them.
    pub fn hold_wall_time(&self) {
        self.held_wall_ms.store(wall_ms(), Ordering::SeqCst);
    }

    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::SeqCst)
    }

    /// Moves the clock forward; refuses to go beyond `MAX_OFFSET_SECS` in total.
    pub fn advance(&self, secs: i64) -> Result<(), ClockRangeError> {
        self.offset_secs
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                offset
                    .checked_add(secs)
                    .filter(|total| (0..=MAX_OFFSET_SECS).contains(total))
            })
            .map(|_| ())
            .map_err(|_| ClockRangeError)
    }
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
