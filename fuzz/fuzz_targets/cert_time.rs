//! `cert_time_to_seconds` on arbitrary text (strptime's regex with
//! backtracking, locale-free month names, calendar arithmetic).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = pyssl::cert_time_to_seconds(s);
    }
});
