//! Helpers shared by the command-line integration tests: run the real `nofly` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A file under the repository root.
pub fn repo_file(rel: &str) -> PathBuf {
    root().join(rel)
}

/// A fixture of this crate's tests.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `nofly` with arguments and returns its output.
pub fn nofly(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nofly"))
        .args(args)
        .output()
        .expect("nofly runs")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses JSON lines.
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Status and body of an HTTP request (GET, or PUT with `body`) to nofly's API.
pub fn http(method: &str, url: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let auth = token.map(|t| format!("Bearer {t}")).unwrap_or_default();
    let mut response = if method == "GET" {
        agent.get(url).header("Authorization", &auth).call()
    } else {
        agent.put(url).header("Authorization", &auth).send(body)
    }
    .unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}
