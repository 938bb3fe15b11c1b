//! A client-side handshake through `SslObject` + `MemoryBio` whose server
//! is the fuzzer: the input's chunks (`pyssl_fuzz::split_handshake_input`)
//! are fed as the server's records, one turn each, with `do_handshake` /
//! `read` / `write` after each, then EOF, the getters and `unwrap`. The
//! client verifies against the fixture CA with `server_hostname`
//! "localhost", offers ALPN and a client certificate.
#![no_main]
use pyssl::WrapOptions;
use libfuzzer_sys::fuzz_target;
use pyssl::MemoryBio;

fuzz_target!(|data: &[u8]| {
    let (variant, chunks) = pyssl_fuzz::split_handshake_input(data);
    let ctx = pyssl_fuzz::client_context(variant);
    let (incoming, outgoing) = (MemoryBio::new().unwrap(), MemoryBio::new().unwrap());
    let mut obj = ctx
        .wrap_bio(&incoming, &outgoing, WrapOptions::client(pyssl_fuzz::HOSTNAME))
        .expect("wrap_bio");
    pyssl_fuzz::drive(&mut obj, &incoming, &outgoing, chunks);
});
