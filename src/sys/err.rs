//! OpenSSL's error queue turned into Python's exceptions.
//!
//! This is the one place where an OpenSSL failure becomes an [`Error`]: the
//! queue is read and cleared here, in the function that raises, exactly as
//! CPython's `_setSSLError` / `PySSL_SetError` / `fill_and_set_sslerror` do.

use std::borrow::Cow;
use std::ffi::CStr;

use libc::{c_int, c_ulong};

use crate::error::{Error, OsError, SslCertVerificationError, SslError, SslErrorKind};

include!(concat!(env!("OUT_DIR"), "/err_data.rs"));

/// The library mnemonic of an `ERR_LIB_*` code (`"SSL"`, `"X509"`, ...).
pub(crate) fn library_name(lib: c_int) -> Option<&'static str> {
    LIBRARIES
        .binary_search_by_key(&lib, |(code, _)| *code)
        .ok()
        .map(|i| LIBRARIES[i].1)
}

/// The reason mnemonic of a `(library, reason)` pair.
pub(crate) fn reason_name(lib: c_int, reason: c_int) -> Option<&'static str> {
    REASONS
        .binary_search_by_key(&(lib, reason), |(l, r, _)| (*l, *r))
        .ok()
        .map(|i| REASONS[i].2)
}

/// `ERR_GET_LIB`.
pub(crate) fn err_lib(code: c_ulong) -> c_int {
    openssl_sys::ERR_GET_LIB(code)
}

/// `ERR_GET_REASON`.
pub(crate) fn err_reason(code: c_ulong) -> c_int {
    openssl_sys::ERR_GET_REASON(code)
}

/// `ERR_peek_last_error()`.
pub(crate) fn peek_last() -> c_ulong {
    // SAFETY: reads this thread's error queue; no pointers involved.
    unsafe { openssl_sys::ERR_peek_last_error() }
}

/// `ERR_clear_error()`.
pub(crate) fn clear() {
    // SAFETY: clears this thread's error queue; no pointers involved.
    unsafe { openssl_sys::ERR_clear_error() }
}

/// `ERR_reason_error_string(code)`.
pub(crate) fn reason_text(code: c_ulong) -> Option<String> {
    // SAFETY: returns NULL or a pointer to a static NUL-terminated string
    // owned by OpenSSL's error-string table.
    let p = unsafe { openssl_sys::ERR_reason_error_string(code) };
    if p.is_null() {
        None
    } else {
        // SAFETY: non-NULL, NUL-terminated, static (see above).
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// `X509_verify_cert_error_string(code)`.
pub(crate) fn verify_error_text(code: i64) -> Option<String> {
    let code = libc::c_long::try_from(code).ok()?;
    // SAFETY: returns a pointer to a static string (or a per-thread buffer
    // for unknown codes), NUL-terminated.
    let p = unsafe { openssl_sys::X509_verify_cert_error_string(code) };
    if p.is_null() {
        None
    } else {
        // SAFETY: see above; copied out immediately.
        Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }
}

/// The parts CPython's `fill_and_set_sslerror` puts together.
struct Composed {
    message: Cow<'static, str>,
    library: Option<String>,
    reason: Option<String>,
}

/// `fill_and_set_sslerror`'s message: `[LIB: REASON] text[: verify]`.
fn compose(errcode: c_ulong, errstr: Option<&'static str>, verify: Option<&str>) -> Composed {
    let mut lib = None;
    let mut reason = None;
    let mut text: Option<Cow<'static, str>> = errstr.map(Cow::Borrowed);
    if errcode != 0 {
        let l = err_lib(errcode);
        lib = library_name(l);
        reason = reason_name(l, err_reason(errcode));
        if text.is_none() {
            text = reason_text(errcode).map(Cow::Owned);
        }
    }
    let text = text.unwrap_or(Cow::Borrowed("unknown error"));
    let message = match (verify, reason, lib) {
        (Some(v), Some(r), Some(l)) => format!("[{l}: {r}] {text}: {v}").into(),
        (_, Some(r), Some(l)) => format!("[{l}: {r}] {text}").into(),
        (_, _, Some(l)) => format!("[{l}] {text}").into(),
        _ => text,
    };
    Composed {
        message,
        library: lib.map(str::to_string),
        reason: reason.map(str::to_string),
    }
}

/// CPython's `_setSSLError(NULL, ...)`: an `SSLError` from the last error on
/// the queue, which is then cleared. `errno` is the reason code.
pub(crate) fn config_error() -> SslError {
    let code = peek_last();
    let c = compose(code, None, None);
    clear();
    SslError::new(
        SslErrorKind::Ssl,
        i64::from(err_reason(code)),
        c.message,
        c.library,
        c.reason,
    )
}

/// CPython's `_setSSLError(errstr, ...)`: an `SSLError` with a fixed text and
/// no library or reason; the queue is cleared.
pub(crate) fn config_error_text(text: &str) -> SslError {
    clear();
    SslError::text(text.to_string())
}

/// What happened around a failed `SSL_*` I/O call: CPython's `_PySSLError`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IoFailure {
    /// `SSL_get_error(ssl, ret)`.
    pub(crate) ssl_error: c_int,
    /// `errno` right after the call.
    pub(crate) errno: c_int,
}

/// How verification failures name the peer: the connection's stored
/// `server_hostname` and its verify result.
pub(crate) struct VerifyInfo<'a> {
    pub(crate) server_hostname: Option<&'a str>,
    pub(crate) verify_result: i64,
}

/// CPython's `PySSL_SetError`: the exception for a failed handshake, read,
/// write or shutdown. `has_socket` is false for memory-BIO connections
/// (CPython's `GET_SOCKET(...) == NULL`). The queue is cleared.
pub(crate) fn io_error(f: IoFailure, has_socket: bool, verify: &VerifyInfo<'_>) -> Error {
    let e = peek_last();
    let mut kind = SslErrorKind::Ssl;
    let mut errno: i64 = 1;
    let mut errstr: Option<&str> = None;
    let mut cert_verify = false;
    match f.ssl_error {
        openssl_sys::SSL_ERROR_ZERO_RETURN => {
            errstr = Some("TLS/SSL connection has been closed (EOF)");
            kind = SslErrorKind::ZeroReturn;
            errno = 6;
        }
        openssl_sys::SSL_ERROR_WANT_READ => {
            errstr = Some("The operation did not complete (read)");
            kind = SslErrorKind::WantRead;
            errno = 2;
        }
        openssl_sys::SSL_ERROR_WANT_WRITE => {
            errstr = Some("The operation did not complete (write)");
            kind = SslErrorKind::WantWrite;
            errno = 3;
        }
        openssl_sys::SSL_ERROR_WANT_X509_LOOKUP => {
            errstr = Some("The operation did not complete (X509 lookup)");
            errno = 4;
        }
        openssl_sys::SSL_ERROR_WANT_CONNECT => {
            errstr = Some("The operation did not complete (connect)");
            errno = 7;
        }
        openssl_sys::SSL_ERROR_SYSCALL => {
            if e == 0 {
                // The BIO reported an I/O error: CPython 3.13 raises the
                // OSError of errno whatever the return value (SSL_read_ex
                // and SSL_write_ex return 0 for every failure), and an EOF
                // when errno is clear. A memory BIO sets no errno.
                clear();
                if has_socket && f.errno != 0 {
                    return Error::Os(OsError::from_errno(f.errno));
                }
                kind = SslErrorKind::Eof;
                errno = 8;
                errstr = Some("EOF occurred in violation of protocol");
            } else {
                errno = 5;
                if is_unexpected_eof(e) {
                    kind = SslErrorKind::Eof;
                }
            }
        }
        openssl_sys::SSL_ERROR_SSL => {
            if e == 0 {
                errstr = Some("A failure in the SSL library occurred");
            }
            if err_lib(e) == ERR_LIB_SSL && err_reason(e) == SSL_R_CERTIFICATE_VERIFY_FAILED {
                cert_verify = true;
            }
            if is_unexpected_eof(e) {
                kind = SslErrorKind::Eof;
                errno = 8;
                errstr = Some("EOF occurred in violation of protocol");
            }
        }
        _ => {
            errstr = Some("Invalid error code");
            errno = 10;
        }
    }
    let err = if cert_verify {
        let code = verify.verify_result;
        let name = verify.server_hostname.unwrap_or("None");
        let vmsg = match code {
            62 => Some(format!(
                "Hostname mismatch, certificate is not valid for '{name}'."
            )),
            64 => Some(format!(
                "IP address mismatch, certificate is not valid for '{name}'."
            )),
            _ => verify_error_text(code),
        };
        let c = compose(e, errstr, vmsg.as_deref());
        Error::CertVerification(SslCertVerificationError::new(
            errno,
            c.message,
            c.library,
            c.reason,
            Some(code),
            vmsg,
        ))
    } else {
        let c = compose(e, errstr, None);
        Error::Ssl(SslError::new(kind, errno, c.message, c.library, c.reason))
    };
    clear();
    err
}

fn is_unexpected_eof(e: c_ulong) -> bool {
    SSL_R_UNEXPECTED_EOF_WHILE_READING >= 0
        && err_lib(e) == ERR_LIB_SSL
        && err_reason(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_from_the_headers() {
        assert_eq!(library_name(ERR_LIB_SSL), Some("SSL"));
        assert_eq!(library_name(ERR_LIB_X509), Some("X509"));
        assert_eq!(library_name(ERR_LIB_PEM), Some("PEM"));
        assert_eq!(
            reason_name(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED),
            Some("CERTIFICATE_VERIFY_FAILED")
        );
        assert_eq!(
            reason_name(ERR_LIB_PEM, PEM_R_NO_START_LINE),
            Some("NO_START_LINE")
        );
        assert!(LIBRARIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REASONS
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    }
}
