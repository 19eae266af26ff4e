//! rollcall's integration tests: one binary, as ripgrep and cargo do (faster links, shared
//! helpers). No test touches the internet: upstreams are loopback servers serving fixtures.

mod cli;
mod config;
mod crash;
mod daemon;
mod dashboard_data;
mod deploy;
mod discover;
mod distros;
mod filters;
mod github;
mod history;
mod languages;
mod layering;
mod network;
mod sandbox;
mod shards;
mod support;
mod trackers;
mod tui;
mod upstreams;
mod verdicts;
mod versions;
