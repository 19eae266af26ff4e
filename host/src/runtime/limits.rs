//! What one poll may consume, and the memory limiter that enforces the memory part.

use std::time::Duration;

/// Limits for one poll of one tracker. Defaults suit the built-in trackers; the config can set
/// each per plugin under `[plugins.NAME]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest linear memory, in bytes.
    pub memory_bytes: usize,
    /// Wall time for the whole poll, host calls included.
    pub timeout: Duration,
    /// Wall time for one HTTP request.
    pub request_timeout: Duration,
    /// HTTP requests (and GitHub API calls) per poll.
    pub max_http_calls: u32,
    /// Largest HTTP response body, after decompression.
    pub max_response_bytes: u64,
    /// Largest returned data (releases and lines).
    pub max_output_bytes: u64,
}

/// The ceiling for `memory_bytes`; the pooling allocator reserves slots of this size.
pub const MAX_MEMORY_BYTES: usize = 1 << 30;

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: 64 << 20,
            timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(20),
            max_http_calls: 64,
            max_response_bytes: 32 << 20,
            max_output_bytes: 8 << 20,
        }
    }
}

/// A guest tried to grow a memory past its cap. Carried as the trap's error so the host can
/// tell it apart from every other trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("wanted {requested} bytes of memory, the cap is {limit}")]
pub struct MemoryLimitExceeded {
    /// Bytes the guest asked for.
    pub requested: usize,
    /// The cap.
    pub limit: usize,
}

/// Per-store limiter: caps each linear memory and table, records the peak.
#[derive(Debug)]
pub struct MemoryCap {
    limit: usize,
    peak: usize,
}

impl MemoryCap {
    /// A limiter with a cap of `limit` bytes per memory.
    pub fn new(limit: usize) -> Self {
        Self { limit, peak: 0 }
    }

    /// The largest memory size reached.
    pub fn peak(&self) -> usize {
        self.peak
    }
}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            return Err(wasmtime::Error::new(MemoryLimitExceeded {
                requested: desired,
                limit: self.limit,
            }));
        }
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        256
    }

    fn tables(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        16
    }
}
