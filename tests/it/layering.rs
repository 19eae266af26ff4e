//! The engine's layering: no import cycle between `host/src`'s top-level modules, and the
//! crates below the engine depend on nothing of it. Read from the sources, as a reviewer would:
//! every `crate::MODULE` a module names outside its tests is an edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and its `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut skipping: Option<usize> = None;
    let mut test_attr = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(at) = skipping {
            if indent == at && trimmed.starts_with('}') {
                skipping = None;
            }
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.starts_with("#[cfg(") && trimmed.contains("test") {
            test_attr = true;
            continue;
        }
        if test_attr && trimmed.starts_with("mod ") {
            test_attr = false;
            if trimmed.ends_with('{') {
                skipping = Some(indent);
            }
            continue;
        }
        test_attr = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// host/src's top-level modules and the modules each names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("host/src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let reference = regex::Regex::new(r"\bcrate::([a-z_]+)").expect("regex");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in all {
        let rel = path.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if matches!(module.as_str(), "lib" | "main") || rel.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let edges = graph.entry(module.clone()).or_default();
        for c in reference.captures_iter(&code(&text)) {
            if c[1] != module {
                edges.insert(c[1].to_owned());
            }
        }
    }
    graph
}

/// A cycle through `graph`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_engines_modules_form_no_cycle() {
    let graph = graph();
    // The reader sees the modules it must (a broken reader would find no edge and pass).
    assert!(graph.len() >= 15, "{graph:?}");
    assert!(graph["run"].contains("store") && graph["cli"].contains("run"));
    assert!(
        graph["store"].contains("net"),
        "the store implements the client's cache"
    );
    assert_eq!(cycle(&graph), None, "{graph:#?}");

    // The detector finds a cycle when there is one.
    let mut with_cycle = graph.clone();
    with_cycle
        .entry("net".to_owned())
        .or_default()
        .insert("store".to_owned());
    assert!(cycle(&with_cycle).is_some());
}

/// `rollcall-versions` names no other rollcall crate; `rollcall-model` only versions; the
/// dashboard only those two.
#[test]
fn the_crates_below_the_engine_depend_only_downwards() {
    let deps = |manifest: &str| -> Vec<String> {
        let text = std::fs::read_to_string(root().join(manifest)).expect("manifest");
        let doc: toml::Table = text.parse().expect("toml");
        doc.get("dependencies")
            .and_then(|d| d.as_table())
            .map(|t| {
                t.keys()
                    .filter(|k| k.starts_with("rollcall"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(deps("versions/Cargo.toml"), Vec::<String>::new());
    assert_eq!(deps("model/Cargo.toml"), ["rollcall-versions"]);
    assert_eq!(
        deps("tui/Cargo.toml"),
        ["rollcall-model", "rollcall-versions"]
    );
    for src in ["versions/src", "model/src", "tui/src"] {
        let mut all = Vec::new();
        files(&root().join(src), &mut all);
        for path in all {
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(
                !code(&text).contains("rollcall::"),
                "{} names the engine",
                path.display()
            );
        }
    }
}
