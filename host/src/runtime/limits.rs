//! What one poll may consume, and the memory limiter that enforces the memory part.

use std::time::Duration;

/// Limits for one poll of one tracker. Defaults suit the built-in trackers; the config can set
/// each per plugin under `[plugins.NAME]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Memory of the whole store, in bytes: every linear memory and table of every instance.
    pub memory_bytes: usize,
    /// Wall time for the whole poll, host calls included.
    pub timeout: Duration,
    /// Wall time for one HTTP request.
    pub request_timeout: Duration,
    /// HTTP requests (and GitHub API calls) per poll.
    pub max_http_calls: u32,
    /// `text.regex-find-all` calls per poll.
    pub max_regex_calls: u32,
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
            max_regex_calls: 256,
            max_response_bytes: 32 << 20,
            max_output_bytes: 8 << 20,
        }
    }
}

/// A guest tried to grow a memory or table past the store's cap. Carried as the trap's error so
/// the host can tell it apart from every other trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("wanted {requested} bytes of memory, the cap is {limit}")]
pub struct MemoryLimitExceeded {
    /// Bytes the store's memories and tables would have reached.
    pub requested: usize,
    /// The cap.
    pub limit: usize,
}

/// Bytes a table element costs the host: wasmtime keeps a pointer per element.
const TABLE_ELEMENT_BYTES: usize = std::mem::size_of::<usize>();

/// Most elements of one table, whatever the memory cap.
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Per-store limiter: one cap for the sum of every linear memory and table of the store (a
/// component may instantiate several core modules, each with its own memory and tables), and
/// the peak of that sum.
#[derive(Debug)]
pub struct MemoryCap {
    limit: usize,
    /// Bytes of memories and tables granted so far.
    total: usize,
    /// The last growth granted, undone if wasmtime then fails to grow.
    pending: usize,
    peak: usize,
}

impl MemoryCap {
    /// A limiter with a cap of `limit` bytes for the whole store.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            total: 0,
            pending: 0,
            peak: 0,
        }
    }

    /// The largest total reached, bytes.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Grants `current → desired` bytes of one memory or table if the store's total stays
    /// within the cap; the error carries the total the store would have reached.
    fn grow(&mut self, current: usize, desired: usize) -> wasmtime::Result<bool> {
        let more = desired.saturating_sub(current);
        let wanted = self.total.saturating_add(more);
        if wanted > self.limit {
            return Err(wasmtime::Error::new(MemoryLimitExceeded {
                requested: wanted,
                limit: self.limit,
            }));
        }
        self.total = wanted;
        self.pending = more;
        self.peak = self.peak.max(wanted);
        Ok(true)
    }

    fn grow_failed(&mut self) {
        self.total = self.total.saturating_sub(self.pending);
        self.pending = 0;
    }
}

impl wasmtime::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow(current, desired)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.grow_failed();
        Ok(())
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            return Ok(false);
        }
        self.grow(
            current.saturating_mul(TABLE_ELEMENT_BYTES),
            desired.saturating_mul(TABLE_ELEMENT_BYTES),
        )
    }

    fn table_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.grow_failed();
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::{MemoryCap, MemoryLimitExceeded};

    /// A core module with two memories of `pages` 64 KiB pages each, written by hand (the
    /// engine is built without a text-format parser).
    fn two_memories(pages: u8) -> Vec<u8> {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        // Memory section: two entries, each `flags = 0` (no maximum) and `min = pages`.
        module.extend([5, 5, 2, 0, pages, 0, pages]);
        module
    }

    #[test]
    fn the_cap_is_the_sum_of_every_memory_of_the_store() {
        let engine = wasmtime::Engine::default();
        let module = wasmtime::Module::new(&engine, two_memories(100)).expect("a valid module");
        let memory = |cap: usize| {
            let mut store = wasmtime::Store::new(&engine, MemoryCap::new(cap));
            store.limiter(|cap| cap);
            let result = wasmtime::Instance::new(&mut store, &module, &[]).map(|_| ());
            (result, store.into_data())
        };
        // Each memory is 6.25 MiB: either fits under 10 MiB alone, both together do not.
        let (result, cap) = memory(10 << 20);
        let error = result.expect_err("two memories of 6.25 MiB exceed a 10 MiB cap");
        let exceeded = error
            .downcast_ref::<MemoryLimitExceeded>()
            .expect("the typed error");
        assert_eq!(exceeded.requested, 2 * 100 * 65_536);
        assert_eq!(exceeded.limit, 10 << 20);
        assert_eq!(cap.peak(), 100 * 65_536);
        let (result, cap) = memory(16 << 20);
        result.expect("both fit under 16 MiB");
        assert_eq!(cap.peak(), 2 * 100 * 65_536);
    }

    #[test]
    fn tables_count_and_a_failed_growth_is_given_back() {
        use wasmtime::ResourceLimiter as _;
        let mut cap = MemoryCap::new(1 << 20);
        assert!(cap.table_growing(0, 1_000, None).expect("within the cap"));
        assert_eq!(cap.peak(), 1_000 * std::mem::size_of::<usize>());
        assert!(
            cap.memory_growing(0, 512 << 10, None)
                .expect("within the cap")
        );
        cap.memory_grow_failed(wasmtime::Error::msg("no room"))
            .expect("ignored");
        assert!(
            cap.memory_growing(0, 1000 << 10, None)
                .expect("within the cap once given back")
        );
        assert!(
            cap.memory_growing(0, 64 << 10, None).is_err(),
            "over the sum"
        );
        assert!(
            !cap.table_growing(0, 200_000, None)
                .expect("refused, not trapped")
        );
    }
}
