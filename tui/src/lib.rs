//! The rollcall terminal dashboard.
//!
//! Placeholder crate: the dashboard (ratatui, crossterm) lands with its own issue. It will read
//! verdicts from the store and never fetch, so it depends on the engine and not the other way.

/// What `rollcall tui` prints until the dashboard exists.
pub const NOT_YET: &str = "the dashboard is not built yet; use `rollcall check` for now";
