//! The network layer: the URL policy that sandboxes trackers and the client that fetches for
//! them. Shared by the `http` and `github` imports (and, later, the distro sources).

pub mod bearer;
pub mod cache;
pub mod cassette;
pub mod client;
pub mod gate;
pub mod github;
pub mod policy;
pub mod resolve;

pub use cache::{CachedResponse, HttpCache};
pub use cassette::Cassette;
pub use client::{FetchError, Fetched, HttpClient, RequestLimits};
pub use gate::NetPolicy;
pub use policy::{Grant, HostRule};
