//! Regular expressions, run by the host (Rust's `regex` crate, natively, compiled once per
//! process): a tracker needs no regex engine of its own.

use crate::Error;
use crate::bindings::rollcall::plugin::text;

/// One match: the text of each capture group, group 0 first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captures {
    names: std::rc::Rc<[Option<String>]>,
    groups: Vec<Option<String>>,
}

impl Captures {
    /// Group `index` (0 is the whole match).
    pub fn get(&self, index: usize) -> Option<&str> {
        self.groups.get(index)?.as_deref()
    }

    /// The group called `name`.
    pub fn name(&self, name: &str) -> Option<&str> {
        let index = self.names.iter().position(|n| n.as_deref() == Some(name))?;
        self.get(index)
    }

    /// How many groups the pattern has, group 0 included.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when the pattern has no groups at all (never: group 0 always exists).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Every match of a pattern.
#[derive(Debug, Clone)]
pub struct Matches {
    /// How many groups the pattern has, group 0 included (known even with no match).
    pub groups: usize,
    /// The matches, in order.
    pub list: Vec<Captures>,
}

/// Every match of `pattern` in `haystack`, at most `limit`. A bad pattern is [`Error::Config`].
/// The host runs the expression (the `regex` crate's syntax, linear time), so the component
/// carries no regex engine.
///
/// ```no_run
/// # fn poll(page: &str) -> Result<Vec<String>, rollcall_sdk::Error> {
/// let found = rollcall_sdk::text::find_all(r"glibc-(?P<version>\d+\.\d+)\.tar", page, 1000)?;
/// Ok(found.list.iter().filter_map(|m| m.name("version")).map(str::to_owned).collect())
/// # }
/// ```
pub fn find_all(pattern: &str, haystack: &str, limit: u32) -> Result<Matches, Error> {
    let found = text::regex_find_all(pattern, haystack, limit)?;
    let groups = found.names.len();
    let names: std::rc::Rc<[Option<String>]> = found.names.into();
    Ok(Matches {
        groups,
        list: found
            .matches
            .into_iter()
            .map(|groups| Captures {
                names: names.clone(),
                groups,
            })
            .collect(),
    })
}
