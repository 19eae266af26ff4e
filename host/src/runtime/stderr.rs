//! Guest stderr: a bounded buffer that never refuses a write.
//!
//! wasmtime-wasi's `MemoryOutputPipe` traps the guest on a write past its capacity, so a
//! tracker that logs a lot to stderr would crash instead of finishing. This pipe accepts every
//! write and keeps the first and the last bytes (a panic message comes last), counting what it
//! dropped in between.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

#[derive(Debug, Default)]
struct Kept {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    dropped: u64,
}

/// A bounded, truncating stderr: the first half of `capacity` bytes and the last half.
#[derive(Debug, Clone)]
pub struct StderrPipe {
    half: usize,
    kept: Arc<Mutex<Kept>>,
}

impl StderrPipe {
    /// A pipe keeping at most `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self {
            half: capacity / 2,
            kept: Arc::default(),
        }
    }

    fn push(&self, bytes: &[u8]) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let room = self.half.saturating_sub(kept.head.len());
        let (head, rest) = bytes.split_at(room.min(bytes.len()));
        kept.head.extend_from_slice(head);
        if rest.is_empty() {
            return;
        }
        // Only the last `half` bytes of `rest` can stay in the tail.
        let skip = rest.len().saturating_sub(self.half);
        let rest = &rest[skip..];
        let overflow = (kept.tail.len() + rest.len()).saturating_sub(self.half);
        kept.tail.drain(..overflow);
        kept.tail.extend(rest);
        kept.dropped += (skip + overflow) as u64;
    }

    /// What the guest wrote, with a marker where bytes were dropped.
    pub fn contents(&self) -> String {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::from_utf8_lossy(&kept.head).into_owned();
        if kept.dropped > 0 {
            out.push_str(&format!(
                "\n[… {} bytes of stderr dropped …]\n",
                kept.dropped
            ));
        }
        let (a, b) = kept.tail.as_slices();
        out.push_str(&String::from_utf8_lossy(&[a, b].concat()));
        out
    }
}

impl IsTerminal for StderrPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for StderrPipe {
    // wasmtime-wasi's default `p2_stream` adapts this writer; it never refuses a byte.
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl tokio::io::AsyncWrite for StderrPipe {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.push(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::StderrPipe;

    #[test]
    fn keeps_the_head_and_the_tail_and_counts_the_rest() {
        let pipe = StderrPipe::new(8);
        pipe.push(b"ab");
        assert_eq!(pipe.contents(), "ab");
        pipe.push(b"cdefgh");
        pipe.push(b"ij");
        pipe.push(b"0123456789xyz");
        let text = pipe.contents();
        assert!(text.starts_with("abcd\n"), "{text}");
        assert!(text.ends_with("\n9xyz"), "{text}");
        assert!(text.contains("[… 15 bytes of stderr dropped …]"), "{text}");
    }
}
