//! Replay protection: "remember this id until T; fail if it was already seen".
//!
//! Schemes with nonces or ids (signed requests, Standard Webhooks, RFC 9421 `nonce`, JWT `jti`, DPoP
//! proofs) call a [`ReplayGuard`] **after** the signature verifies, so nobody can pre-claim an id with a
//! forged request. One server uses [`MemoryReplayGuard`]; a fleet implements the trait over a shared
//! store (for example Redis `SET key 1 NX PXAT <expires_at>`), failing closed when the store is down.

use crate::rejection::{Reject, Rejection};
use crate::time::Timestamp;
use core::fmt;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

/// The longest id a guard accepts, namespace included, in bytes.
pub const MAX_REPLAY_ID_LEN: usize = 1024;

/// Why an id was not recorded. Every variant rejects the request: a guard fails closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// The id was already recorded and has not expired.
    Replayed,
    /// The guard is full of live ids and refuses new ones rather than forget live ones.
    CapacityExceeded,
    /// The id (with its namespace) is longer than [`MAX_REPLAY_ID_LEN`], or empty.
    InvalidId,
    /// `expires_at` is not after `now`: there is nothing left to protect, and a caller passing such a
    /// time has a bug.
    AlreadyExpired,
    /// A shared store could not be reached or answered in error.
    Unavailable,
}

impl ReplayError {
    /// A stable snake_case cause.
    #[must_use]
    pub const fn reason(self) -> &'static str {
        match self {
            Self::Replayed => "replayed",
            Self::CapacityExceeded => "replay_guard_full",
            Self::InvalidId => "invalid_replay_id",
            Self::AlreadyExpired => "replay_id_expired",
            Self::Unavailable => "replay_guard_unavailable",
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for ReplayError {}

impl Reject for ReplayError {
    fn rejection(&self) -> Rejection {
        match self {
            Self::InvalidId => Rejection::invalid_request(self.reason()),
            _ => Rejection::invalid_token(self.reason()),
        }
    }
}

/// Records ids until they expire and refuses ids already recorded.
///
/// Implementations must be atomic: of two concurrent calls with the same live id, exactly one
/// succeeds. They must fail closed: on any doubt, return an error.
pub trait ReplayGuard: Send + Sync {
    /// Records `id` within `namespace` (a key id, a scheme name) until `expires_at`.
    ///
    /// # Errors
    /// [`ReplayError::Replayed`] if the pair is already recorded and `expires_at` of that record is
    /// after `now`; any other [`ReplayError`] when the id cannot be recorded.
    fn check_and_record(
        &self,
        namespace: &[u8],
        id: &[u8],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<(), ReplayError>;
}

impl<T: ReplayGuard + ?Sized> ReplayGuard for &T {
    fn check_and_record(&self, ns: &[u8], id: &[u8], exp: Timestamp, now: Timestamp) -> Result<(), ReplayError> {
        (**self).check_and_record(ns, id, exp, now)
    }
}

impl<T: ReplayGuard + ?Sized> ReplayGuard for Arc<T> {
    fn check_and_record(&self, ns: &[u8], id: &[u8], exp: Timestamp, now: Timestamp) -> Result<(), ReplayError> {
        (**self).check_and_record(ns, id, exp, now)
    }
}

impl<T: ReplayGuard + ?Sized> ReplayGuard for Box<T> {
    fn check_and_record(&self, ns: &[u8], id: &[u8], exp: Timestamp, now: Timestamp) -> Result<(), ReplayError> {
        (**self).check_and_record(ns, id, exp, now)
    }
}

/// A bounded, thread-safe, in-memory [`ReplayGuard`] for a single server.
///
/// - **Bounded:** at most `capacity` live ids (rounded up to a multiple of the shard count). Memory is
///   allocated up front and does not grow with traffic.
/// - **Fails closed:** when full of live ids it returns [`ReplayError::CapacityExceeded`] instead of
///   evicting a live id, which would re-open a replay window.
/// - **O(1) amortized:** expired ids are reclaimed from an expiry queue in insertion order as new ids
///   arrive; when ids of different lifetimes interleave, a full sweep (at most once per second of `now`
///   per shard) reclaims those the queue has not reached.
/// - **Compact keys:** each (namespace, id) pair is stored as a 64-bit keyed hash of the pair (std's
///   SipHash-1-3) under a random key chosen at construction; ids themselves are not kept, and an
///   attacker who cannot see the key cannot craft colliding ids. A collision can only make a fresh id look replayed (the guard fails
///   closed, it never lets a replay through): with `n` live ids a fresh id collides with probability
///   about `n / 2^64`, below one in 10^13 for a million live ids.
pub struct MemoryReplayGuard {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
    per_shard: usize,
}

/// The map's own hasher: keys are already keyed SipHash outputs, uniform and unpredictable to anyone
/// without the guard's random keys, so their low 64 bits are used as they are instead of hashing them a
/// second time.
#[derive(Default)]
struct PrehashedKey(u64);

impl Hasher for PrehashedKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `u64: Hash`; fold anything else in so the hasher stays total.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

type LiveMap = HashMap<u64, i64, BuildHasherDefault<PrehashedKey>>;

struct Shard {
    live: LiveMap,
    queue: VecDeque<(i64, u64)>,
    last_sweep: Option<i64>,
}

impl fmt::Debug for MemoryReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayGuard")
            .field("shards", &self.shards.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

impl MemoryReplayGuard {
    /// A guard holding at most about `capacity` live ids. A capacity of zero records nothing and
    /// rejects every id.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let shard_count = if capacity >= 1024 { 16 } else { 1 };
        let per_shard = capacity.div_ceil(shard_count);
        let shards = (0..shard_count)
            .map(|_| {
                Mutex::new(Shard {
                    live: LiveMap::with_capacity_and_hasher(per_shard, BuildHasherDefault::default()),
                    queue: VecDeque::with_capacity(per_shard),
                    last_sweep: None,
                })
            })
            .collect();
        Self { shards, hasher: RandomState::new(), per_shard }
    }

    /// The most live ids the guard holds.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.per_shard.saturating_mul(self.shards.len())
    }

    /// Ids currently held (live, or expired and not yet reclaimed).
    #[must_use]
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).live.len()).sum()
    }

    /// Whether the guard holds no ids.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The keyed hash of the pair: the namespace length frames the namespace, so `("ab", "c")` and
    /// `("a", "bc")` are different pairs.
    fn key(&self, namespace: &[u8], id: &[u8]) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write_u64(namespace.len() as u64);
        h.write(namespace);
        h.write(id);
        h.finish()
    }
}

impl Shard {
    /// Pops expired entries from the front of the queue.
    fn reclaim_front(&mut self, now: i64) {
        while let Some(&(exp, key)) = self.queue.front() {
            if exp > now {
                break;
            }
            self.queue.pop_front();
            if self.live.get(&key) == Some(&exp) {
                self.live.remove(&key);
            }
        }
    }

    /// Removes every expired entry and rebuilds the queue to match the live map.
    fn sweep(&mut self, now: i64) {
        self.live.retain(|_, exp| *exp > now);
        let live = &self.live;
        self.queue.retain(|(exp, key)| live.get(key) == Some(exp));
        self.last_sweep = Some(now);
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn check_and_record(
        &self,
        namespace: &[u8],
        id: &[u8],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<(), ReplayError> {
        if id.is_empty() || namespace.len().saturating_add(id.len()) > MAX_REPLAY_ID_LEN {
            return Err(ReplayError::InvalidId);
        }
        let (exp, now) = (expires_at.as_unix(), now.as_unix());
        if exp <= now {
            return Err(ReplayError::AlreadyExpired);
        }
        let key = self.key(namespace, id);
        let count = self.shards.len().max(1);
        // The shard comes from bits 40.. of the key; the map takes its bucket from the low bits and its
        // 7-bit tag from the top ones, so the three stay independent and every shard's table is used
        // evenly.
        let index = usize::try_from((key >> 40) % (count as u64)).unwrap_or(0);
        let Some(shard) = self.shards.get(index) else {
            return Err(ReplayError::CapacityExceeded);
        };
        // The shard's state is consistent between statements, so a poisoned lock is safe to reuse.
        let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        shard.reclaim_front(now);
        let cap = self.per_shard;
        let queue_limit = cap.saturating_mul(2).max(1);
        if shard.live.len() >= cap || shard.queue.len() >= queue_limit {
            // Full (or the queue holds many stale entries): answer a live id first, then make room.
            if let Some(&seen) = shard.live.get(&key)
                && seen > now
            {
                return Err(ReplayError::Replayed);
            }
            if (shard.live.len() >= cap && shard.last_sweep != Some(now)) || shard.queue.len() >= queue_limit {
                shard.sweep(now);
            }
            if shard.live.len() >= cap && !shard.live.contains_key(&key) {
                return Err(ReplayError::CapacityExceeded);
            }
        }
        // One probe of the map: a live id is refused, an expired one is renewed, a new one inserted.
        match shard.live.entry(key) {
            Entry::Occupied(mut e) => {
                if *e.get() > now {
                    return Err(ReplayError::Replayed);
                }
                e.insert(exp);
            }
            Entry::Vacant(e) => {
                e.insert(exp);
            }
        }
        shard.queue.push_back((exp, key));
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_unix(1_700_000_000);

    #[test]
    fn first_accepted_repeat_rejected_then_expires() {
        let g = MemoryReplayGuard::new(16);
        let until = T0.saturating_add_secs(300);
        assert_eq!(g.check_and_record(b"k1", b"nonce-1", until, T0), Ok(()));
        assert_eq!(g.check_and_record(b"k1", b"nonce-1", until, T0), Err(ReplayError::Replayed));
        let later = T0.saturating_add_secs(299);
        assert_eq!(
            g.check_and_record(b"k1", b"nonce-1", later.saturating_add_secs(300), later),
            Err(ReplayError::Replayed)
        );
        // Another namespace is another id.
        assert_eq!(g.check_and_record(b"k2", b"nonce-1", until, T0), Ok(()));
        // Namespace framing: ("k1n", "once-1") is not ("k1", "nonce-1").
        assert_eq!(g.check_and_record(b"k1n", b"once-1", until, T0), Ok(()));
        // At expiry the id is forgotten and accepted again.
        let at = T0.saturating_add_secs(300);
        assert_eq!(g.check_and_record(b"k1", b"nonce-1", at.saturating_add_secs(300), at), Ok(()));
    }

    #[test]
    fn bad_arguments_fail_closed() {
        let g = MemoryReplayGuard::new(4);
        assert_eq!(g.check_and_record(b"k", b"", T0.saturating_add_secs(1), T0), Err(ReplayError::InvalidId));
        let long = vec![b'a'; MAX_REPLAY_ID_LEN + 1];
        assert_eq!(g.check_and_record(b"", &long, T0.saturating_add_secs(1), T0), Err(ReplayError::InvalidId));
        assert_eq!(g.check_and_record(b"k", b"n", T0, T0), Err(ReplayError::AlreadyExpired));
        let zero = MemoryReplayGuard::new(0);
        assert_eq!(
            zero.check_and_record(b"k", b"n", T0.saturating_add_secs(1), T0),
            Err(ReplayError::CapacityExceeded)
        );
        assert_eq!(ReplayError::Replayed.rejection().reason(), "replayed");
        assert_eq!(ReplayError::Replayed.rejection().status().code(), 401);
    }

    #[test]
    fn ten_times_capacity_stays_bounded_and_fails_closed() {
        let cap = 2048;
        let g = MemoryReplayGuard::new(cap);
        let until = T0.saturating_add_secs(300);
        let (mut ok, mut full) = (0usize, 0usize);
        for i in 0..cap * 10 {
            match g.check_and_record(b"k", format!("n{i}").as_bytes(), until, T0) {
                Ok(()) => ok += 1,
                Err(ReplayError::CapacityExceeded) => full += 1,
                Err(e) => panic!("unexpected {e:?}"),
            }
            assert!(g.len() <= g.capacity());
        }
        assert!(ok <= g.capacity());
        assert!(ok >= cap / 2, "accepted only {ok}");
        assert_eq!(ok + full, cap * 10);
        // Every accepted id is still refused: nothing live was evicted.
        let mut replayed = 0;
        for i in 0..cap * 10 {
            if g.check_and_record(b"k", format!("n{i}").as_bytes(), until, T0) == Err(ReplayError::Replayed) {
                replayed += 1;
            }
        }
        assert_eq!(replayed, ok);
        // Once they expire, room comes back.
        let later = until;
        let fresh = (0..cap)
            .filter(|i| {
                g.check_and_record(b"k", format!("f{i}").as_bytes(), later.saturating_add_secs(300), later).is_ok()
            })
            .count();
        assert!(fresh >= cap / 2, "only {fresh} accepted after expiry");
        assert!(g.len() <= g.capacity());
    }

    #[test]
    fn mixed_lifetimes_are_reclaimed() {
        let g = MemoryReplayGuard::new(8);
        // A long-lived id at the front of the queue, then short-lived ones.
        g.check_and_record(b"k", b"long", T0.saturating_add_secs(10_000), T0).unwrap();
        for i in 0..7 {
            g.check_and_record(b"k", format!("s{i}").as_bytes(), T0.saturating_add_secs(10), T0).unwrap();
        }
        assert_eq!(g.check_and_record(b"k", b"x", T0.saturating_add_secs(10), T0), Err(ReplayError::CapacityExceeded));
        let t = T0.saturating_add_secs(11);
        for i in 0..7 {
            g.check_and_record(b"k", format!("t{i}").as_bytes(), t.saturating_add_secs(10), t).unwrap();
        }
        assert_eq!(g.check_and_record(b"k", b"long", t.saturating_add_secs(10), t), Err(ReplayError::Replayed));
    }

    #[test]
    fn concurrent_use_keeps_guarantees() {
        let g = Arc::new(MemoryReplayGuard::new(4096));
        let until = T0.saturating_add_secs(300);
        // 4 threads race on the same 1000 ids: each id is accepted exactly once.
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let g = Arc::clone(&g);
                std::thread::spawn(move || {
                    (0..1000)
                        .filter(|i| g.check_and_record(b"k", format!("id{i}").as_bytes(), until, T0).is_ok())
                        .count()
                })
            })
            .collect();
        let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(total, 1000);
        // Racing past capacity: never more than capacity accepted, never a live id lost.
        let small = Arc::new(MemoryReplayGuard::new(1024));
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let g = Arc::clone(&small);
                std::thread::spawn(move || {
                    (0..2048)
                        .filter(|i| g.check_and_record(b"k", format!("{t}-{i}").as_bytes(), until, T0).is_ok())
                        .count()
                })
            })
            .collect();
        let accepted: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert!(accepted <= small.capacity());
        assert_eq!(small.len(), accepted);
    }
}
