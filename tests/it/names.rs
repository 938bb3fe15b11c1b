//! Name attributes that are not strings: a BIT STRING value
//! (`x500UniqueIdentifier`) is `bytes` in CPython's `getpeercert()`, and
//! any server can send such a certificate. Certificates are made here with
//! OpenSSL (signed, so they verify), decoded by pyssl and by CPython 3.13.

use openssl::asn1::{Asn1Time, Asn1Type};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::x509::{X509Builder, X509NameBuilder};
use pyssl::{CertChainOptions, VerifyLocationsOptions};

use pyssl::testing::TempDir;
use pyssl::{NameValue, Protocol, SslContext, WrapOptions};

use super::support::{connect, require_cpython, run_python, serve_one};

/// A self-signed certificate for localhost whose subject ends with the
/// attribute `(field, value)` of ASN.1 type `ty`; (cert PEM, key PEM).
fn cert_with(field: &str, value: &str, ty: Asn1Type) -> (String, String) {
    let key = PKey::from_ec_key(
        EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap(),
    )
    .unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, "localhost")
        .unwrap();
    name.append_entry_by_text_with_type(field, value, ty)
        .unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    let mut san = openssl::x509::extension::SubjectAlternativeName::new();
    let san = san
        .dns("localhost")
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = b.build();
    (
        String::from_utf8(cert.to_pem().unwrap()).unwrap(),
        String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap(),
    )
}

const PY_DECODE: &str = r#"
import _ssl, sys
try:
    print(repr(_ssl._test_decode_cert(sys.argv[1])))
except Exception as e:
    print(type(e).__name__, e)
"#;

#[test]
fn bit_string_attributes_decode_as_cpython() {
    require_cpython!();
    let dir = TempDir::new("names").unwrap();
    for (i, (field, value, ty)) in [
        ("x500UniqueIdentifier", "12", Asn1Type::BIT_STRING),
        ("x500UniqueIdentifier", "\u{1}\u{ff}", Asn1Type::BIT_STRING),
        ("2.5.4.45", "", Asn1Type::BIT_STRING),
        ("x500UniqueIdentifier", "abc", Asn1Type::UTF8STRING),
        ("serialNumber", "0042", Asn1Type::PRINTABLESTRING),
        // A SEQUENCE value: OpenSSL parses it, CPython cannot make it text.
        ("organizationName", "\u{c}\u{1}x", Asn1Type::SEQUENCE),
    ]
    .into_iter()
    .enumerate()
    {
        let (pem, _) = cert_with(field, value, ty);
        let path = dir.write(&format!("c{i}.pem"), &pem).unwrap();
        let theirs = run_python(PY_DECODE, &[path.to_str().unwrap()]);
        let ours = match pyssl::decode_pem_certificate(&pem) {
            Ok(c) => c.python_repr(),
            Err(e) => format!("{} {e}", e.python_class()),
        };
        assert_eq!(ours, theirs.trim_end(), "{field}={value:?} as {ty:?}");
    }
}

#[test]
fn getpeercert_with_a_bit_string_attribute() {
    require_cpython!();
    let (pem, key) = cert_with("x500UniqueIdentifier", "12", Asn1Type::BIT_STRING);
    let dir = TempDir::new("names-hs").unwrap();
    let cert_path = dir.write("cert.pem", &pem).unwrap();
    let key_path = dir.write("key.pem", &key).unwrap();
    let server = SslContext::new(Protocol::TlsServer).unwrap();
    server
        .load_cert_chain(&cert_path, CertChainOptions::new().keyfile(&key_path))
        .unwrap();
    let (port, h) = serve_one(move |s| {
        let _ = server.wrap_socket(s, WrapOptions::server());
    });
    let client = SslContext::new(Protocol::TlsClient).unwrap();
    client
        .load_verify_locations(VerifyLocationsOptions::new().cafile(&cert_path))
        .unwrap();
    let tls = client
        .wrap_socket(connect(port), WrapOptions::client("localhost"))
        .unwrap();
    let cert = tls.getpeercert().unwrap().unwrap();
    let last = &cert.subject.as_ref().unwrap().last().unwrap()[0];
    assert_eq!(last.0, "x500UniqueIdentifier");
    assert_eq!(last.1, NameValue::Bytes(b"12".to_vec()));
    // The same dict CPython's decoder gives for the same certificate.
    let theirs = run_python(PY_DECODE, &[cert_path.to_str().unwrap()]);
    assert_eq!(cert.python_repr(), theirs.trim_end());
    drop(tls);
    h.join().unwrap();
}
