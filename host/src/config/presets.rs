//! Presets: `preset = "tumbleweed"` instead of URLs. A preset fills what the distro table
//! leaves out (kind, title, family, repositories, suites); anything written in the table wins.
//!
//! Debian presets carry suites and components but no URL: the Debian archive's address is a
//! setting the user gives (`url = "…"`, their mirror).

use super::{DebIndex, Distro, DistroKind};
use crate::versions::Family;

/// One preset.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The name used in configs.
    pub name: &'static str,
    /// What it is.
    pub title: &'static str,
    /// Where its versions come from.
    pub kind: DistroKind,
    /// How it writes versions.
    pub family: Family,
    /// `rpm-md` repositories.
    pub urls: &'static [&'static str],
    /// `deb` suites, merged in order.
    pub suites: &'static [&'static str],
}

/// Every preset, documented in docs/config.md.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "tumbleweed",
        title: "openSUSE Tumbleweed",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &["https://download.opensuse.org/tumbleweed/repo/oss/"],
        suites: &[],
    },
    Preset {
        name: "microos",
        title: "openSUSE MicroOS (Tumbleweed's repositories)",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &["https://download.opensuse.org/tumbleweed/repo/oss/"],
        suites: &[],
    },
    Preset {
        name: "leap-16.0",
        title: "openSUSE Leap 16.0",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &["https://download.opensuse.org/distribution/leap/16.0/repo/oss/"],
        suites: &[],
    },
    Preset {
        name: "leap-15.6",
        title: "openSUSE Leap 15.6 (with updates)",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &[
            "https://download.opensuse.org/distribution/leap/15.6/repo/oss/",
            "https://download.opensuse.org/update/leap/15.6/oss/",
            "https://download.opensuse.org/update/leap/15.6/sle/",
            "https://download.opensuse.org/update/leap/15.6/backports/",
        ],
        suites: &[],
    },
    Preset {
        name: "fedora-rawhide",
        title: "Fedora Rawhide",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &[
            "https://dl.fedoraproject.org/pub/fedora/linux/development/rawhide/Everything/x86_64/os/",
        ],
        suites: &[],
    },
    Preset {
        name: "debian-stable",
        title: "Debian stable (with updates)",
        kind: DistroKind::Deb,
        family: Family::Deb,
        urls: &[],
        suites: &["stable", "stable-updates"],
    },
    Preset {
        name: "debian-testing",
        title: "Debian testing",
        kind: DistroKind::Deb,
        family: Family::Deb,
        urls: &[],
        suites: &["testing"],
    },
    Preset {
        name: "debian-unstable",
        title: "Debian unstable",
        kind: DistroKind::Deb,
        family: Family::Deb,
        urls: &[],
        suites: &["unstable"],
    },
    Preset {
        name: "flathub",
        title: "Flathub (what MicroOS Desktop and Aeon install applications from)",
        kind: DistroKind::Flathub,
        family: Family::Rpm,
        urls: &["https://dl.flathub.org/repo/appstream/x86_64/appstream.xml.gz"],
        suites: &[],
    },
    Preset {
        name: "sle-15-sp6-bci",
        title: "SUSE Linux Enterprise 15 SP6, Base Container Images repository",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &["https://updates.suse.com/SUSE/Products/SLE-BCI/15-SP6/x86_64/product/"],
        suites: &[],
    },
    Preset {
        name: "sle-15-sp7-bci",
        title: "SUSE Linux Enterprise 15 SP7, Base Container Images repository",
        kind: DistroKind::RpmMd,
        family: Family::Rpm,
        urls: &["https://updates.suse.com/SUSE/Products/SLE-BCI/15-SP7/x86_64/product/"],
        suites: &[],
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Names of every preset, for help texts.
pub fn names() -> String {
    PRESETS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fills what `distro` leaves out from `preset`.
pub fn apply(distro: &mut Distro, preset: &Preset) {
    distro.kind.get_or_insert(preset.kind);
    distro.title.get_or_insert_with(|| preset.title.to_owned());
    distro.family.get_or_insert(preset.family);
    if preset.kind == DistroKind::Flathub {
        // One catalogue, in `url`.
        if distro.url.is_none() {
            distro.url = preset
                .urls
                .first()
                .map(|u| toml::Spanned::new(0..0, (*u).to_owned()));
        }
    } else if distro.urls.is_empty() {
        distro.urls = preset
            .urls
            .iter()
            .map(|u| toml::Spanned::new(0..0, (*u).to_owned()))
            .collect();
    }
    if distro.suites.is_empty() {
        distro.suites = preset.suites.iter().map(|s| (*s).to_owned()).collect();
    }
    if preset.kind == DistroKind::Deb && distro.components.is_empty() {
        distro.components = vec!["main".to_owned()];
        distro.index = DebIndex::Sources;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENSUSE: &str = "https://download.opensuse.org";

    #[test]
    fn presets_are_well_formed() {
        for p in PRESETS {
            match p.kind {
                DistroKind::RpmMd => {
                    assert!(!p.urls.is_empty(), "{}", p.name);
                    assert!(
                        p.urls
                            .iter()
                            .all(|u| u.starts_with("https://") && u.ends_with('/')),
                        "{}",
                        p.name
                    );
                    if p.title.starts_with("openSUSE") {
                        assert!(p.urls.iter().all(|u| u.starts_with(OPENSUSE)), "{}", p.name);
                    }
                }
                DistroKind::Deb => assert!(!p.suites.is_empty() && p.urls.is_empty(), "{}", p.name),
                DistroKind::Flathub => {
                    assert!(p.urls.len() == 1 && p.suites.is_empty(), "{}", p.name)
                }
                DistroKind::Static | DistroKind::Installed | DistroKind::Oci | DistroKind::Obs => {
                    panic!("{}: a preset reads repositories", p.name)
                }
            }
        }
        assert!(find("tumbleweed").is_some());
        assert!(names().contains("leap-15.6"));
    }
}
