//! What distributions ship: parsers for the package indexes the package managers use.
//!
//! Debian archives (`Release`/`InRelease`, `Sources`, `Packages`) in [`deb`], rpm-md
//! repositories (`repomd.xml`, `primary.xml`) in [`rpmmd`], all read as streams through
//! [`decompress`]. Fetching, checksums, presets and package mapping build on these.

pub mod deb;
pub mod decompress;
pub mod rpmmd;

use serde::Serialize;

/// One package a distro ships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShippedPackage {
    /// Binary package name (for a `Sources` index, the source name).
    pub name: String,
    /// The version as the distro writes it.
    pub version: String,
    /// The source package it is built from, when the index says.
    pub source: Option<String>,
    /// Architecture.
    pub arch: Option<String>,
}
