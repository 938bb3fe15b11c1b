//! The conformance corpus (tests/conformance, a copy of the shared corpus):
//! the runner's output must equal CPython's recorded results exactly, those
//! CPython gave on the OpenSSL series pyssl is linked against (`expected/`
//! and `limbo/expected.json` on 3.x, `expected-openssl-1.1.1/` on 1.1.1).
//! Only a 3.x other than CPython's own (the vendored one) leaves the message
//! texts out.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use super::support::require_cpython;

fn runner() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let p = dir.join("examples").join("conformance");
    assert!(
        p.exists(),
        "{} is missing: build it with `cargo build --examples` (scripts/test.sh does)",
        p.display()
    );
    p
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// Differences between two values, as `path: expected X, got Y` lines.
fn diffs(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => diffs(u, v, &format!("{at}.{k}"), out),
                    (Some(_), None) => out.push(format!("{at}.{k}: missing")),
                    (None, Some(v)) => out.push(format!("{at}.{k}: unexpected {v}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                diffs(u, v, &format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: expected {a}, got {b}")),
        _ => {}
    }
}

fn check(scenarios: &str, expected: &str) {
    let out = Command::new(runner())
        .arg(scenarios)
        .current_dir(corpus())
        .output()
        .expect("run the conformance runner");
    assert!(
        out.status.success(),
        "runner failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actual: Value = serde_json::from_slice(&out.stdout).expect("runner prints JSON");
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join(expected)).unwrap()).unwrap();
    let index = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].to_string(), r.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (exp, act) = (index(&recorded), index(&actual));
    // On 3.x the corpus is CPython's on 3.0: message texts are compared only
    // when pyssl's OpenSSL is CPython's (the vendored 3.x words some of them
    // differently). On 1.1.1 it is CPython's on 1.1.1w: compared exactly.
    let compared = |v: &Value| {
        if super::support::ossl3() {
            super::support::loose(v)
        } else {
            v.clone()
        }
    };
    let mut failed = Vec::new();
    for (id, e) in &exp {
        let mut d = Vec::new();
        match act.get(id) {
            Some(a) => diffs(&compared(e), &compared(a), "", &mut d),
            None => d.push("not run".into()),
        }
        if !d.is_empty() {
            failed.push(format!("{id}: {}", d.join("; ")));
        }
    }
    for id in act.keys().filter(|id| !exp.contains_key(*id)) {
        failed.push(format!("{id}: not in {expected}"));
    }
    assert!(
        failed.is_empty(),
        "{scenarios}: {} of {} scenarios differ from CPython ({expected}):\n{}",
        failed.len(),
        exp.len(),
        failed.join("\n")
    );
    eprintln!("{scenarios} vs {expected}: {} passed, 0 failed", exp.len());
}

/// CPython 3.13's recorded results for a scenario file, for the OpenSSL
/// series pyssl is linked against: `expected/` and `limbo/expected.json`
/// were recorded on OpenSSL 3.0, `expected-openssl-1.1.1/` on 1.1.1w.
fn expected(name: &str) -> String {
    if super::support::ossl3() {
        match name {
            "limbo" => "limbo/expected.json".into(),
            _ => format!("expected/{name}.json"),
        }
    } else {
        format!("expected-openssl-1.1.1/{name}.json")
    }
}

#[test]
fn context_scenarios_match_cpython() {
    require_cpython!();
    check("scenarios/context.json", &expected("context"));
}

#[test]
fn handshake_scenarios_match_cpython() {
    require_cpython!();
    check("scenarios/handshake.json", &expected("handshake"));
}

#[test]
fn limbo_scenarios_match_cpython() {
    require_cpython!();
    check("limbo/scenarios.json", &expected("limbo"));
}

/// Runs `scenarios` (JSON text) through CPython's oracle and through the
/// runner, in `dir`, and returns both results.
fn oracle_and_runner(scenarios: &str, dir: &std::path::Path) -> (Value, Value) {
    let file = dir.join("scenarios.json");
    std::fs::write(&file, scenarios).unwrap();
    let py = Command::new(super::support::python313())
        .arg(corpus().join("oracle.py"))
        .arg(&file)
        .current_dir(dir)
        .output()
        .expect("run the oracle");
    assert!(
        py.status.success(),
        "oracle: {}",
        String::from_utf8_lossy(&py.stderr)
    );
    let ours = Command::new(runner())
        .arg(&file)
        .current_dir(dir)
        .output()
        .expect("run the runner");
    assert!(
        ours.status.success(),
        "runner: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    (
        serde_json::from_slice(&py.stdout).expect("oracle prints JSON"),
        serde_json::from_slice(&ours.stdout).expect("runner prints JSON"),
    )
}

fn assert_same(want: &Value, got: &Value) {
    let mut d = Vec::new();
    diffs(want, got, "", &mut d);
    assert!(d.is_empty(), "differs from CPython:\n{}", d.join("\n"));
}

/// A missing or unreadable file is the op's error (as CPython's oracle
/// records it: `FileNotFoundError`, `IsADirectoryError`, `SSLError("Can't
/// open file")` from `_test_decode_cert`), and the scenario goes on.
#[test]
fn missing_files_are_op_errors() {
    require_cpython!();
    let dir = pyssl::testing::TempDir::new("conformance-files").unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    let scenarios = r#"[{"id": "files", "ops": [
        ["context", "PROTOCOL_TLS_CLIENT"],
        ["decode_cert", "missing.pem"],
        ["decode_cert", "adir"],
        ["PEM_cert_to_DER_cert", "file:missing.pem"],
        ["PEM_cert_to_DER_cert", "file:adir"],
        ["DER_cert_to_PEM_cert", "missing.pem"],
        ["load_verify_locations", {"cadata": "pem:missing.pem"}],
        ["load_verify_locations", {"cadata": "der:adir"}],
        ["load_verify_locations", {"cafile": "missing.pem"}],
        ["match_hostname", "missing.pem", "localhost"],
        ["snapshot"]
    ]}]"#;
    let (want, got) = oracle_and_runner(scenarios, dir.path());
    let steps = want[0]["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 11);
    assert_eq!(steps[3]["error"]["type"], "FileNotFoundError");
    if super::support::same_openssl_as_cpython() {
        assert_same(&want, &got);
    } else {
        // Another OpenSSL: its texts, and its default options (1.1.1's
        // SSL_CTX_new sets OP_LEGACY_SERVER_CONNECT), are its own.
        let strip = |v: &Value| {
            let mut v = super::support::loose(v);
            for step in v[0]["steps"].as_array_mut().into_iter().flatten() {
                if let Some(ok) = step["ok"].as_object_mut() {
                    ok.remove("options");
                }
            }
            v
        };
        assert_same(&strip(&want), &strip(&got));
    }
}
