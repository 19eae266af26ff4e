//! The wasmtime engine: configuration, the pooling allocator and the epoch ticker.
//!
//! Epoch interruption gives every store a wall-clock budget at a few percent of CPU (fuel costs
//! 50–70 % on tight loops, measured in `../shared/notes/wasm-host-research.md`). Guests yield to
//! tokio at every tick, so a spinning guest never starves the other polls of the run and the
//! poll's `tokio::time::timeout` can cancel it.

use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::limits::MAX_MEMORY_BYTES;

/// How often the epoch advances.
pub const TICK: Duration = Duration::from_millis(10);

/// Polls that may run at once; the pool is sized for this many instances plus `describe` calls.
pub const MAX_CONCURRENT_POLLS: usize = 16;

/// Builds the engine. `max_memory` is the largest memory cap any plugin is configured with.
pub fn new_engine(max_memory: usize) -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.max_wasm_stack(512 << 10);
    // Data segments are copied into fresh memory at instantiation rather than mapped
    // copy-on-write: a tracker writes to most of its data pages, and each copy-on-write fault
    // flushes the TLB of every core running the process.
    config.memory_init_cow(false);
    // Function tables are filled at instantiation: a poll calls through most of them anyway,
    // and filling them lazily costs a fault-like trip through the runtime per first call.
    config.table_lazy_init(false);

    let slots = (MAX_CONCURRENT_POLLS * 2) as u32;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(slots)
        .total_core_instances(slots * 16)
        .total_memories(slots * 2)
        .total_tables(slots * 8)
        .total_stacks(slots)
        .max_memory_size(max_memory.clamp(16 << 20, MAX_MEMORY_BYTES))
        // Returned slots are decommitted in batches: one `madvise` (and one TLB shootdown,
        // which stalls every core) per 16 polls instead of per poll. Keeping memory resident
        // and zeroing it with `memset` was as fast and cost 20–30 MiB more (BENCHMARKS.md).
        .decommit_batch_size(16);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));

    let engine = Engine::new(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
    start_ticker(&engine);
    Ok(engine)
}

/// Advances the epoch every [`TICK`] for as long as the engine lives. Holds only a weak
/// reference, so dropping the last `Engine` ends the thread.
fn start_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("rollcall-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(TICK);
            }
        });
    if let Err(e) = spawned {
        tracing::error!(
            "failed to start the epoch thread, plugin timeouts rely on tokio only: {e}"
        );
    }
}
