//! `check --shard K/N`: a stable partition of the watches by name, so N machines (an Indexed
//! Job's completion indexes) share a distribution and `rollcall store merge` joins their stores.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (0-based, as Kubernetes numbers completion indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl Shard {
    /// Whether the watch `name` belongs to this shard. The partition depends on the name and
    /// `count` only (FNV-1a of the name's bytes): the same on every machine, every release, and
    /// whatever else the config holds.
    pub fn contains(self, name: &str) -> bool {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in name.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash % u64::from(self.count) == u64::from(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let help = "write K/N with 0 ≤ K < N, e.g. `--shard 0/3` (a Kubernetes Indexed Job passes $JOB_COMPLETION_INDEX as K)";
        let (k, n) = raw
            .split_once('/')
            .ok_or_else(|| format!("`{raw}` is not a shard: {help}"))?;
        let parse = |s: &str| s.trim().parse::<u32>();
        match (parse(k), parse(n)) {
            (Ok(index), Ok(count)) if count > 0 && index < count => Ok(Shard { index, count }),
            _ => Err(format!("`{raw}` is not a shard: {help}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_watch_is_in_exactly_one_shard() {
        let names: Vec<String> = (0..3000).map(|i| format!("watch-{i}")).collect();
        for count in [1, 2, 3, 7] {
            let mut sizes = vec![0u32; count as usize];
            for name in &names {
                let homes: Vec<u32> = (0..count)
                    .filter(|&index| Shard { index, count }.contains(name))
                    .collect();
                assert_eq!(homes.len(), 1, "{name} in {homes:?} of {count}");
                sizes[homes[0] as usize] += 1;
            }
            // Roughly even: no shard has more than 1.2 times its share.
            let share = 3000 / count;
            assert!(sizes.iter().all(|&s| s <= share * 6 / 5), "{sizes:?}");
        }
        assert!(Shard { index: 0, count: 1 }.contains("anything"));
    }

    #[test]
    fn shards_are_written_k_of_n() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "1/0", "a/3", "3", "-1/3"] {
            let err = bad.parse::<Shard>().expect_err(bad);
            assert!(err.contains("K/N"), "{err}");
        }
    }
}
