//! Library-wide facts and small helpers: version, IP literal parsing as
//! OpenSSL does it, default verify paths, `poll(2)` for socket timeouts.

use std::ffi::CString;

use libc::c_int;
use openssl_sys as sys;

use super::ffi;

/// `OpenSSL_version(OPENSSL_VERSION)`, e.g. `"OpenSSL 3.0.19 27 Jan 2026"`.
pub(crate) fn version_text() -> String {
    super::init();
    // SAFETY: returns a static string.
    unsafe { super::cstr_to_string(ffi::OpenSSL_version(ffi::OPENSSL_VERSION)) }.unwrap_or_default()
}

/// `OpenSSL_version_num()`.
pub(crate) fn version_number() -> u64 {
    super::init();
    // SAFETY: no arguments.
    #[allow(clippy::useless_conversion)]
    u64::from(unsafe { sys::OpenSSL_version_num() })
}

/// OpenSSL's `a2i_IPADDRESS`: the binary address when `text` is an IPv4
/// dotted quad or IPv6 literal in OpenSSL's grammar, else `None`.
pub(crate) fn parse_ip(text: &str) -> Option<Vec<u8>> {
    let c = CString::new(text).ok()?;
    // SAFETY: NUL-terminated input; we own and free the result.
    unsafe {
        let ip = ffi::a2i_IPADDRESS(c.as_ptr());
        if ip.is_null() {
            super::err::clear();
            return None;
        }
        let data = sys::ASN1_STRING_get0_data(ip.cast());
        let len = usize::try_from(sys::ASN1_STRING_length(ip.cast())).unwrap_or(0);
        let out = if data.is_null() {
            Vec::new()
        } else {
            std::slice::from_raw_parts(data, len).to_vec()
        };
        ffi::ASN1_OCTET_STRING_free(ip);
        Some(out)
    }
}

/// OpenSSL's compiled-in default paths: `(cafile env var, cafile, capath
/// env var, capath)`.
pub(crate) fn default_verify_paths() -> (String, String, String, String) {
    super::init();
    // SAFETY: all four return static strings.
    unsafe {
        (
            super::cstr_to_string(ffi::X509_get_default_cert_file_env()).unwrap_or_default(),
            super::cstr_to_string(ffi::X509_get_default_cert_file()).unwrap_or_default(),
            super::cstr_to_string(ffi::X509_get_default_cert_dir_env()).unwrap_or_default(),
            super::cstr_to_string(ffi::X509_get_default_cert_dir()).unwrap_or_default(),
        )
    }
}

/// Outcome of waiting on a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ready {
    Ready,
    TimedOut,
}

/// `poll(2)` on one fd for reading or writing, `timeout_ms` < 0 waiting
/// forever; EINTR is retried.
pub(crate) fn poll_fd(fd: c_int, writing: bool, timeout_ms: i64) -> std::io::Result<Ready> {
    let mut pfd = libc::pollfd {
        fd,
        events: if writing { libc::POLLOUT } else { libc::POLLIN },
        revents: 0,
    };
    let ms = c_int::try_from(timeout_ms.max(-1)).unwrap_or(c_int::MAX);
    loop {
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        return Ok(if rc == 0 {
            Ready::TimedOut
        } else {
            Ready::Ready
        });
    }
}

/// Sets or clears `O_NONBLOCK` on an fd; returns the previous state.
pub(crate) fn set_nonblocking(fd: c_int, on: bool) -> std::io::Result<bool> {
    // SAFETY: fcntl on a caller-owned fd with integer arguments only.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let was = flags & libc::O_NONBLOCK != 0;
        let new = if on {
            flags | libc::O_NONBLOCK
        } else {
            flags & !libc::O_NONBLOCK
        };
        if new != flags && libc::fcntl(fd, libc::F_SETFL, new) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(was)
    }
}

/// `RAND_bytes`.
pub(crate) fn rand_bytes(n: usize) -> Result<Vec<u8>, crate::Error> {
    super::init();
    let mut buf = vec![0u8; n];
    for chunk in buf.chunks_mut(1 << 20) {
        let len = c_int::try_from(chunk.len()).unwrap_or(c_int::MAX);
        // SAFETY: OpenSSL writes exactly `len` bytes into the chunk.
        if unsafe { sys::RAND_bytes(chunk.as_mut_ptr(), len) } != 1 {
            return Err(crate::Error::Ssl(super::err::config_error()));
        }
    }
    Ok(buf)
}

/// `RAND_status`.
pub(crate) fn rand_status() -> bool {
    super::init();
    // SAFETY: no arguments.
    unsafe { sys::RAND_status() == 1 }
}

extern "C" {
    fn RAND_add(buf: *const libc::c_void, num: c_int, randomness: libc::c_double);
}

/// `RAND_add`, in chunks of at most `INT_MAX` bytes as CPython does.
pub(crate) fn rand_add(data: &[u8], entropy: f64) {
    super::init();
    for chunk in data.chunks(c_int::MAX as usize) {
        let len = c_int::try_from(chunk.len()).unwrap_or(c_int::MAX);
        // SAFETY: OpenSSL reads `len` bytes from the chunk.
        unsafe { RAND_add(chunk.as_ptr().cast(), len, entropy) };
    }
}

/// `recv(2)` into `buf` with `flags`; EINTR is the caller's to retry.
pub(crate) fn recv(fd: c_int, buf: &mut [u8], flags: c_int) -> std::io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), flags) };
    usize::try_from(n).map_err(|_| std::io::Error::last_os_error())
}
