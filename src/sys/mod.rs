//! The only module with `unsafe` code: every OpenSSL call goes through here.
//!
//! The rest of the crate sees safe handles ([`ctx::Ctx`], [`conn::Conn`],
//! [`bio::MemBio`]) and plain Rust values. Every `unsafe` block carries a
//! `SAFETY:` note. Return codes are checked here and turned into
//! [`crate::Error`] by [`err`], which also drains OpenSSL's per-thread error
//! queue where the error is raised. Callbacks from C catch panics (see
//! [`callbacks`]); nothing unwinds through OpenSSL.

#![allow(unsafe_code)]

pub(crate) mod asn1;
pub(crate) mod bio;
pub(crate) mod callbacks;
pub(crate) mod conn;
pub(crate) mod ctx;
pub(crate) mod err;
pub(crate) mod ffi;
pub(crate) mod misc;
pub(crate) mod x509;

use std::ffi::CString;
use std::path::Path;

use crate::error::{Error, ValueError};

/// Initialises OpenSSL once (idempotent, thread-safe).
pub(crate) fn init() {
    openssl_sys::init();
}

/// A filesystem path as the C string OpenSSL wants, or Python's
/// `ValueError: embedded null byte`.
pub(crate) fn path_cstring(p: &Path) -> Result<CString, Error> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| Error::Value(ValueError::new("embedded null byte")))
}

/// Reads `errno`.
pub(crate) fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Sets `errno` (CPython resets it to 0 before calls whose failure it
/// classifies by `errno`).
pub(crate) fn set_errno(v: i32) {
    // SAFETY: __errno_location returns a valid pointer to this thread's errno.
    unsafe { *libc::__errno_location() = v };
}

/// Copies a C string owned by OpenSSL into a Rust `String` (lossy UTF-8),
/// `None` for NULL.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string that stays valid
/// for the duration of the call.
pub(crate) unsafe fn cstr_to_string(p: *const libc::c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        // SAFETY: guaranteed by the caller.
        Some(
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned(),
        )
    }
}
