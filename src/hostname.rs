//! `server_hostname` at wrap time, as CPython handles it: the `idna` codec
//! (IDNA 2003) for text, then the C-level checks, then OpenSSL's own test
//! for IP literals.

use std::ffi::CString;

use crate::error::{Error, Result, TypeError};

/// `SSLContext._encode_hostname`: `hostname.encode('idna').decode('ascii')`.
pub(crate) fn encode(hostname: &str) -> Result<String> {
    crate::pure::idna2003::encode(hostname).map_err(Error::Unicode)
}

/// The `"es"` argument converter: a NUL byte is a `TypeError`.
pub(crate) fn to_cstring(name: &str) -> Result<CString> {
    CString::new(name).map_err(|_| {
        Error::Type(TypeError::new(
            "argument must be encoded string without null bytes, not str",
        ))
    })
}

/// `_ssl_configure_hostname`'s checks: an empty name or a leading dot is a
/// `ValueError`; returns the binary address when OpenSSL's parser
/// (`a2i_IPADDRESS`) reads the name as an IP literal.
pub(crate) fn check_server_hostname(name: &str) -> Result<Option<Vec<u8>>> {
    if name.is_empty() || name.starts_with('.') {
        return Err(Error::value(
            "server_hostname cannot be an empty string or start with a leading dot.",
        ));
    }
    Ok(crate::sys::misc::parse_ip(name))
}
