//! pyssl's integration tests: one binary, so OpenSSL is linked once.
//! Loopback only; certificates are generated at run time (see
//! `pyssl::testing`) or come from the committed conformance corpus with its
//! generator.

mod asn1;
mod asyncio;
mod borrowed;
mod callbacks;
mod certificate;
mod conformance;
mod constants;
mod context;
mod dh;
mod exceptions;
mod faults;
mod fixtures;
mod handshake;
mod helpers;
mod interop;
mod io_errors;
mod msgcallback;
mod names;
mod pem;
mod psk;
mod pyrepr;
mod session;
mod sni;
mod socketmodel;
mod sslobject;
mod stress;
mod support;
mod tokio_io;
mod unicode_errors;
