//! `PyRepr` against CPython 3.13's `repr()` of the same values: tricky
//! texts and bytes (quotes, backslashes, control and non-ASCII characters,
//! every byte), tuples, lists, `None`, and the values pyssl returns.

use pyssl::pyfmt::{Dict, Name, PyRepr, Tuple};
use pyssl::{CertChainOptions, VerifyLocationsOptions};
use pyssl::{
    CipherInfo, GeneralName, Protocol, Purpose, PyClass, SslContext, TlsVersion, VerifyMode,
};
use serde_json::{json, Value};

use super::support::{pki, require_cpython, run_python, same_openssl_as_cpython};

const PY: &str = r#"
import binascii, builtins, json, ssl, sys, warnings
warnings.simplefilter("ignore")
a = json.loads(sys.argv[1])
mods = {"ssl": ssl, "binascii": binascii, "builtins": builtins}
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(a["ca"])
def t(x): return tuple(t(i) for i in x) if isinstance(x, list) else x
print(json.dumps({
    "texts": [repr(s) for s in a["texts"]],
    "bytes": [repr(bytes(b)) for b in a["bytes"]],
    "cipher": repr(("TLS_AES_256_GCM_SHA384", "TLSv1.3", 256)),
    "misc": repr((None, True, False, -5, 2**64 - 1, ("one",), [b"a", b"\x00"], {"number": 0, "hits": 3})),
    "tlsversion": [repr(ssl.TLSVersion[n]) for n in a["tlsversion"]],
    "verifymode": [repr(ssl.VerifyMode[n]) for n in a["verifymode"]],
    "protocol": [repr(ssl._SSLMethod[n]) for n in a["protocol"]],
    "purpose": [repr(ssl.Purpose.SERVER_AUTH), repr(ssl.Purpose.CLIENT_AUTH)],
    "asn1": [repr(ssl._ASN1Object.fromnid(n)) for n in a["nids"]],
    "classes": [repr(mods[m].__dict__[n]) for m, n in a["classes"]],
    "name": repr(t(a["name"])),
    "sans": repr(t(a["sans"])),
    "stats": repr(ctx.cert_store_stats()),
    "ciphers": repr(ctx.get_ciphers()),
    "paths": repr(ssl.get_default_verify_paths()),
}))
"#;

fn texts() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "abc",
        "a'b",
        "a\"b",
        "a'b\"c",
        "'\"'",
        "back\\slash\\",
        "\t\n\r\x0b\x0c",
        "\0\x01\x1f\x7f",
        "\u{80}\u{9f}\u{a0}\u{ad}\u{ff}",
        "pyth\u{f6}n caf\u{e9}",
        "\u{200b}\u{2028}\u{2029}\u{3000}",
        "\u{e000}\u{f8ff}",
        "\u{fffe}\u{ffff}",
        "\u{10ffff}",
        "\u{1f600} \u{1f1eb}\u{1f1f7}",
        "\u{65e5}\u{672c}\u{8a9e}",
        "\u{378}\u{e0001}",
        "e\u{301}",
        "\u{feff}x",
        "\u{1680}\u{2000}",
        "\\x41",
        "'",
        "\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every code point below 0x300, one text each.
    v.extend((0u32..0x300).filter_map(char::from_u32).map(String::from));
    v
}

fn byte_strings() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        &b""[..],
        b"abc",
        b"it's",
        b"say \"hi\"",
        b"both ' and \"",
        b"\\",
        b"\\'\\\"",
        b"\t\n\r\x0b\x0c\x00",
        b"\x16\x03\x01\x00\xff\x7f\x80",
    ]
    .iter()
    .map(|b| b.to_vec())
    .collect();
    v.extend((0..=255u8).map(|b| vec![b]));
    v
}

#[test]
fn reprs_are_cpythons() {
    require_cpython!();
    let texts = texts();
    let bytes = byte_strings();
    let tlsversion = [
        TlsVersion::MinimumSupported,
        TlsVersion::SslV3,
        TlsVersion::TlsV1,
        TlsVersion::TlsV1_1,
        TlsVersion::TlsV1_2,
        TlsVersion::TlsV1_3,
        TlsVersion::MaximumSupported,
    ];
    let verifymode = [VerifyMode::None, VerifyMode::Optional, VerifyMode::Required];
    let protocol = [
        Protocol::Tls,
        Protocol::TlsClient,
        Protocol::TlsServer,
        Protocol::TlsV1,
        Protocol::TlsV1_1,
        Protocol::TlsV1_2,
    ];
    let nids = [13, 129, 130, 14, 6];
    let name: pyssl::DistinguishedName = vec![
        vec![("countryName".into(), "US".into())],
        vec![
            ("organizationName".into(), "O'Brien \"Ltd\"".into()),
            ("organizationalUnitName".into(), "caf\u{e9}\\x".into()),
        ],
        vec![("commonName".into(), "localhost".into())],
    ];
    let sans = vec![
        GeneralName::Dns("localhost".into()),
        GeneralName::IpAddress("2001:DB8:0:0:0:0:0:1".into()),
        GeneralName::DirName(vec![vec![("commonName".into(), "d".into())]]),
        GeneralName::Other("othername".into(), "<unsupported>".into()),
    ];
    let name_json = |n: &pyssl::DistinguishedName| {
        json!(n
            .iter()
            .map(|rdn| {
                rdn.iter()
                    .map(|(k, v)| json!([k, v.as_str()]))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>())
    };
    let sans_json: Vec<Value> = sans
        .iter()
        .map(|g| match g {
            GeneralName::DirName(n) => json!([g.python_key(), name_json(n)]),
            _ => json!([g.python_key(), g.text()]),
        })
        .collect();
    let arg = json!({
        "ca": pki().ca,
        "texts": texts,
        "bytes": bytes,
        "tlsversion": tlsversion.iter().map(|v| v.name()).collect::<Vec<_>>(),
        "verifymode": verifymode.iter().map(|v| v.name()).collect::<Vec<_>>(),
        "protocol": protocol.iter().map(|v| v.name()).collect::<Vec<_>>(),
        "nids": nids,
        "classes": PyClass::ALL.iter().map(|c| [c.module(), c.name()]).collect::<Vec<_>>(),
        "name": name_json(&name),
        "sans": sans_json,
    });
    let out = run_python(PY, &[&arg.to_string()]);
    let py: Value = serde_json::from_str(&out).unwrap();
    let list = |k: &str| -> Vec<String> {
        py[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let one = |k: &str| py[k].as_str().unwrap().to_string();

    for (t, want) in texts.iter().zip(list("texts")) {
        assert_eq!(t.py_repr(), want, "{t:?}");
        assert_eq!(t.as_str().py_repr(), want);
    }
    assert_eq!(list("texts").len(), texts.len());
    for (b, want) in bytes.iter().zip(list("bytes")) {
        assert_eq!(b.py_repr(), want, "{b:?}");
        assert_eq!(b.as_slice().py_repr(), want);
    }
    assert_eq!(list("bytes").len(), bytes.len());
    let cipher = CipherInfo::from(("TLS_AES_256_GCM_SHA384".into(), "TLSv1.3".into(), 256));
    assert_eq!(cipher.py_repr(), one("cipher"));
    assert_eq!(Some(&cipher).py_repr(), one("cipher"));
    let stats: [(&str, i64); 2] = [("number", 0), ("hits", 3)];
    let misc = (
        None::<String>,
        true,
        false,
        -5i32,
        u64::MAX,
        ("one",),
        vec![b"a".to_vec(), b"\0".to_vec()],
        Dict(&stats),
    );
    // Python's 8-tuple, from a 6-tuple and two more items.
    let ours = format!(
        "({}, {}, {}, {}, {}, {}, {}, {})",
        misc.0.py_repr(),
        misc.1.py_repr(),
        misc.2.py_repr(),
        misc.3.py_repr(),
        misc.4.py_repr(),
        misc.5.py_repr(),
        misc.6.py_repr(),
        misc.7.py_repr()
    );
    assert_eq!(ours, one("misc"));
    assert_eq!(
        tlsversion.iter().map(PyRepr::py_repr).collect::<Vec<_>>(),
        list("tlsversion")
    );
    assert_eq!(
        verifymode.iter().map(PyRepr::py_repr).collect::<Vec<_>>(),
        list("verifymode")
    );
    assert_eq!(
        protocol.iter().map(PyRepr::py_repr).collect::<Vec<_>>(),
        list("protocol")
    );
    assert_eq!(
        vec![Purpose::ServerAuth.py_repr(), Purpose::ClientAuth.py_repr()],
        list("purpose")
    );
    let asn1: Vec<String> = nids
        .iter()
        .map(|n| pyssl::nid2obj(*n).unwrap().py_repr())
        .collect();
    assert_eq!(asn1, list("asn1"));
    assert_eq!(
        PyClass::ALL.iter().map(PyRepr::py_repr).collect::<Vec<_>>(),
        list("classes")
    );
    assert_eq!(Name(&name).py_repr(), one("name"));
    assert_eq!(Tuple(&sans).py_repr(), one("sans"));

    let ctx = SslContext::new(Protocol::TlsClient).unwrap();
    ctx.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    assert_eq!(ctx.cert_store_stats().py_repr(), one("stats"));
    if same_openssl_as_cpython() {
        assert_eq!(ctx.get_ciphers().unwrap().py_repr(), one("ciphers"));
        assert_eq!(pyssl::get_default_verify_paths().py_repr(), one("paths"));
    }
}

/// The values of a live connection: `cipher()`, `version()`,
/// `getpeercert()`, `getpeercert(True)`, the session and the chain.
#[test]
fn connection_values() {
    use super::support::{connect, serve_one};
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(
        &pki().leaf.0,
        CertChainOptions::new().keyfile(&pki().leaf.1),
    )
    .unwrap();
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, pyssl::WrapOptions::server())?;
        let d = t.recv(16)?;
        t.sendall(&d)
    });
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    let t = cli
        .wrap_socket(connect(port), pyssl::WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(
        t.cipher().py_repr(),
        "('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)"
    );
    assert_eq!(t.version().py_repr(), "'TLSv1.3'");
    assert_eq!(t.selected_alpn_protocol().py_repr(), "None");
    let cert = t.getpeercert().unwrap();
    assert_eq!(cert.py_repr(), cert.as_ref().unwrap().python_repr());
    let r = cert.py_repr();
    assert!(
        r.starts_with("{'subject': ((") && r.contains("(('commonName', 'localhost'),)"),
        "{r}"
    );
    let der = t.getpeercert_der().unwrap().unwrap();
    // Python quotes with " when the bytes hold a ' and no " (random here).
    let r = der.py_repr();
    let quote = if der.contains(&b'\'') && !der.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    assert!(r.starts_with(&format!("b{quote}0\\x82")), "{r}");
    let chain = t.get_verified_chain_certificates();
    assert_eq!(
        chain[0].py_repr(),
        "<_ssl.Certificate 'CN=localhost,O=pyssl tests'>"
    );
    let s = t.session().unwrap();
    let r = s.py_repr();
    assert!(
        r.starts_with("<_ssl.SSLSession object at 0x") && r.ends_with('>'),
        "{r}"
    );
    assert_eq!(s.clone().py_repr(), r);
    t.sendall(b"x").unwrap();
    assert_eq!(t.recv(16).unwrap().py_repr(), "b'x'");
    h.join().unwrap().unwrap();
}
