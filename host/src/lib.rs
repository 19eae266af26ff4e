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
pub mod day;
pub mod discover;
pub mod distros;
pub mod evaluate;
pub mod exit;
pub mod model;
pub mod net;
pub mod policy;
pub mod report;
pub mod run;
pub mod runtime;
pub mod schedule;
pub mod store;
pub mod trackers;
pub mod upstream;
pub mod versions;

/// The trackers built from `plugins/` by the build script.
pub mod artifacts {
    include!(concat!(env!("OUT_DIR"), "/plugins.rs"));
}
