//! rollcall: takes the roll of a Linux distribution's upstreams.
//!
//! Data flows one way: the [`config`] plans the run; trackers (sandboxed Wasm, [`runtime`])
//! fetch through [`net`]; [`versions`] normalises; [`evaluate`] turns facts into verdicts;
//! [`report`] renders them; [`run`] drives one `check`. Nothing downstream fetches, nothing
//! upstream evaluates.

pub mod cli;
pub mod config;
pub mod daemon;
pub mod dashboard;
/// Calendar days (from `rollcall-model`).
pub use rollcall_model::day;
pub mod discover;
pub mod distros;
pub mod evaluate;
pub mod exit;
/// What trackers report, in the host's own types (`rollcall-model`'s `data`).
pub use rollcall_model::data as model;
pub mod net;
pub mod policy;
/// The report of one run (from `rollcall-model`).
pub use rollcall_model::report;
pub mod run;
pub mod runtime;
pub mod schedule;
pub mod store;
pub mod trackers;
pub mod upstream;
/// Versions: schemes, the distro-version reduction and release lines (the `rollcall-versions`
/// crate, which depends on nothing else of rollcall).
pub use rollcall_versions as versions;

/// The trackers built from `plugins/` by the build script.
pub mod artifacts {
    include!(concat!(env!("OUT_DIR"), "/plugins.rs"));
}
