//! The HTTP cache the client revalidates with, seen through one small trait: the network layer
//! knows nothing of where responses are kept (the store implements it over SQLite; a test may
//! keep them in memory).

/// A response kept for revalidation.
#[derive(Debug, Clone)]
pub struct CachedResponse {
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When it was fetched (or last revalidated), RFC 3339; [`HttpCache::put`] sets it.
    pub fetched_at: String,
}

/// Where the client keeps responses that carry validators. Calls may block (the client makes
/// them from async code, so an implementation that blocks must step off the async workers
/// itself); a cache that fails to read or write answers `None` or drops the write, and the
/// request goes on uncached.
pub trait HttpCache: Send + Sync + std::fmt::Debug {
    /// The response kept under `key`, if any.
    fn cached(&self, key: &str) -> Option<CachedResponse>;
    /// `key`'s response was revalidated (a `304`): it counts as fetched now.
    fn touch(&self, key: &str);
    /// Keeps `response` under `key`, stamped as fetched now.
    fn put(&self, key: &str, response: CachedResponse);
}
