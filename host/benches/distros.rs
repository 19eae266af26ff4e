//! Ingest of distro indexes at archive scale (`cargo bench --bench distros`), side by side with
//! well-known parsers of the same formats: python-debian's deb822 reader for `Sources`, libsolv's
//! `rpmmd2solv` for `primary.xml`. Figures go to BENCHMARKS.md.
//!
//! The inputs are generated in the real formats at the sizes of Debian main (38,000 source
//! packages, xz) and Tumbleweed (60,000 packages, gzip), with the fields and continuation lines
//! real indexes carry. `ROLLCALL_BENCH_SOURCES=FILE` measures a real `Sources.xz` instead
//! (`host/benches/fetch-debian-sources.sh` downloads one from the archive this machine's apt
//! uses), `decompress` shows what xz alone costs of rollcall's time, and `discover` what placing
//! every package of the index at its upstream adds (`rollcall discover` without `--verify`). Every tool runs as a child process of the same small Python harness, which
//! reports wall time and the child's peak RSS; 5 runs each, interleaved, medians.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

const SOURCES: usize = 38_000;
const PRIMARY: usize = 60_000;
const RUNS: usize = 5;

const HARNESS: &str = "import resource,subprocess,sys,time\nt=time.time()\nsubprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL)\nprint(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";

fn sources_index() -> String {
    let mut out = String::with_capacity(SOURCES * 1200);
    for i in 0..SOURCES {
        let name = format!("package{i}");
        let v = format!("{}.{}.{}-{}", i % 7, i % 13, i % 31, 1 + i % 3);
        let _ = write!(
            out,
            "Package: {name}\nBinary: {name}, lib{name}-dev, {name}-doc\nVersion: {v}\nMaintainer: Debian Maintainers <pkg@lists.example.org>\n\
             Build-Depends: debhelper-compat (= 13), libssl-dev, pkgconf, python3:any <!nocheck>\nArchitecture: any all\n\
             Standards-Version: 4.6.2\nFormat: 3.0 (quilt)\nFiles:\n 24d02f8ecf0f37164cfcc2fb23bf1013 1135 {name}_{v}.dsc\n \
             f8041c58e43dae9814f903919d222c73 33269 {name}_{v}.orig.tar.xz\nChecksums-Sha256:\n \
             e789b7754072fa6a629c55b931411806432102be7a379f750ac6d328df7790c3 1135 {name}_{v}.dsc\n \
             db631e44c83f7086b15e701bafcc7e6e1481f957d47b8075092ba80d863f83bb 33269 {name}_{v}.orig.tar.xz\n\
             Homepage: https://example.org/{name}\nPackage-List:\n {name} deb misc optional arch=any\n \
             lib{name}-dev deb libdevel optional arch=any\nDirectory: pool/main/p/{name}\nPriority: optional\nSection: misc\n\n"
        );
    }
    out
}

fn primary_xml() -> String {
    let mut out = String::with_capacity(PRIMARY * 1500);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"{PRIMARY}\">\n"
    );
    for i in 0..PRIMARY {
        let name = format!("package{i}");
        let (ver, rel) = (
            format!("{}.{}.{}", i % 7, i % 13, i % 31),
            format!("{}.1", 1 + i % 5),
        );
        let _ = writeln!(
            out,
            "<package type=\"rpm\"><name>{name}</name><arch>x86_64</arch><version epoch=\"0\" ver=\"{ver}\" rel=\"{rel}\"/>\
             <checksum type=\"sha256\" pkgid=\"YES\">e789b7754072fa6a629c55b931411806432102be7a379f750ac6d328df7790c3</checksum>\
             <summary>The {name} package</summary><description>A package that exists to be parsed &amp; measured.</description>\
             <packager>https://bugs.opensuse.org</packager><url>https://example.org/{name}</url><time file=\"1732600000\" build=\"1732500000\"/>\
             <size package=\"85168\" installed=\"266737\" archive=\"267440\"/><location href=\"x86_64/{name}-{ver}-{rel}.x86_64.rpm\"/>\
             <format><rpm:license>GPL-2.0-or-later</rpm:license><rpm:vendor>openSUSE</rpm:vendor><rpm:group>System/Base</rpm:group>\
             <rpm:buildhost>reproducible</rpm:buildhost><rpm:sourcerpm>{name}-{ver}-{rel}.src.rpm</rpm:sourcerpm><rpm:header-range start=\"4504\" end=\"25133\"/>\
             <rpm:provides><rpm:entry name=\"{name}\" flags=\"EQ\" epoch=\"0\" ver=\"{ver}\" rel=\"{rel}\"/><rpm:entry name=\"lib{name}.so.1()(64bit)\"/></rpm:provides>\
             <rpm:requires><rpm:entry name=\"libc.so.6()(64bit)\"/><rpm:entry name=\"libc.so.6(GLIBC_2.34)(64bit)\"/><rpm:entry name=\"/bin/sh\" pre=\"1\"/></rpm:requires>\
             </format></package>"
        );
    }
    out.push_str("</metadata>\n");
    out
}

/// Runs `cmd` under the harness: (wall seconds, peak RSS in MB).
fn measure(cmd: &[&str]) -> Option<(f64, f64)> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(HARNESS)
        .args(cmd)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "`{}` failed: {}",
            cmd.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace();
    let wall: f64 = f.next()?.parse().ok()?;
    let kb: f64 = f.next()?.parse().ok()?;
    Some((wall, kb / 1024.0))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn report(label: &str, cmd: &[&str]) -> Option<(f64, f64)> {
    let runs: Vec<(f64, f64)> = (0..RUNS).filter_map(|_| measure(cmd)).collect();
    if runs.len() < RUNS {
        println!("{label:<44} not measured (tool missing or failed)");
        return None;
    }
    let wall = median(runs.iter().map(|r| r.0).collect());
    let rss = median(runs.iter().map(|r| r.1).collect());
    println!(
        "{label:<44} wall {:>7.3} s   peak RSS {:>7.1} MB",
        wall, rss
    );
    Some((wall, rss))
}

/// Child mode: parse one file with rollcall's parser and print the package count.
fn child(kind: &str, path: &Path) {
    let bytes = std::fs::read(path).expect("input");
    let reader = rollcall::distros::decompress::reader(&bytes).expect("reader");
    let n = match kind {
        "decompress" => {
            let mut reader = reader;
            std::io::copy(&mut reader, &mut std::io::sink()).expect("decompresses") as usize
        }
        "sources" => rollcall::distros::deb::parse_index(reader, true)
            .expect("parses")
            .len(),
        "discover" => {
            // What `rollcall discover` does after the download: parse, then place every
            // package (no network), with every registry given an endpoint.
            let packages = rollcall::distros::deb::parse_index(reader, true).expect("parses");
            let registries = rollcall::discover::registries(
                ["pypi", "crates", "npm"]
                    .map(|k| (k.to_owned(), "http://registry.invalid".to_owned())),
            );
            let found = rollcall::discover::discover(
                "bench",
                &packages,
                rollcall::versions::Family::Deb,
                &registries,
            );
            let toml = found.to_toml();
            eprintln!(
                "{} placed of {}; {} bytes of TOML",
                found.found.len(),
                found.packages,
                toml.len()
            );
            found.found.len()
        }
        _ => rollcall::distros::rpmmd::parse_primary(reader)
            .expect("parses")
            .len(),
    };
    println!("{n}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1], Path::new(&args[i + 2]));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("rollcall-bench-distros-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sources = match std::env::var_os("ROLLCALL_BENCH_SOURCES") {
        Some(real) => {
            println!("Sources: the real index {}", Path::new(&real).display());
            std::path::PathBuf::from(real)
        }
        None => {
            let sources = dir.join("Sources.xz");
            let text = sources_index();
            println!("Sources: {:.1} MB uncompressed", text.len() as f64 / 1e6);
            let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
            xz.write_all(text.as_bytes()).expect("xz");
            std::fs::write(&sources, xz.finish().expect("xz")).expect("write");
            sources
        }
    };
    let primary = dir.join("primary.xml.gz");
    let text = primary_xml();
    println!(
        "primary.xml: {:.1} MB uncompressed",
        text.len() as f64 / 1e6
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).expect("gzip");
    std::fs::write(&primary, gz.finish().expect("gzip")).expect("write");
    for (path, what) in [(&sources, "Sources.xz"), (&primary, "primary.xml.gz")] {
        println!(
            "{what}: {:.1} MB compressed",
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        );
    }

    let me = std::env::current_exe().expect("bench binary");
    let me = me.to_str().expect("utf-8 path");
    let (s, p) = (
        sources.to_str().expect("utf-8"),
        primary.to_str().expect("utf-8"),
    );
    let py_sources = format!(
        "import lzma\nfrom debian import deb822\nprint(sum(1 for _ in deb822.Sources.iter_paragraphs(lzma.open('{s}'), use_apt_pkg=False)))"
    );
    let solv_primary = format!("gzip -dc '{p}' | rpmmd2solv > /dev/null");

    println!("\nDebian Sources (xz):");
    let ours = report(
        "rollcall (deb::parse_index)",
        &[me, "--child", "sources", s],
    );
    let xz_alone = report(
        "rollcall's xz decompression alone",
        &[me, "--child", "decompress", s],
    );
    if let (Some(all), Some(xz)) = (ours, xz_alone) {
        println!(
            "decompression is {:.0}% of rollcall's wall time",
            100.0 * xz.0 / all.0
        );
    }
    let discovered = report(
        "rollcall discover (parse + place + TOML)",
        &[me, "--child", "discover", s],
    );
    if let (Some(d), Some(p)) = (discovered, ours) {
        println!("placing every package adds {:.3} s to the parse", d.0 - p.0);
    }
    let theirs = report(
        "python-debian deb822 (pure Python)",
        &["python3", "-c", &py_sources],
    );
    if let (Some(a), Some(b)) = (ours, theirs) {
        println!(
            "ratio: rollcall {:.1}× faster, {:.1}× less memory",
            b.0 / a.0,
            b.1 / a.1
        );
    }
    println!("\nrpm-md primary.xml, {PRIMARY} packages (gzip):");
    let ours = report(
        "rollcall (rpmmd::parse_primary)",
        &[me, "--child", "primary", p],
    );
    let theirs = report("libsolv rpmmd2solv (C)", &["sh", "-c", &solv_primary]);
    if let (Some(a), Some(b)) = (ours, theirs) {
        println!(
            "ratio: rollcall {:.2}× the wall time, {:.2}× the memory of rpmmd2solv",
            a.0 / b.0,
            a.1 / b.1
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
