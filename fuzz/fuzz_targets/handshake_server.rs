//! A server-side handshake through `SslObject` + `MemoryBio` whose client
//! is the fuzzer: the input's chunks (`pyssl_fuzz::split_handshake_input`)
//! are fed as the client's records, one turn each, with `do_handshake` /
//! `read` / `write` after each, then EOF, the getters and `unwrap`. The
//! server requests (optional) client certificates, selects ALPN and has an
//! SNI callback that switches context or aborts for some names.
#![no_main]
use pyssl::WrapOptions;
use libfuzzer_sys::fuzz_target;
use pyssl::MemoryBio;

fuzz_target!(|data: &[u8]| {
    let (variant, chunks) = pyssl_fuzz::split_handshake_input(data);
    let ctx = pyssl_fuzz::server_context(variant);
    let (incoming, outgoing) = (MemoryBio::new().unwrap(), MemoryBio::new().unwrap());
    let mut obj = ctx
        .wrap_bio(&incoming, &outgoing, WrapOptions::server())
        .expect("wrap_bio");
    pyssl_fuzz::drive(&mut obj, &incoming, &outgoing, chunks);
});
