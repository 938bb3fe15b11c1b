//! The TLS message callback (`SSLContext._msg_callback`): the messages of
//! TLS 1.3 and TLS 1.2 handshakes between pyssl peers against what
//! CPython 3.13 records for the same handshakes, and CPython's rules for
//! connections made before the callback was set, context switches and
//! panics.

use pyssl::WrapOptions;
use std::sync::{Arc, Mutex};

use pyssl::{
    ConnectionId, MemoryBio, MessageDirection, SniRequest, SslContext, SslObject, TlsAlertType,
    TlsContentType, TlsMessage, TlsMessageKind, TlsMessageType, TlsVersion,
};
use serde_json::{json, Value};

use super::support::{
    ca_client_ctx as client_ctx, leaf_server_ctx as server_ctx, pki, require_cpython, run_python,
    same_openssl_as_cpython,
};

/// Handshake messages whose size changes from run to run (ECDSA
/// signatures, session tickets): their length is not compared.
const VARIABLE_SIZE: [i32; 3] = [4, 12, 15];

/// The same pumping of memory BIOs as `pump` below, in CPython, printing
/// `[side, direction, version, content_type, msg_type, len]` per message.
const PY: &str = r#"
import json, ssl, sys
cert, key, ca, scenario = sys.argv[1:5]
VARIABLE = (4, 12, 15)
log = []
def recorder(side):
    def cb(conn, direction, version, content_type, msg_type, data):
        assert isinstance(data, bytes)
        n = None if content_type == 22 and msg_type in VARIABLE else len(data)
        log.append([side, direction, int(version), int(content_type), int(msg_type), n])
    return cb
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(cert, key)
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.load_verify_locations(ca)
if scenario == "tls12":
    cctx.maximum_version = ssl.TLSVersion.TLSv1_2
sctx._msg_callback = recorder("server")
cctx._msg_callback = recorder("client")
if scenario == "sni":
    other = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    other.load_cert_chain(cert, key)
    def sni(sock, name, ctx):
        sock.context = other
    sctx.sni_callback = sni
ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
c = cctx.wrap_bio(ci, co, server_hostname="localhost")
s = sctx.wrap_bio(si, so, server_side=True)
done = [False, False]
for _ in range(10):
    for i, (o, out, peer) in enumerate(((c, co, si), (s, so, ci))):
        if not done[i]:
            try:
                o.do_handshake()
                done[i] = True
            except ssl.SSLWantReadError:
                pass
        peer.write(out.read())
    if all(done):
        break
c.write(b"x"); si.write(co.read()); s.read(1)
steps = []
for o, out, peer in ((c, co, si), (s, so, ci), (c, co, si)):
    try:
        o.unwrap()
        steps.append("ok")
    except ssl.SSLWantReadError:
        steps.append("want_read")
    peer.write(out.read())
print(json.dumps({"log": log, "steps": steps}))
"#;

type Log = Arc<Mutex<Vec<Value>>>;

fn recorder(side: &'static str, log: &Log) -> impl Fn(&TlsMessage<'_>) + Send + Sync + 'static {
    let log = log.clone();
    move |m: &TlsMessage<'_>| {
        let variable =
            m.content_type() == TlsContentType::HANDSHAKE && VARIABLE_SIZE.contains(&m.msg_type());
        let n = (!variable).then_some(m.data().len());
        log.lock().unwrap().push(json!([
            side,
            m.direction().as_str(),
            m.version(),
            i32::from(m.content_type()),
            m.msg_type(),
            n
        ]));
    }
}

struct Pair {
    c: SslObject,
    s: SslObject,
    ci: MemoryBio,
    co: MemoryBio,
    si: MemoryBio,
    so: MemoryBio,
}

fn pair(cctx: &SslContext, sctx: &SslContext) -> Pair {
    let (ci, co, si, so) = (
        MemoryBio::new().unwrap(),
        MemoryBio::new().unwrap(),
        MemoryBio::new().unwrap(),
        MemoryBio::new().unwrap(),
    );
    let c = cctx
        .wrap_bio(&ci, &co, WrapOptions::client("localhost"))
        .unwrap();
    let s = sctx.wrap_bio(&si, &so, WrapOptions::server()).unwrap();
    Pair {
        c,
        s,
        ci,
        co,
        si,
        so,
    }
}

fn is_want_read(e: &pyssl::Error) -> bool {
    e.python_class() == "SSLWantReadError"
}

impl Pair {
    /// The handshake, one side after the other, as the Python script does.
    fn handshake(&mut self) {
        let mut done = [false, false];
        for _ in 0..10 {
            for (i, done) in done.iter_mut().enumerate() {
                let (o, out, peer) = if i == 0 {
                    (&mut self.c, &self.co, &self.si)
                } else {
                    (&mut self.s, &self.so, &self.ci)
                };
                if !*done {
                    match o.do_handshake() {
                        Ok(()) => *done = true,
                        Err(e) if is_want_read(&e) => {}
                        Err(e) => panic!("handshake: {e}"),
                    }
                }
                peer.write(&out.read(None).unwrap()).unwrap();
            }
            if done == [true, true] {
                break;
            }
        }
        assert_eq!(done, [true, true]);
    }

    fn client_to_server(&self) {
        self.si.write(&self.co.read(None).unwrap()).unwrap();
    }

    /// The script's tail: one byte of data, then both shutdowns.
    fn data_and_close(&mut self) -> Vec<&'static str> {
        self.c.write(b"x").unwrap();
        self.client_to_server();
        assert_eq!(self.s.recv(1).unwrap(), b"x");
        let mut steps = Vec::new();
        for i in [0, 1, 0] {
            let (o, out, peer) = if i == 0 {
                (&mut self.c, &self.co, &self.si)
            } else {
                (&mut self.s, &self.so, &self.ci)
            };
            steps.push(match o.unwrap() {
                Ok(()) => "ok",
                Err(e) if is_want_read(&e) => "want_read",
                Err(e) => panic!("unwrap: {e}"),
            });
            peer.write(&out.read(None).unwrap()).unwrap();
        }
        steps
    }
}

/// pyssl's record of a scenario of the Python script.
fn pyssl_run(scenario: &str) -> Value {
    let log: Log = Arc::default();
    let sctx = server_ctx();
    let cctx = client_ctx();
    if scenario == "tls12" {
        cctx.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    }
    sctx.set_msg_callback(Some(recorder("server", &log)));
    cctx.set_msg_callback(Some(recorder("client", &log)));
    if scenario == "sni" {
        let other = server_ctx();
        sctx.set_sni_callback(Some(move |req: &mut SniRequest<'_, '_>| {
            req.set_context(&other);
            Ok(())
        }))
        .unwrap();
    }
    let mut p = pair(&cctx, &sctx);
    p.handshake();
    let steps = p.data_and_close();
    let log = log.lock().unwrap().clone();
    json!({"log": log, "steps": steps})
}

fn cpython_run(scenario: &str) -> Value {
    let pki = pki();
    let out = run_python(
        PY,
        &[
            pki.leaf.0.to_str().unwrap(),
            pki.leaf.1.to_str().unwrap(),
            pki.ca.to_str().unwrap(),
            scenario,
        ],
    );
    serde_json::from_str(&out).unwrap()
}

/// The record of `scenario` equals CPython's (exactly when both use the
/// same OpenSSL; otherwise OpenSSL's own sequence may differ and only
/// pyssl's run is checked for sanity).
fn compare(scenario: &str) -> Value {
    let ours = pyssl_run(scenario);
    if same_openssl_as_cpython() {
        let theirs = cpython_run(scenario);
        let (a, b) = (
            ours["log"].as_array().unwrap(),
            theirs["log"].as_array().unwrap(),
        );
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert_eq!(x, y, "{scenario}: message {i} differs");
        }
        assert_eq!(ours, theirs, "{scenario}");
    } else {
        eprintln!("{scenario}: pyssl's OpenSSL is not CPython's; not compared");
    }
    ours
}

/// Whether `log` holds a message with these five fields (the length is
/// left out: it depends on the OpenSSL release, and the comparison with
/// CPython covers it).
fn has(log: &Value, entry: Value) -> bool {
    log["log"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e.as_array().unwrap()[..5] == entry.as_array().unwrap()[..])
}

#[test]
fn tls13_handshake_messages_match_cpython() {
    require_cpython!();
    let log = compare("tls13");
    // ClientHello in a TLS 1.0 record header, the TLS 1.3 inner content
    // type, ChangeCipherSpec as msg_type 0x101, close_notify alerts.
    assert!(has(&log, json!(["client", "write", 0x301, 256, 22])));
    assert!(has(&log, json!(["client", "write", 0x304, 22, 1])));
    assert!(has(&log, json!(["client", "write", 0x304, 20, 257])));
    assert!(has(&log, json!(["server", "read", 0x304, 257, 22])));
    assert!(has(&log, json!(["server", "read", 0x304, 21, 0])));
    assert!(has(&log, json!(["client", "read", 0x304, 21, 0])));
}

#[test]
fn tls12_handshake_messages_match_cpython() {
    require_cpython!();
    let log = compare("tls12");
    assert!(has(&log, json!(["client", "read", 0x303, 22, 12])));
    assert!(has(&log, json!(["client", "write", 0x303, 20, 257])));
    assert!(has(&log, json!(["server", "write", 0x303, 22, 14])));
}

#[test]
fn sni_switch_to_a_context_without_callback_stops_messages() {
    require_cpython!();
    // CPython's context setter (bpo-43577): the connection's callback
    // follows the new context's, so the server reports only what came
    // before its SNI callback.
    let log = compare("sni");
    let server: Vec<&[Value]> = log["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e.as_array().unwrap()[..5])
        .filter(|e| e[0] == "server")
        .collect();
    assert_eq!(
        server,
        [
            &json!(["server", "read", 0x301, 256, 22])
                .as_array()
                .unwrap()[..],
            &json!(["server", "read", 0x304, 22, 1]).as_array().unwrap()[..],
        ]
    );
}

type Seen = (
    ConnectionId,
    MessageDirection,
    TlsMessageKind,
    Option<TlsVersion>,
);

#[test]
fn message_fields_are_typed_as_ssl_py_types_them() {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let cctx = client_ctx();
    let s2 = seen.clone();
    cctx.set_msg_callback(Some(move |m: &TlsMessage<'_>| {
        s2.lock()
            .unwrap()
            .push((m.connection(), m.direction(), m.kind(), m.tls_version()));
    }));
    assert!(cctx.has_msg_callback());
    let sctx = server_ctx();
    let mut p = pair(&cctx, &sctx);
    p.handshake();
    p.data_and_close();
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(|(id, ..)| *id == p.c.connection_id()));
    assert_ne!(p.c.connection_id(), p.s.connection_id());
    let kinds: Vec<TlsMessageKind> = seen.iter().map(|e| e.2).collect();
    assert!(kinds.contains(&TlsMessageKind::Header(TlsContentType::HANDSHAKE)));
    assert!(kinds.contains(&TlsMessageKind::Header(TlsContentType::APPLICATION_DATA)));
    assert!(kinds.contains(&TlsMessageKind::Message(TlsMessageType::CLIENT_HELLO)));
    assert!(kinds.contains(&TlsMessageKind::Message(TlsMessageType::CHANGE_CIPHER_SPEC)));
    assert!(kinds.contains(&TlsMessageKind::Alert(TlsAlertType::CLOSE_NOTIFY)));
    assert!(seen
        .iter()
        .any(|e| e.1 == MessageDirection::Read && e.3 == Some(TlsVersion::TlsV1_3)));
    assert_eq!(
        TlsMessageType::CHANGE_CIPHER_SPEC.name(),
        Some("CHANGE_CIPHER_SPEC")
    );
    assert_eq!(TlsAlertType(116).name(), Some("CERTIFICATE_REQUIRED"));
    assert_eq!(TlsContentType(0x101).name(), Some("INNER_CONTENT_TYPE"));
    assert_eq!(TlsContentType(99).name(), None);
}

/// CPython: `SSL_new` copies the context's setting; the callback called is
/// the context's current one; `sslobj.context = ctx` re-reads the setting.
#[test]
fn connections_follow_cpython_rules_for_setting_changes() {
    let count = Arc::new(Mutex::new((0usize, 0usize)));
    let first = {
        let count = count.clone();
        move |_: &TlsMessage<'_>| count.lock().unwrap().0 += 1
    };
    let second = {
        let count = count.clone();
        move |_: &TlsMessage<'_>| count.lock().unwrap().1 += 1
    };
    let cctx = client_ctx();
    let sctx = server_ctx();
    // Made before the callback: never calls it ...
    let mut before = pair(&cctx, &sctx);
    cctx.set_msg_callback(Some(first));
    before.handshake();
    assert_eq!(*count.lock().unwrap(), (0, 0));
    // ... until moved to a context that has one (even the same).
    before.c.set_context(&cctx).unwrap();
    before.c.write(b"x").unwrap();
    // OpenSSL 3.2+'s record layer keeps the callback it was created with
    // for records (CPython on it the same: both call SSL_set_msg_callback).
    if pyssl::openssl_version_number() < 0x3020_0000 {
        assert_eq!(count.lock().unwrap().0, 2, "header and inner content type");
    }
    let seen = count.lock().unwrap().0;
    // Made while set: calls the context's current callback ...
    let mut after = pair(&cctx, &sctx);
    cctx.set_msg_callback(Some(second));
    after.handshake();
    assert_eq!(count.lock().unwrap().0, seen);
    assert!(count.lock().unwrap().1 > 0);
    // ... and none once removed.
    cctx.set_msg_callback(None::<fn(&TlsMessage<'_>)>);
    assert!(!cctx.has_msg_callback());
    let n = *count.lock().unwrap();
    after.data_and_close();
    assert_eq!(*count.lock().unwrap(), n);
}

#[test]
fn panic_in_callback_is_resumed_after_the_openssl_call() {
    let cctx = client_ctx();
    let calls = Arc::new(Mutex::new(0));
    let c2 = calls.clone();
    cctx.set_msg_callback(Some(move |m: &TlsMessage<'_>| {
        *c2.lock().unwrap() += 1;
        if m.content_type() == TlsContentType::HANDSHAKE {
            panic!("msg callback panic");
        }
    }));
    let sctx = server_ctx();
    let mut p = pair(&cctx, &sctx);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.c.do_handshake()));
    let payload = r.expect_err("the panic is resumed");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"msg callback panic"));
    // OpenSSL went on: the ClientHello was written, the callback called for
    // the record header and the message.
    assert_eq!(*calls.lock().unwrap(), 2);
    assert!(!p.co.read(None).unwrap().is_empty());
    // The connection stays usable; the panic is not raised again.
    cctx.set_msg_callback(None::<fn(&TlsMessage<'_>)>);
    assert!(p.c.do_handshake().is_err_and(|e| is_want_read(&e)));
}
