//! Per-client back-off after wrong tokens: a few free tries, then a wait that doubles with each
//! further failure (1 s, 2 s, 4 s, … up to [`MAX_WAIT`]) during which the client's requests are
//! refused before the token is even compared. A right token clears the client's record.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong tokens a client may send before it has to wait.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// Clients remembered at most (the oldest records are dropped past it).
const MAX_CLIENTS: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    blocked_until: Instant,
    last: Instant,
}

/// The failure records of clients.
#[derive(Debug, Default)]
pub struct Backoff {
    clients: Mutex<HashMap<IpAddr, Record>>,
}

impl Backoff {
    /// `Err(wait)` while the client must wait.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let Ok(map) = self.clients.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        match map.get(&client) {
            Some(r) if r.blocked_until > now => Err(r.blocked_until - now),
            _ => Ok(()),
        }
    }

    /// Records a wrong token.
    pub fn failed(&self, client: IpAddr) {
        let Ok(mut map) = self.clients.lock() else {
            return;
        };
        let now = Instant::now();
        if map.len() >= MAX_CLIENTS && !map.contains_key(&client) {
            // Forget clients that are not waiting and have been quiet longest.
            map.retain(|_, r| r.blocked_until > now || now - r.last < MAX_WAIT);
            if map.len() >= MAX_CLIENTS {
                map.clear();
            }
        }
        let r = map.entry(client).or_insert(Record {
            failures: 0,
            blocked_until: now,
            last: now,
        });
        r.failures = r.failures.saturating_add(1);
        r.last = now;
        if r.failures > FREE_FAILURES {
            let doublings = (r.failures - FREE_FAILURES - 1).min(16);
            let wait = Duration::from_secs(1u64 << doublings).min(MAX_WAIT);
            r.blocked_until = now + wait;
        }
    }

    /// Records a right token: the client starts afresh.
    pub fn succeeded(&self, client: IpAddr) {
        if let Ok(mut map) = self.clients.lock() {
            map.remove(&client);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_and_a_success_clears() {
        let b = Backoff::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(b.check(ip).is_ok());
            b.failed(ip);
        }
        assert!(b.check(ip).is_ok());
        b.failed(ip);
        let w1 = b.check(ip).unwrap_err();
        assert!(w1 <= Duration::from_secs(1) && w1 > Duration::from_millis(500));
        b.failed(ip);
        let w2 = b.check(ip).unwrap_err();
        assert!(w2 > Duration::from_millis(1500), "{w2:?}");
        assert!(b.check(other).is_ok(), "other clients are not affected");
        for _ in 0..40 {
            b.failed(ip);
        }
        assert!(b.check(ip).unwrap_err() <= MAX_WAIT);
        b.succeeded(ip);
        assert!(b.check(ip).is_ok());
    }
}
