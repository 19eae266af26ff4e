//! rollcall: takes the roll of a Linux distribution's upstreams.
//!
//! Data flows one way: the config plans the run; trackers (sandboxed Wasm, [`runtime`]) and
//! distro sources fetch; [`versions`] normalises; [`evaluate`] turns facts into verdicts;
//! [`report`] renders them. Nothing downstream fetches, nothing upstream evaluates.

pub mod day;
pub mod model;
pub mod net;
pub mod runtime;

/// The trackers built from `plugins/` by the build script.
pub mod artifacts {
    include!(concat!(env!("OUT_DIR"), "/plugins.rs"));
}
