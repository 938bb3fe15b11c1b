//! `load_dh_params` against CPython 3.13 on the same files (generated here
//! with the `openssl` command, plus CPython's `ffdh3072.pem`), and DHE
//! handshakes on TLS 1.2 with the parameters loaded.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

use pyssl::testing::{CertificateAuthority, KeyType, LeafSpec, TempDir};
use pyssl::{Protocol, SslContext, TlsVersion, WrapOptions};
use serde_json::{json, Value};

use super::support::{connect, require_cpython, run_python, serve_one};

const DHE: &str = "DHE-RSA-AES128-GCM-SHA256";

const PY: &str = r#"
import json, re, ssl, sys
out = []
for f in sys.argv[1:]:
    f = f.replace("<NUL>", "\0")
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        out.append(c.load_dh_params(f))
    except Exception as e:
        out.append({
            "class": type(e).__name__,
            "message": re.sub(r" \(_ssl\.c:\d+\)$", "", str(e)),
            "errno": getattr(e, "errno", None),
            "filename": getattr(e, "filename", None),
            "library": getattr(e, "library", None),
            "reason": getattr(e, "reason", None),
        })
print(json.dumps(out))
"#;

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// RFC 7919's ffdhe2048 group as `openssl genpkey` writes it (PKCS #3 `DH
/// PARAMETERS`; no prime search, so instant).
fn ffdhe2048(dir: &Path) -> PathBuf {
    openssl(
        &[
            "genpkey",
            "-genparam",
            "-algorithm",
            "DH",
            "-pkeyopt",
            "group:ffdhe2048",
            "-out",
            "ffdhe2048.pem",
        ],
        dir,
    );
    dir.join("ffdhe2048.pem")
}

fn ours(r: pyssl::Result<()>) -> Value {
    let e = match r {
        Ok(()) => return Value::Null,
        Err(e) => e,
    };
    let (errno, filename) = match &e {
        pyssl::Error::Os(o) => (o.errno().map(i64::from), o.filename().map(str::to_string)),
        pyssl::Error::Ssl(s) => (Some(s.errno()), None),
        _ => (None, None),
    };
    json!({
        "class": e.python_class(),
        "message": e.to_string(),
        "errno": errno,
        "filename": filename,
        "library": e.library(),
        "reason": e.reason(),
    })
}

#[test]
fn load_dh_params_equals_python() {
    require_cpython!();
    let dir = TempDir::new("dh").unwrap();
    let d = dir.path();
    let good = ffdhe2048(d);
    let good_text = std::fs::read_to_string(&good).unwrap();
    openssl(&["dhparam", "-out", "weak512.pem", "512"], d);
    openssl(
        &["dhparam", "-dsaparam", "-out", "x942-1024.pem", "1024"],
        d,
    );
    openssl(&["ecparam", "-name", "prime256v1", "-out", "ec.pem"], d);
    let cert = std::fs::read_to_string(&super::support::pki().ca).unwrap();
    dir.write("empty.pem", "").unwrap();
    dir.write("garbage.pem", "garbage\n").unwrap();
    dir.write("cert.pem", &cert).unwrap();
    dir.write("truncated.pem", &good_text[..200]).unwrap();
    dir.write(
        "badbase64.pem",
        "-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n",
    )
    .unwrap();
    dir.write("cert-then-dh.pem", format!("{cert}{good_text}"))
        .unwrap();
    std::fs::create_dir(d.join("adir")).unwrap();
    let ffdh3072 = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/cpython-certdata/ffdh3072.pem")
        .display()
        .to_string();
    let mut files: Vec<String> = [
        "missing.pem",
        "adir",
        "empty.pem",
        "garbage.pem",
        "cert.pem",
        "ec.pem",
        "truncated.pem",
        "badbase64.pem",
        "cert-then-dh.pem",
        "weak512.pem",
        "x942-1024.pem",
        "ffdhe2048.pem",
        "a<NUL>b",
    ]
    .iter()
    .map(|f| d.join(f).display().to_string())
    .collect();
    files.push(ffdh3072);
    let argv: Vec<&str> = files.iter().map(String::as_str).collect();
    let py: Value = serde_json::from_str(&run_python(PY, &argv)).unwrap();
    let same = super::support::same_openssl_as_cpython();
    for (f, p) in files.iter().zip(py.as_array().unwrap()) {
        let ctx = SslContext::new(Protocol::TlsServer).unwrap();
        let got = ours(ctx.load_dh_params(f.replace("<NUL>", "\0")));
        if same || got.get("library").is_none_or(Value::is_null) {
            assert_eq!(&got, p, "{f}");
        } else {
            assert_eq!(got["class"], p["class"], "{f}");
        }
    }
    // The outcomes the comparison covers.
    assert_eq!(py[0]["class"], "FileNotFoundError");
    assert_eq!(py[1]["class"], "IsADirectoryError");
    assert_eq!(py[2]["reason"], "NO_START_LINE");
    assert_eq!(py[9]["reason"], "DH_KEY_TOO_SMALL");
    assert_eq!(py[11], Value::Null);
    assert_eq!(py[12]["message"], "embedded null byte");
}

/// A TLS 1.2 server offering only `DHE-RSA-AES128-GCM-SHA256`.
fn dhe_server(dir: &Path, ca: &CertificateAuthority, dh: Option<&Path>) -> SslContext {
    let (cert, key) = ca
        .issue(&LeafSpec::server("localhost").key_type(KeyType::Rsa2048))
        .unwrap()
        .write_to(dir, "rsa-leaf")
        .unwrap();
    let ctx = SslContext::new(Protocol::TlsServer).unwrap();
    ctx.load_cert_chain(&cert, CertChainOptions::new().keyfile(&key))
        .unwrap();
    ctx.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    ctx.set_ciphers(DHE).unwrap();
    if let Some(dh) = dh {
        ctx.load_dh_params(dh).unwrap();
    }
    ctx
}

#[test]
fn dhe_handshake_with_dh_params() {
    require_cpython!();
    let dir = TempDir::new("dhe").unwrap();
    let ca = CertificateAuthority::new("pyssl DHE CA").unwrap();
    let ca_file = dir.write("ca.pem", ca.cert_pem()).unwrap();
    let dh = ffdhe2048(dir.path());
    let client = SslContext::new(Protocol::TlsClient).unwrap();
    client
        .load_verify_locations(VerifyLocationsOptions::new().cafile(&ca_file))
        .unwrap();
    client.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    client.set_ciphers(DHE).unwrap();

    // pyssl client.
    let server = dhe_server(dir.path(), &ca, Some(&dh));
    let srv = server.clone();
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
        let c = t.cipher().unwrap();
        t.sendall(b"ok").unwrap();
        c
    });
    let t = client
        .wrap_socket(connect(port), WrapOptions::client("localhost"))
        .unwrap();
    let c = t.cipher().unwrap();
    assert_eq!(c.name, DHE);
    assert!(c.name.contains("DHE"));
    assert_eq!(t.version().as_deref(), Some("TLSv1.2"));
    assert_eq!(t.recv(2).unwrap(), b"ok");
    assert_eq!(h.join().unwrap().name, DHE);

    // CPython 3.13 as the client of the same server.
    let srv = server.clone();
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
        t.recv(1).unwrap();
        t.cipher().unwrap()
    });
    let out = run_python(
        "import socket, ssl, sys\n\
         c = ssl.create_default_context(cafile=sys.argv[1])\n\
         c.maximum_version = ssl.TLSVersion.TLSv1_2\n\
         c.set_ciphers(sys.argv[3])\n\
         with c.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2]))), server_hostname='localhost') as s:\n\
         \x20   print(s.cipher()[0], s.version())\n\
         \x20   s.sendall(b'x')\n",
        &[&ca_file.display().to_string(), &port.to_string(), DHE],
    );
    assert_eq!(out.trim(), format!("{DHE} TLSv1.2"));
    assert_eq!(h.join().unwrap().name, DHE);

    // Without the parameters the server has no suite to offer, as in
    // CPython.
    let server = dhe_server(dir.path(), &ca, None);
    let (port, h) = serve_one(move |s| {
        server
            .wrap_socket(s, WrapOptions::server())
            .map(|_| ())
            .unwrap_err()
    });
    let _ = client.wrap_socket(connect(port), WrapOptions::client("localhost"));
    let e = h.join().unwrap();
    assert_eq!(e.reason(), Some("NO_SHARED_CIPHER"), "{e}");
}
