//! Exit statuses, in one place. Documented in the README and `rollcall --help`.

/// Nothing at or above `--fail-on` was found.
pub const OK: u8 = 0;
/// At least one verdict is at or above `--fail-on`.
pub const FINDINGS: u8 = 1;
/// Bad command line or config; nothing ran.
pub const USAGE: u8 = 2;
/// The run could not complete: every tracker failed, or the host itself failed.
pub const INCOMPLETE: u8 = 3;
