//! The on-disk cache of compiled components.
//!
//! Compiling a tracker with cranelift takes tens of milliseconds (seconds for Python or JS
//! components); loading the compiled form takes well under one. Entries are keyed by the SHA-256
//! of the component and a hash of everything in the engine that affects compiled code
//! (`Engine::precompile_compatibility_hash`), so a new rollcall or a different CPU never loads a
//! stale entry. Only files this module wrote are ever loaded: the directory is created private
//! and entries are written to a temporary name, then renamed.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Whether a load compiled or reused compiled code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded a compiled entry.
    Hit,
    /// Compiled, and stored the result.
    Compiled,
    /// Compiled; no cache directory is configured or it could not be written.
    CompiledUncached,
}

/// A directory of compiled components, or none.
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: Option<PathBuf>,
    engine_key: String,
}

/// Feeds `Hash` output into SHA-256, to turn the engine's compatibility hash into a stable key.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl ComponentCache {
    /// A cache in `dir` (created on first write), or a cache that always compiles.
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let mut hasher = ShaHasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        let engine_key = hex::encode(&hasher.0.finalize()[..12]);
        Self { dir, engine_key }
    }

    /// The default location: `$XDG_CACHE_HOME/rollcall/components`, else
    /// `~/.cache/rollcall/components`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("rollcall").join("components"))
    }

    /// The cache directory, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The entry path for a component with this SHA-256.
    fn entry(&self, dir: &Path, sha256: &str) -> PathBuf {
        dir.join(format!("{sha256}-{}.cwasm", self.engine_key))
    }

    /// Loads the compiled form of `bytes`, compiling and storing it on a miss.
    pub fn load(
        &self,
        engine: &Engine,
        bytes: &[u8],
        sha256: &str,
    ) -> anyhow::Result<(Component, CacheOutcome)> {
        let Some(dir) = &self.dir else {
            return Ok((compile(engine, bytes)?, CacheOutcome::CompiledUncached));
        };
        let path = self.entry(dir, sha256);
        if let Err(why) = private(dir, &path) {
            // Native code in a place others can write is never loaded, nor written there.
            tracing::warn!(dir = %dir.display(), "not using the compiled-component cache: {why}");
            return Ok((compile(engine, bytes)?, CacheOutcome::CompiledUncached));
        }
        if path.is_file() {
            match deserialize(engine, &path) {
                Ok(component) => return Ok((component, CacheOutcome::Hit)),
                Err(e) => tracing::warn!(
                    path = %path.display(),
                    "ignoring an unreadable compiled-component cache entry: {e}"
                ),
            }
        }
        let compiled = engine
            .precompile_component(bytes)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let outcome = match store(dir, &path, &compiled) {
            Ok(()) => CacheOutcome::Compiled,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), "could not write the component cache: {e}");
                CacheOutcome::CompiledUncached
            }
        };
        Ok((deserialize_bytes(engine, &compiled)?, outcome))
    }
}

fn compile(engine: &Engine, bytes: &[u8]) -> anyhow::Result<Component> {
    Component::new(engine, bytes).map_err(|e| anyhow::anyhow!("{e}"))
}

#[expect(
    unsafe_code,
    reason = "loads native code; only entries this module wrote, named by content hash, are loaded"
)]
fn deserialize(engine: &Engine, path: &Path) -> anyhow::Result<Component> {
    // SAFETY: `path` is in rollcall's private cache directory and was written by `store` from
    // `Engine::precompile_component` output; the name binds it to the component's hash and to
    // this engine's compatibility hash, and wasmtime re-checks the header on load.
    unsafe { Component::deserialize_file(engine, path) }.map_err(|e| anyhow::anyhow!("{e}"))
}

#[expect(
    unsafe_code,
    reason = "the bytes were produced by `Engine::precompile_component` in this process"
)]
fn deserialize_bytes(engine: &Engine, compiled: &[u8]) -> anyhow::Result<Component> {
    // SAFETY: `compiled` comes straight from `precompile_component` on the same engine.
    unsafe { Component::deserialize(engine, compiled) }.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Whether `dir` (when it exists) and `entry` (when it exists) can hold code to load: on Unix,
/// neither may be writable by group or others, and the entry must belong to the directory's
/// owner. Anyone who could plant a file there could make rollcall run native code.
fn private(dir: &Path, entry: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(d) = std::fs::symlink_metadata(dir) else {
            return Ok(());
        };
        if !d.is_dir() || d.mode() & 0o022 != 0 {
            return Err(format!(
                "`{}` is writable by other users (mode {:o}); fix: chmod 700 it",
                dir.display(),
                d.mode() & 0o7777
            ));
        }
        if let Ok(e) = std::fs::symlink_metadata(entry)
            && (!e.is_file() || e.mode() & 0o022 != 0 || e.uid() != d.uid())
        {
            return Err(format!(
                "`{}` is not a file of the cache's owner, private to it; fix: delete it",
                entry.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, entry);
    Ok(())
}

fn store(dir: &Path, path: &Path, compiled: &[u8]) -> std::io::Result<()> {
    if !dir.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id()
    ));
    std::fs::write(&tmp, compiled)?;
    std::fs::rename(&tmp, path)
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn code_in_a_cache_others_can_write_is_never_loaded() {
        let engine = Engine::default();
        let bytes = crate::artifacts::BUILTIN
            .iter()
            .find_map(|(name, bytes)| (*name == "npm").then_some(*bytes))
            .expect("a built-in tracker");
        let sha = sha256_hex(bytes);
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ComponentCache::new(&engine, Some(dir.path().join("components")));
        let outcome = |cache: &ComponentCache| cache.load(&engine, bytes, &sha).expect("loads").1;
        assert_eq!(outcome(&cache), CacheOutcome::Compiled);
        assert_eq!(outcome(&cache), CacheOutcome::Hit);

        let components = dir.path().join("components");
        std::fs::set_permissions(&components, std::fs::Permissions::from_mode(0o777))
            .expect("chmod");
        assert_eq!(outcome(&cache), CacheOutcome::CompiledUncached);
        std::fs::set_permissions(&components, std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        assert_eq!(outcome(&cache), CacheOutcome::Hit);

        // An entry others can write is refused even in a private directory.
        let entry = cache.entry(&components, &sha);
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        assert_eq!(outcome(&cache), CacheOutcome::CompiledUncached);
    }
}
