//! The local package database: what a running system (a MicroOS host, a Debian server) has
//! installed, from `dpkg-query` or `rpm -qa`.

use super::ShippedPackage;
use super::rpmmd::source_name;

pub use crate::config::Tool;

impl Tool {
    fn command(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Tool::Dpkg => (
                "dpkg-query",
                &[
                    "-W",
                    "-f",
                    "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${source:Package}\\t${Architecture}\\n",
                ],
            ),
            Tool::Rpm => (
                "rpm",
                &[
                    "-qa",
                    "--qf",
                    "%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{SOURCERPM}\\t%{ARCH}\\n",
                ],
            ),
        }
    }
}

/// Runs the tool and parses its output.
pub async fn read(tool: Tool) -> Result<Vec<ShippedPackage>, String> {
    let (program, args) = tool.command();
    let output = tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{program}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(match tool {
        Tool::Dpkg => parse_dpkg(&text),
        Tool::Rpm => parse_rpm(&text),
    })
}

/// `ii <TAB> name <TAB> version <TAB> source <TAB> arch`; packages not installed are skipped.
pub fn parse_dpkg(text: &str) -> Vec<ShippedPackage> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (status, name, version, source, arch) =
                (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
            (status.starts_with("ii") && !version.is_empty()).then(|| ShippedPackage {
                name: name.to_owned(),
                version: version.to_owned(),
                source: (!source.is_empty()).then(|| source.to_owned()),
                arch: Some(arch.to_owned()),
                ..ShippedPackage::default()
            })
        })
        .collect()
}

/// `name <TAB> epoch:version-release <TAB> sourcerpm <TAB> arch`; `gpg-pubkey` pseudo-packages
/// (no source RPM) are skipped, and an epoch of 0 is dropped.
pub fn parse_rpm(text: &str) -> Vec<ShippedPackage> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (name, evr, sourcerpm, arch) = (f.next()?, f.next()?, f.next()?, f.next()?);
            if sourcerpm == "(none)" || arch == "(none)" {
                return None;
            }
            let version = evr.strip_prefix("0:").unwrap_or(evr);
            Some(ShippedPackage {
                name: name.to_owned(),
                version: version.to_owned(),
                source: source_name(sourcerpm).map(str::to_owned),
                arch: Some(arch.to_owned()),
                ..ShippedPackage::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_databases() {
        let dpkg = parse_dpkg(
            "ii \tadduser\t3.134\tadduser\tall\nun \tfoo\t\t\tamd64\nii \tlibc6\t2.36-9+deb12u9\tglibc\tamd64\n",
        );
        assert_eq!(dpkg.len(), 2);
        assert_eq!(dpkg[1].source.as_deref(), Some("glibc"));
        let rpm = parse_rpm(
            "kernel-default\t0:6.4.0-150600.23.25.1\tkernel-default-6.4.0-150600.23.25.1.nosrc.rpm\tx86_64\ngpg-pubkey\t0:29b700a4-62b07e22\t(none)\t(none)\nvim\t2:9.1.0-1.1\tvim-9.1.0-1.1.src.rpm\tx86_64\n",
        );
        assert_eq!(rpm.len(), 2);
        assert_eq!(rpm[0].version, "6.4.0-150600.23.25.1");
        assert_eq!(rpm[0].source.as_deref(), Some("kernel-default"));
        assert_eq!(rpm[1].version, "2:9.1.0-1.1");
    }
}
