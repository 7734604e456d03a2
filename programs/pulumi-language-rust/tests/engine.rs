//! `pulumi-language-rust` against the real Pulumi CLI (`.tools/bin/pulumi`, built by
//! `tools/build-engine.sh`), with `examples/fixture_program.rs` as the program, on a local
//! file backend. Skips, saying so, when the CLI has not been built.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Project {
    dir: PathBuf,
    pulumi: PathBuf,
    path: String,
}

impl Project {
    /// A fresh project and file backend in the test's temporary directory.
    fn new(name: &str) -> Option<Self> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()
            .unwrap();
        let pulumi = repo.join(".tools/bin/pulumi");
        if !pulumi.exists() {
            println!(
                "SKIPPED: {} not built; run tools/build-engine.sh",
                pulumi.display()
            );
            return None;
        }
        let host = PathBuf::from(env!("CARGO_BIN_EXE_pulumi-language-rust"));
        let bin_dir = host.parent().unwrap().to_path_buf();
        let program = bin_dir.join("examples/fixture_program");
        assert!(
            program.exists(),
            "{} missing: run plain `cargo test -p pulumi-language-rust`, which builds examples",
            program.display()
        );
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("state")).unwrap();
        std::fs::write(
            dir.join("Pulumi.yaml"),
            format!(
                "name: fixture\nruntime:\n  name: rust\n  options:\n    binary: {}\n",
                program.display()
            ),
        )
        .unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Some(Self { dir, pulumi, path })
    }

    fn pulumi(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let output = Command::new(&self.pulumi)
            .args(args)
            .arg("--non-interactive")
            .current_dir(&self.dir)
            .env("PATH", &self.path)
            .env("PULUMI_HOME", self.dir.join("home"))
            .env(
                "PULUMI_BACKEND_URL",
                format!("file://{}", self.dir.join("state").display()),
            )
            .env("PULUMI_CONFIG_PASSPHRASE", "test")
            .env("PULUMI_SKIP_UPDATE_CHECK", "true")
            .env("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true")
            .envs(extra_env.iter().copied())
            .output()
            .expect("running pulumi");
        println!(
            "$ pulumi {}\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.pulumi(args, &[]);
        assert!(output.status.success(), "pulumi {} failed", args.join(" "));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

#[test]
fn up_runs_the_program_with_config_and_keeps_state() {
    let Some(project) = Project::new("up") else {
        return;
    };
    project.ok(&["stack", "init", "dev"]);
    project.ok(&["config", "set", "fixture:greeting", "hello"]);
    let up = project.ok(&["up", "--yes"]);
    assert!(
        up.contains("fixture: registered urn:pulumi:dev::fixture::"),
        "program output passed through"
    );
    assert_eq!(project.ok(&["stack", "output", "greeting"]).trim(), "hello");
    assert_eq!(project.ok(&["stack", "output", "dryRun"]).trim(), "false");
    project.ok(&["preview", "--expect-no-changes"]);
    project.ok(&["destroy", "--yes"]);
}

#[test]
fn failing_program_fails_the_update_with_its_exit_code() {
    let Some(project) = Project::new("fail") else {
        return;
    };
    project.ok(&["stack", "init", "dev"]);
    let output = project.pulumi(&["preview"], &[("FIXTURE_EXIT_CODE", "3")]);
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("exited with code 3"), "{text}");
}

#[test]
fn bad_get_packages_output_is_reported() {
    let Some(project) = Project::new("packages") else {
        return;
    };
    project.ok(&["stack", "init", "dev"]);
    let output = project.pulumi(
        &["preview"],
        &[("FIXTURE_PACKAGES", r#"[{"name":"aws","versoin":"7.0.0"}]"#)],
    );
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("versoin"), "{text}");
}
