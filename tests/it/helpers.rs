//! The module helpers with Python's keywords, against CPython 3.13 on
//! the same inputs: `_create_unverified_context` (every parameter),
//! `get_server_certificate` (every parameter), and where both honour
//! `SSLKEYLOGFILE`.

use std::path::PathBuf;
use std::process::Command;

use pyssl::testing::EchoServer;
use pyssl::{
    create_unverified_context, get_server_certificate, CertChainOptions, Protocol, Purpose,
    ServerCertificateOptions, SslContext, UnverifiedContextOptions, VerifyMode,
};
use serde_json::{json, Value};

use super::support::{pki, require_cpython, run_python};

/// `[class, str(e)]` as both sides print it (Python's without the
/// `(_ssl.c:NNNN)` suffix).
fn error_json(e: &pyssl::Error) -> Value {
    json!([e.python_class(), e.to_string()])
}

const PY_ERROR: &str = r#"
import json, re, ssl, sys
def err(e):
    return [type(e).__name__, re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))]
"#;

/// The keyword arguments of one `_create_unverified_context` call, as
/// JSON (constants by name), as pyssl's options.
fn unverified_options(case: &Value) -> UnverifiedContextOptions<'_> {
    let mut o = UnverifiedContextOptions::new();
    for (k, v) in case.as_object().unwrap() {
        let s = v.as_str();
        o = match k.as_str() {
            "protocol" => o.protocol(Protocol::from_name(s.unwrap()).unwrap()),
            "cert_reqs" => o.cert_reqs(s.map(|n| VerifyMode::from_name(n).unwrap())),
            "check_hostname" => o.check_hostname(v.as_bool().unwrap()),
            "purpose" => o.purpose(match s.unwrap() {
                "SERVER_AUTH" => Purpose::ServerAuth,
                _ => Purpose::ClientAuth,
            }),
            "certfile" => o.certfile(s.unwrap()),
            "keyfile" => o.keyfile(s.unwrap()),
            "cafile" => o.cafile(s.unwrap()),
            "capath" => o.capath(s.unwrap()),
            "cadata" => o.cadata(s.unwrap()),
            other => panic!("unknown keyword {other}"),
        };
    }
    o
}

/// `_create_unverified_context(**kw)` for combinations of every
/// parameter: the context's protocol, `verify_mode`, `check_hostname` and
/// store counts, or the error (class and text), as CPython 3.13 gives
/// them.
#[test]
fn create_unverified_context_matches_cpython() {
    require_cpython!();
    let p = pki();
    let (ca, cert, key) = (
        p.ca.to_str().unwrap(),
        p.leaf.0.to_str().unwrap(),
        p.leaf.1.to_str().unwrap(),
    );
    let ca_pem = std::fs::read_to_string(&p.ca).unwrap();
    let ca_dir = p.ca.parent().unwrap().to_str().unwrap();
    let cases = json!([
        {},
        {"protocol": "PROTOCOL_TLS_CLIENT"},
        {"protocol": "PROTOCOL_TLS_SERVER"},
        {"protocol": "PROTOCOL_TLS"},
        {"purpose": "CLIENT_AUTH"},
        {"purpose": "CLIENT_AUTH", "protocol": "PROTOCOL_TLS_CLIENT"},
        {"cert_reqs": "CERT_REQUIRED", "cafile": ca},
        {"cert_reqs": "CERT_OPTIONAL", "cadata": ca_pem},
        {"cert_reqs": "CERT_REQUIRED", "capath": ca_dir},
        {"cert_reqs": "CERT_NONE", "cafile": ca, "capath": ca_dir, "cadata": ca_pem},
        {"cafile": ""},
        {"check_hostname": true},
        {"check_hostname": true, "cert_reqs": "CERT_REQUIRED", "cafile": ca},
        {"check_hostname": true, "cert_reqs": null, "cafile": ca},
        {"check_hostname": true, "protocol": "PROTOCOL_TLS_SERVER", "cert_reqs": "CERT_REQUIRED", "cafile": ca},
        {"keyfile": key},
        {"certfile": "", "keyfile": key},
        {"certfile": cert, "keyfile": key, "purpose": "CLIENT_AUTH"},
        {"certfile": cert},
        {"certfile": "/nonexistent/cert.pem"},
        {"certfile": cert, "keyfile": "/nonexistent/key.pem"},
        {"cafile": "/nonexistent/ca.pem"},
        {"cadata": "not PEM"},
    ]);
    let py = run_python(
        &format!(
            "{PY_ERROR}
import warnings
warnings.simplefilter('ignore')
def val(k, v):
    if k in ('protocol', 'cert_reqs') and v is not None:
        return getattr(ssl, v)
    if k == 'purpose':
        return getattr(ssl.Purpose, v)
    return v
out = []
for kw in json.loads(sys.argv[1]):
    try:
        c = ssl._create_unverified_context(**{{k: val(k, v) for k, v in kw.items()}})
        st = c.cert_store_stats()
        out.append([int(c.protocol), int(c.verify_mode), c.check_hostname, st['x509'], st['x509_ca']])
    except Exception as e:
        out.append(err(e))
print(json.dumps(out))
"
        ),
        &[&cases.to_string()],
    );
    let py: Value = serde_json::from_str(&py).unwrap();
    let cases = cases.as_array().unwrap();
    for (i, case) in cases.iter().enumerate() {
        let ours = match create_unverified_context(unverified_options(case)) {
            Ok(c) => {
                let st = c.cert_store_stats();
                json!([
                    c.protocol().value(),
                    c.verify_mode().value(),
                    c.check_hostname(),
                    st.x509,
                    st.x509_ca
                ])
            }
            Err(e) => error_json(&e),
        };
        assert_eq!(ours, py[i], "_create_unverified_context(**{case})");
    }
    // The cases are not all alike: successes and errors both occur.
    assert!(py.as_array().unwrap().iter().any(|r| r[0].is_number()));
    assert!(py.as_array().unwrap().iter().any(|r| r[0].is_string()));
}

/// `get_server_certificate(addr, ssl_version, ca_certs, timeout)` against
/// a loopback server: the PEM, or the error, as CPython 3.13 gives it.
#[test]
fn get_server_certificate_matches_cpython() {
    require_cpython!();
    let p = pki();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    let server = EchoServer::start(srv).unwrap();
    let port = server.addr().port();
    let (ca, other) = (p.ca.to_str().unwrap(), p.selfsigned.0.to_str().unwrap());
    let cases = json!([
        {},
        {"ca_certs": ca},
        {"ca_certs": other},
        {"ssl_version": "PROTOCOL_TLS_SERVER"},
        {"timeout": 5},
        {"ssl_version": "PROTOCOL_TLS_CLIENT", "ca_certs": ca, "timeout": 5},
    ]);
    let py = run_python(
        &format!(
            "{PY_ERROR}
port = int(sys.argv[2])
out = []
for kw in json.loads(sys.argv[1]):
    if 'ssl_version' in kw:
        kw['ssl_version'] = getattr(ssl, kw['ssl_version'])
    try:
        out.append(ssl.get_server_certificate(('127.0.0.1', port), **kw))
    except Exception as e:
        out.append(err(e))
print(json.dumps(out))
"
        ),
        &[&cases.to_string(), &port.to_string()],
    );
    let py: Value = serde_json::from_str(&py).unwrap();
    for (i, case) in cases.as_array().unwrap().iter().enumerate() {
        let mut o = ServerCertificateOptions::new();
        if let Some(v) = case.get("ssl_version") {
            o = o.ssl_version(Protocol::from_name(v.as_str().unwrap()).unwrap());
        }
        if let Some(v) = case.get("ca_certs") {
            o = o.ca_certs(v.as_str().unwrap());
        }
        if let Some(v) = case.get("timeout") {
            o = o.timeout(std::time::Duration::from_secs(v.as_u64().unwrap()));
        }
        let ours = match get_server_certificate(("127.0.0.1", port), o) {
            Ok(pem) => json!(pem),
            Err(e) => error_json(&e),
        };
        assert_eq!(ours, py[i], "get_server_certificate(addr, **{case})");
    }
    assert!(py[0].as_str().unwrap().starts_with(pyssl::PEM_HEADER));
    drop(server);
}

/// The `sslkeylogfile` example (built by `cargo build --examples`).
fn keylog_probe() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let p = dir.join("examples").join("sslkeylogfile");
    assert!(
        p.exists(),
        "{} is missing: build it with `cargo build --examples` (scripts/test.sh does)",
        p.display()
    );
    p
}

/// `SSLKEYLOGFILE` set, empty and unset: `create_default_context` (both
/// purposes), `_create_unverified_context` and `get_server_certificate`
/// (through it) log there, a plain `SSLContext` does not, as in CPython
/// 3.13 (`ssl.py`; a Rust program has no `-E`, so
/// `sys.flags.ignore_environment` is false on both sides). Both run in
/// child processes: the variable is process-wide.
#[test]
fn sslkeylogfile_where_cpython_honours_it() {
    require_cpython!();
    let p = pki();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    let server = EchoServer::start(srv).unwrap();
    let port = server.addr().port().to_string();
    let dir = pyssl::testing::TempDir::new("keylog").unwrap();
    let python = r##"
import json, os, ssl, sys
env = os.environ.get("SSLKEYLOGFILE")
def show(c):
    f = c.keylog_filename
    return "env" if f is not None and f == env else f
out = {
    "default": show(ssl.create_default_context()),
    "client_auth": show(ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)),
    "unverified": show(ssl._create_unverified_context()),
    "plain": show(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)),
}
ssl.get_server_certificate(("127.0.0.1", int(sys.argv[1])))
labels = set()
if env:
    with open(env) as f:
        labels = {l.split(" ")[0] for l in f if not l.startswith("#")}
out["server_certificate"] = sorted(labels)
print(json.dumps(out))
"##;
    let run = |mut cmd: Command, env: Option<&std::path::Path>| {
        match env {
            Some(e) => cmd.env("SSLKEYLOGFILE", e),
            None => cmd.env_remove("SSLKEYLOGFILE"),
        };
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (v, env.and_then(|e| std::fs::read_to_string(e).ok()))
    };
    let empty = PathBuf::new();
    for (case, ours_file, py_file) in [
        (
            "set",
            Some(dir.path().join("ours.log")),
            Some(dir.path().join("py.log")),
        ),
        ("empty", Some(empty.clone()), Some(empty)),
        ("unset", None, None),
    ] {
        let mut ours = Command::new(keylog_probe());
        ours.arg(&port);
        let (ours, ours_log) = run(ours, ours_file.as_deref());
        let mut py = Command::new(super::support::python313());
        py.args(["-c", python, &port]);
        let (py, py_log) = run(py, py_file.as_deref());
        assert_eq!(ours, py, "SSLKEYLOGFILE {case}");
        // The same header line.
        let first = |log: Option<String>| log.and_then(|l| l.lines().next().map(str::to_string));
        assert_eq!(first(ours_log), first(py_log), "SSLKEYLOGFILE {case}");
        if case == "set" {
            assert_eq!(ours["default"], "env");
            assert!(!ours["server_certificate"].as_array().unwrap().is_empty());
        }
    }
    drop(server);
}
