//! Pure helpers: no OpenSSL calls, no `unsafe`. Each mirrors one piece of
//! CPython's `ssl.py`/`_ssl.c` behaviour on plain data.

pub(crate) mod certtime;
mod der;
pub(crate) mod idna2003;
pub(crate) mod match_hostname;
pub(crate) mod pem;
pub(crate) mod x509;
