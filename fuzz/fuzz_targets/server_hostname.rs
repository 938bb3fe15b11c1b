//! `server_hostname` normalisation: `encode_hostname` (IDNA 2003 with
//! nameprep, as `str.encode('idna')`), then `wrap_bio` with the same name
//! on a client context (the empty / leading-dot / NUL checks, OpenSSL's IP
//! literal test, SNI and the verification parameter); when both succeed the
//! stored name must be the encoded one.
#![no_main]
use pyssl::WrapOptions;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pyssl::{MemoryBio, Protocol, SslContext};

fn ctx() -> &'static SslContext {
    static CTX: OnceLock<SslContext> = OnceLock::new();
    CTX.get_or_init(|| SslContext::new(Protocol::TlsClient).expect("client context"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    let encoded = pyssl::encode_hostname(name);
    let (i, o) = (MemoryBio::new().unwrap(), MemoryBio::new().unwrap());
    match ctx().wrap_bio(&i, &o, WrapOptions::client(name)) {
        Ok(mut obj) => {
            let enc = encoded.expect("wrap_bio accepted a name encode_hostname refuses");
            assert_eq!(obj.server_hostname(), Some(enc.as_str()));
            // The ClientHello carries the SNI (or not, for an IP literal).
            let _ = obj.do_handshake();
            let _ = o.read(None);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
