//! SslContext configuration: defaults, rules and errors (CPython's
//! ContextTests, and the texts of python-ssl-surface §3.4).

use pyssl::{CertChainOptions, DefaultContextOptions, VerifyLocationsOptions, WrapOptions};
use std::path::Path;

use pyssl::{
    CaData, Error, Options, Password, Protocol, SslContext, TlsVersion, VerifyFlags, VerifyMode,
};

use super::support::{pki, require_cpython};

fn certdata(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/cpython-certdata")
        .join(name)
}

#[test]
fn defaults_follow_cpython_313() {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    assert!(c.check_hostname());
    assert_eq!(c.verify_mode(), VerifyMode::Required);
    assert_eq!(c.verify_flags(), VerifyFlags::X509_TRUSTED_FIRST);
    // OpenSSL 1.1.1 sets SSL_OP_LEGACY_SERVER_CONNECT itself (0x4).
    let legacy = if super::support::ossl3() { 0 } else { 0x4 };
    assert_eq!(c.options().bits(), 0x8252_0050 | legacy);
    assert_eq!(c.minimum_version(), TlsVersion::TlsV1_2);
    assert_eq!(c.maximum_version(), TlsVersion::MaximumSupported);
    assert_eq!(c.security_level(), 2);
    assert_eq!(c.num_tickets(), 2);
    assert!(c.hostname_checks_common_name());
    assert!(!c.post_handshake_auth());
    assert_eq!(c.get_ciphers().unwrap().len(), 17);
    assert_eq!(c.get_ciphers().unwrap()[0].name, "TLS_AES_256_GCM_SHA384");
    let s = SslContext::new(Protocol::TlsServer).unwrap();
    assert!(!s.check_hostname());
    assert_eq!(s.verify_mode(), VerifyMode::None);
    let d = pyssl::create_default_context(DefaultContextOptions::new()).unwrap();
    assert_eq!(d.verify_flags().bits(), 0x88020);
}

#[test]
fn check_hostname_and_verify_mode_interplay() {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    let e = c.set_verify_mode(VerifyMode::None).unwrap_err();
    assert_eq!(e.python_class(), "ValueError");
    assert_eq!(
        e.to_string(),
        "Cannot set verify_mode to CERT_NONE when check_hostname is enabled."
    );
    c.set_check_hostname(false).unwrap();
    assert_eq!(c.verify_mode(), VerifyMode::Required);
    c.set_verify_mode(VerifyMode::None).unwrap();
    c.set_check_hostname(true).unwrap();
    assert_eq!(c.verify_mode(), VerifyMode::Required);
    c.set_check_hostname(false).unwrap();
    c.set_verify_mode(VerifyMode::Optional).unwrap();
    c.set_check_hostname(true).unwrap();
    assert_eq!(c.verify_mode(), VerifyMode::Optional);
}

#[test]
fn protocol_bounds() {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    c.set_minimum_version(TlsVersion::MaximumSupported).unwrap();
    assert_eq!(c.minimum_version(), TlsVersion::TlsV1_3);
    c.set_maximum_version(TlsVersion::MinimumSupported).unwrap();
    assert_eq!(c.maximum_version(), TlsVersion::TlsV1);
    c.set_minimum_version(TlsVersion::MinimumSupported).unwrap();
    assert_eq!(c.minimum_version(), TlsVersion::MinimumSupported);
    let fixed = SslContext::new(Protocol::TlsV1_2).unwrap();
    assert_eq!(fixed.minimum_version(), TlsVersion::MinimumSupported);
    let e = fixed.set_minimum_version(TlsVersion::TlsV1_2).unwrap_err();
    assert_eq!(
        e.to_string(),
        "The context's protocol doesn't support modification of highest and lowest version."
    );
}

#[test]
fn options_and_flags_roundtrip() {
    let c = SslContext::new(Protocol::TlsServer).unwrap();
    c.set_options(c.options() | Options::NO_TICKET).unwrap();
    assert!(c.options().contains(Options::NO_TICKET));
    c.set_options(c.options() - Options::NO_TICKET).unwrap();
    assert!(!c.options().contains(Options::NO_TICKET));
    c.set_verify_flags(VerifyFlags::CRL_CHECK_LEAF).unwrap();
    assert_eq!(c.verify_flags(), VerifyFlags::CRL_CHECK_LEAF);
    c.set_hostname_checks_common_name(false).unwrap();
    assert!(!c.hostname_checks_common_name());
    c.set_num_tickets(0).unwrap();
    assert_eq!(c.num_tickets(), 0);
    let client = SslContext::new(Protocol::TlsClient).unwrap();
    let e = client.set_num_tickets(1).unwrap_err();
    assert_eq!(e.to_string(), "SSLContext is not a server context.");
}

#[test]
fn load_cert_chain_errors() {
    let s = SslContext::new(Protocol::TlsServer).unwrap();
    s.load_cert_chain(certdata("keycert.pem"), CertChainOptions::new())
        .unwrap();
    // Wrong password: CPython's uninformative "[SSL] PEM lib".
    let e = s
        .load_cert_chain(
            certdata("keycert.passwd.pem"),
            CertChainOptions::new().password("bad"),
        )
        .unwrap_err();
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(e.to_string(), "[SSL] PEM lib");
    assert_eq!(e.library(), Some("SSL"));
    assert_eq!(e.reason(), None);
    s.load_cert_chain(
        certdata("keycert.passwd.pem"),
        CertChainOptions::new().password("somepass"),
    )
    .unwrap();
    // A callback's password, and its error passed through.
    s.load_cert_chain(
        certdata("keycert.passwd.pem"),
        CertChainOptions::new().password(Password::Callback(Box::new(|| Ok(b"somepass".to_vec())))),
    )
    .unwrap();
    let e = s
        .load_cert_chain(
            certdata("keycert.passwd.pem"),
            CertChainOptions::new().password(Password::Callback(Box::new(|| {
                Err(Error::Value(pyssl::ValueError::new("nope")))
            }))),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "nope");
    let long = vec![b'a'; 1025];
    let e = s
        .load_cert_chain(
            certdata("keycert.passwd.pem"),
            CertChainOptions::new().password(Password::Bytes(&long)),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "password cannot be longer than 1024 bytes");
    // Missing file: FileNotFoundError without a filename.
    let e = s
        .load_cert_chain("/nonexistent/x.pem", CertChainOptions::new())
        .unwrap_err();
    assert_eq!(e.python_class(), "FileNotFoundError");
    assert_eq!(e.to_string(), "[Errno 2] No such file or directory");
    // Bad certificate, empty file.
    for f in ["badcert.pem", "nullcert.pem"] {
        let e = s
            .load_cert_chain(certdata(f), CertChainOptions::new())
            .unwrap_err();
        assert_eq!(e.to_string(), "[SSL] PEM lib", "{f}");
    }
    // Key from another certificate.
    let e = s
        .load_cert_chain(
            certdata("ssl_cert.pem"),
            CertChainOptions::new().keyfile(certdata("keycert2.pem")),
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "[X509: KEY_VALUES_MISMATCH] key values mismatch"
    );
    assert_eq!(e.reason(), Some("KEY_VALUES_MISMATCH"));
    // A NUL byte in a path.
    let e = s
        .load_cert_chain("a\0b", CertChainOptions::new())
        .unwrap_err();
    assert_eq!(
        (e.python_class(), e.to_string().as_str()),
        ("ValueError", "embedded null byte")
    );
    // A non-UTF-8 path is a path like any other.
    use std::os::unix::ffi::OsStrExt;
    let odd = std::ffi::OsStr::from_bytes(b"/nonexistent/\xff.pem");
    let e = s.load_cert_chain(odd, CertChainOptions::new()).unwrap_err();
    assert_eq!(e.python_class(), "FileNotFoundError");
}

#[test]
fn load_verify_locations_errors() {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    let e = c
        .load_verify_locations(VerifyLocationsOptions::new())
        .unwrap_err();
    assert_eq!(e.python_class(), "TypeError");
    let e = c
        .load_verify_locations(VerifyLocationsOptions::new().cafile(Path::new("/nonexistent")))
        .unwrap_err();
    assert_eq!(e.python_class(), "FileNotFoundError");
    let e = c
        .load_verify_locations(VerifyLocationsOptions::new().cafile(certdata("badcert.pem")))
        .unwrap_err();
    assert_eq!(e.to_string(), "[X509] PEM lib");
    // capath is read lazily: a missing directory is no error.
    c.load_verify_locations(VerifyLocationsOptions::new().capath(Path::new("/nonexistent")))
        .unwrap();
    let e = c
        .load_verify_locations(VerifyLocationsOptions::new().cadata(CaData::Pem("")))
        .unwrap_err();
    assert_eq!(e.to_string(), "Empty certificate data");
    let e = c
        .load_verify_locations(VerifyLocationsOptions::new().cadata(CaData::Pem("é")))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cadata should be an ASCII string or a bytes-like object"
    );
    let e = c
        .load_verify_locations(VerifyLocationsOptions::new().cadata(CaData::Der(b"garbage")))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "not enough data: cadata does not contain a certificate"
    );
    let pem = std::fs::read_to_string(&pki().ca).unwrap();
    c.load_verify_locations(
        VerifyLocationsOptions::new().cadata(CaData::Pem(&format!("junk\n{pem}\njunk"))),
    )
    .unwrap();
    assert_eq!(c.cert_store_stats().x509_ca, 1);
    assert_eq!(c.get_ca_certs_der().len(), 1);
}

#[test]
fn cipher_alpn_curve_sni_errors() {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    let e = c.set_ciphers("BOGUS").unwrap_err();
    assert_eq!(
        (e.python_class(), e.to_string().as_str()),
        ("SSLError", "No cipher can be selected.")
    );
    let e = c.set_ciphers("a\0b").unwrap_err();
    assert_eq!(e.to_string(), "embedded null character");
    let e = c.set_alpn_protocols(&[""]).unwrap_err();
    assert_eq!(e.to_string(), "ALPN protocols must be 1 to 255 in length");
    let e = c.set_alpn_protocols(&["h\u{e9}"]).unwrap_err();
    assert_eq!(e.python_class(), "UnicodeEncodeError");
    assert_eq!(
        e.to_string(),
        "'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)"
    );
    let e = c.set_ecdh_curve("bogus").unwrap_err();
    assert_eq!(e.to_string(), "unknown elliptic curve name 'bogus'");
    c.set_ecdh_curve("prime256v1").unwrap();
    c.set_ecdh_curve("X25519").unwrap();
    let e = c
        .set_sni_callback(Some(|_: &mut pyssl::SniRequest<'_, '_>| Ok(())))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "sni_callback cannot be set on TLS_CLIENT context"
    );
    let stats = c.session_stats();
    assert_eq!(stats.len(), 11);
    assert_eq!(stats[0].0, "number");
}

#[test]
fn hostile_hostnames_are_typed_errors() {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    let (i, o) = (
        pyssl::MemoryBio::new().unwrap(),
        pyssl::MemoryBio::new().unwrap(),
    );
    let cases: &[(&str, &str)] = &[
        ("", "ValueError"),
        ("a\0b", "TypeError"),
        (".example.org", "UnicodeEncodeError"),
        ("a..b", "UnicodeEncodeError"),
    ];
    for (name, class) in cases {
        let e = c.wrap_bio(&i, &o, WrapOptions::client(name)).unwrap_err();
        assert_eq!(e.python_class(), *class, "{name:?}");
    }
    let huge = "a".repeat(1 << 20);
    assert_eq!(
        c.wrap_bio(&i, &o, WrapOptions::client(&huge))
            .unwrap_err()
            .python_class(),
        "UnicodeEncodeError"
    );
    let long = ["a".repeat(63).as_str(); 5].join(".");
    let e = c.wrap_bio(&i, &o, WrapOptions::client(&long)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: SSL3_EXT_INVALID_SERVERNAME] ssl3 ext invalid servername"
    );
    let e = c.wrap_bio(&i, &o, WrapOptions::new()).unwrap_err();
    assert_eq!(e.to_string(), "check_hostname requires server_hostname");
    let o2 = c
        .wrap_bio(&i, &o, WrapOptions::client("127.000.000.001"))
        .unwrap();
    assert_eq!(o2.server_hostname(), Some("127.000.000.001"));
}

#[test]
fn module_functions() {
    assert_eq!(pyssl::rand_bytes(0).unwrap(), b"");
    let a = pyssl::rand_bytes(32).unwrap();
    let b = pyssl::rand_bytes(32).unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    assert!(pyssl::rand_status());
    pyssl::rand_add(b"some entropy", 1.5);
    let u = pyssl::create_unverified_context(
        pyssl::UnverifiedContextOptions::new().protocol(Protocol::TlsClient),
    )
    .unwrap();
    assert!(!u.check_hostname());
    assert_eq!(u.verify_mode(), VerifyMode::None);
}

/// `_host_flags` and the `HOSTFLAG_*` constants against CPython 3.13, then
/// the flag at work: a certificate with only a common name passes the
/// hostname check until `HOSTFLAG_NEVER_CHECK_SUBJECT` is set.
#[test]
fn host_flags_like_cpython() {
    require_cpython!();
    let py = super::support::run_python(
        "import json, ssl, _ssl\n\
         names = ['HOSTFLAG_ALWAYS_CHECK_SUBJECT', 'HOSTFLAG_NO_WILDCARDS', \
         'HOSTFLAG_NO_PARTIAL_WILDCARDS', 'HOSTFLAG_MULTI_LABEL_WILDCARDS', \
         'HOSTFLAG_SINGLE_LABEL_SUBDOMAINS', 'HOSTFLAG_NEVER_CHECK_SUBJECT']\n\
         out = {'consts': [getattr(_ssl, n) for n in names], 'seq': []}\n\
         for p in (ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER):\n\
         \x20   c = ssl.SSLContext(p)\n\
         \x20   out['seq'].append([c._host_flags, c.hostname_checks_common_name])\n\
         \x20   c.hostname_checks_common_name = False\n\
         \x20   out['seq'].append([c._host_flags, c.hostname_checks_common_name])\n\
         \x20   for v in (0, 1, 0x21, 0x3f, 0xffffffff, 0x2):\n\
         \x20       c._host_flags = v\n\
         \x20       out['seq'].append([c._host_flags, c.hostname_checks_common_name])\n\
         \x20       c.hostname_checks_common_name = True\n\
         \x20       out['seq'].append([c._host_flags, c.hostname_checks_common_name])\n\
         \x20       c.hostname_checks_common_name = False\n\
         \x20       out['seq'].append([c._host_flags, c.hostname_checks_common_name])\n\
         print(json.dumps(out))",
        &[],
    );
    let py: serde_json::Value = serde_json::from_str(&py).unwrap();
    assert_eq!(
        py["consts"],
        serde_json::json!([
            pyssl::HOSTFLAG_ALWAYS_CHECK_SUBJECT,
            pyssl::HOSTFLAG_NO_WILDCARDS,
            pyssl::HOSTFLAG_NO_PARTIAL_WILDCARDS,
            pyssl::HOSTFLAG_MULTI_LABEL_WILDCARDS,
            pyssl::HOSTFLAG_SINGLE_LABEL_SUBDOMAINS,
            pyssl::HOSTFLAG_NEVER_CHECK_SUBJECT,
        ])
    );
    let mut seq = Vec::new();
    for p in [Protocol::TlsClient, Protocol::TlsServer] {
        let c = SslContext::new(p).unwrap();
        let state =
            |c: &SslContext| serde_json::json!([c.host_flags(), c.hostname_checks_common_name()]);
        seq.push(state(&c));
        c.set_hostname_checks_common_name(false).unwrap();
        seq.push(state(&c));
        for v in [0, 1, 0x21, 0x3f, 0xffff_ffff, 0x2] {
            c.set_host_flags(v).unwrap();
            seq.push(state(&c));
            c.set_hostname_checks_common_name(true).unwrap();
            seq.push(state(&c));
            c.set_hostname_checks_common_name(false).unwrap();
            seq.push(state(&c));
        }
    }
    assert_eq!(serde_json::Value::Array(seq), py["seq"]);

    // The flags reach the connection's hostname check.
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/certs");
    let server = SslContext::new(Protocol::TlsServer).unwrap();
    server
        .load_cert_chain(
            certs.join("leaf-cn-only.pem"),
            CertChainOptions::new().keyfile(certs.join("leaf-cn-only.key")),
        )
        .unwrap();
    let client = SslContext::new(Protocol::TlsClient).unwrap();
    client
        .load_verify_locations(VerifyLocationsOptions::new().cafile(certs.join("ca.pem")))
        .unwrap();
    let connect = |client: &SslContext| {
        let srv = server.clone();
        let (port, h) = super::support::serve_one(move |s| {
            let _ = srv.wrap_socket(s, pyssl::WrapOptions::server());
        });
        let r = client
            .wrap_socket(
                super::support::connect(port),
                pyssl::WrapOptions::client("cn-only.example.org"),
            )
            .map(|_| ());
        h.join().unwrap();
        r
    };
    assert_eq!(client.host_flags(), pyssl::HOSTFLAG_NO_PARTIAL_WILDCARDS);
    connect(&client).unwrap();
    client
        .set_host_flags(pyssl::HOSTFLAG_NO_PARTIAL_WILDCARDS | pyssl::HOSTFLAG_NEVER_CHECK_SUBJECT)
        .unwrap();
    assert!(!client.hostname_checks_common_name());
    let e = connect(&client).unwrap_err();
    assert_eq!(
        e.cert_verification().and_then(|v| v.verify_code()),
        Some(62),
        "{e}"
    );
    client
        .set_host_flags(pyssl::HOSTFLAG_NO_PARTIAL_WILDCARDS)
        .unwrap();
    connect(&client).unwrap();
}

/// `minimum_version` / `maximum_version` on every protocol and version: the
/// same error (class and text) or success, and the same change of
/// `options` as CPython (`minimum_version = SSLv3` clears `OP_NO_SSLv3`,
/// in `ssl.py`, before the C setter runs).
#[test]
fn version_bounds_side_effects_equal_cpython() {
    require_cpython!();
    let py = super::support::run_python(
        r#"
import json, ssl, warnings
warnings.simplefilter('ignore')
out = []
for p in (ssl.PROTOCOL_TLS, ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER,
          ssl.PROTOCOL_TLSv1, ssl.PROTOCOL_TLSv1_1, ssl.PROTOCOL_TLSv1_2):
    for attr in ('minimum_version', 'maximum_version'):
        for v in ssl.TLSVersion:
            c = ssl.SSLContext(p)
            before = int(c.options)
            try:
                setattr(c, attr, v); r = None
            except Exception as e:
                r = [type(e).__name__, str(e)]
            out.append([int(p), attr, v.name, before ^ int(c.options), r])
print(json.dumps(out))
"#,
        &[],
    );
    // (protocol, attribute, version, options changed, error class and text)
    type Row = (i64, String, String, u64, Option<(String, String)>);
    let rows: Vec<Row> = serde_json::from_str(&py).unwrap();
    assert_eq!(rows.len(), 6 * 2 * 7);
    for (p, attr, v, changed, err) in rows {
        let Ok(ctx) = SslContext::new(Protocol::try_from(p).unwrap()) else {
            continue; // a fixed-version protocol this OpenSSL lacks
        };
        let v = TlsVersion::from_name(&v).unwrap();
        let before = ctx.options().bits();
        let r = if attr == "minimum_version" {
            ctx.set_minimum_version(v)
        } else {
            ctx.set_maximum_version(v)
        };
        let ours = r
            .err()
            .map(|e| (e.python_class().to_string(), e.to_string()));
        assert_eq!(ours, err, "protocol {p} {attr} = {v:?}");
        assert_eq!(
            before ^ ctx.options().bits(),
            changed,
            "protocol {p} {attr} = {v:?}"
        );
    }
}
