//! Session resumption semantics (`SSLSocket.session`, `SSLObject.session`):
//! a session stays resumable whatever happens to the connections that used
//! it (freed without a shutdown, reused many times), each connection's
//! session is its own, and a session from another context is refused.
//! The sequences are compared with CPython 3.13 doing the same.

use pyssl::{MemoryBio, SslContext, SslObject, SslSession, TlsVersion};
use serde_json::{json, Value};

use super::support::{pki, require_cpython, run_python};

struct Pair {
    c: SslObject,
    s: SslObject,
    ci: MemoryBio,
    co: MemoryBio,
    si: MemoryBio,
    so: MemoryBio,
}

fn contexts(tls12: bool) -> (SslContext, SslContext) {
    let cctx = super::support::ca_client_ctx();
    if tls12 {
        cctx.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    }
    (cctx, super::support::leaf_server_ctx())
}

fn handshake(cctx: &SslContext, sctx: &SslContext, session: Option<&SslSession>) -> Pair {
    let b = || MemoryBio::new().unwrap();
    let (ci, co, si, so) = (b(), b(), b(), b());
    let mut c = cctx
        .wrap_bio(&ci, &co, pyssl::WrapOptions::client("localhost"))
        .unwrap();
    if let Some(s) = session {
        c.set_session(s).unwrap();
    }
    let mut s = sctx
        .wrap_bio(&si, &so, pyssl::WrapOptions::server())
        .unwrap();
    let (mut cd, mut sd) = (false, false);
    while !(cd && sd) {
        if !cd {
            cd = c.do_handshake().is_ok();
        }
        co.transfer_to(&si).unwrap();
        if !sd {
            sd = s.do_handshake().is_ok();
        }
        so.transfer_to(&ci).unwrap();
    }
    Pair {
        c,
        s,
        ci,
        co,
        si,
        so,
    }
}

/// The client reads what the server sent after the handshake (TLS 1.3
/// tickets), which replaces the client's own session.
fn read_tickets(p: &mut Pair) {
    let e = p.c.recv(1).unwrap_err();
    assert_eq!(e.python_class(), "SSLWantReadError");
}

/// A clean close on both sides (close_notify each way).
fn close_cleanly(mut p: Pair) {
    let _ = p.c.unwrap();
    p.co.transfer_to(&p.si).unwrap();
    let _ = p.s.unwrap();
    p.so.transfer_to(&p.ci).unwrap();
    p.c.unwrap().unwrap();
}

/// The scenario, as a list of observations (`session_reused` of each
/// connection, session equalities), the same in `PY` below.
fn scenario(tls12: bool) -> Vec<Value> {
    let (cctx, sctx) = contexts(tls12);
    let mut out = Vec::new();
    let mut a = handshake(&cctx, &sctx, None);
    read_tickets(&mut a);
    out.push(json!(a.c.session_reused()));
    let sa = a.c.session().unwrap();
    out.push(json!(sa.has_ticket()));
    // The first connection freed without a shutdown.
    drop(a);
    // Reused many times; the connections end in every way.
    let mut last = None;
    for i in 0..12 {
        let mut p = handshake(&cctx, &sctx, Some(&sa));
        out.push(json!(p.c.session_reused()));
        if i % 2 == 0 {
            read_tickets(&mut p);
        }
        let own = p.c.session().unwrap();
        out.push(json!(own == sa));
        match i % 3 {
            0 => drop(p),
            1 => close_cleanly(p),
            _ => {
                // Freed after a shutdown only on the client's side.
                let _ = p.c.unwrap();
            }
        }
        last = Some(own);
    }
    // A resumed connection's session, its connection freed uncleanly.
    let own = last.unwrap();
    let p = handshake(&cctx, &sctx, Some(&own));
    out.push(json!(p.c.session_reused()));
    drop(p);
    // A session the server never saw resumed.
    let p = handshake(&cctx, &sctx, Some(&sa));
    out.push(json!(p.c.session_reused()));
    // Another context refuses it with CPython's error.
    let (other, _) = contexts(tls12);
    let b = || MemoryBio::new().unwrap();
    let mut o = other
        .wrap_bio(&b(), &b(), pyssl::WrapOptions::client("localhost"))
        .unwrap();
    out.push(json!(o.set_session(&sa).unwrap_err().to_string()));
    out
}

const PY: &str = r#"
import json, ssl, sys
cfg = json.loads(sys.argv[1])
def contexts():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.load_verify_locations(cfg["ca"])
    if cfg["tls12"]: c.maximum_version = ssl.TLSVersion.TLSv1_2
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s.load_cert_chain(cfg["cert"], cfg["key"])
    return c, s
cctx, sctx = contexts()
def handshake(session=None):
    ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cctx.wrap_bio(ci, co, server_hostname="localhost")
    if session is not None: c.session = session
    s = sctx.wrap_bio(si, so, server_side=True)
    cd = sd = False
    while not (cd and sd):
        if not cd:
            try: c.do_handshake(); cd = True
            except ssl.SSLWantReadError: pass
        si.write(co.read())
        if not sd:
            try: s.do_handshake(); sd = True
            except ssl.SSLWantReadError: pass
        ci.write(so.read())
    return [c, s, ci, co, si, so]
def read_tickets(p):
    try: p[0].read(1); raise AssertionError
    except ssl.SSLWantReadError: pass
def close_cleanly(p):
    c, s, ci, co, si, so = p
    try: c.unwrap()
    except ssl.SSLWantReadError: pass
    si.write(co.read())
    s.unwrap()
    ci.write(so.read())
    c.unwrap()
out = []
a = handshake(); read_tickets(a)
out.append(a[0].session_reused)
sa = a[0].session
out.append(sa.has_ticket)
del a
last = None
for i in range(12):
    p = handshake(sa)
    out.append(p[0].session_reused)
    if i % 2 == 0: read_tickets(p)
    own = p[0].session
    out.append(own == sa)
    if i % 3 == 0: del p
    elif i % 3 == 1: close_cleanly(p); del p
    else:
        try: p[0].unwrap()
        except ssl.SSLWantReadError: pass
        del p
    last = own
p = handshake(last); out.append(p[0].session_reused); del p
p = handshake(sa); out.append(p[0].session_reused)
other, _ = contexts()
o = other.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="localhost")
try: o.session = sa
except ValueError as e: out.append(str(e))
print(json.dumps(out))
"#;

fn cpython_scenario(tls12: bool) -> Vec<Value> {
    let p = pki();
    let cfg = json!({
        "ca": p.ca, "cert": p.leaf.0, "key": p.leaf.1, "tls12": tls12,
    });
    let text = run_python(PY, &[&cfg.to_string()]);
    serde_json::from_str(text.trim()).unwrap()
}

fn check(tls12: bool) {
    let ours = scenario(tls12);
    // Every connection after the first resumed.
    let reused: Vec<bool> = ours.iter().filter_map(Value::as_bool).collect();
    assert!(!reused[0]);
    assert_eq!(
        ours.last().unwrap(),
        "Session refers to a different SSLContext."
    );
    for i in 0..12 {
        assert_eq!(ours[2 + 2 * i], json!(true), "resumption {i}: {ours:?}");
    }
    assert_eq!(ours[26], json!(true), "{ours:?}");
    assert_eq!(ours[27], json!(true), "{ours:?}");
    require_cpython!();
    assert_eq!(ours, cpython_scenario(tls12));
}

#[test]
fn session_semantics_tls13() {
    check(false);
}

#[test]
fn session_semantics_tls12() {
    check(true);
}

/// One `SslSession` resuming on several threads at once.
#[test]
fn session_shared_across_threads() {
    let (cctx, sctx) = contexts(false);
    let mut a = handshake(&cctx, &sctx, None);
    read_tickets(&mut a);
    let sa = a.c.session().unwrap();
    drop(a);
    std::thread::scope(|sc| {
        for _ in 0..4 {
            sc.spawn(|| {
                for _ in 0..10 {
                    let p = handshake(&cctx, &sctx, Some(&sa));
                    assert!(p.c.session_reused());
                }
            });
        }
    });
}

/// `wrap_bio(server_side=True, session=s)` goes through the session
/// setter's checks, as CPython's `_wrap_bio` does (not `wrap_socket`'s
/// "session can only be specified in client mode"): the context first,
/// then the side. Texts as CPython 3.13 gives them.
#[test]
fn wrap_bio_server_side_with_a_session_is_the_setters_error() {
    // `ctx.wrap_bio(server_side=True, session=...)`'s error text.
    let refused = |ctx: &SslContext, session: SslSession| {
        let b = || MemoryBio::new().unwrap();
        let e = ctx
            .wrap_bio(
                &b(),
                &b(),
                pyssl::WrapOptions::server().session(Some(session)),
            )
            .unwrap_err();
        assert_eq!(e.python_class(), "ValueError");
        e.to_string()
    };
    let (cctx, sctx) = contexts(false);
    let mut p = handshake(&cctx, &sctx, None);
    read_tickets(&mut p);
    assert_eq!(
        refused(&sctx, p.c.session().expect("a session")),
        "Session refers to a different SSLContext."
    );

    // One PROTOCOL_TLS context for both sides: the session is its own.
    let both = SslContext::new(pyssl::Protocol::Tls).unwrap();
    let p = pki();
    both.load_cert_chain(&p.leaf.0, pyssl::CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    let mut pair = handshake(&both, &both, None);
    read_tickets(&mut pair);
    assert_eq!(
        refused(&both, pair.c.session().expect("a session")),
        "Cannot set session for server-side SSLSocket."
    );
}
