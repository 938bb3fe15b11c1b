//! TLS-PSK (`set_psk_client_callback` / `set_psk_server_callback`) on TLS
//! 1.2 and 1.3: pyssl against itself over loopback, the same scenarios
//! through CPython 3.13's `ssl` and pyssl over memory BIOs (results, error
//! classes and texts compared), the setters' refusals, panics, and interop
//! with CPython and `openssl s_server` / `s_client` in both directions.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use pyssl::{
    Error, MemoryBio, Protocol, PskError, SslContext, SslErrorKind, TlsVersion, VerifyMode,
    WrapOptions,
};
use serde_json::{json, Value};

use super::support::{connect, python313, require_cpython, same_openssl_as_cpython, serve_one};

const KEY: &[u8] = &[0xde, 0xad, 0xbe, 0xef];

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A client and a server context as CPython's `test_psk` /
/// `test_psk_tls1_3` set them up (no certificates anywhere).
fn contexts(tls13: bool) -> (SslContext, SslContext) {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    c.set_check_hostname(false).unwrap();
    c.set_verify_mode(VerifyMode::None).unwrap();
    let s = SslContext::new(Protocol::TlsServer).unwrap();
    for x in [&c, &s] {
        if tls13 {
            x.set_minimum_version(TlsVersion::TlsV1_3).unwrap();
        } else {
            x.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
        }
        x.set_ciphers("PSK").unwrap();
    }
    (c, s)
}

type Seen = Arc<Mutex<Vec<Value>>>;

/// Installs a client callback answering `(identity, key)` (a `None` key
/// refuses) and recording the hint it was given.
fn client_cb(ctx: &SslContext, seen: &Seen, identity: Option<&str>, key: Option<Vec<u8>>) {
    let seen = seen.clone();
    let identity = identity.map(|s| s.as_bytes().to_vec());
    ctx.set_psk_client_callback(Some(move |hint: Option<&str>| {
        seen.lock().unwrap().push(json!(["client", hint]));
        match &key {
            Some(k) => Ok((identity.clone(), k.clone())),
            None => Err(PskError),
        }
    }))
    .unwrap();
}

/// Installs a server callback answering `key` (`None` refuses) and
/// recording the identity it was given.
fn server_cb(ctx: &SslContext, seen: &Seen, hint: Option<&str>, key: Option<Vec<u8>>) {
    let seen = seen.clone();
    ctx.set_psk_server_callback(
        Some(move |identity: Option<&str>| {
            seen.lock().unwrap().push(json!(["server", identity]));
            key.clone().ok_or(PskError)
        }),
        hint,
    )
    .unwrap();
}

fn err_json(e: &Error) -> Value {
    json!({
        "error": e.python_class(),
        "message": e.to_string(),
        "library": e.library(),
        "reason": e.reason(),
    })
}

/// One scenario: TLS version, the server's hint, what each callback
/// answers (a `null` key refuses: `Err(PskError)` here, an exception in
/// Python).
fn case(name: &str, tls13: bool, hint: Option<&str>, client: Value, server: Value) -> Value {
    json!({"name": name, "tls13": tls13, "hint": hint, "client": client, "server": server})
}

fn cases() -> Vec<Value> {
    let k = hex(KEY);
    let ok = |id: Option<&str>| json!({"identity": id, "key": k});
    let key = |h: &str| json!({"identity": "client-identity", "key": h});
    let srv = json!({"key": k});
    let long_id = "x".repeat(256);
    vec![
        case(
            "ok12",
            false,
            Some("identity-hint"),
            ok(Some("client-identity")),
            srv.clone(),
        ),
        case(
            "ok13",
            true,
            Some("identity-hint"),
            ok(Some("client-identity")),
            srv.clone(),
        ),
        case("no_identity_no_hint12", false, None, ok(None), srv.clone()),
        case(
            "utf8_12",
            false,
            Some("身份暗示"),
            ok(Some("客户身份")),
            srv.clone(),
        ),
        case("utf8_13", true, None, ok(Some("客户身份")), srv.clone()),
        case(
            "max_identity12",
            false,
            None,
            ok(Some(&"x".repeat(255))),
            srv.clone(),
        ),
        case("wrong_key12", false, None, key("cafebabe"), srv.clone()),
        case("wrong_key13", true, None, key("cafebabe"), srv.clone()),
        case(
            "client_refuses12",
            false,
            None,
            json!({"key": null}),
            srv.clone(),
        ),
        case(
            "client_refuses13",
            true,
            None,
            json!({"key": null}),
            srv.clone(),
        ),
        case(
            "server_refuses12",
            false,
            None,
            ok(Some("id")),
            json!({"key": null}),
        ),
        case(
            "server_refuses13",
            true,
            None,
            ok(Some("id")),
            json!({"key": null}),
        ),
        case("empty_client_key12", false, None, key(""), srv.clone()),
        case(
            "empty_server_key12",
            false,
            None,
            ok(Some("id")),
            json!({"key": ""}),
        ),
        case(
            "identity_too_long12",
            false,
            None,
            ok(Some(&long_id)),
            srv.clone(),
        ),
        case(
            "identity_too_long13",
            true,
            None,
            ok(Some(&long_id)),
            srv.clone(),
        ),
        case(
            "key_too_long12",
            false,
            None,
            key(&"aa".repeat(513)),
            srv.clone(),
        ),
        case(
            "server_key_too_long12",
            false,
            None,
            ok(None),
            json!({"key": "aa".repeat(513)}),
        ),
        case("empty_identity13", true, None, ok(None), srv),
    ]
}

fn run_pyssl(case: &Value) -> Value {
    let (cctx, sctx) = contexts(case["tls13"].as_bool().unwrap());
    let seen: Seen = Arc::default();
    let cl = &case["client"];
    let key = |v: &Value| v.as_str().map(unhex);
    client_cb(&cctx, &seen, cl["identity"].as_str(), key(&cl["key"]));
    server_cb(
        &sctx,
        &seen,
        case["hint"].as_str(),
        key(&case["server"]["key"]),
    );
    let b = || MemoryBio::new().unwrap();
    let (ci, co, si, so) = (b(), b(), b(), b());
    let mut c = cctx.wrap_bio(&ci, &co, WrapOptions::new()).unwrap();
    let mut s = sctx.wrap_bio(&si, &so, WrapOptions::server()).unwrap();
    // The same interleaving as the Python pump: each side steps, then its
    // output goes to the other.
    let mut res: [Option<Value>; 2] = [None, None];
    for _ in 0..20 {
        for (i, slot) in res.iter_mut().enumerate() {
            let (o, out, peer_in) = if i == 0 {
                (&mut c, &co, &si)
            } else {
                (&mut s, &so, &ci)
            };
            if slot.is_none() {
                match o.do_handshake() {
                    Ok(()) => {
                        *slot = Some(json!({"ok": [o.version(), o.cipher().map(|c| c.name)]}))
                    }
                    Err(e) if e.ssl_kind() == Some(SslErrorKind::WantRead) => {}
                    Err(e) => *slot = Some(err_json(&e)),
                }
            }
            let d = out.read(None).unwrap();
            if !d.is_empty() {
                peer_in.write(&d).unwrap();
            }
        }
        if res.iter().all(Option::is_some) {
            break;
        }
    }
    let seen = seen.lock().unwrap().clone();
    json!({"c": res[0], "s": res[1], "seen": seen})
}

const PY_CASES: &str = r#"
import json, re, ssl, sys
def msg(e): return re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))
unraisable = []
sys.unraisablehook = lambda u: unraisable.append(type(u.exc_value).__name__)
out = {}
for case in json.load(sys.stdin):
    seen = []
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    for x in (c, s):
        if case["tls13"]:
            x.minimum_version = ssl.TLSVersion.TLSv1_3
        else:
            x.maximum_version = ssl.TLSVersion.TLSv1_2
        x.set_ciphers("PSK")
    cl, sv = case["client"], case["server"]
    def ccb(hint, cl=cl):
        seen.append(["client", hint])
        if cl["key"] is None:
            raise ValueError("refused")
        return cl.get("identity"), bytes.fromhex(cl["key"])
    def scb(identity, sv=sv):
        seen.append(["server", identity])
        if sv["key"] is None:
            raise ValueError("refused")
        return bytes.fromhex(sv["key"])
    c.set_psk_client_callback(ccb)
    s.set_psk_server_callback(scb, case["hint"])
    ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
    a = c.wrap_bio(ci, co)
    b = s.wrap_bio(si, so, server_side=True)
    res = [None, None]
    for _ in range(20):
        for i, (o, outb, peer_in) in enumerate(((a, co, si), (b, so, ci))):
            if res[i] is None:
                try:
                    o.do_handshake()
                    res[i] = {"ok": [o.version(), o.cipher()[0]]}
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLError as e:
                    res[i] = {"error": type(e).__name__, "message": msg(e),
                              "library": e.library, "reason": e.reason}
            d = outb.read()
            if d:
                peer_in.write(d)
        if None not in res:
            break
    out[case["name"]] = {"c": res[0], "s": res[1], "seen": seen}
out["unraisable"] = unraisable
print(json.dumps(out))
"#;

/// The parts that do not depend on the OpenSSL release when pyssl's and
/// CPython's differ: outcome classes, versions, what the callbacks saw.
fn shape(v: &Value) -> Value {
    if same_openssl_as_cpython() {
        return v.clone();
    }
    let side = |s: &Value| match s.get("ok") {
        Some(ok) => json!({"ok": ok[0]}),
        None => json!({"error": s["error"]}),
    };
    json!({"c": side(&v["c"]), "s": side(&v["s"]), "seen": v["seen"]})
}

#[test]
fn scenarios_match_cpython() {
    require_cpython!();
    let cases = cases();
    let mut child = Command::new(python313())
        .arg("-c")
        .arg(PY_CASES)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::from(cases.clone()).to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let py: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    // Only the callbacks that raised were reported (CPython writes their
    // exception as unraisable and fails the handshake).
    let refusing = cases
        .iter()
        .map(|c| {
            [&c["client"], &c["server"]]
                .iter()
                .filter(|s| s["key"].is_null())
                .count()
        })
        .sum::<usize>();
    assert_eq!(py["unraisable"], json!(vec!["ValueError"; refusing]));
    // Limits and edge cases that depend on the OpenSSL release
    // (PSK_MAX_IDENTITY_LEN and PSK_MAX_PSK_LEN are 128 and 256 on 1.1.1,
    // 256 and 512 on 3.x) are compared only on CPython's own OpenSSL.
    const EDGES: &[&str] = &[
        "max_identity12",
        "identity_too_long12",
        "identity_too_long13",
        "key_too_long12",
        "server_key_too_long12",
        "empty_identity13",
    ];
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        if EDGES.contains(&name) && !same_openssl_as_cpython() {
            continue;
        }
        let ours = run_pyssl(case);
        assert_eq!(shape(&ours), shape(&py[name]), "case {name}");
    }
    // The reference outcomes the suite relies on.
    assert_eq!(py["ok12"]["c"]["ok"][0], "TLSv1.2");
    assert_eq!(py["ok13"]["s"]["ok"][0], "TLSv1.3");
    assert_eq!(
        py["ok12"]["seen"],
        json!([["client", "identity-hint"], ["server", "client-identity"]])
    );
    assert_eq!(py["ok13"]["seen"][0], json!(["client", null]));
    assert_eq!(py["wrong_key12"]["c"]["error"], "SSLError");
    assert_eq!(py["wrong_key13"]["s"]["error"], "SSLError");
}

#[test]
fn wrong_key_texts_are_cpythons() {
    require_cpython!();
    // Spelled out for the linked OpenSSL 3.0 (the comparison above covers
    // the other releases).
    if !same_openssl_as_cpython() {
        return;
    }
    let case = |tls13| {
        let (c, s) = contexts(tls13);
        let seen: Seen = Arc::default();
        client_cb(&c, &seen, Some("id"), Some(vec![0xca, 0xfe, 0xba, 0xbe]));
        server_cb(&s, &seen, None, Some(KEY.to_vec()));
        let b = || MemoryBio::new().unwrap();
        let (ci, co, si, so) = (b(), b(), b(), b());
        let mut c = c.wrap_bio(&ci, &co, WrapOptions::new()).unwrap();
        let mut s = s.wrap_bio(&si, &so, WrapOptions::server()).unwrap();
        // Pump through the shared BIOs.
        let mut c_err = None;
        let mut s_err = None;
        for _ in 0..20 {
            if c_err.is_none() {
                if let Err(e) = c.do_handshake() {
                    if e.ssl_kind() != Some(SslErrorKind::WantRead) {
                        c_err = Some(e);
                    }
                }
            }
            si.write(&co.read(None).unwrap()).unwrap();
            if s_err.is_none() {
                if let Err(e) = s.do_handshake() {
                    if e.ssl_kind() != Some(SslErrorKind::WantRead) {
                        s_err = Some(e);
                    }
                }
            }
            ci.write(&so.read(None).unwrap()).unwrap();
            if c_err.is_some() && s_err.is_some() {
                break;
            }
        }
        (c_err.unwrap(), s_err.unwrap())
    };
    let (c, s) = case(false);
    assert_eq!(s.python_class(), "SSLError");
    assert_eq!(
        s.to_string(),
        "[SSL: DECRYPTION_FAILED_OR_BAD_RECORD_MAC] decryption failed or bad record mac"
    );
    assert_eq!(
        c.to_string(),
        "[SSL: SSLV3_ALERT_BAD_RECORD_MAC] sslv3 alert bad record mac"
    );
    let (c, s) = case(true);
    assert_eq!(s.reason(), Some("BINDER_DOES_NOT_VERIFY"));
    assert_eq!(
        s.to_string(),
        "[SSL: BINDER_DOES_NOT_VERIFY] binder does not verify"
    );
    assert_eq!(
        c.to_string(),
        "[SSL: SSLV3_ALERT_ILLEGAL_PARAMETER] sslv3 alert illegal parameter"
    );
}

/// A pyssl server echoing one message over loopback; returns its error
/// or the version.
fn echo_server(ctx: SslContext) -> (u16, std::thread::JoinHandle<pyssl::Result<String>>) {
    serve_one(move |s| {
        let t = ctx.wrap_socket(s, WrapOptions::server())?;
        let d = t.recv(4)?;
        t.sendall(&d)?;
        Ok(t.version().unwrap_or_default())
    })
}

fn ping(ctx: &SslContext, port: u16) -> pyssl::Result<(String, String)> {
    let t = ctx.wrap_socket(connect(port), WrapOptions::new())?;
    t.sendall(b"ping")?;
    assert_eq!(t.recv(4)?, b"ping");
    Ok((t.version().unwrap(), t.cipher().unwrap().name))
}

#[test]
fn pyssl_pair_over_loopback() {
    for tls13 in [false, true] {
        let (c, s) = contexts(tls13);
        let seen: Seen = Arc::default();
        client_cb(&c, &seen, Some("client-identity"), Some(KEY.to_vec()));
        server_cb(&s, &seen, Some("identity-hint"), Some(KEY.to_vec()));
        let (port, h) = echo_server(s.clone());
        let (version, cipher) = ping(&c, port).unwrap();
        let want = if tls13 { "TLSv1.3" } else { "TLSv1.2" };
        assert_eq!(version, want);
        assert_eq!(h.join().unwrap().unwrap(), want);
        if !tls13 {
            assert!(cipher.contains("PSK"), "{cipher}");
        }
        let hint = if tls13 { None } else { Some("identity-hint") };
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                json!(["client", hint]),
                json!(["server", "client-identity"])
            ]
        );

        // A wrong key: both sides fail with SSLError.
        client_cb(&c, &seen, Some("client-identity"), Some(vec![1, 2, 3, 4]));
        let (port, h) = echo_server(s);
        let e = ping(&c, port).unwrap_err();
        assert_eq!(e.python_class(), "SSLError", "{e}");
        assert_eq!(h.join().unwrap().unwrap_err().python_class(), "SSLError");
    }
}

#[test]
fn removing_callbacks() {
    let (c, s) = contexts(false);
    let seen: Seen = Arc::default();
    client_cb(&c, &seen, None, Some(KEY.to_vec()));
    server_cb(&s, &seen, Some("hint"), Some(KEY.to_vec()));
    // None removes (and, on the server, clears the hint).
    type ClientF = fn(Option<&str>) -> Result<(Option<Vec<u8>>, Vec<u8>), PskError>;
    type ServerF = fn(Option<&str>) -> Result<Vec<u8>, PskError>;
    s.set_psk_server_callback(None::<ServerF>, Some(&"h".repeat(300)))
        .unwrap();
    let (port, h) = echo_server(s.clone());
    assert!(ping(&c, port).is_err());
    let e = h.join().unwrap().unwrap_err();
    assert_eq!(e.reason(), Some("NO_SHARED_CIPHER"), "{e}");
    server_cb(&s, &seen, None, Some(KEY.to_vec()));
    c.set_psk_client_callback(None::<ClientF>).unwrap();
    let (port, h) = echo_server(s);
    let e = ping(&c, port).unwrap_err();
    assert_eq!(e.reason(), Some("NO_CIPHERS_AVAILABLE"), "{e}");
    let _ = h.join();
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn setters_refuse_as_cpython() {
    let (c, s) = contexts(false);
    let e = c
        .set_psk_server_callback(Some(|_: Option<&str>| Ok(KEY.to_vec())), None)
        .unwrap_err();
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(
        e.to_string(),
        "Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context"
    );
    assert_eq!((e.library(), e.reason()), (None, None));
    let Error::Ssl(ssl) = &e else { panic!() };
    assert_eq!(ssl.errno(), 0);
    assert!(!ssl.is_message_only());
    let e = s
        .set_psk_client_callback(Some(|_: Option<&str>| Ok((None, KEY.to_vec()))))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context"
    );
    // The hint is checked first (argument clinic), then the protocol.
    let e = c
        .set_psk_server_callback(Some(|_: Option<&str>| Ok(KEY.to_vec())), Some("a\0b"))
        .unwrap_err();
    assert_eq!(
        (e.python_class(), e.to_string().as_str()),
        ("ValueError", "embedded null character")
    );
    // OpenSSL refuses hints over PSK_MAX_IDENTITY_LEN (256; 128 on 1.1.1);
    // the callback stays as it was.
    let max = if super::support::ossl3() { 256 } else { 128 };
    let seen: Seen = Arc::default();
    let (cc, _) = contexts(false);
    client_cb(&cc, &seen, None, Some(KEY.to_vec()));
    server_cb(&s, &seen, Some(&"h".repeat(max)), Some(KEY.to_vec()));
    let e = s
        .set_psk_server_callback(
            Some(|_: Option<&str>| Ok(vec![9; 4])),
            Some(&"h".repeat(max + 1)),
        )
        .unwrap_err();
    assert_eq!(
        (e.python_class(), e.to_string().as_str()),
        ("ValueError", "failed to set identity hint")
    );
    let (port, h) = echo_server(s);
    assert_eq!(ping(&cc, port).unwrap().0, "TLSv1.2");
    h.join().unwrap().unwrap();
    assert_eq!(seen.lock().unwrap()[0], json!(["client", "h".repeat(max)]));
    // PROTOCOL_TLS takes both.
    let t = SslContext::new(Protocol::Tls).unwrap();
    t.set_psk_client_callback(Some(|_: Option<&str>| Ok((None, KEY.to_vec()))))
        .unwrap();
    t.set_psk_server_callback(Some(|_: Option<&str>| Ok(KEY.to_vec())), Some("x"))
        .unwrap();
}

#[test]
fn panicking_callbacks_abort_the_handshake_and_resume() {
    for tls13 in [false, true] {
        let (c, s) = contexts(tls13);
        c.set_psk_client_callback(Some(|_: Option<&str>| -> Result<_, PskError> {
            panic!("client psk boom")
        }))
        .unwrap();
        server_cb(&s, &Arc::default(), None, Some(KEY.to_vec()));
        let (port, h) = echo_server(s.clone());
        let p =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ping(&c, port))).unwrap_err();
        assert_eq!(p.downcast_ref::<&str>(), Some(&"client psk boom"));
        assert!(h.join().unwrap().is_err());

        client_cb(&c, &Arc::default(), Some("id"), Some(KEY.to_vec()));
        s.set_psk_server_callback(
            Some(|_: Option<&str>| -> Result<Vec<u8>, PskError> { panic!("server psk boom") }),
            None,
        )
        .unwrap();
        let (port, h) = echo_server(s);
        assert!(ping(&c, port).is_err());
        let p = h.join().unwrap_err();
        assert_eq!(p.downcast_ref::<&str>(), Some(&"server psk boom"));
    }
}

const PY_SERVER: &str = r#"
import json, re, socket, ssl, sys
tls13, key = sys.argv[1] == "1", bytes.fromhex(sys.argv[2])
seen = []
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
if tls13:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
else:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.set_ciphers("PSK")
ctx.set_psk_server_callback(lambda i: seen.append(i) or key, "py-hint")
l = socket.create_server(("127.0.0.1", 0))
print(l.getsockname()[1], flush=True)
conn, _ = l.accept()
conn.settimeout(10)
try:
    with ctx.wrap_socket(conn, server_side=True) as t:
        t.sendall(t.recv(4))
        print(json.dumps({"ok": t.version(), "seen": seen}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "seen": seen,
                      "message": re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))}))
"#;

const PY_CLIENT: &str = r#"
import json, re, socket, ssl, sys
port, tls13, key = int(sys.argv[1]), sys.argv[2] == "1", bytes.fromhex(sys.argv[3])
seen = []
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if tls13:
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
else:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.set_ciphers("PSK")
ctx.set_psk_client_callback(lambda h: seen.append(h) or ("py-client", key))
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s) as t:
            t.sendall(b"ping")
            assert t.recv(4) == b"ping"
            print(json.dumps({"ok": t.version(), "seen": seen}))
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "seen": seen,
                      "message": re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))}))
"#;

#[test]
fn pyssl_client_against_cpython_server() {
    require_cpython!();
    for (tls13, key, ok) in [
        (false, KEY, true),
        (true, KEY, true),
        (false, &[1u8, 2][..], false),
    ] {
        let mut child = Command::new(python313())
            .arg("-c")
            .arg(PY_SERVER)
            .arg(if tls13 { "1" } else { "0" })
            .arg(hex(KEY))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port: u16 = lines.next().unwrap().unwrap().trim().parse().unwrap();
        let (c, _) = contexts(tls13);
        let seen: Seen = Arc::default();
        client_cb(&c, &seen, Some("rust-client"), Some(key.to_vec()));
        let ours = ping(&c, port);
        let server: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        let _ = child.wait();
        let version = if tls13 { "TLSv1.3" } else { "TLSv1.2" };
        assert_eq!(server["seen"], json!(["rust-client"]), "{server}");
        let hint = if tls13 { None } else { Some("py-hint") };
        assert_eq!(*seen.lock().unwrap(), vec![json!(["client", hint])]);
        if ok {
            assert_eq!(ours.unwrap().0, version);
            assert_eq!(server["ok"], version, "{server}");
        } else {
            let e = ours.unwrap_err();
            assert_eq!(e.python_class(), "SSLError");
            assert_eq!(server["error"], "SSLError");
            if same_openssl_as_cpython() {
                assert_eq!(
                    server["message"],
                    "[SSL: DECRYPTION_FAILED_OR_BAD_RECORD_MAC] decryption failed or bad record mac"
                );
                assert_eq!(
                    e.to_string(),
                    "[SSL: SSLV3_ALERT_BAD_RECORD_MAC] sslv3 alert bad record mac"
                );
            }
        }
    }
}

#[test]
fn cpython_client_against_pyssl_server() {
    require_cpython!();
    for (tls13, key, ok) in [
        (false, KEY, true),
        (true, KEY, true),
        (true, &[1u8, 2][..], false),
    ] {
        let (_, s) = contexts(tls13);
        let seen: Seen = Arc::default();
        server_cb(&s, &seen, Some("rust-hint"), Some(KEY.to_vec()));
        let (port, h) = echo_server(s);
        let out = Command::new(python313())
            .arg("-c")
            .arg(PY_CLIENT)
            .arg(port.to_string())
            .arg(if tls13 { "1" } else { "0" })
            .arg(hex(key))
            .output()
            .unwrap();
        let py: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        let ours = h.join().unwrap();
        let version = if tls13 { "TLSv1.3" } else { "TLSv1.2" };
        let hint = if tls13 {
            Value::Null
        } else {
            json!("rust-hint")
        };
        assert_eq!(py["seen"], json!([hint]), "{py}");
        assert_eq!(*seen.lock().unwrap(), vec![json!(["server", "py-client"])]);
        if ok {
            assert_eq!(py["ok"], version, "{py}");
            assert_eq!(ours.unwrap(), version);
        } else {
            let e = ours.unwrap_err();
            assert_eq!(py["error"], "SSLError", "{py}");
            assert_eq!(e.python_class(), "SSLError");
            if same_openssl_as_cpython() {
                assert_eq!(
                    e.to_string(),
                    "[SSL: BINDER_DOES_NOT_VERIFY] binder does not verify"
                );
                assert_eq!(
                    py["message"],
                    "[SSL: SSLV3_ALERT_ILLEGAL_PARAMETER] sslv3 alert illegal parameter"
                );
            }
        }
    }
}

/// `openssl s_server -psk KEY -nocert -rev` on a free port, one connection.
fn s_server(tls13: bool) -> (u16, std::process::Child) {
    let key = hex(KEY);
    let mut args = vec!["-nocert", "-psk", &key, "-psk_hint", "ossl-hint"];
    args.extend(if tls13 {
        &["-tls1_3"][..]
    } else {
        &["-tls1_2", "-cipher", "PSK"][..]
    });
    super::support::openssl_s_server(args)
}

#[test]
fn pyssl_client_against_openssl_s_server() {
    for tls13 in [false, true] {
        let (port, mut child) = s_server(tls13);
        let (c, _) = contexts(tls13);
        let seen: Seen = Arc::default();
        // s_server expects OpenSSL's default identity.
        client_cb(&c, &seen, Some("Client_identity"), Some(KEY.to_vec()));
        let t = c.wrap_socket(connect(port), WrapOptions::new()).unwrap();
        let want = if tls13 { "TLSv1.3" } else { "TLSv1.2" };
        assert_eq!(t.version().as_deref(), Some(want));
        t.sendall(b"ping\n").unwrap();
        let mut got = Vec::new();
        while !got.ends_with(b"\n") {
            let d = t.recv(64).unwrap();
            if d.is_empty() {
                break;
            }
            got.extend(d);
        }
        assert_eq!(got, b"gnip\n");
        let hint = if tls13 { None } else { Some("ossl-hint") };
        assert_eq!(*seen.lock().unwrap(), vec![json!(["client", hint])]);
        drop(t);
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[test]
fn openssl_s_client_against_pyssl_server() {
    for tls13 in [false, true] {
        let (_, s) = contexts(tls13);
        let seen: Seen = Arc::default();
        server_cb(&s, &seen, Some("rust-hint"), Some(KEY.to_vec()));
        let (port, h) = serve_one(move |sock| {
            let t = s.wrap_socket(sock, WrapOptions::server())?;
            let d = t.recv(5)?;
            let _ = t.unwrap();
            Ok::<_, pyssl::Error>(d)
        });
        let mut child = Command::new("openssl")
            .args(["s_client", "-connect"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-psk", &hex(KEY)])
            .args(if tls13 {
                &["-tls1_3"][..]
            } else {
                &["-tls1_2", "-cipher", "PSK"][..]
            })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_client");
        child.stdin.take().unwrap().write_all(b"ping\n").unwrap();
        let data = h.join().unwrap().unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(data, b"ping\n");
        let want = if tls13 { "TLSv1.3" } else { "TLSv1.2" };
        assert!(text.contains(want), "{text}");
        if !tls13 {
            assert!(text.contains("PSK identity hint: rust-hint"), "{text}");
        }
        assert_eq!(
            *seen.lock().unwrap(),
            vec![json!(["server", "Client_identity"])]
        );
    }
}
