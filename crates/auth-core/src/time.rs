//! The one time type of the workspace.
//!
//! Verifiers never read a clock: every `verify` takes `now: Timestamp` from the caller. A server converts
//! its clock reading once per request with [`Timestamp::try_from`] on a [`std::time::SystemTime`].

use core::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time with one-second resolution, as signed seconds since the Unix epoch (UTC).
///
/// Seconds are the resolution of every credential format authv verifies (JWT NumericDate, HMAC and
/// webhook timestamps, SigV4 dates, X.509 validity). Arithmetic saturates, so adding an attacker-supplied
/// duration can never wrap around.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Self = Self(0);

    /// A timestamp `secs` seconds after (or, when negative, before) the Unix epoch.
    #[must_use]
    pub const fn from_unix(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub const fn as_unix(self) -> i64 {
        self.0
    }

    /// `self + secs`, saturating at the ends of the range.
    #[must_use]
    pub const fn saturating_add_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_add(secs))
    }

    /// `self - secs`, saturating at the ends of the range.
    #[must_use]
    pub const fn saturating_sub_secs(self, secs: i64) -> Self {
        Self(self.0.saturating_sub(secs))
    }

    /// `self + d`, saturating; durations beyond `i64::MAX` seconds saturate too.
    #[must_use]
    pub fn saturating_add(self, d: Duration) -> Self {
        self.saturating_add_secs(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    /// `self - d`, saturating.
    #[must_use]
    pub fn saturating_sub(self, d: Duration) -> Self {
        self.saturating_sub_secs(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    /// Signed number of seconds from `earlier` to `self` (saturating).
    #[must_use]
    pub const fn secs_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// The absolute distance between two timestamps in seconds.
    #[must_use]
    pub const fn abs_diff(self, other: Self) -> u64 {
        self.0.abs_diff(other.0)
    }

    /// Converts to a [`time::OffsetDateTime`] in UTC, or `None` outside the range `time` represents.
    #[must_use]
    pub fn to_offset_date_time(self) -> Option<time::OffsetDateTime> {
        time::OffsetDateTime::from_unix_timestamp(self.0).ok()
    }

    /// Converts to a [`SystemTime`], or `None` where the platform cannot represent it.
    #[must_use]
    pub fn to_system_time(self) -> Option<SystemTime> {
        let magnitude = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 { UNIX_EPOCH.checked_add(magnitude) } else { UNIX_EPOCH.checked_sub(magnitude) }
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimeOutOfRange;

    /// Whole seconds since the epoch (sub-second parts are truncated toward the past).
    fn try_from(t: SystemTime) -> Result<Self, TimeOutOfRange> {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).map(Self).map_err(|_| TimeOutOfRange),
            Err(before) => {
                let d = before.duration();
                let mut secs = i64::try_from(d.as_secs()).map_err(|_| TimeOutOfRange)?;
                if d.subsec_nanos() != 0 {
                    secs = secs.checked_add(1).ok_or(TimeOutOfRange)?;
                }
                Ok(Self(-secs))
            }
        }
    }
}

impl From<time::OffsetDateTime> for Timestamp {
    fn from(t: time::OffsetDateTime) -> Self {
        Self(t.unix_timestamp())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC where representable, else the raw seconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let formatted =
            self.to_offset_date_time().and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
        match formatted {
            Some(s) => f.write_str(&s),
            None => write!(f, "@{}", self.0),
        }
    }
}

/// A [`SystemTime`] that does not fit a [`Timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOutOfRange;

impl fmt::Display for TimeOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("time out of range")
    }
}

impl std::error::Error for TimeOutOfRange {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturates_instead_of_wrapping() {
        let t = Timestamp::from_unix(i64::MAX - 1);
        assert_eq!(t.saturating_add_secs(10).as_unix(), i64::MAX);
        assert_eq!(Timestamp::from_unix(i64::MIN).saturating_sub_secs(1).as_unix(), i64::MIN);
        assert_eq!(t.saturating_add(Duration::from_secs(u64::MAX)).as_unix(), i64::MAX);
    }

    #[test]
    fn system_time_round_trip() {
        let st = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let t = Timestamp::try_from(st).ok();
        assert_eq!(t, Some(Timestamp::from_unix(1_700_000_000)));
        assert_eq!(t.and_then(Timestamp::to_system_time), Some(st));
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(Timestamp::try_from(before).ok(), Some(Timestamp::from_unix(-2)));
    }

    #[test]
    fn displays_rfc3339() {
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_unix(i64::MAX).to_string(), format!("@{}", i64::MAX));
    }
}
