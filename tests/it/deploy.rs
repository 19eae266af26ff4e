//! The manifests in deploy/: every document is a Kubernetes object that `kubectl apply` would
//! accept (read into the typed API of `k8s-openapi` and written back with nothing lost: a
//! misspelt or misplaced field is dropped by the typed read and shows as a difference), and the
//! shard Job, the merge Job and the config agree with each other and with rollcall.

use std::path::PathBuf;

use k8s_openapi::api::batch::v1::CronJob;
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolumeClaim};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::support;

fn documents() -> Vec<(PathBuf, serde_json::Value)> {
    let dir = support::root().join("deploy/kubernetes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("deploy/kubernetes")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for doc in serde_norway::Deserializer::from_str(&text) {
            let value = serde_json::Value::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            out.push((file.clone(), value));
        }
    }
    out
}

use serde::Deserialize;

/// Reads `value` as a `T` and writes it back: the same document, or the field that was lost.
fn typed<T: DeserializeOwned + Serialize>(file: &std::path::Path, value: &serde_json::Value) -> T {
    let object: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{}: not a valid object: {e}", file.display()));
    let back = serde_json::to_value(&object).expect("serialise");
    assert_eq!(
        &back,
        value,
        "{}: a field is not part of the Kubernetes API (dropped when read)",
        file.display()
    );
    object
}

fn args(pod: &k8s_openapi::api::core::v1::PodSpec, init: bool) -> Vec<String> {
    let containers = if init {
        pod.init_containers.clone().unwrap_or_default()
    } else {
        pod.containers.clone()
    };
    containers
        .iter()
        .flat_map(|c| c.args.clone().unwrap_or_default())
        .collect()
}

#[test]
fn the_manifests_are_kubernetes_objects_that_fit_together() {
    let docs = documents();
    assert!(docs.len() >= 4, "{} documents", docs.len());
    let mut shards = None;
    let mut merge = None;
    let mut config = None;
    let mut claim = None;
    for (file, doc) in &docs {
        match (doc["apiVersion"].as_str(), doc["kind"].as_str()) {
            (Some("batch/v1"), Some("CronJob")) => {
                let job: CronJob = typed(file, doc);
                let spec = job.spec.expect("spec");
                let name = job.metadata.name.expect("name");
                if spec
                    .job_template
                    .spec
                    .as_ref()
                    .and_then(|s| s.completion_mode.as_deref())
                    == Some("Indexed")
                {
                    shards = Some((name, spec));
                } else {
                    merge = Some((name, spec));
                }
            }
            (Some("v1"), Some("ConfigMap")) => config = Some(typed::<ConfigMap>(file, doc)),
            (Some("v1"), Some("PersistentVolumeClaim")) => {
                claim = Some(typed::<PersistentVolumeClaim>(file, doc));
            }
            other => panic!("{}: unexpected {other:?}", file.display()),
        }
    }
    let (_, shards) = shards.expect("an Indexed shard CronJob");
    let (_, merge) = merge.expect("a merge CronJob");
    let job = shards.job_template.spec.expect("job");
    let n = job.completions.expect("completions");
    assert_eq!(job.parallelism, Some(n));
    let pod = job.template.spec.expect("pod");
    let check = args(&pod, false);
    // Every shard K of N writes shard-K.db; the merge reads exactly shard-0 … shard-(N-1).
    let at = check.iter().position(|a| a == "--shard").expect("--shard");
    assert_eq!(check[at + 1], format!("$(SHARD)/{n}"));
    let env = pod.containers[0].env.clone().unwrap_or_default();
    let index = env.iter().find(|e| e.name == "SHARD").expect("SHARD");
    assert_eq!(
        index
            .value_from
            .as_ref()
            .and_then(|v| v.field_ref.as_ref())
            .map(|f| f.field_path.as_str()),
        Some("metadata.annotations['batch.kubernetes.io/job-completion-index']")
    );
    assert!(
        check.contains(&"/data/shard-$(SHARD).db".to_owned()),
        "{check:?}"
    );
    let merge_pod = merge
        .job_template
        .spec
        .expect("job")
        .template
        .spec
        .expect("pod");
    let merging = args(&merge_pod, true);
    let inputs: Vec<&String> = merging
        .iter()
        .filter(|a| a.starts_with("/data/shard-"))
        .collect();
    let expected: Vec<String> = (0..n).map(|k| format!("/data/shard-{k}.db")).collect();
    assert_eq!(inputs, expected.iter().collect::<Vec<_>>());
    // The merge runs after the shards, and both share the claim and the config.
    assert!(
        shards.schedule < merge.schedule,
        "{} then {}",
        shards.schedule,
        merge.schedule
    );
    let claim = claim.expect("a claim");
    let claim_name = claim.metadata.name.expect("name");
    for pod in [&pod, &merge_pod] {
        let volumes = pod.volumes.clone().unwrap_or_default();
        assert!(volumes.iter().any(|v| {
            v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == claim_name)
        }));
    }
    // The config in the ConfigMap is one rollcall accepts.
    let data = config.expect("a ConfigMap").data.expect("data");
    let toml = data.get("rollcall.toml").expect("rollcall.toml");
    rollcall::config::Config::parse(toml, rollcall::config::Origin::Embedded)
        .unwrap_or_else(|e| panic!("the ConfigMap's rollcall.toml: {e}"));
    // Every argument list parses as a rollcall command line.
    for list in [check, merging, args(&merge_pod, false)] {
        let line: Vec<String> = std::iter::once("rollcall".to_owned())
            .chain(list.iter().map(|a| a.replace("$(SHARD)", "1")))
            .collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .args(&line[1..])
            .arg("--help")
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{line:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The container build: the binary built locked from this tree, run as a user with no shell.
#[test]
fn the_container_builds_the_locked_binary_and_runs_it_unprivileged() {
    let text = std::fs::read_to_string(support::root().join("deploy/Containerfile")).expect("read");
    let toolchain =
        std::fs::read_to_string(support::root().join("rust-toolchain.toml")).expect("read");
    let channel = toolchain
        .lines()
        .find_map(|l| l.strip_prefix("channel = "))
        .map(|c| c.trim_matches('"').to_owned())
        .expect("channel");
    assert!(
        text.contains(&format!("rust:{channel}-")),
        "the build image is the toolchain's {channel}"
    );
    assert!(text.contains("rustup target add wasm32-wasip2"));
    assert!(text.contains("cargo build --release --locked"));
    assert!(text.contains("USER 65532"));
    assert!(text.contains("ENTRYPOINT [\"/usr/local/bin/rollcall\"]"));
}
