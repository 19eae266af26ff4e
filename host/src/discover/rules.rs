//! The rules that place a distro package at its upstream, from the index's own fields and the
//! ecosystems' naming conventions. Pure functions of one package: no network (that is
//! [`super::verify`]), so the whole of Debian main is placed in well under a second.

use serde::Serialize;
use url::Url;

use crate::distros::ShippedPackage;
use crate::versions::{Family, Scheme};

/// Where an upstream's releases are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A GitHub repository, `OWNER/REPO`.
    Github,
    /// A GitLab project, `HOST/GROUP/…/NAME` (gitlab.com or self-hosted).
    Gitlab,
    /// Any other git repository over HTTPS (Codeberg, Gitea, SourceHut…): its clone URL.
    Git,
    /// The GNU ftp tree, the package's directory name.
    Gnu,
    /// A project on a Python package index.
    Pypi,
    /// A crate.
    Crates,
    /// An npm package.
    Npm,
    /// A CPAN distribution (MetaCPAN).
    Metacpan,
    /// An R package on CRAN.
    Cran,
    /// A Haskell package on Hackage.
    Hackage,
    /// A Ruby gem.
    Rubygems,
    /// A Go module (a module proxy).
    Go,
    /// A GNOME module (its download server's `cache.json`).
    Gnome,
}

impl Kind {
    /// The name used in output and in the truth fixture.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Github => "github",
            Kind::Gitlab => "gitlab",
            Kind::Git => "git",
            Kind::Gnu => "gnu",
            Kind::Pypi => "pypi",
            Kind::Crates => "crates",
            Kind::Npm => "npm",
            Kind::Metacpan => "metacpan",
            Kind::Cran => "cran",
            Kind::Hackage => "hackage",
            Kind::Rubygems => "rubygems",
            Kind::Go => "go",
            Kind::Gnome => "gnome",
        }
    }

    /// Whether the kind is a registry (its endpoint comes from `[discover.registries]`).
    pub fn registry(self) -> bool {
        !matches!(self, Kind::Github | Kind::Gitlab | Kind::Git | Kind::Gnu)
    }

    /// How the upstream's versions are ordered.
    pub fn scheme(self) -> Scheme {
        match self {
            Kind::Pypi => Scheme::Pep440,
            Kind::Crates | Kind::Npm | Kind::Go => Scheme::Semver,
            _ => Scheme::Generic,
        }
    }

    /// Ids compare case-insensitively on these registries (and the Python index also treats
    /// `-`, `_` and `.` alike).
    pub fn same_id(self, a: &str, b: &str) -> bool {
        match self {
            Kind::Pypi => pep503(a) == pep503(b),
            Kind::Github | Kind::Gitlab | Kind::Git | Kind::Go | Kind::Hackage => {
                a.eq_ignore_ascii_case(b)
            }
            Kind::Crates => a
                .replace('_', "-")
                .eq_ignore_ascii_case(&b.replace('_', "-")),
            _ => a == b,
        }
    }
}

/// A Python project name normalised as PEP 503 does.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// How sure a rule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A guess from the package's name alone.
    Low,
    /// A name rule backed by the index, or an upstream repository named only in `Vcs-*`.
    Medium,
    /// The index names the upstream itself (`Homepage` on the registry or forge,
    /// `Go-Import-Path`).
    High,
}

impl Confidence {
    /// The word used in output.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// One proposed upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// Where releases are read.
    pub kind: Kind,
    /// The upstream's id there (`owner/repo`, a project or module name).
    pub id: String,
    /// Other spellings `--verify` tries when `id` is not there (`serde_json` for `serde-json`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// The rule that matched, in words (`homepage on github.com`, `name rust-*`).
    pub rule: &'static str,
    /// What it matched, as the index wrote it.
    pub evidence: String,
    /// How sure.
    pub confidence: Confidence,
}

/// What the rules made of one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// An upstream was found.
    Placed(Proposal),
    /// None was: why.
    Unplaced(String),
}

/// Places `pkg` (a source package, or an rpm-md binary with its source name) of a distro of
/// `family`.
pub fn place(pkg: &ShippedPackage, family: Family) -> Placement {
    let name = pkg.source.as_deref().unwrap_or(&pkg.name);
    let homepage = pkg.homepage.as_deref().and_then(parse_url);
    let from_homepage = homepage.as_ref().and_then(|u| from_url(u, name));
    let vcs = pkg.vcs.as_deref().and_then(parse_url);
    let packaging_vcs = vcs.as_ref().is_some_and(is_packaging_repository);

    // 1. A Go package names its module (the first of several import paths); a module of
    // major version 2 or later ends in `/vN`, which Debian's field often leaves out.
    if let Some(path) = pkg
        .go_import_path
        .as_deref()
        .and_then(|p| p.split([',', ' ']).find(|s| !s.is_empty()))
        && go_module_path(path)
    {
        let major = crate::versions::reduce(&pkg.version, family)
            .upstream
            .split('.')
            .next()
            .and_then(|m| m.parse::<u64>().ok())
            .unwrap_or(0);
        let versioned = path.rsplit('/').next().is_some_and(|last| {
            last.strip_prefix('v')
                .is_some_and(|n| n.parse::<u64>().is_ok())
        }) || path.starts_with("gopkg.in/");
        let (id, alternatives) = if major >= 2 && !versioned {
            (format!("{path}/v{major}"), vec![path.to_owned()])
        } else {
            (path.to_owned(), Vec::new())
        };
        return Placement::Placed(Proposal {
            kind: Kind::Go,
            id,
            alternatives,
            rule: "field Go-Import-Path",
            evidence: pkg.go_import_path.clone().unwrap_or_default(),
            confidence: Confidence::High,
        });
    }
    let native = family == Family::Deb && !pkg.version.contains('-');
    // 2. A homepage on a registry names the project exactly.
    if let Some((kind, id)) = &from_homepage
        && kind.registry()
        && *kind != Kind::Gnome
    {
        return Placement::Placed(Proposal {
            kind: *kind,
            id: id.clone(),
            alternatives: Vec::new(),
            rule: "homepage on the registry",
            evidence: pkg.homepage.clone().unwrap_or_default(),
            confidence: Confidence::High,
        });
    }
    // 3. The ecosystems' naming rules: the registry is where such a package is released. Not
    // for a distro-native package (`python-apt`, `dh-python`): the distro is its upstream.
    let upstream_names: Vec<String> = [homepage.as_ref(), vcs.as_ref().filter(|_| !packaging_vcs)]
        .into_iter()
        .flatten()
        .flat_map(repository_name)
        .collect();
    if !native && let Some(mut proposal) = by_name(name, family) {
        // A forge homepage does not name the registry project, but it is what `--verify`
        // matches the registry's own links against.
        if let Some(h) = &pkg.homepage {
            proposal.evidence = format!("{}; homepage {h}", proposal.evidence);
        }
        spell_as_upstream(&mut proposal, &upstream_names);
        return Placement::Placed(proposal);
    }
    // 3b. A package the index puts in an ecosystem (its team's test or build helper, or its
    // packaging team's repository) without the ecosystem's prefix: `flask`, `rake`, `glib2.0`.
    let team = vcs.as_ref().filter(|_| packaging_vcs).and_then(team_of);
    if !native
        && let Some(ecosystem) = pkg.ecosystem.as_deref().or(team)
        && let Some(mut proposal) = by_ecosystem(name, ecosystem)
    {
        proposal.evidence = match (&pkg.ecosystem, &pkg.homepage) {
            (Some(_), Some(h)) => {
                format!("package {name}, built as a {ecosystem} package; homepage {h}")
            }
            (Some(_), None) => format!("package {name}, built as a {ecosystem} package"),
            (None, _) => format!(
                "package {name}, kept by the distro's {ecosystem} team ({})",
                pkg.vcs.as_deref().unwrap_or_default()
            ),
        };
        spell_as_upstream(&mut proposal, &upstream_names);
        return Placement::Placed(proposal);
    }
    // 4. A forge or a GNU/GNOME home.
    if let Some((kind, id)) = from_homepage {
        // A GNOME repository's name is not always its module's (`console`, `gnome-console`).
        let alternatives = if kind == Kind::Gnome {
            let mut a = vec![name.to_owned(), without_api_version(name).to_owned()];
            a.retain(|x| *x != id);
            a.dedup();
            a
        } else {
            Vec::new()
        };
        let pages = homepage
            .as_ref()
            .and_then(Url::host_str)
            .is_some_and(|h| h.ends_with(".github.io"));
        return Placement::Placed(Proposal {
            kind,
            id,
            alternatives,
            rule: match kind {
                Kind::Github if pages => "homepage on github.io",
                Kind::Github => "homepage on github.com",
                Kind::Gitlab => "homepage on a GitLab",
                Kind::Gnome => "homepage of a GNOME module",
                Kind::Gnu => "homepage on gnu.org",
                _ => "homepage on a git forge",
            },
            evidence: pkg.homepage.clone().unwrap_or_default(),
            confidence: if pages {
                Confidence::Medium
            } else {
                Confidence::High
            },
        });
    }
    // 5. An upstream repository in `Vcs-*` (never the distro's packaging repository).
    if let Some(url) = &vcs
        && !packaging_vcs
        && let Some((kind, id)) = from_url(url, name)
        && matches!(kind, Kind::Github | Kind::Gitlab | Kind::Git)
        // A packaging repository kept on a forge (`gcsideal/debian-libsodium`).
        && !id.rsplit('/').next().is_some_and(|r| {
            let r = r.to_ascii_lowercase();
            r.contains("debian") || r.starts_with("pkg-") || r.ends_with("-packaging")
        })
    {
        return Placement::Placed(Proposal {
            kind,
            id,
            alternatives: Vec::new(),
            rule: "upstream repository in Vcs",
            evidence: pkg.vcs.clone().unwrap_or_default(),
            confidence: Confidence::Medium,
        });
    }
    // Why not.
    Placement::Unplaced(match (&pkg.homepage, homepage) {
        _ if native => format!(
            "Debian-native package (version {} has no Debian revision): the distro is its upstream",
            pkg.version
        ),
        (Some(h), Some(u)) if is_packaging_repository(&u) => {
            format!("the homepage {h} is the distro's packaging repository")
        }
        (Some(h), Some(u)) => match u.host_str() {
            Some(host) if host.ends_with("sourceforge.net") || host.ends_with("sf.net") => {
                format!("the homepage {h} is on SourceForge, whose file lists no tracker reads yet")
            }
            _ => {
                format!("no rule reads the homepage {h} (a project site, not a forge or registry)")
            }
        },
        (Some(h), None) => format!("the homepage `{h}` is not a URL"),
        (None, _) if packaging_vcs => {
            "no homepage, and Vcs names only the distro's packaging repository".to_owned()
        }
        (None, _) => "no homepage and no upstream repository in the index".to_owned(),
    })
}

fn parse_url(text: &str) -> Option<Url> {
    let text = text.trim();
    // `Vcs-Git: URL -b BRANCH [path]`: the URL is the first word.
    let first = text.split_whitespace().next()?;
    Url::parse(first)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https" | "git"))
}

/// The distro's own packaging repositories: never an upstream.
fn is_packaging_repository(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host == "salsa.debian.org"
        || host.ends_with(".debian.org") && host != "www.debian.org"
        || host == "src.opensuse.org"
        || host == "build.opensuse.org"
        || host == "src.fedoraproject.org"
}

fn segments(url: &Url) -> Vec<String> {
    url.path_segments()
        .map(|s| {
            s.filter(|p| !p.is_empty())
                .map(|p| percent_decode(p).trim_end_matches(".git").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(s.as_bytes())
        .next()
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .unwrap_or_default()
}

/// A repository-name part GitHub accepts.
fn repo_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What a URL names: a registry project, a forge repository, a GNOME or GNU module.
fn from_url(url: &Url, package: &str) -> Option<(Kind, String)> {
    let host = url
        .host_str()?
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let seg = segments(url);
    let first = seg.first().map(String::as_str);
    let query = url.query().unwrap_or_default();
    match host.as_str() {
        "github.com" => {
            let (owner, repo) = (seg.first()?, seg.get(1)?);
            const NOT_OWNERS: &[&str] = &["orgs", "sponsors", "topics", "marketplace", "settings"];
            (repo_part(owner) && repo_part(repo) && !NOT_OWNERS.contains(&owner.as_str()))
                .then(|| (Kind::Github, format!("{owner}/{repo}")))
        }
        h if h.ends_with(".github.io") => {
            // `OWNER.github.io/REPO`, or the owner's own site (`tmux.github.io`: `tmux/tmux`).
            let owner = h.strip_suffix(".github.io")?;
            let repo = seg.first().map_or(owner, String::as_str);
            (repo_part(owner) && repo_part(repo)).then(|| (Kind::Github, format!("{owner}/{repo}")))
        }
        "gitlab.com"
        | "gitlab.freedesktop.org"
        | "invent.kde.org"
        | "gitlab.gnome.org"
        | "framagit.org"
        | "gitlab.xfce.org" => {
            // `GROUP/…/NAME`, up to the `/-/` that starts GitLab's own pages.
            let path: Vec<&str> = seg
                .iter()
                .map(String::as_str)
                .take_while(|s| *s != "-")
                .collect();
            if path.len() < 2 || !path.iter().all(|p| repo_part(p)) {
                return None;
            }
            if host == "gitlab.gnome.org" && path[0] == "GNOME" && path.len() == 2 {
                return Some((Kind::Gnome, path[1].to_owned()));
            }
            Some((Kind::Gitlab, format!("{host}/{}", path.join("/"))))
        }
        "codeberg.org" | "git.sr.ht" | "gitea.com" | "notabug.org" => {
            let (owner, repo) = (seg.first()?, seg.get(1)?);
            (repo_part(owner.trim_start_matches('~')) && repo_part(repo))
                .then(|| (Kind::Git, format!("https://{host}/{owner}/{repo}")))
        }
        "metacpan.org" | "search.cpan.org" => {
            // `/release/Foo-Bar`, `/dist/Foo-Bar`, `/release/AUTHOR/Foo-Bar-1.0`,
            // `/pod/Foo::Bar`, `/module/Foo::Bar`.
            let dist = match (first?, seg.get(1), seg.get(2)) {
                ("release" | "dist", Some(d), None) => d.clone(),
                ("release" | "dist", Some(author), Some(d))
                    if author
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
                {
                    strip_version(d)
                }
                ("release" | "dist", Some(d), Some(_)) => d.clone(),
                ("pod" | "module", Some(m), _) => m.replace("::", "-"),
                ("~" | "author", ..) => return None,
                (d, None, None) if d.starts_with('~') => return None,
                _ => return None,
            };
            (!dist.is_empty()).then_some((Kind::Metacpan, dist))
        }
        "cran.r-project.org" | "cloud.r-project.org" | "cran.rstudio.com" => {
            // `/package=X`, `/web/packages/X[/index.html]`, `/packages/X`.
            let name = seg
                .iter()
                .find_map(|s| s.strip_prefix("package=").map(str::to_owned))
                .or_else(|| query.strip_prefix("package=").map(str::to_owned))
                .or_else(|| {
                    let i = seg.iter().position(|s| s == "packages")?;
                    seg.get(i + 1).cloned()
                })?;
            (!name.is_empty()).then_some((Kind::Cran, name))
        }
        "hackage.haskell.org" => match (first?, seg.get(1)) {
            ("package", Some(p)) => Some((Kind::Hackage, strip_version(p))),
            _ => None,
        },
        "rubygems.org" => match (first?, seg.get(1)) {
            ("gems", Some(g)) => Some((Kind::Rubygems, g.clone())),
            _ => None,
        },
        "download.gnome.org" | "ftp.gnome.org" => {
            let i = seg.iter().position(|s| s == "sources")?;
            seg.get(i + 1).map(|m| (Kind::Gnome, m.clone()))
        }
        "wiki.gnome.org" | "apps.gnome.org" | "live.gnome.org" => {
            // `/Apps/Name`, `/Projects/Name`, `apps.gnome.org/Name`: the module is the package.
            let named = seg.last()?;
            (named.eq_ignore_ascii_case(package)
                || named.eq_ignore_ascii_case(&package.replace('-', "")))
            .then(|| (Kind::Gnome, package.to_owned()))
        }
        "gnu.org" | "ftp.gnu.org" => match (first?, seg.get(1)) {
            ("software" | "gnu", Some(p)) if repo_part(p) => Some((Kind::Gnu, p.clone())),
            _ => None,
        },
        h if h.contains("pypi") => match (first?, seg.get(1)) {
            ("project" | "pypi", Some(p)) => Some((Kind::Pypi, p.clone())),
            _ => None,
        },
        h if h.starts_with("crates.") || h.contains(".crates.") => match (first?, seg.get(1)) {
            ("crates", Some(c)) => Some((Kind::Crates, c.clone())),
            _ => None,
        },
        h if h.contains("npmjs") => match (first?, seg.get(1), seg.get(2)) {
            ("package", Some(scope), Some(p)) if scope.starts_with('@') => {
                Some((Kind::Npm, format!("{scope}/{p}")))
            }
            ("package", Some(p), _) => Some((Kind::Npm, p.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// The repository name of a forge URL (`github.com/ruby/did_you_mean` → `did_you_mean`,
/// `github.com/houseabsolute/DateTime.pm` → `DateTime`): how the upstream spells itself.
fn repository_name(url: &Url) -> Vec<String> {
    let repo = match from_url(url, "") {
        Some((Kind::Github | Kind::Gitlab | Kind::Git, id)) => {
            id.rsplit('/').next().unwrap_or_default().to_owned()
        }
        _ => return Vec::new(),
    };
    let bare = [".pm", ".js", ".py", ".rb", ".rs"]
        .iter()
        .find_map(|s| repo.strip_suffix(s))
        .filter(|b| !b.is_empty())
        .map(str::to_owned);
    bare.into_iter().chain([repo]).collect()
}

/// A name's words, without case or separators (`multi_json` and `Multi-JSON` are
/// `[multi, json]`; `minimagick` is another name).
fn words(name: &str) -> Vec<String> {
    name.split(['-', '_', '.'])
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A naming rule guesses a project's separators and case (`ruby-multi-json`: `multi-json` or
/// `multi_json`?); the upstream's own repository name, when it is the same words, settles them
/// (`intridea/multi_json`, `houseabsolute/DateTime.pm`). Any other repository name is one more
/// spelling for `--verify` to try (`PyMySQL/mysqlclient` for `python-mysqldb`), never the first
/// choice: repositories often carry the ecosystem in their name (`python-evdev` is `evdev`).
fn spell_as_upstream(proposal: &mut Proposal, upstream_names: &[String]) {
    for repo in upstream_names {
        let key = words(repo);
        // The repository's name as the registry would write it: npm has had lower-case names
        // only since 2017 (`JSONStream` is older, and stays a spelling to try), CPAN has no `_`.
        let spelling = match proposal.kind {
            Kind::Npm | Kind::Crates => repo.to_ascii_lowercase(),
            Kind::Metacpan => repo.replace('_', "-"),
            _ => repo.clone(),
        };
        // CPAN and CRAN are case-sensitive, and a lower-case repository (`p5-net-dns`) says
        // nothing about case: it settles nothing.
        // The Python index ignores case and separators: nothing to settle there.
        let settles = match proposal.kind {
            Kind::Pypi => false,
            Kind::Metacpan | Kind::Cran => repo.chars().any(|c| c.is_ascii_uppercase()),
            _ => true,
        };
        if settles && words(&proposal.id) == key && spelling != proposal.id {
            let old = std::mem::replace(&mut proposal.id, spelling.clone());
            proposal.alternatives.insert(0, old);
            proposal.rule = upstream_rule(proposal.rule);
        } else {
            proposal.alternatives.push(spelling.clone());
        }
        if *repo != spelling {
            proposal.alternatives.push(repo.clone());
        }
    }
    let mut seen = std::collections::BTreeSet::from([proposal.id.clone()]);
    proposal.alternatives.retain(|a| seen.insert(a.clone()));
}

/// The rule's words once the upstream's repository name has settled the spelling.
fn upstream_rule(rule: &'static str) -> &'static str {
    match rule {
        "name rust-*" => "name rust-*, spelled as its repository",
        "name python-*" => "name python-*, spelled as its repository",
        "name node-*" => "name node-*, spelled as its repository",
        "name ruby-*" => "name ruby-*, spelled as its repository",
        "name r-cran-*" => "name r-cran-*, spelled as its repository",
        "name haskell-*" => "name haskell-*, spelled as its repository",
        "name lib*-perl" => "name lib*-perl, spelled as its repository",
        other if other.ends_with("by name") => "package by name, spelled as its repository",
        other => other,
    }
}

/// `Foo-Bar-1.23` → `Foo-Bar`; `text-2.0.2` → `text`.
fn strip_version(s: &str) -> String {
    match s.rsplit_once('-') {
        Some((name, v))
            if v.starts_with(|c: char| c.is_ascii_digit())
                && v.chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            name.to_owned()
        }
        _ => s.to_owned(),
    }
}

/// A Go module path: a host with a dot, then a path.
fn go_module_path(path: &str) -> bool {
    let host = path.split('/').next().unwrap_or_default();
    host.contains('.')
        && !path.contains(char::is_whitespace)
        && path.split('/').all(|p| !p.is_empty())
}

/// A trailing `-N` or `-N.N` that Debian adds to keep several major versions side by side:
/// `rust-nom-7` → (`nom`, Some(`7`)).
fn split_major(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('-') {
        Some((base, v))
            if !base.is_empty()
                && v.starts_with(|c: char| c.is_ascii_digit())
                && v.chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            (base, Some(v))
        }
        _ => (name, None),
    }
}

fn low(
    kind: Kind,
    id: String,
    alternatives: Vec<String>,
    rule: &'static str,
    evidence: &str,
) -> Proposal {
    let mut alternatives = alternatives;
    alternatives.retain(|a| a != &id);
    alternatives.dedup();
    Proposal {
        kind,
        id,
        alternatives,
        rule,
        evidence: format!("package {evidence}"),
        confidence: Confidence::Low,
    }
}

/// The distro team a packaging repository belongs to (`salsa.debian.org/python-team/…`).
fn team_of(url: &Url) -> Option<&'static str> {
    let first = url.path_segments()?.next()?;
    Some(match first {
        "python-team" => "python",
        "ruby-team" => "ruby",
        "js-team" => "node",
        "perl-team" => "perl",
        "r-pkg-team" => "r",
        "haskell-team" => "haskell",
        "go-team" => "go",
        "rust-team" => "rust",
        "gnome-team" => "gnome",
        _ => return None,
    })
}

/// `glib2.0` → `glib`, `gtk4` → `gtk`, `libsoup2.4` → `libsoup`, `gdm3` → `gdm`: the version
/// Debian keeps in a library's source name.
fn without_api_version(name: &str) -> &str {
    let trimmed = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let trimmed = trimmed.trim_end_matches('-');
    if trimmed.is_empty() { name } else { trimmed }
}

/// A package of `ecosystem` whose name has no ecosystem prefix: the name is the project's.
fn by_ecosystem(name: &str, ecosystem: &str) -> Option<Proposal> {
    let base = without_api_version(name);
    let (kind, id, alternatives, rule): (Kind, String, Vec<String>, &'static str) = match ecosystem
    {
        "python" => (
            Kind::Pypi,
            name.to_owned(),
            vec![base.to_owned()],
            "python package by name",
        ),
        "ruby" => (
            Kind::Rubygems,
            name.to_owned(),
            vec![name.replace('-', "_")],
            "ruby package by name",
        ),
        "node" => {
            let id = name.strip_suffix(".js").unwrap_or(name);
            (
                Kind::Npm,
                id.to_owned(),
                vec![name.to_owned(), format!("{id}js")],
                "node package by name",
            )
        }
        "haskell" => (
            Kind::Hackage,
            name.to_owned(),
            Vec::new(),
            "haskell package by name",
        ),
        "r" => (Kind::Cran, name.to_owned(), Vec::new(), "r package by name"),
        "rust" => (
            Kind::Crates,
            name.to_owned(),
            vec![name.replace('-', "_")],
            "rust package by name",
        ),
        "gnome" => {
            // `gnome-sushi` → `sushi`, `epiphany-browser` → `epiphany`.
            let bare = base.strip_prefix("gnome-").unwrap_or(base);
            let first = base.split('-').next().unwrap_or(base);
            (
                Kind::Gnome,
                base.to_owned(),
                vec![name.to_owned(), bare.to_owned(), first.to_owned()],
                "gnome module by name",
            )
        }
        _ => return None,
    };
    let mut p = low(kind, id, alternatives, rule, name);
    p.confidence = Confidence::Medium;
    Some(p)
}

/// The naming rules of each family: Debian's (`rust-`, `python-`, `node-`, `ruby-`, `r-cran-`,
/// `haskell-`, `lib…-perl`) and openSUSE's (`python-`, `perl-`, `rubygem-`, `ghc-`, `R-`,
/// `nodejs-`, `rust-`).
fn by_name(name: &str, family: Family) -> Option<Proposal> {
    match family {
        Family::Deb => {
            if let Some(rest) = name.strip_prefix("rust-") {
                // Debian writes a crate's `_` as `-` and may add the major version.
                let (base, major) = split_major(rest);
                let mut alternatives = vec![rest.replace('-', "_"), rest.to_owned()];
                if major.is_some() {
                    alternatives.push(base.to_owned());
                    alternatives.push(base.replace('-', "_"));
                }
                let id = if major.is_some() { base } else { rest };
                return Some(low(
                    Kind::Crates,
                    id.to_owned(),
                    alternatives,
                    "name rust-*",
                    name,
                ));
            }
            if let Some(rest) = name
                .strip_prefix("python-")
                .or_else(|| name.strip_prefix("python3-"))
            {
                let alternatives = vec![
                    format!("py{rest}"),
                    format!("python-{rest}"),
                    format!("py-{rest}"),
                    format!("{rest}-python"),
                    format!("{rest}.py"),
                ];
                return Some(low(
                    Kind::Pypi,
                    rest.to_owned(),
                    alternatives,
                    "name python-*",
                    name,
                ));
            }
            if let Some(rest) = name.strip_prefix("node-") {
                let (base, major) = split_major(rest);
                let base = if major.is_none() {
                    // `node-babel7`: a major glued to the name.
                    base.trim_end_matches(|c: char| c.is_ascii_digit())
                } else {
                    base
                };
                let base = if base.is_empty() { rest } else { base };
                let mut alternatives = Vec::new();
                if let Some(types) = base.strip_prefix("types-") {
                    alternatives.push(format!("@types/{types}"));
                }
                if let Some((scope, pkg)) = base.split_once('-') {
                    alternatives.push(format!("@{scope}/{pkg}"));
                    alternatives.push(format!("{scope}.{pkg}"));
                    alternatives.push(format!("{scope}._{pkg}"));
                }
                alternatives.push(base.replace('-', "_"));
                alternatives.push(format!("@{base}/core"));
                alternatives.push(format!("@{base}js/core"));
                alternatives.push(name.to_owned());
                alternatives.push(format!("{base}js"));
                alternatives.push(format!("{base}.js"));
                alternatives.push(rest.to_owned());
                let id = match base.strip_prefix("types-") {
                    Some(types) => format!("@types/{types}"),
                    None => base.to_owned(),
                };
                return Some(low(Kind::Npm, id, alternatives, "name node-*", name));
            }
            if let Some(rest) = name.strip_prefix("ruby-") {
                let alternatives = vec![
                    rest.replace('-', "_"),
                    format!("{rest}-ruby"),
                    format!("ruby{rest}"),
                    // `actionpack-action-caching` → `actionpack-action_caching`.
                    match rest.split_once('-') {
                        Some((head, tail)) => format!("{head}-{}", tail.replace('-', "_")),
                        None => rest.to_owned(),
                    },
                    format!("{rest}-ng"),
                ];
                return Some(low(
                    Kind::Rubygems,
                    rest.to_owned(),
                    alternatives,
                    "name ruby-*",
                    name,
                ));
            }
            if let Some(rest) = name.strip_prefix("r-cran-") {
                return Some(low(
                    Kind::Cran,
                    rest.to_owned(),
                    Vec::new(),
                    "name r-cran-*",
                    name,
                ));
            }
            if let Some(rest) = name.strip_prefix("haskell-") {
                // `haskell-src-exts` is itself a Hackage package's name.
                return Some(low(
                    Kind::Hackage,
                    rest.to_owned(),
                    vec![name.to_owned()],
                    "name haskell-*",
                    name,
                ));
            }
            if let Some(middle) = name
                .strip_prefix("lib")
                .and_then(|n| n.strip_suffix("-perl"))
                && !middle.is_empty()
            {
                // `libfoo-bar-perl` → `Foo-Bar`: CPAN spells distributions in CamelCase parts;
                // the homepage usually names it exactly (the rule above).
                let cased = middle
                    .split('-')
                    .map(|part| {
                        let mut c = part.chars();
                        c.next()
                            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join("-");
                return Some(low(
                    Kind::Metacpan,
                    cased,
                    vec![middle.to_owned()],
                    "name lib*-perl",
                    name,
                ));
            }
            None
        }
        Family::Rpm => {
            let rules: [(&str, Kind, &'static str); 7] = [
                ("python-", Kind::Pypi, "name python-*"),
                ("perl-", Kind::Metacpan, "name perl-*"),
                ("rubygem-", Kind::Rubygems, "name rubygem-*"),
                ("ghc-", Kind::Hackage, "name ghc-*"),
                ("R-", Kind::Cran, "name R-*"),
                ("nodejs-", Kind::Npm, "name nodejs-*"),
                ("rust-", Kind::Crates, "name rust-*"),
            ];
            rules.iter().find_map(|(prefix, kind, rule)| {
                let rest = name.strip_prefix(prefix).filter(|r| !r.is_empty())?;
                let alternatives = match kind {
                    Kind::Crates | Kind::Rubygems => vec![rest.replace('-', "_")],
                    _ => Vec::new(),
                };
                Some(low(*kind, rest.to_owned(), alternatives, rule, name))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deb(name: &str, version: &str, homepage: Option<&str>, vcs: Option<&str>) -> ShippedPackage {
        ShippedPackage {
            name: name.into(),
            version: version.into(),
            source: Some(name.into()),
            homepage: homepage.map(Into::into),
            vcs: vcs.map(Into::into),
            ..ShippedPackage::default()
        }
    }

    fn placed(p: &ShippedPackage) -> (Kind, String) {
        match place(p, Family::Deb) {
            Placement::Placed(p) => (p.kind, p.id),
            Placement::Unplaced(why) => panic!("{} not placed: {why}", p.name),
        }
    }

    #[test]
    fn urls_name_their_upstreams() {
        let cases = [
            (
                "https://github.com/pallets/click/",
                Kind::Github,
                "pallets/click",
            ),
            ("https://github.com/Foo/bar.git", Kind::Github, "Foo/bar"),
            (
                "https://gitlab.com/inkscape/inkscape/-/tags",
                Kind::Gitlab,
                "gitlab.com/inkscape/inkscape",
            ),
            ("https://gitlab.gnome.org/GNOME/glib", Kind::Gnome, "glib"),
            (
                "https://invent.kde.org/utilities/kate",
                Kind::Gitlab,
                "invent.kde.org/utilities/kate",
            ),
            (
                "https://metacpan.org/release/Moose",
                Kind::Metacpan,
                "Moose",
            ),
            (
                "https://metacpan.org/dist/libwww-perl",
                Kind::Metacpan,
                "libwww-perl",
            ),
            (
                "http://search.cpan.org/dist/JSON-XS/",
                Kind::Metacpan,
                "JSON-XS",
            ),
            (
                "https://cran.r-project.org/package=Rcpp",
                Kind::Cran,
                "Rcpp",
            ),
            (
                "https://cran.r-project.org/web/packages/data.table/index.html",
                Kind::Cran,
                "data.table",
            ),
            (
                "http://hackage.haskell.org/package/QuickCheck",
                Kind::Hackage,
                "QuickCheck",
            ),
            ("https://rubygems.org/gems/rack", Kind::Rubygems, "rack"),
            (
                "https://download.gnome.org/sources/gtk/",
                Kind::Gnome,
                "gtk",
            ),
            ("https://www.gnu.org/software/hello/", Kind::Gnu, "hello"),
            (
                "https://codeberg.org/dnkl/foot",
                Kind::Git,
                "https://codeberg.org/dnkl/foot",
            ),
        ];
        for (url, kind, id) in cases {
            let got = from_url(&Url::parse(url).expect("url"), "x");
            assert_eq!(got, Some((kind, id.to_owned())), "{url}");
        }
        assert_eq!(
            from_url(&Url::parse("https://github.com/orgs/x").expect("url"), "x"),
            None
        );
        assert_eq!(
            from_url(&Url::parse("https://example.org/").expect("url"), "x"),
            None
        );
    }

    #[test]
    fn naming_rules_of_debian() {
        let p = deb(
            "rust-serde-json",
            "1.0.87-1",
            Some("https://github.com/serde-rs/json"),
            None,
        );
        let Placement::Placed(got) = place(&p, Family::Deb) else {
            panic!()
        };
        assert_eq!((got.kind, got.id.as_str()), (Kind::Crates, "serde-json"));
        assert!(got.alternatives.contains(&"serde_json".to_owned()));
        let nom = deb("rust-nom-7", "7.1.3-1", None, None);
        let Placement::Placed(got) = place(&nom, Family::Deb) else {
            panic!()
        };
        assert_eq!(got.id, "nom");
        assert_eq!(
            placed(&deb("node-types-node", "18.0-1", None, None)),
            (Kind::Npm, "@types/node".into())
        );
        let babel = deb("node-babel7", "7.20.15+ds1-2", None, None);
        let Placement::Placed(got) = place(&babel, Family::Deb) else {
            panic!()
        };
        assert_eq!(got.id, "babel");
        assert!(got.alternatives.contains(&"@babel/core".to_owned()));
        assert_eq!(
            placed(&deb("libmoose-perl", "2.2203-1", None, None)),
            (Kind::Metacpan, "Moose".into())
        );
        assert_eq!(
            placed(&deb(
                "libwww-perl",
                "6.68-1",
                Some("https://metacpan.org/release/libwww-perl"),
                None
            )),
            (Kind::Metacpan, "libwww-perl".into())
        );
    }

    #[test]
    fn the_upstream_repository_settles_separators_and_case() {
        // Real bookworm paragraphs: the repository spells the gem, the crate, the distribution.
        let gem = |name: &str, home: &str| placed(&deb(name, "1.0-1", Some(home), None));
        assert_eq!(
            gem("ruby-did-you-mean", "https://github.com/ruby/did_you_mean"),
            (Kind::Rubygems, "did_you_mean".into())
        );
        assert_eq!(
            gem(
                "libdatetime-perl",
                "https://github.com/houseabsolute/DateTime.pm/wiki"
            ),
            (Kind::Metacpan, "DateTime".into())
        );
        assert_eq!(
            gem(
                "node-string-decoder",
                "https://github.com/nodejs/string_decoder"
            ),
            (Kind::Npm, "string_decoder".into())
        );
        // Other words are only one more spelling to try: `minimagick` is not `mini_magick`,
        // a repository named for its ecosystem (`python-evdev`) is not the project (`evdev`).
        let Placement::Placed(magick) = place(
            &deb(
                "ruby-mini-magick",
                "4.11.0-1",
                Some("https://github.com/minimagick/minimagick"),
                None,
            ),
            Family::Deb,
        ) else {
            panic!()
        };
        assert_eq!(magick.id, "mini-magick");
        assert!(magick.alternatives.contains(&"minimagick".to_owned()));
        assert_eq!(magick.rule, "name ruby-*");
        assert_eq!(
            gem("python-evdev", "https://github.com/gvalkov/python-evdev"),
            (Kind::Pypi, "evdev".into())
        );
        // A lower-case repository says nothing about CPAN's case, nor npm's upper case about npm's.
        assert_eq!(
            gem("libnet-dns-perl", "https://github.com/someone/p5-net-dns"),
            (Kind::Metacpan, "Net-Dns".into())
        );
        let Placement::Placed(stream) = place(
            &deb(
                "node-jsonstream",
                "1.3.5-3",
                Some("https://github.com/dominictarr/JSONStream"),
                None,
            ),
            Family::Deb,
        ) else {
            panic!()
        };
        assert_eq!(stream.id, "jsonstream");
        assert!(stream.alternatives.contains(&"JSONStream".to_owned()));
    }

    #[test]
    fn a_go_import_path_wins() {
        let mut p = deb(
            "golang-github-pkg-errors",
            "0.9.1-3",
            Some("https://github.com/pkg/errors"),
            None,
        );
        p.go_import_path = Some("github.com/pkg/errors".into());
        assert_eq!(placed(&p), (Kind::Go, "github.com/pkg/errors".into()));
    }

    #[test]
    fn packaging_repositories_and_native_packages_are_not_placed() {
        let salsa = deb(
            "foo",
            "1.0-1",
            None,
            Some("https://salsa.debian.org/debian/foo.git"),
        );
        let Placement::Unplaced(why) = place(&salsa, Family::Deb) else {
            panic!()
        };
        assert!(why.contains("packaging repository"), "{why}");
        let native = deb(
            "debhelper",
            "13.11.4",
            Some("https://salsa.debian.org/debian/debhelper"),
            None,
        );
        let Placement::Unplaced(why) = place(&native, Family::Deb) else {
            panic!()
        };
        assert!(why.contains("Debian-native"), "{why}");
        let site = deb("bar", "2.0-1", Some("https://bar.example.org/"), None);
        let Placement::Unplaced(why) = place(&site, Family::Deb) else {
            panic!()
        };
        assert!(why.contains("project site"), "{why}");
    }

    #[test]
    fn an_upstream_vcs_is_used_when_the_homepage_is_a_site() {
        let p = deb(
            "bar",
            "2.0-1",
            Some("https://bar.example.org/"),
            Some("https://github.com/bar/bar.git -b main"),
        );
        assert_eq!(placed(&p), (Kind::Github, "bar/bar".into()));
    }

    #[test]
    fn pep503_normalises() {
        assert_eq!(pep503("PyNaCl"), "pynacl");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("Foo__Bar"), "foo-bar");
        assert!(Kind::Pypi.same_id("PyYAML", "pyyaml"));
    }
}
