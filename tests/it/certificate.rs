//! `Certificate` (CPython's `_ssl.Certificate`) against CPython 3.13 on the
//! same certificates: the conformance fixtures, CPython's own test
//! certificates and one with an empty subject generated here.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

use pyssl::{Certificate, Encoding};
use serde_json::Value;

use super::support::{pki, require_cpython, run_python};

/// Serves `leaf.pem` (+ its key) with every certificate of the candidate
/// files that OpenSSL accepts as an extra chain certificate, over memory
/// BIOs, and reports what the client's `_sslobj.get_unverified_chain()`
/// gives for each `_ssl.Certificate`.
const PY: &str = r#"
import json, re, ssl, sys, _ssl
leaf, key, bundle, *files = sys.argv[1:]
blocks = []
for f in files:
    blocks += re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", open(f).read(), re.S)
text = open(leaf).read()
for b in blocks:
    try:
        open(bundle, "w").write(text + b)
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(bundle, key)
        text += b
    except ssl.SSLError:
        pass
open(bundle, "w").write(text)
s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s.load_cert_chain(bundle, key)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
bi, bo, ci, co = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
so = s.wrap_bio(bi, bo, server_side=True); cl = c.wrap_bio(ci, co)
for _ in range(10):
    for o, out, inn in ((cl, co, bi), (so, bo, ci)):
        try: o.do_handshake()
        except ssl.SSLWantReadError: pass
        inn.write(out.read())
chain = cl._sslobj.get_unverified_chain()
def attempt(f):
    try: return f()
    except Exception as e:
        return {"class": type(e).__name__, "message": re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))}
out = []
for x in chain:
    out.append({
        "der": x.public_bytes(_ssl.ENCODING_DER).hex(),
        "pem": x.public_bytes(),
        "pem2": x.public_bytes(_ssl.ENCODING_PEM),
        "repr": attempt(lambda: repr(x)),
        "hash": hash(x),
        "info": attempt(lambda: repr(x.get_info())),
        "bad_format": attempt(lambda: x.public_bytes(3)),
        "pem_aux": x.public_bytes(0x101),
    })
eq = [[a == b for b in chain] for a in chain]
ne = [[a != b for b in chain] for a in chain]
print(json.dumps({"certs": out, "eq": eq, "ne": ne, "encodings": [_ssl.ENCODING_PEM, _ssl.ENCODING_DER]}))
"#;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn err_json(e: &pyssl::Error) -> Value {
    serde_json::json!({"class": e.python_class(), "message": e.to_string()})
}

/// A self-signed certificate for `subject` (`openssl req -utf8 -subj`),
/// made with the `openssl` command: an empty subject (CPython's `repr()`
/// raises for it) and non-ASCII ones (escaped in the repr).
fn openssl_req_cert(dir: &Path, name: &str, subject: &str) -> PathBuf {
    let key = dir.join(format!("{name}.key"));
    let cert = dir.join(format!("{name}.pem"));
    let ok = Command::new("openssl")
        .args([
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
        ])
        .arg(&key)
        .status()
        .unwrap()
        .success()
        && Command::new("openssl")
            .args([
                "req", "-x509", "-new", "-utf8", "-days", "2", "-subj", subject, "-key",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .status()
            .unwrap()
            .success();
    assert!(ok, "openssl req failed");
    cert
}

#[test]
fn certificates_equal_cpython() {
    require_cpython!();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let dir = pyssl::testing::TempDir::new("certobj").unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["certs", "cpython-certdata"] {
        let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "pem"))
            .collect();
        v.sort();
        files.extend(v);
    }
    files.push(openssl_req_cert(dir.path(), "empty", "/"));
    files.push(openssl_req_cert(
        dir.path(),
        "utf8",
        "/CN=caf\u{e9} \u{20ac}/O=a\\,b\\+c \"d\"/OU= lead/C=XY",
    ));
    let leaf = root.join("certs/leaf.pem");
    let key = root.join("certs/leaf.key");
    let bundle = dir.path().join("bundle.pem");
    let mut args: Vec<String> = vec![
        leaf.display().to_string(),
        key.display().to_string(),
        bundle.display().to_string(),
    ];
    args.extend(files.iter().map(|p| p.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let py: Value = serde_json::from_str(&run_python(PY, &argv)).unwrap();

    assert_eq!(
        py["encodings"],
        serde_json::json!([Encoding::Pem.value(), Encoding::Der.value()])
    );
    assert_eq!(Encoding::from_value(3), None);
    let items = py["certs"].as_array().unwrap();
    // Most of the candidates make it into the chain, the empty subject too.
    assert!(items.len() > 40, "only {} certificates", items.len());
    assert!(items.iter().any(|c| c["repr"].is_object()));
    assert!(items.iter().any(|c| c["repr"]
        .as_str()
        .is_some_and(|r| r.contains("caf\\C3\\A9"))));
    let certs: Vec<Certificate> = items
        .iter()
        .map(|c| Certificate::from_der(&unhex(c["der"].as_str().unwrap())).unwrap())
        .collect();
    for (c, p) in certs.iter().zip(items) {
        let pem = String::from_utf8(c.public_bytes(Encoding::Pem)).unwrap();
        assert_eq!(pem, p["pem"].as_str().unwrap());
        assert_eq!(pem, p["pem2"].as_str().unwrap());
        assert_eq!(
            c.public_bytes(Encoding::Der),
            unhex(p["der"].as_str().unwrap())
        );
        assert_eq!(c.der(), c.public_bytes(Encoding::Der).as_slice());
        assert_eq!(c.python_hash(), p["hash"].as_i64().unwrap(), "{pem}");
        let repr = match c.python_repr() {
            Ok(r) => Value::String(r),
            Err(e) => err_json(&e),
        };
        if repr.is_object() && !super::support::same_openssl_as_cpython() {
            // The text of the error comes from the linked OpenSSL.
            assert_eq!(repr["class"], p["repr"]["class"], "{pem}");
        } else {
            assert_eq!(repr, p["repr"], "{pem}");
        }
        let info = match c.get_info() {
            Ok(i) => Value::String(i.python_repr()),
            Err(e) => err_json(&e),
        };
        assert_eq!(info, p["info"], "{pem}");
        assert_eq!(p["bad_format"]["class"], "ValueError");
        assert_eq!(p["bad_format"]["message"], "Unsupported format");
        assert_eq!(
            err_json(&Encoding::from_python(3).unwrap_err()),
            p["bad_format"]
        );
        assert_eq!(
            String::from_utf8(c.public_bytes(Encoding::PemAux)).unwrap(),
            p["pem_aux"].as_str().unwrap()
        );
    }
    for (i, a) in certs.iter().enumerate() {
        for (j, b) in certs.iter().enumerate() {
            assert_eq!(a == b, py["eq"][i][j], "{i} == {j}");
            assert_eq!(a != b, py["ne"][i][j], "{i} != {j}");
            if a == b {
                use std::hash::{BuildHasher, RandomState};
                let s = RandomState::new();
                assert_eq!(s.hash_one(a), s.hash_one(b));
            }
        }
    }
    // A clone is the same certificate.
    assert_eq!(certs[0].clone(), certs[0]);
}

#[test]
fn from_der_errors() {
    let der = pyssl::pem_cert_to_der_cert(&std::fs::read_to_string(&pki().ca).unwrap()).unwrap();
    assert!(Certificate::from_der(&der).is_ok());
    for bad in [&b""[..], b"garbage", &der[..der.len() - 1], &der[1..]] {
        let e = Certificate::from_der(bad).unwrap_err();
        assert_eq!(e.python_class(), "SSLError", "{e}");
        assert_eq!(e.library(), Some("ASN1"), "{e}");
    }
    let mut long = der.clone();
    long.push(0);
    let e = Certificate::from_der(&long).unwrap_err();
    assert_eq!(e.to_string(), "trailing data after the certificate");
}

#[test]
fn chain_certificates_of_a_connection() {
    let p = pki();
    let server = pyssl::SslContext::new(pyssl::Protocol::TlsServer).unwrap();
    server
        .load_cert_chain(&p.leaf.0, CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    let client = pyssl::SslContext::new(pyssl::Protocol::TlsClient).unwrap();
    client
        .load_verify_locations(VerifyLocationsOptions::new().cafile(&p.ca))
        .unwrap();
    let (port, h) = super::support::serve_one(move |s| {
        let t = server.wrap_socket(s, pyssl::WrapOptions::server()).unwrap();
        t.recv(1).unwrap();
    });
    let t = client
        .wrap_socket(
            super::support::connect(port),
            pyssl::WrapOptions::client("localhost"),
        )
        .unwrap();
    let verified = t.get_verified_chain_certificates();
    let unverified = t.get_unverified_chain_certificates();
    // leaf, intermediate, root; the server sends leaf and intermediate.
    assert_eq!(verified.len(), 3);
    assert_eq!(unverified.len(), 2);
    for (c, d) in verified.iter().zip(t.get_verified_chain()) {
        assert_eq!(c.der(), d.as_slice());
    }
    assert_eq!(verified[..2], unverified[..]);
    assert_eq!(
        verified[0].get_info().unwrap(),
        t.getpeercert().unwrap().unwrap()
    );
    assert!(verified[2]
        .python_repr()
        .unwrap()
        .starts_with("<_ssl.Certificate 'CN=pyssl Test Root CA"));
    t.sendall(b"x").unwrap();
    h.join().unwrap();
}

/// Certificates OpenSSL's parser rejects (the decoder once accepted the
/// first: validity and SubjectPublicKeyInfo swapped) and ones it accepts
/// in BER forms: `_test_decode_cert` on each, pyssl and CPython 3.13 alike.
#[test]
fn decoder_accepts_what_openssl_parses() {
    super::support::require_cpython!();
    let dir = pyssl::testing::TempDir::new("decode-ber").unwrap();
    let out = super::support::run_python(
        r#"
import json, re, ssl, sys
der = ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read().split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n")
def tlv(b, i):
    n = b[i + 1]
    if n < 0x80:
        return i + 2, n
    k = n & 0x7f
    return i + 2 + k, int.from_bytes(b[i + 2:i + 2 + k], "big")
def items(b):
    out, i = [], 0
    while i < len(b):
        s, n = tlv(b, i)
        out.append(b[i:s + n]); i = s + n
    return out
def seq(tag, content):
    n = len(content)
    h = bytes([n]) if n < 0x80 else bytes([0x82]) + n.to_bytes(2, "big")
    return bytes([tag]) + h + content
def content(b):
    s, n = tlv(b, 0)
    return b[s:s + n]
cert = items(content(der))
tbs = items(content(cert[0]))
# version, serial, sig, issuer, validity, subject, spki, extensions
variants = {}
t = list(tbs); t[4], t[6] = t[6], t[4]
variants["swapped"] = t
t = list(tbs); t[5] = bytes([0x10]) + t[5][1:]
variants["primitive_subject"] = t
t = list(tbs); t[5] = seq(0x30, b"".join(bytes([0x11]) + r[1:] for r in items(content(t[5]))))
variants["primitive_rdns"] = t
t = list(tbs); t[1] = b"\x02\x02\x00\x01"
variants["padded_serial"] = t
t = list(tbs); t[4] = seq(0x30, items(content(t[4]))[0] + b"\x05\x00" + items(content(t[4]))[1])
variants["three_times"] = t
res = {}
for name, t in variants.items():
    c = seq(0x30, seq(0x30, b"".join(t)) + b"".join(cert[1:]))
    path = sys.argv[2] + "/" + name + ".pem"
    open(path, "w").write(ssl.DER_cert_to_PEM_cert(c))
    try:
        d = ssl._ssl._test_decode_cert(path)
        res[name] = {"ok": sorted(d)}
    except Exception as e:
        text = re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(e))
        if len(e.args) == 1 and text == repr(e.args):
            text = e.args[0]
        res[name] = {"error": type(e).__name__, "message": text}
print(json.dumps(res))
"#,
        &[leaf_path_str(), dir.path().to_str().unwrap()],
    );
    let want: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(want["swapped"]["error"], "SSLError");
    assert!(want["primitive_subject"]["ok"].is_array());
    for (name, w) in want.as_object().unwrap() {
        let got = match pyssl::decode_pem_certificate_file(dir.path().join(format!("{name}.pem"))) {
            Ok(c) => {
                let mut keys: Vec<String> = serde_json::from_str::<serde_json::Value>(&c.to_json())
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect();
                keys.sort();
                serde_json::json!({ "ok": keys })
            }
            Err(e) => serde_json::json!({"error": e.python_class(), "message": e.to_string()}),
        };
        assert_eq!(&got, w, "{name}");
    }
}

fn leaf_path_str() -> &'static str {
    super::support::pki().leaf.0.to_str().unwrap()
}

const PY_DECODE: &str = r#"
import json, re, ssl, sys
path = sys.argv[1]
try:
    r = ["ok", repr(ssl._ssl._test_decode_cert(path))]
except Exception as e:
    text = e.args[0] if isinstance(e, ssl.SSLError) and len(e.args) == 1 else str(e)
    r = [type(e).__name__, re.sub(r" \(_ssl\.c:\d+\)$", "", text)]
print(json.dumps(r))
"#;

/// The `decode_vs_openssl` fuzz seeds (the conformance certificates and the
/// inputs the fuzzer found, kept once fixed: tags in the high-tag-number
/// form with a low number, invalid UTF-8, unconvertible name types, odd OIDs
/// and times) decode as CPython's `_ssl._test_decode_cert` decodes them:
/// the same dict repr or the same exception class and text.
#[test]
fn fuzz_seeds_decode_like_cpython() {
    super::support::require_cpython!();
    let seeds =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/decode_vs_openssl");
    let mut files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 18, "{files:?}");
    let dir = pyssl::testing::TempDir::new("seeds").unwrap();
    let mut pems = Vec::new();
    for f in &files {
        let der = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_str().unwrap();
        pems.push(
            dir.write(&format!("{name}.pem"), pyssl::der_cert_to_pem_cert(&der))
                .unwrap(),
        );
    }
    // One process per file: CPython reports an error an earlier decode left
    // on the thread's error queue where it would say "unknown error"
    // (fixed-f25a2a7fedd9 gives "[ASN1] nested asn1 error" after the
    // fixed-* files before it).
    let want: Vec<serde_json::Value> = pems
        .iter()
        .map(|p| {
            let out = super::support::run_python(PY_DECODE, &[p.to_str().unwrap()]);
            serde_json::from_str(out.trim()).unwrap()
        })
        .collect();
    let mut diffs = Vec::new();
    for ((f, p), w) in files.iter().zip(&pems).zip(&want) {
        let got = match pyssl::decode_pem_certificate_file(p) {
            Ok(c) => serde_json::json!(["ok", c.python_repr()]),
            Err(e) => serde_json::json!([e.python_class(), e.to_string()]),
        };
        if &got != w {
            diffs.push(format!("{}: pyssl {got} vs CPython {w}", f.display()));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    // Both outcomes occur among the seeds.
    assert!(want.iter().any(|w| w[0] == "ok") && want.iter().any(|w| w[0] != "ok"));
}
