//! `UnicodeEncodeError` texts (and the other errors of text arguments)
//! against CPython 3.13 on the same inputs: `server_hostname` (the `idna`
//! codec), ALPN protocol names (`ascii`), cipher strings, curve names.
//! Positions count code points, so the inputs put one bad character, a
//! run of them, bad characters at the start and the end, and astral
//! characters before and inside the bad runs.

use pyssl::{MemoryBio, Protocol, SslContext, WrapOptions};
use serde_json::{json, Value};

use crate::support::{require_cpython, run_python};

fn hostnames() -> Vec<String> {
    let mut v: Vec<String> = [
        "ab\u{e9}cd",
        "\u{e9}\u{e8}\u{e7}x",
        "x\u{1f600}\u{1f601}y",
        "abc\u{1f600}",
        ".a",
        "a..b",
        "a.",
        "a.b..",
        "..",
        ".",
        "\u{1f600}..x",
        "\u{3002}a",
        "a\u{3002}\u{3002}b",
        "xn--\u{e9}",
        "a.xn--\u{e9}\u{1f600}.b",
        "xn--abc",
        "ab\u{200b}",
        "\u{ad}",
        "a.\u{ad}.b",
        "a\u{3000}b",
        "\u{6ff}\u{5d0}",
        "\u{5d0}a\u{5d0}",
        "a\u{7f}b",
        "a b",
        "a_b",
        "\u{e0001}x",
        "a\u{340}b",
        "\u{fff9}x",
        "\u{e9}.\u{221e}.\u{fffd}",
        "\u{2488}x",
        "\u{3b1}\u{1f600}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("{}.com", "a".repeat(64)));
    v.push(format!("x.{}", "\u{e9}".repeat(60)));
    v.push(format!("\u{1f600}.{}.z", "\u{e9}".repeat(40)));
    v.push(format!("{}\u{e9}", "a".repeat(62)));
    v.push(format!("{}.", "b".repeat(63)));
    v.push(["a".repeat(63).as_str(); 5].join("."));
    v
}

fn alpn() -> Vec<String> {
    [
        "h\u{e9}",
        "\u{e9}\u{e9}x",
        "ab\u{1f600}\u{1f600}",
        "x\u{e9}y\u{e9}",
        "\u{1f600}a\u{e9}\u{e9}\u{e9}",
        "abc\u{e9}",
        "\u{e9}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn texts() -> Vec<String> {
    [
        "\u{e9}",
        "AES\u{e9}",
        "\u{1f600}",
        "prime256v1\u{e9}",
        "a'b\"c",
        "\u{0}x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

const PYTHON: &str = r#"
import json, re, ssl, sys
def res(f):
    try:
        return ["ok", f()]
    except Exception as e:
        text = e.args[0] if isinstance(e, ssl.SSLError) and len(e.args) == 1 else str(e)
        return [type(e).__name__, re.sub(r' \(_ssl\.c:\d+\)$', '', text)]
data = json.loads(sys.stdin.read())
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
b = ssl.MemoryBIO(), ssl.MemoryBIO()
out = {
  "host": [res(lambda: ctx.wrap_bio(*b, server_hostname=h).server_hostname) for h in data["host"]],
  "alpn": [res(lambda: ctx.set_alpn_protocols([p])) for p in data["alpn"]],
  "ciphers": [res(lambda: ctx.set_ciphers(t)) for t in data["text"]],
  "curve": [res(lambda: ctx.set_ecdh_curve(t)) for t in data["text"]],
}
print(json.dumps(out))
"#;

fn res<T>(r: pyssl::Result<T>, f: impl FnOnce(T) -> Value) -> Value {
    match r {
        Ok(v) => json!(["ok", f(v)]),
        Err(e) => json!([e.python_class(), e.to_string()]),
    }
}

#[test]
fn unicode_error_texts_like_cpython() {
    require_cpython!();
    let (hosts, alpn, texts) = (hostnames(), alpn(), texts());
    let input = json!({"host": hosts, "alpn": alpn, "text": texts}).to_string();
    let dir = pyssl::testing::TempDir::new("unicode").unwrap();
    let path = dir.write("input.json", &input).unwrap();
    let code = format!(
        "import sys; sys.stdin = open({:?}, encoding='utf-8')\n{PYTHON}",
        path.to_str().unwrap()
    );
    let want: Value = serde_json::from_str(&run_python(&code, &[])).unwrap();
    let ctx = SslContext::new(Protocol::TlsClient).unwrap();
    let (i, o) = (MemoryBio::new().unwrap(), MemoryBio::new().unwrap());
    let mut got = serde_json::Map::new();
    got.insert(
        "host".into(),
        hosts
            .iter()
            .map(|h| {
                res(ctx.wrap_bio(&i, &o, WrapOptions::client(h)), |s| {
                    json!(s.server_hostname())
                })
            })
            .collect(),
    );
    got.insert(
        "alpn".into(),
        alpn.iter()
            .map(|p| res(ctx.set_alpn_protocols(&[p]), |()| Value::Null))
            .collect(),
    );
    got.insert(
        "ciphers".into(),
        texts
            .iter()
            .map(|t| res(ctx.set_ciphers(t), |()| Value::Null))
            .collect(),
    );
    got.insert(
        "curve".into(),
        texts
            .iter()
            .map(|t| res(ctx.set_ecdh_curve(t), |()| Value::Null))
            .collect(),
    );
    let mut diffs = Vec::new();
    for (op, inputs) in [
        ("host", &hosts),
        ("alpn", &alpn),
        ("ciphers", &texts),
        ("curve", &texts),
    ] {
        for (n, inp) in inputs.iter().enumerate() {
            if got[op][n] != want[op][n] {
                diffs.push(format!(
                    "{op} {inp:?}: pyssl {} vs CPython {}",
                    got[op][n], want[op][n]
                ));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    let encode_errors = want["host"]
        .as_array()
        .unwrap()
        .iter()
        .chain(want["alpn"].as_array().unwrap())
        .filter(|v| v[0] == "UnicodeEncodeError")
        .count();
    assert!(encode_errors >= 15, "{encode_errors}");
}
