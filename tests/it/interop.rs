//! Interoperability over loopback: pyssl against `openssl s_server` /
//! `openssl s_client`, and against CPython's own `ssl` in both directions,
//! checking that pyssl raises the class and verify code CPython raises for
//! the same setup.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use pyssl::{Protocol, SslContext, VerifyMode, WrapOptions};
use serde_json::Value;

use super::support::{connect, pki, python313, require_cpython, serve_one};

type CertFiles = (PathBuf, PathBuf);

fn server_ctx(cert: &CertFiles) -> SslContext {
    let s = SslContext::new(Protocol::TlsServer).unwrap();
    s.load_cert_chain(&cert.0, CertChainOptions::new().keyfile(&cert.1))
        .unwrap();
    s
}

fn client_ctx() -> SslContext {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    c.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    c
}

/// `openssl s_server -rev` on a free port, serving one connection.
fn s_server(cert: &CertFiles, extra: &[&str]) -> (u16, std::process::Child) {
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    for (flag, path) in [
        ("-cert", &cert.0),
        ("-cert_chain", &cert.0),
        ("-key", &cert.1),
    ] {
        args.push(flag.into());
        args.push(path.into());
    }
    args.extend(extra.iter().map(|a| a.into()));
    super::support::openssl_s_server(args)
}

#[test]
fn client_against_openssl_s_server() {
    let (port, mut child) = s_server(&pki().leaf, &[]);
    let c = client_ctx()
        .wrap_socket(connect(port), WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(c.version().as_deref(), Some("TLSv1.3"));
    c.sendall(b"ping\n").unwrap();
    let mut got = Vec::new();
    while !got.ends_with(b"\n") {
        let d = c.recv(64).unwrap();
        if d.is_empty() {
            break;
        }
        got.extend(d);
    }
    assert_eq!(got, b"gnip\n");
    drop(c);
    let _ = child.kill();
    let _ = child.wait();

    let (port, mut child) = s_server(&pki().expired, &[]);
    let e = client_ctx()
        .wrap_socket(connect(port), WrapOptions::client("localhost"))
        .unwrap_err();
    assert_eq!(e.cert_verification().unwrap().verify_code(), Some(10));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn openssl_s_client_against_server() {
    let p = pki();
    let srv = server_ctx(&p.leaf);
    srv.set_verify_mode(VerifyMode::Required).unwrap();
    srv.load_verify_locations(VerifyLocationsOptions::new().cafile(&p.ca))
        .unwrap();
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server())?;
        let data = t.recv(5)?;
        t.sendall(&data)?;
        let peer = t.getpeercert()?;
        let _ = t.unwrap();
        Ok::<_, pyssl::Error>((data, peer))
    });
    let mut child = Command::new("openssl")
        .args(["s_client", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-CAfile")
        .arg(&p.ca)
        .args(["-servername", "localhost", "-verify_hostname", "localhost"])
        .args(["-verify_return_error", "-cert"])
        .arg(&p.client.0)
        .arg("-cert_chain")
        .arg(&p.client.0)
        .arg("-key")
        .arg(&p.client.1)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_client");
    child.stdin.take().unwrap().write_all(b"ping\n").unwrap();
    let (data, peer) = h.join().unwrap().unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Verify return code: 0 (ok)"), "{text}");
    assert_eq!(data, b"ping\n");
    let peer = peer.expect("client certificate");
    assert_eq!(peer.subject.unwrap().last().unwrap()[0].1, "pyssl client");
}

const PY_CLIENT: &str = r#"
import json, re, socket, ssl, sys
port, cafile, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cafile)
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname=host) as t:
            t.sendall(b"ping")
            data = t.recv(4)
            print(json.dumps({"ok": data.decode(), "version": t.version(),
                              "peercert": t.getpeercert()}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__,
                      "verify_code": getattr(e, "verify_code", None),
                      "message": re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))}))
"#;

const PY_SERVER: &str = r#"
import json, re, socket, ssl, sys
certfile, keyfile = sys.argv[1], sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certfile, keyfile)
l = socket.create_server(("127.0.0.1", 0))
print(l.getsockname()[1], flush=True)
conn, _ = l.accept()
conn.settimeout(10)
try:
    t = ctx.wrap_socket(conn, server_side=True)
    data = t.recv(4)
    t.sendall(data)
    print(json.dumps({"ok": data.decode()}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__,
                      "message": re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))}))
"#;

/// What pyssl's client reports for a setup, in the shape of PY_CLIENT.
fn pyssl_client(port: u16, host: &str) -> Value {
    match client_ctx().wrap_socket(connect(port), WrapOptions::client(host)) {
        Ok(t) => {
            t.sendall(b"ping").unwrap();
            let d = t.recv(4).unwrap();
            serde_json::json!({"ok": String::from_utf8_lossy(&d), "version": t.version()})
        }
        Err(e) => serde_json::json!({
            "error": e.python_class(),
            "verify_code": e.cert_verification().and_then(|v| v.verify_code()),
            "message": e.to_string(),
        }),
    }
}

fn cpython_client(port: u16, host: &str) -> Value {
    let out = Command::new(python313())
        .arg("-c")
        .arg(PY_CLIENT)
        .arg(port.to_string())
        .arg(&pki().ca)
        .arg(host)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn cpython_client_against_pyssl_server_agrees_with_pyssl_client() {
    require_cpython!();
    let p = pki();
    let setups: Vec<(&CertFiles, &str)> = vec![
        (&p.leaf, "localhost"),
        (&p.leaf, "127.0.0.1"),
        (&p.leaf, "wrong.example.org"),
        (&p.leaf, "127.0.0.2"),
        (&p.expired, "localhost"),
        (&p.notyet, "localhost"),
        (&p.rogue, "localhost"),
        (&p.selfsigned, "localhost"),
    ];
    for (cert, host) in setups {
        let echo = |ctx: SslContext| {
            serve_one(move |s| {
                let t = ctx.wrap_socket(s, WrapOptions::server())?;
                let d = t.recv(4)?;
                t.sendall(&d)?;
                Ok::<_, pyssl::Error>(())
            })
        };
        let (port, h) = echo(server_ctx(cert));
        let py = cpython_client(port, host);
        let _ = h.join();
        let (port, h) = echo(server_ctx(cert));
        let ours = pyssl_client(port, host);
        let _ = h.join();
        let mut py_cmp = py.clone();
        if let Some(m) = py_cmp.as_object_mut() {
            m.remove("peercert");
        }
        assert_eq!(
            super::support::loose(&ours),
            super::support::loose(&py_cmp),
            "setup {host} with {}",
            cert.0.display()
        );
        if let Some(pc) = py.get("peercert") {
            // The decoded certificate is the same dict.
            let (port, h) = echo(server_ctx(cert));
            let t = client_ctx()
                .wrap_socket(connect(port), WrapOptions::client(host))
                .unwrap();
            let c = t.getpeercert().unwrap().unwrap();
            assert_eq!(
                pc["subject"].as_array().unwrap().len(),
                c.subject.as_ref().unwrap().len()
            );
            assert_eq!(
                pc["serialNumber"],
                Value::from(c.serial_number.clone().unwrap())
            );
            assert_eq!(pc["notAfter"], Value::from(c.not_after.clone().unwrap()));
            drop(t);
            let _ = h.join();
        }
    }
}

#[test]
fn pyssl_client_against_cpython_server() {
    require_cpython!();
    let p = pki();
    for (cert, host, expect_ok) in [
        (&p.leaf, "localhost", true),
        (&p.leaf, "wrong.example.org", false),
        (&p.expired, "localhost", false),
    ] {
        let mut child = Command::new(python313())
            .arg("-c")
            .arg(PY_SERVER)
            .arg(&cert.0)
            .arg(&cert.1)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port: u16 = lines.next().unwrap().unwrap().trim().parse().unwrap();
        let ours = pyssl_client(port, host);
        let server: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        let _ = child.wait();
        assert_eq!(ours.get("ok").is_some(), expect_ok, "{ours}");
        if expect_ok {
            assert_eq!(server["ok"], "ping");
        } else {
            // CPython's server sees the alert pyssl's client sent.
            assert_eq!(server["error"], "SSLError", "{server}");
            assert!(
                server["message"].as_str().unwrap().contains("ALERT"),
                "{server}"
            );
        }
    }
}
