//! The legacy `match_hostname(cert, hostname)`: a certificate dict and a
//! hostname built from the input (format: `pyssl_fuzz::parse_match_hostname_input`:
//! first line the hostname, then `KEY:VALUE` lines for subject attributes
//! and subjectAltName entries).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (cert, hostname) = pyssl_fuzz::parse_match_hostname_input(text);
        if let Err(e) = pyssl::match_hostname(&cert, hostname) {
            let _ = e.to_string();
            let _ = e.python_class();
        }
    }
});
