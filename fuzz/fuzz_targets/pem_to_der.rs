//! PEM → DER: `PEM_cert_to_DER_cert` on arbitrary text, and
//! `DER_cert_to_PEM_cert` ∘ `PEM_cert_to_DER_cert` on arbitrary bytes (the
//! round trip must give the bytes back). Also `decode_pem_certificate`
//! (OpenSSL's PEM reader plus the certificate decoder) on the same text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Any bytes are DER as far as DER_cert_to_PEM_cert cares.
    let pem = pyssl::der_cert_to_pem_cert(data);
    let back = pyssl::pem_cert_to_der_cert(&pem).expect("own PEM must parse");
    assert_eq!(back, data, "DER -> PEM -> DER round trip");

    let text = String::from_utf8_lossy(data);
    if let Ok(der) = pyssl::pem_cert_to_der_cert(&text) {
        let again = pyssl::der_cert_to_pem_cert(&der);
        assert_eq!(
            pyssl::pem_cert_to_der_cert(&again).expect("own PEM must parse"),
            der
        );
        let _ = pyssl::decode_certificate(&der);
    }
    if let Ok(cert) = pyssl::decode_pem_certificate(&text) {
        let _ = cert.python_repr();
    }
});
