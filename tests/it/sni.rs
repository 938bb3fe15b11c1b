//! The SNI callback's connection (Python's `sslobj` argument) against
//! CPython 3.13: what the callback reads from it mid-handshake, its
//! context switch, its identity, on TLS 1.2 and 1.3, with and without a
//! server-side `server_hostname`, over memory BIOs and sockets.

use std::sync::{Arc, Mutex};

use pyssl::{
    ConnectionId, MemoryBio, Protocol, SniRequest, SslContext, TlsVersion, VerifyMode, WrapOptions,
};
use serde_json::{json, Value};

use super::support::{connect, pki, python313, require_cpython, serve_one};

/// CPython's view of its `sslobj` inside the SNI callback, as JSON.
const PY: &str = r#"
import json, re, ssl, sys
cfg = json.loads(sys.argv[1])
def msg(e): return re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))
def val(f):
    try:
        return {"ok": f()}
    except Exception as e:
        return {"error": type(e).__name__, "message": msg(e)}
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(cfg["cert"], cfg["key"])
other = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
other.load_cert_chain(cfg["other_cert"], cfg["other_key"])
sctx.set_alpn_protocols(["h2"])
if cfg["max_tls12"]:
    sctx.maximum_version = ssl.TLSVersion.TLSv1_2
seen = {}
def cb(obj, name, ctx):
    seen.update({
        "name": name,
        "installed_is_sctx": ctx is sctx,
        "server_hostname": obj.server_hostname,
        "server_side": obj.server_side,
        "version": obj.version(),
        "cipher": obj.cipher(),
        "shared_ciphers": obj.shared_ciphers(),
        "alpn": obj.selected_alpn_protocol(),
        "compression": obj.compression(),
        "pending": obj.pending(),
        "session_reused": obj.session_reused,
        "getpeercert": val(obj.getpeercert),
        "getpeercert_der": val(lambda: obj.getpeercert(True)),
        "verified": obj.get_verified_chain(),
        "unverified": obj.get_unverified_chain(),
        "tls_unique": obj.get_channel_binding("tls-unique"),
        "cb_other": val(lambda: obj.get_channel_binding("tls-server-end-point")),
        "context_is_sctx": obj.context is sctx,
    })
    if name == "other.example":
        obj.context = other
        seen["switched_is_other"] = obj.context is other
sctx.sni_callback = cb
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.load_verify_locations(cfg["ca"])
cctx.set_alpn_protocols(["h2"])
ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
c = cctx.wrap_bio(ci, co, server_hostname=cfg["hostname"])
s = sctx.wrap_bio(si, so, server_side=True, server_hostname=cfg["server_hostname"])
done = False
for _ in range(10):
    try:
        c.do_handshake(); done = True
    except ssl.SSLWantReadError:
        pass
    si.write(co.read())
    try:
        s.do_handshake()
    except ssl.SSLWantReadError:
        pass
    ci.write(so.read())
    if done:
        break
seen["after"] = [s.version(), s.selected_alpn_protocol(), c.getpeercert()["subject"][-1][0][1],
                 s.context is other]
print(json.dumps(seen))
"#;

fn run_cpython(hostname: &str, server_hostname: Option<&str>, max_tls12: bool) -> Value {
    let p = pki();
    let cfg = json!({
        "ca": p.ca, "cert": p.leaf.0, "key": p.leaf.1,
        "other_cert": p.other.0, "other_key": p.other.1,
        "hostname": hostname, "server_hostname": server_hostname, "max_tls12": max_tls12,
    });
    let out = std::process::Command::new(python313())
        .arg("-c")
        .arg(PY)
        .arg(cfg.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("CPython printed JSON")
}

fn val<T: Into<Value>>(r: pyssl::Result<T>) -> Value {
    match r {
        Ok(v) => json!({ "ok": v.into() }),
        Err(e) => json!({"error": e.python_class(), "message": e.to_string()}),
    }
}

fn ciphers(c: Option<Vec<pyssl::CipherInfo>>) -> Value {
    json!(c.map(|v| v
        .into_iter()
        .map(|c| json!([c.name, c.protocol, c.secret_bits]))
        .collect::<Vec<_>>()))
}

fn server_ctx(cert: &(std::path::PathBuf, std::path::PathBuf)) -> SslContext {
    let s = SslContext::new(Protocol::TlsServer).unwrap();
    s.load_cert_chain(&cert.0, pyssl::CertChainOptions::new().keyfile(&cert.1))
        .unwrap();
    s
}

/// Installs a callback on `sctx` recording what CPython's records (into
/// `seen`, plus the connection id into `id`), switching to `other` for
/// `other.example`.
fn record(
    sctx: &SslContext,
    other: &SslContext,
) -> (Arc<Mutex<Value>>, Arc<Mutex<Vec<ConnectionId>>>) {
    let seen = Arc::new(Mutex::new(json!({})));
    let ids = Arc::new(Mutex::new(Vec::new()));
    let (seen2, ids2, other, me) = (seen.clone(), ids.clone(), other.clone(), sctx.clone());
    sctx.set_sni_callback(Some(move |req: &mut SniRequest<'_, '_>| {
        let name = req.server_name().map(str::to_owned);
        let installed_is_sctx = req.context().ptr_eq(&me);
        let c = req.connection();
        ids2.lock().unwrap().push(c.connection_id());
        let mut v = json!({
            "name": name,
            "installed_is_sctx": installed_is_sctx,
            "server_hostname": c.server_hostname(),
            "server_side": c.server_side(),
            "version": c.version(),
            "cipher": c.cipher().map(|c| json!([c.name, c.protocol, c.secret_bits])),
            "shared_ciphers": ciphers(c.shared_ciphers()),
            "alpn": c.selected_alpn_protocol(),
            "compression": c.compression(),
            "pending": c.pending(),
            "session_reused": c.session_reused(),
            "getpeercert": val(c.getpeercert().map(|p| p.map(|_| "a dict"))),
            "getpeercert_der": val(c.getpeercert_der()),
            "verified": c.get_verified_chain(),
            "unverified": c.get_unverified_chain(),
            "tls_unique": c.get_channel_binding("tls-unique").unwrap(),
            "cb_other": val(c.get_channel_binding("tls-server-end-point")),
            "context_is_sctx": c.context().ptr_eq(&me),
        });
        if name.as_deref() == Some("other.example") {
            req.connection_mut().set_context(&other);
            v["switched_is_other"] = json!(req.connection().context().ptr_eq(&other));
        }
        *seen2.lock().unwrap() = v;
        Ok(())
    }))
    .unwrap();
    (seen, ids)
}

fn run_pyssl(hostname: &str, server_hostname: Option<&str>, max_tls12: bool) -> Value {
    let p = pki();
    let sctx = server_ctx(&p.leaf);
    let other = server_ctx(&p.other);
    sctx.set_alpn_protocols(&["h2"]).unwrap();
    if max_tls12 {
        sctx.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    }
    let (seen, ids) = record(&sctx, &other);
    let cctx = SslContext::new(Protocol::TlsClient).unwrap();
    cctx.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&p.ca))
        .unwrap();
    cctx.set_alpn_protocols(&["h2"]).unwrap();
    let b = || MemoryBio::new().unwrap();
    let (ci, co, si, so) = (b(), b(), b(), b());
    let mut c = cctx
        .wrap_bio(&ci, &co, WrapOptions::client(hostname))
        .unwrap();
    let mut s = sctx
        .wrap_bio(
            &si,
            &so,
            WrapOptions::server().server_hostname(server_hostname),
        )
        .unwrap();
    let mut done = false;
    for _ in 0..10 {
        match c.do_handshake() {
            Ok(()) => done = true,
            Err(e) => assert!(e.is_want_read(), "{e}"),
        }
        si.write(&co.read(None).unwrap()).unwrap();
        if let Err(e) = s.do_handshake() {
            assert!(e.is_want_read(), "{e}");
        }
        ci.write(&so.read(None).unwrap()).unwrap();
        if done {
            break;
        }
    }
    assert!(done);
    assert_eq!(*ids.lock().unwrap(), vec![s.connection_id()]);
    let peer = c.getpeercert().unwrap().unwrap();
    let cn = peer.subject.as_ref().unwrap().last().unwrap()[0]
        .1
        .to_string();
    let mut v = seen.lock().unwrap().clone();
    v["after"] = json!([
        s.version(),
        s.selected_alpn_protocol(),
        cn,
        s.context().ptr_eq(&other)
    ]);
    v
}

#[test]
fn sni_connection_reads_like_cpython() {
    require_cpython!();
    for max_tls12 in [false, true] {
        for (host, server_hostname) in [
            ("localhost", None),
            ("other.example", None),
            ("localhost", Some("srv.example")),
            ("other.example", Some("xn--bcher-kva.example")),
        ] {
            let want = run_cpython(host, server_hostname, max_tls12);
            assert_eq!(want["name"], json!(host));
            assert_eq!(want["after"][2], json!(host));
            let got = run_pyssl(host, server_hostname, max_tls12);
            assert_eq!(
                got, want,
                "{host} {server_hostname:?} tls1.2 only: {max_tls12}"
            );
        }
    }
}

/// Over sockets: the id the callback sees is the `SslSocket`'s, the
/// connection is the server's, and a switch made through it is what the
/// socket's `context()` reports afterwards.
#[test]
fn sni_connection_is_the_sockets() {
    let p = pki();
    let sctx = server_ctx(&p.leaf);
    let other = server_ctx(&p.other);
    let (seen, ids) = record(&sctx, &other);
    let srv = sctx.clone();
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
        let d = t.recv(2).unwrap();
        t.sendall(&d).unwrap();
        (t.connection_id(), t.context())
    });
    let cctx = SslContext::new(Protocol::TlsClient).unwrap();
    cctx.set_check_hostname(false).unwrap();
    cctx.set_verify_mode(VerifyMode::None).unwrap();
    let c = cctx
        .wrap_socket(connect(port), WrapOptions::client("other.example"))
        .unwrap();
    c.sendall(b"hi").unwrap();
    assert_eq!(c.recv(2).unwrap(), b"hi");
    let (id, used) = h.join().unwrap();
    assert_eq!(
        ids.lock()
            .unwrap()
            .iter()
            .map(|i| Some(*i))
            .collect::<Vec<_>>(),
        vec![id]
    );
    assert!(used.ptr_eq(&other));
    let v = seen.lock().unwrap().clone();
    assert_eq!(v["server_side"], json!(true));
    assert_eq!(v["server_hostname"], Value::Null);
    assert_eq!(v["switched_is_other"], json!(true));
    assert_eq!(v["context_is_sctx"], json!(true));
}
