//! The certificate decoder against OpenSSL's parser on arbitrary bytes:
//! `decode_certificate` must reject as malformed ("Error decoding
//! DER-encoded certificate") exactly what `d2i_X509` rejects (what CPython
//! can never see: OpenSSL parses every certificate before CPython decodes
//! it); and where OpenSSL accepts, the decoder gives the same dict (or the
//! same Python-level error) for OpenSSL's re-encoding (`i2d_X509`, what
//! `getpeercert()` decodes) as for the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

const MALFORMED: &str = "Error decoding DER-encoded certificate";

fn malformed(r: &pyssl::Result<pyssl::PeerCert>) -> bool {
    matches!(r, Err(e) if e.to_string() == MALFORMED)
}

fuzz_target!(|data: &[u8]| {
    let ours = pyssl::decode_certificate(data);
    match openssl::x509::X509::from_der(data) {
        Err(_) => assert!(
            malformed(&ours),
            "OpenSSL rejects, pyssl gives {:?}",
            ours.map(|c| c.python_repr())
        ),
        Ok(x) => {
            assert!(!malformed(&ours), "OpenSSL accepts, pyssl rejects");
            let der = x.to_der().expect("i2d_X509");
            let again = pyssl::decode_certificate(&der);
            match (&ours, &again) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "the re-encoding decodes differently"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                _ => panic!("input and re-encoding: {ours:?} vs {again:?}"),
            }
        }
    }
});
