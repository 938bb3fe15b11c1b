//! Certificate decoding of arbitrary DER: `decode_certificate` (CPython's
//! `_decode_certificate`, the `getpeercert()` dict), then the dict's repr
//! and JSON forms and the legacy `match_hostname` on what was decoded.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = pyssl::decode_certificate(data) {
        let _ = cert.python_repr();
        let _ = cert.to_json();
        let _ = pyssl::match_hostname(&cert, "localhost");
        let _ = pyssl::match_hostname(&cert, "127.0.0.1");
        for t in [&cert.not_before, &cert.not_after].into_iter().flatten() {
            let _ = pyssl::cert_time_to_seconds(t);
        }
    }
});
