//! The declarative policy: thresholds and the severity of each status.
//!
//! Layers, each overriding the one before: built-in defaults, the config's `[policy]`, the
//! distro's `[distros.NAME.policy]`, the watch's `policy = { … }`. A `behind` verdict within
//! `max-releases-behind` and `max-days-behind` is tolerated (severity `ok`); beyond either, it
//! takes the severity mapped to `behind`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use rollcall_model::verdict::{Severity, Status};

/// One layer of policy as written in the config; absent keys inherit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyConfig {
    /// Releases a distro may lag inside its line before `behind` counts.
    #[serde(default)]
    pub max_releases_behind: Option<u32>,
    /// Days since the first missing release before `behind` counts.
    #[serde(default)]
    pub max_days_behind: Option<u32>,
    /// Days before end of life that make a line `eol-soon`; default min(⅓ of the line's life,
    /// 120 days).
    #[serde(default)]
    pub eol_warning: Option<u32>,
    /// Severity per status, for the statuses given.
    #[serde(default)]
    pub severity: BTreeMap<Status, Severity>,
}

/// The policy in force for one verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// See [`PolicyConfig::max_releases_behind`].
    pub max_releases_behind: u32,
    /// See [`PolicyConfig::max_days_behind`].
    pub max_days_behind: u32,
    /// See [`PolicyConfig::eol_warning`]; `None` means the computed default.
    pub eol_warning: Option<u32>,
    /// Severity of every status.
    pub severity: BTreeMap<Status, Severity>,
}

/// The default severity of each status.
pub fn default_severity(status: Status) -> Severity {
    match status {
        Status::Current => Severity::Ok,
        Status::Superseded | Status::Ahead => Severity::Info,
        Status::Behind | Status::EolSoon | Status::Missing | Status::Unknown | Status::Error => {
            Severity::Warning
        }
        Status::Eol => Severity::Critical,
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_releases_behind: 0,
            max_days_behind: 0,
            eol_warning: None,
            severity: Status::ALL
                .into_iter()
                .map(|s| (s, default_severity(s)))
                .collect(),
        }
    }
}

impl Policy {
    /// The defaults with `layers` applied in order.
    pub fn layered<'a>(layers: impl IntoIterator<Item = &'a PolicyConfig>) -> Self {
        let mut policy = Policy::default();
        for layer in layers {
            if let Some(n) = layer.max_releases_behind {
                policy.max_releases_behind = n;
            }
            if let Some(n) = layer.max_days_behind {
                policy.max_days_behind = n;
            }
            if let Some(n) = layer.eol_warning {
                policy.eol_warning = Some(n);
            }
            for (status, severity) in &layer.severity {
                policy.severity.insert(*status, *severity);
            }
        }
        policy
    }

    /// The severity of a verdict with this status and lag.
    pub fn severity(
        &self,
        status: Status,
        releases_behind: u32,
        days_behind: Option<i64>,
    ) -> Severity {
        if status == Status::Behind && self.tolerates(releases_behind, days_behind) {
            return Severity::Ok;
        }
        self.severity
            .get(&status)
            .copied()
            .unwrap_or_else(|| default_severity(status))
    }

    /// Whether a lag is within the thresholds.
    pub fn tolerates(&self, releases_behind: u32, days_behind: Option<i64>) -> bool {
        releases_behind <= self.max_releases_behind
            && days_behind.unwrap_or(0) <= i64::from(self.max_days_behind)
    }

    /// Days before end of life that count as "soon" for a line living `lifetime_days`.
    pub fn eol_window(&self, lifetime_days: Option<i64>) -> i64 {
        const CAP: i64 = 120;
        match (self.eol_warning, lifetime_days) {
            (Some(days), _) => i64::from(days),
            (None, Some(life)) => (life / 3).clamp(1, CAP),
            (None, None) => CAP,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_override_in_order() {
        let defaults = PolicyConfig {
            max_releases_behind: Some(2),
            severity: [(Status::Superseded, Severity::Warning)].into(),
            ..PolicyConfig::default()
        };
        let distro = PolicyConfig {
            max_releases_behind: Some(5),
            eol_warning: Some(30),
            ..PolicyConfig::default()
        };
        let watch = PolicyConfig {
            severity: [(Status::Eol, Severity::Warning)].into(),
            ..PolicyConfig::default()
        };
        let p = Policy::layered([&defaults, &distro, &watch]);
        assert_eq!(p.max_releases_behind, 5);
        assert_eq!(p.eol_warning, Some(30));
        assert_eq!(p.severity(Status::Superseded, 0, None), Severity::Warning);
        assert_eq!(p.severity(Status::Eol, 0, None), Severity::Warning);
        assert_eq!(p.severity(Status::Current, 0, None), Severity::Ok);
    }

    #[test]
    fn lag_within_thresholds_is_tolerated() {
        let p = Policy::layered([&PolicyConfig {
            max_releases_behind: Some(2),
            max_days_behind: Some(30),
            ..PolicyConfig::default()
        }]);
        assert_eq!(p.severity(Status::Behind, 2, Some(30)), Severity::Ok);
        assert_eq!(p.severity(Status::Behind, 3, Some(1)), Severity::Warning);
        assert_eq!(p.severity(Status::Behind, 1, Some(31)), Severity::Warning);
        assert_eq!(
            Policy::default().severity(Status::Behind, 1, None),
            Severity::Warning
        );
    }

    #[test]
    fn eol_window_is_a_third_of_the_life_capped_at_120_days() {
        let p = Policy::default();
        assert_eq!(p.eol_window(Some(90)), 30);
        assert_eq!(p.eol_window(Some(3650)), 120);
        assert_eq!(p.eol_window(None), 120);
        let fixed = Policy::layered([&PolicyConfig {
            eol_warning: Some(200),
            ..PolicyConfig::default()
        }]);
        assert_eq!(fixed.eol_window(Some(90)), 200);
    }
}
