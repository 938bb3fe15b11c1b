//! CPython 3.13's `_ssl` extension module on pyssl's public API.
//!
//! Glue only: every behaviour (defaults, checks, error classes and texts,
//! certificate dicts, hostname handling) comes from pyssl; this crate
//! converts Python objects to pyssl's types and back, releases the GIL
//! around every OpenSSL call and wait, and takes it back in callbacks.
//! `scripts/test-cpython-suite.sh` builds it, shadows the stdlib `_ssl`
//! with it and runs CPython's `test_ssl`.

use pyo3::prelude::*;

mod bio;
mod cert;
mod context;
mod conv;
mod errors;
mod module;
mod psk;
mod session;
mod socket;

#[pymodule]
#[pyo3(name = "_ssl")]
fn ssl_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    module::register(m)?;
    bio::register(m)?;
    session::register(m)?;
    cert::register(m)?;
    context::register(m)?;
    socket::register(m)?;
    module::finish(m)
}
