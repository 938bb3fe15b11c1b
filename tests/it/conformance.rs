//! The conformance corpus (tests/conformance, a copy of the shared corpus):
//! the runner's output must equal CPython's recorded results exactly.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

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
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join(expected)).unwrap()).unwrap();
    let index = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].to_string(), r.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (exp, act) = (index(&expected), index(&actual));
    let mut failed = Vec::new();
    for (id, e) in &exp {
        let mut d = Vec::new();
        match act.get(id) {
            Some(a) => diffs(
                &super::support::loose(e),
                &super::support::loose(a),
                "",
                &mut d,
            ),
            None => d.push("not run".into()),
        }
        if !d.is_empty() {
            failed.push(format!("{id}: {}", d.join("; ")));
        }
    }
    // Linked against a different OpenSSL series than CPython's, some results
    // legitimately differ (vendor-notes/). Those differences are recorded,
    // line for line, under tests/conformance-deltas/<series>/; the run must
    // reproduce exactly that list: no fewer differences, no more.
    let known = deltas_file(scenarios);
    if std::env::var_os("PYSSL_WRITE_DELTAS").is_some() {
        if let Some(p) = &known {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            let mut text = failed.join("\n");
            text.push('\n');
            std::fs::write(
                p,
                if failed.is_empty() {
                    String::new()
                } else {
                    text
                },
            )
            .unwrap();
        }
    }
    let expected_failures: Vec<String> = known
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if expected_failures.is_empty() {
        assert!(
            failed.is_empty(),
            "{scenarios}: {} of {} scenarios differ from CPython:\n{}",
            failed.len(),
            exp.len(),
            failed.join("\n")
        );
    } else {
        let unexpected: Vec<_> = failed
            .iter()
            .filter(|l| !expected_failures.contains(l))
            .collect();
        let missing: Vec<_> = expected_failures
            .iter()
            .filter(|l| !failed.contains(l))
            .collect();
        assert!(
            unexpected.is_empty() && missing.is_empty(),
            "{scenarios}: the differences from CPython (on OpenSSL 3.0) are not the recorded ones\n\
             unexpected:\n{}\nrecorded but not seen:\n{}",
            unexpected.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        );
    }
}

/// Where the recorded differences for this OpenSSL series live, when the
/// linked OpenSSL is of another series than CPython's (3.x).
fn deltas_file(scenarios: &str) -> Option<PathBuf> {
    if super::support::ossl3() {
        return None;
    }
    let name = scenarios.replace('/', "_").replace(".json", ".txt");
    Some(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/conformance-deltas/openssl-1.1.1")
            .join(name),
    )
}

#[test]
fn context_scenarios_match_cpython() {
    check("scenarios/context.json", "expected/context.json");
}

#[test]
fn handshake_scenarios_match_cpython() {
    check("scenarios/handshake.json", "expected/handshake.json");
}

#[test]
fn limbo_scenarios_match_cpython() {
    check("limbo/scenarios.json", "limbo/expected.json");
}
