//! The key table. Dispatch, the status bar's hints and the `?` help all read [`KEYS`], so a key
//! cannot work without being documented, or be documented without working.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave, restoring the terminal.
    Quit,
    /// Show or hide the key table.
    Help,
    /// Previous row (or scroll up).
    Up,
    /// Next row (or scroll down).
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Open the selected watch's detail.
    Open,
    /// Back to the list (closes detail, help, a search being typed).
    Back,
    /// The next screen.
    NextScreen,
    /// The overview screen.
    Overview,
    /// The trackers screen.
    Trackers,
    /// The changes screen.
    Changes,
    /// Sort by the next column.
    Sort,
    /// Reverse the sort.
    Reverse,
    /// Show one distro (cycles).
    FilterDistro,
    /// Show one status (cycles).
    FilterStatus,
    /// Show this severity or worse (cycles).
    FilterSeverity,
    /// Type a search.
    Search,
    /// Drop every filter and the search.
    ClearFilters,
    /// Check the selected watch again, in the background.
    Refresh,
    /// Check every watch, in the background.
    CheckAll,
}

/// Where a binding applies: the screens it works on.
pub type Scope = &'static [Place];

/// Every screen.
pub const EVERYWHERE: Scope = &[
    Place::Overview,
    Place::Detail,
    Place::Trackers,
    Place::Changes,
];
/// The overview.
pub const OVERVIEW: Scope = &[Place::Overview];
/// The lists whose rows belong to a watch (Enter opens it).
pub const WATCH_LISTS: Scope = &[Place::Overview, Place::Trackers];
/// Where a watch is selected (the lists with watch rows, and the detail).
pub const WATCHES: Scope = &[Place::Overview, Place::Trackers, Place::Detail];
/// Where Esc has something to undo: the detail, the overview's search.
pub const BACK: Scope = &[Place::Overview, Place::Detail];

/// One line of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys, with their modifiers.
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the help writes the keys.
    pub label: &'static str,
    /// What they do.
    pub action: Action,
    /// Where.
    pub scope: Scope,
    /// A word or two for the status bar; `None` keeps it out of the bar.
    pub hint: Option<&'static str>,
    /// The help's sentence.
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

/// The key table.
pub const KEYS: &[Binding] = &[
    Binding {
        keys: &[ch('j'), (KeyCode::Down, NONE)],
        label: "j ↓",
        action: Action::Down,
        scope: EVERYWHERE,
        hint: None,
        help: "next row; scrolls the detail",
    },
    Binding {
        keys: &[ch('k'), (KeyCode::Up, NONE)],
        label: "k ↑",
        action: Action::Up,
        scope: EVERYWHERE,
        hint: None,
        help: "previous row; scrolls the detail",
    },
    Binding {
        keys: &[
            (KeyCode::PageDown, NONE),
            (KeyCode::Char('d'), CTRL),
            ch(' '),
        ],
        label: "PgDn ^d Space",
        action: Action::PageDown,
        scope: EVERYWHERE,
        hint: None,
        help: "a page down",
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE), (KeyCode::Char('u'), CTRL)],
        label: "PgUp ^u",
        action: Action::PageUp,
        scope: EVERYWHERE,
        hint: None,
        help: "a page up",
    },
    Binding {
        keys: &[ch('g'), (KeyCode::Home, NONE)],
        label: "g Home",
        action: Action::Top,
        scope: EVERYWHERE,
        hint: None,
        help: "first row",
    },
    Binding {
        keys: &[(KeyCode::Char('G'), SHIFT), ch('G'), (KeyCode::End, NONE)],
        label: "G End",
        action: Action::Bottom,
        scope: EVERYWHERE,
        hint: None,
        help: "last row",
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE), ch('l'), (KeyCode::Right, NONE)],
        label: "Enter l →",
        action: Action::Open,
        scope: WATCH_LISTS,
        hint: Some("detail"),
        help: "open the selected watch: timeline, releases, shipped history, errors",
    },
    Binding {
        keys: &[
            (KeyCode::Esc, NONE),
            ch('h'),
            (KeyCode::Left, NONE),
            (KeyCode::Backspace, NONE),
        ],
        label: "Esc h ←",
        action: Action::Back,
        scope: BACK,
        hint: Some("back"),
        help: "back to the list; closes the help; clears a search",
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE)],
        label: "Tab",
        action: Action::NextScreen,
        scope: EVERYWHERE,
        hint: Some("screens"),
        help: "next screen: overview, trackers, changes",
    },
    Binding {
        keys: &[ch('1')],
        label: "1",
        action: Action::Overview,
        scope: EVERYWHERE,
        hint: None,
        help: "overview: every verdict, worst first",
    },
    Binding {
        keys: &[ch('2')],
        label: "2",
        action: Action::Trackers,
        scope: EVERYWHERE,
        hint: None,
        help: "trackers: each poll's health, rate-limit budget per host",
    },
    Binding {
        keys: &[ch('3')],
        label: "3",
        action: Action::Changes,
        scope: EVERYWHERE,
        hint: None,
        help: "changes: what `rollcall report` says, newest first",
    },
    Binding {
        keys: &[ch('s')],
        label: "s",
        action: Action::Sort,
        scope: OVERVIEW,
        hint: Some("sort"),
        help: "sort by the next column (worst first, upstream, distro, …)",
    },
    Binding {
        keys: &[(KeyCode::Char('S'), SHIFT), ch('S')],
        label: "S",
        action: Action::Reverse,
        scope: OVERVIEW,
        hint: None,
        help: "reverse the sort",
    },
    Binding {
        keys: &[ch('d')],
        label: "d",
        action: Action::FilterDistro,
        scope: OVERVIEW,
        hint: Some("distro"),
        help: "show one distro; again for the next, then all",
    },
    Binding {
        keys: &[ch('f')],
        label: "f",
        action: Action::FilterStatus,
        scope: OVERVIEW,
        hint: Some("status"),
        help: "show one status; again for the next present, then all",
    },
    Binding {
        keys: &[ch('v')],
        label: "v",
        action: Action::FilterSeverity,
        scope: OVERVIEW,
        hint: Some("severity"),
        help: "show info and worse, warning and worse, critical, then all",
    },
    Binding {
        keys: &[ch('/')],
        label: "/",
        action: Action::Search,
        scope: OVERVIEW,
        hint: Some("search"),
        help: "search as you type (upstream, distro, package, versions); Enter keeps it",
    },
    Binding {
        keys: &[ch('c')],
        label: "c",
        action: Action::ClearFilters,
        scope: OVERVIEW,
        hint: None,
        help: "clear the filters and the search",
    },
    Binding {
        keys: &[ch('r')],
        label: "r",
        action: Action::Refresh,
        scope: WATCHES,
        hint: Some("refresh"),
        help: "check the selected watch (row, poll or detail) again, in the background",
    },
    Binding {
        keys: &[(KeyCode::Char('R'), SHIFT), ch('R')],
        label: "R",
        action: Action::CheckAll,
        scope: EVERYWHERE,
        hint: Some("check all"),
        help: "check every watch in the background; progress in the status bar",
    },
    Binding {
        keys: &[ch('?')],
        label: "?",
        action: Action::Help,
        scope: EVERYWHERE,
        hint: Some("help"),
        help: "this help",
    },
    Binding {
        keys: &[ch('q'), (KeyCode::Char('c'), CTRL)],
        label: "q ^c",
        action: Action::Quit,
        scope: EVERYWHERE,
        hint: Some("quit"),
        help: "quit, restoring the terminal",
    },
];

/// The screens, as far as keys care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The overview.
    Overview,
    /// A watch's detail.
    Detail,
    /// The trackers list.
    Trackers,
    /// The changes list.
    Changes,
}

impl Place {
    /// The screen's name, as the docs write it.
    pub fn name(self) -> &'static str {
        match self {
            Place::Overview => "overview",
            Place::Detail => "detail",
            Place::Trackers => "trackers",
            Place::Changes => "changes",
        }
    }
}

/// Where `binding` works, as the docs write it (`everywhere`, `overview, trackers`).
pub fn places(binding: &Binding) -> String {
    if binding.scope.len() == EVERYWHERE.len() {
        return "everywhere".to_owned();
    }
    binding
        .scope
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The action of `key` in `place`, if any.
pub fn action_for(place: Place, key: KeyEvent) -> Option<Action> {
    // Shift arrives with upper-case letters on some terminals and not on others.
    let modifiers = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::SHIFT);
    KEYS.iter()
        .filter(|b| b.scope.contains(&place))
        .find(|b| {
            b.keys
                .iter()
                .any(|(code, mods)| *code == key.code && *mods == modifiers)
        })
        .map(|b| b.action)
}

/// The status bar's hints for `place`: (label, hint).
pub fn hints(place: Place) -> impl Iterator<Item = (&'static str, &'static str)> {
    KEYS.iter()
        .filter(move |b| b.scope.contains(&place))
        .filter_map(|b| Some((b.label.split(' ').next().unwrap_or(b.label), b.hint?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_place() {
        for &place in EVERYWHERE {
            let mut seen = Vec::new();
            for binding in KEYS.iter().filter(|b| b.scope.contains(&place)) {
                for key in binding.keys {
                    assert!(!seen.contains(key), "{key:?} is bound twice in {place:?}");
                    seen.push(*key);
                }
            }
        }
    }

    #[test]
    fn keys_dispatch_by_place() {
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(action_for(Place::Overview, key('s')), Some(Action::Sort));
        assert_eq!(action_for(Place::Detail, key('s')), None);
        assert_eq!(action_for(Place::Detail, key('r')), Some(Action::Refresh));
        assert_eq!(action_for(Place::Trackers, key('r')), Some(Action::Refresh));
        assert_eq!(action_for(Place::Changes, key('r')), None);
        assert_eq!(
            action_for(
                Place::Changes,
                KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(action_for(Place::Trackers, key('s')), None);
        assert_eq!(
            action_for(
                Place::Trackers,
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
        // Upper case with or without the shift modifier.
        assert_eq!(
            action_for(
                Place::Overview,
                KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::Bottom)
        );
        assert_eq!(action_for(Place::Overview, key('G')), Some(Action::Bottom));
    }

    #[test]
    fn every_binding_has_a_key_and_a_sentence() {
        for binding in KEYS {
            assert!(
                !binding.keys.is_empty() && !binding.help.is_empty(),
                "{binding:?}"
            );
        }
    }
}
