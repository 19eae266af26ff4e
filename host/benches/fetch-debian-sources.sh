#!/usr/bin/env bash
# Downloads a real Debian `Sources.xz` (default: bookworm main) from the archive this machine's
# apt is configured with, for `ROLLCALL_BENCH_SOURCES=FILE cargo bench --bench distros`. The
# address comes from /etc/apt, never from this repository.
set -euo pipefail
suite="${1:-bookworm}"
out="${2:-${TMPDIR:-/tmp}/Sources-$suite-main.xz}"
base="$( { grep -shoE '^(URIs:|deb) +[a-z]+://[^ ]+' /etc/apt/sources.list.d/*.sources \
  /etc/apt/sources.list.d/*.list /etc/apt/sources.list || true; } | awk '$2 !~ /security/ && !first { first = $2 } END { print first }')"
[ -n "$base" ] || { echo "no Debian archive in /etc/apt; pass one as APT_BASE" >&2; exit 1; }
base="${APT_BASE:-$base}"
curl -fsS -o "$out" "$base/dists/$suite/main/source/Sources.xz"
echo "$out"
