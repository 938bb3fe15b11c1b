//! `PyClass` against CPython 3.13's classes: names, modules, `__bases__`,
//! `__base__`, `__mro__` and `issubclass` for every pair; `except` as
//! `match` on errors from real connections.

use pyssl::{CertChainOptions, VerifyLocationsOptions, WrapOptions};
use pyssl::{Error, PyClass};

use super::support::{require_cpython, run_python};

const PY_CLASSES: &str = r#"
import binascii, builtins, json, ssl, sys
def cls(module, name):
    return {"ssl": ssl, "binascii": binascii, "builtins": builtins}[module].__dict__[name]
want = json.loads(sys.argv[1])
classes = [cls(m, n) for m, n in want]
def key(c): return [c.__module__, c.__name__]
print(json.dumps([{
    "key": key(c),
    "bases": [key(b) for b in c.__bases__ if b is not object],
    "base": None if c.__base__ is object else key(c.__base__),
    "mro": [key(m) for m in c.__mro__ if m is not object],
    "subclass_of": [issubclass(c, d) for d in classes],
} for c in classes]))
"#;

fn key(c: PyClass) -> serde_json::Value {
    serde_json::json!([c.module(), c.name()])
}

#[test]
fn hierarchy_is_cpythons() {
    require_cpython!();
    let all = PyClass::ALL;
    let arg: Vec<_> = all.iter().map(|c| key(*c)).collect();
    let out = run_python(PY_CLASSES, &[&serde_json::to_string(&arg).unwrap()]);
    let theirs: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(theirs.len(), all.len());
    for (c, t) in all.iter().zip(&theirs) {
        let ours = serde_json::json!({
            "key": key(*c),
            "bases": c.bases().iter().map(|b| key(*b)).collect::<Vec<_>>(),
            "base": c.parent().map(key),
            "mro": c.mro().into_iter().map(key).collect::<Vec<_>>(),
            "subclass_of": all.iter().map(|d| c.is_subclass_of(*d)).collect::<Vec<_>>(),
        });
        assert_eq!(&ours, t, "{c}");
    }
    // The multiple-inheritance case, spelled out.
    assert_eq!(
        PyClass::SslCertVerificationError.mro(),
        [
            PyClass::SslCertVerificationError,
            PyClass::SslError,
            PyClass::OsError,
            PyClass::ValueError,
            PyClass::Exception,
            PyClass::BaseException,
        ]
    );
}

/// Python's
/// ```python
/// try: ctx.wrap_socket(sock, server_hostname="wrong.example.org")
/// except ssl.SSLCertVerificationError as e: code = e.verify_code
/// except ssl.SSLError: ...
/// ```
/// as a `match` on a real handshake failure.
#[test]
fn except_as_match() {
    use super::support::{connect, pki, serve_one};
    let srv = pyssl::SslContext::new(pyssl::Protocol::TlsServer).unwrap();
    srv.load_cert_chain(
        &pki().leaf.0,
        CertChainOptions::new().keyfile(&pki().leaf.1),
    )
    .unwrap();
    let (port, h) = serve_one(move |s| srv.wrap_socket(s, pyssl::WrapOptions::server()).err());
    let cli = pyssl::SslContext::new(pyssl::Protocol::TlsClient).unwrap();
    cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    let e = cli
        .wrap_socket(
            connect(port),
            pyssl::WrapOptions::client("wrong.example.org"),
        )
        .unwrap_err();
    let code = match &e {
        e if e.is_instance(PyClass::SslCertVerificationError) => e.verify_code(),
        e if e.is_instance(PyClass::SslError) => panic!("another SSLError: {e}"),
        e => panic!("not an SSLError: {e}"),
    };
    assert_eq!(code, Some(62));
    assert!(matches!(&e, Error::CertVerification(v) if v.verify_code() == Some(62)));
    assert_eq!(e.class(), PyClass::SslCertVerificationError);
    for base in [
        PyClass::SslError,
        PyClass::OsError,
        PyClass::ValueError,
        PyClass::Exception,
    ] {
        assert!(e.is_instance(base), "{base}");
    }
    assert!(!e.is_instance(PyClass::TypeError) && !e.is_want_read());
    // The server saw the client's alert: an SSLError, not a verification
    // error of its own.
    let server_side = h.join().unwrap().expect("server failed too");
    assert!(server_side.is_instance(PyClass::SslError));
    assert_eq!(server_side.verify_code(), None);
}

/// A non-blocking handshake raises `SSLWantReadError`.
#[test]
fn want_read_from_a_handshake() {
    let ctx = pyssl::SslContext::new(pyssl::Protocol::TlsClient).unwrap();
    let inc = pyssl::MemoryBio::new().unwrap();
    let out = pyssl::MemoryBio::new().unwrap();
    let mut obj = ctx
        .wrap_bio(&inc, &out, WrapOptions::client("localhost"))
        .unwrap();
    let e = obj.do_handshake().unwrap_err();
    assert!(e.is_want_read() && !e.is_want_write(), "{e}");
    assert_eq!(e.class(), PyClass::SslWantReadError);
    assert!(e.is_instance("SSLError") && e.is_instance(PyClass::OsError));
}
