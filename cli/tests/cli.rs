//! The `pyssl` command: `probe` reports what a CPython 3.13 script doing
//! the same reports; `decode` prints what `_ssl._test_decode_cert` gives;
//! `demo` runs.

use std::process::{Command, Stdio};

use serde_json::Value;

mod support;

use support::{pki, python313, require_cpython};

fn pyssl_cmd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
}

const PY_PROBE: &str = r#"
import json, re, socket, ssl, sys
port, cafile, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
def m(e): return re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname=host) as t:
            c = t.cipher()
            print(json.dumps({"server_hostname": t.server_hostname, "version": t.version(),
                              "cipher": list(c), "peercert": t.getpeercert()}))
except ssl.SSLError as e:
    print(json.dumps({"error": {"type": type(e).__name__, "message": m(e),
        "library": e.library, "reason": e.reason,
        "verify_code": getattr(e, "verify_code", None),
        "verify_message": getattr(e, "verify_message", None)}}))
"#;

/// `openssl s_server` for one connection on a free port.
fn s_server(cert: &(std::path::PathBuf, std::path::PathBuf)) -> (u16, std::process::Child) {
    use std::io::{BufRead, BufReader};
    let port = support::free_port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert.0)
        .arg("-cert_chain")
        .arg(&cert.0)
        .arg("-key")
        .arg(&cert.1)
        .args(["-naccept", "1", "-rev"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap_or_default().contains("ACCEPT") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (port, child)
}

#[test]
fn probe_reports_what_cpython_reports() {
    require_cpython!();
    let p = pki();
    for (cert, host) in [
        (&p.leaf, "localhost"),
        (&p.leaf, "wrong.example.org"),
        (&p.expired, "localhost"),
        (&p.rogue, "localhost"),
    ] {
        let (port, mut srv) = s_server(cert);
        let ours = pyssl_cmd()
            .arg("probe")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--servername")
            .arg(host)
            .arg("--cafile")
            .arg(&p.ca)
            .arg("--json")
            .output()
            .unwrap();
        let _ = srv.kill();
        let _ = srv.wait();
        let (port, mut srv) = s_server(cert);
        let theirs = Command::new(python313())
            .arg("-c")
            .arg(PY_PROBE)
            .arg(port.to_string())
            .arg(&p.ca)
            .arg(host)
            .output()
            .unwrap();
        let _ = srv.kill();
        let _ = srv.wait();
        let a: Value = serde_json::from_slice(&ours.stdout).unwrap();
        let b: Value = serde_json::from_slice(&theirs.stdout).unwrap();
        assert_eq!(
            support::loose(&a),
            support::loose(&b),
            "{host} with {}",
            cert.0.display()
        );
        assert_eq!(ours.status.success(), b.get("error").is_none());
    }
}

#[test]
fn decode_prints_what_cpython_decodes() {
    require_cpython!();
    // The corpus of the pyssl crate, one level up.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let mut files = Vec::new();
    for dir in ["certs", "cpython-certdata", "cpython-certdata/capath"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            if text.contains("-----BEGIN CERTIFICATE-----") {
                files.push(p);
            }
        }
    }
    files.sort();
    let script = "import json, ssl, sys\n\
                  def d(f):\n\
                  \x20   try: return ssl._ssl._test_decode_cert(f)\n\
                  \x20   except Exception as e: return {'__error__': type(e).__name__}\n\
                  print(json.dumps([d(f) for f in sys.argv[1:]]))";
    let out = Command::new(python313())
        .arg("-c")
        .arg(script)
        .args(&files)
        .output()
        .unwrap();
    let expected: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for (f, exp) in files.iter().zip(expected) {
        let ours = pyssl_cmd()
            .arg("decode")
            .arg(f)
            .arg("--json")
            .output()
            .unwrap();
        let got: Value = if ours.status.success() {
            serde_json::from_slice(&ours.stdout).unwrap()
        } else {
            let text = String::from_utf8_lossy(&ours.stdout);
            serde_json::json!({"__error__": text.split(':').next().unwrap_or_default()})
        };
        assert_eq!(got, exp, "{}", f.display());
    }
    assert!(files.len() > 40, "{} certificates", files.len());
}

#[test]
fn demo_runs() {
    let out = pyssl_cmd().arg("demo").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "version: 'TLSv1.3'",
        "cipher: ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)",
        "getpeercert: {'subject': ((('organizationName', 'pyssl tests'),), (('commonName', 'localhost'),)), ",
        "echo: b'ping'",
        "verify_message='certificate has expired' library='SSL' reason='CERTIFICATE_VERIFY_FAILED'",
        "Hostname mismatch, certificate is not valid for 'wrong.example.org'.",
        "certificate verify failed: certificate has expired",
        "certificate verify failed: unable to get local issuer certificate",
        "verify_code=20",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let bad = pyssl_cmd()
        .arg("decode")
        .arg("/nonexistent.pem")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stdout).starts_with("FileNotFoundError"));
}
