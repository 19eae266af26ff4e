//! The rollcall terminal dashboard.
//!
//! Four screens over one [`Snapshot`]: the overview (every verdict, worst first), a watch's
//! detail (release-line timeline, releases, shipped history, explanation, tracker errors), the
//! trackers (poll health, rate-limit budget per host) and the changes (`rollcall report`).
//! The engine provides the data through [`Source`] and never the other way round: this crate
//! knows nothing of plugins, distros or the store's schema.
//!
//! [`run`] drives a real terminal; [`Dashboard`] and [`render`] are the same thing without one,
//! for tests (ratatui's `TestBackend`) and benchmarks.

pub mod app;
pub mod clock;
pub mod keys;
pub mod model;
pub mod term;
pub mod ui;

pub use app::{App, Column, Dashboard, Options, Screen};
pub use model::{
    ChangeRow, Detail, HostBudget, JobEvent, LineInfo, ReleaseInfo, Row, Severity, ShippedInfo,
    Snapshot, Source, Status, TrackerRow,
};
pub use term::run;
pub use ui::render;
