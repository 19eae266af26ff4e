//! rollcall's vocabulary of results, shared by the engine and the dashboard: calendar
//! [`day`]s, what trackers report ([`data`]), the [`verdict`] on each shipped package with its
//! status and severity, and the [`report`] of one run. It depends on nothing of rollcall but
//! `rollcall-versions` (a verdict names its version scheme).

pub mod data;
pub mod day;
pub mod report;
pub mod verdict;
