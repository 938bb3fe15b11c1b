//! An owned `SSL`: one TLS connection, over a socket fd or memory BIOs.
//!
//! The I/O methods return the raw outcome ([`IoFailure`] on failure,
//! captured right after the call as CPython's `_PySSL_errno` does); the
//! caller decides between retrying (timeouts, want-read) and raising, and
//! raises through [`super::err::io_error`].

use std::ffi::CStr;
use std::ptr::{self, NonNull};

use libc::{c_int, c_void};
use openssl_sys as sys;

use super::callbacks::{self, ConnState};
use super::ctx::{Ctx, RawCipher};
use super::err::{self, IoFailure, VerifyInfo};
use super::ffi;
use crate::error::Error;

/// An owned `SSL` with its callback state.
pub(crate) struct Conn {
    ptr: NonNull<sys::SSL>,
    state: Box<ConnState>,
}

/// A borrowed `SSL`: the getters that only read the connection.
///
/// `&ConnRef` is the `SSL` pointer itself, typed as an opaque foreign
/// object (as `openssl::ssl::SslRef` is): a shared reference to it asserts
/// nothing about the memory OpenSSL changes under it. The owner reaches it
/// through [`Conn`]'s `Deref`; a callback that OpenSSL runs on the
/// connection, inside an OpenSSL call of the owner's, gets one from the
/// `SSL *` OpenSSL passes ([`ConnRef::from_ptr`]), without touching the
/// `Conn` the owner holds mutably.
pub(crate) struct ConnRef(foreign_types::Opaque);

impl ConnRef {
    /// # Safety
    /// `ssl` must be a valid `SSL` that outlives `'a` (in a callback: the
    /// `SSL` OpenSSL passes, for the duration of the callback).
    pub(crate) unsafe fn from_ptr<'a>(ssl: *mut sys::SSL) -> &'a ConnRef {
        // SAFETY: guaranteed by the caller; ConnRef is an opaque, zero-sized
        // view of the SSL.
        unsafe { &*ssl.cast::<ConnRef>() }
    }
}

impl std::ops::Deref for Conn {
    type Target = ConnRef;

    fn deref(&self) -> &ConnRef {
        // SAFETY: we own the SSL, live as long as `self`.
        unsafe { ConnRef::from_ptr(self.ptr.as_ptr()) }
    }
}

// SAFETY: an SSL object may move between threads; it is used from one
// thread at a time (all methods that touch it need `&mut self` or are
// read-only getters the owner serialises).
unsafe impl Send for Conn {}

impl Drop for Conn {
    fn drop(&mut self) {
        // SAFETY: we own the SSL; freeing it also frees the BIOs attached to
        // it (each holds its own reference). The ex_data pointer to `state`
        // is not used after this.
        unsafe { sys::SSL_free(self.ptr.as_ptr()) }
    }
}

/// `SSL_get_error` and `errno` right after a call that reported failure.
/// Each I/O call starts with `errno` at 0, so a value here is that call's
/// own (a stale `EAGAIN` from an earlier retry must not turn a ragged EOF
/// into an `OSError`).
fn failure(ssl: *mut sys::SSL, ret: c_int) -> IoFailure {
    let errno = super::errno();
    // SAFETY: valid SSL; `ret` is the return value of the last I/O call.
    let ssl_error = unsafe { sys::SSL_get_error(ssl, ret) };
    IoFailure { ssl_error, errno }
}

impl Conn {
    /// CPython's `newPySSLSocket` up to the BIO: clears the error queue,
    /// `SSL_new`, app state, `SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
    /// SSL_MODE_AUTO_RETRY`, host flags copied explicitly (bpo-43522).
    pub(crate) fn new(ctx: &Ctx, hostflags: u32) -> Result<Conn, Error> {
        err::clear();
        // SAFETY: valid SSL_CTX.
        let p = unsafe { sys::SSL_new(ctx.as_ptr()) };
        let ptr = NonNull::new(p).ok_or_else(|| Error::Ssl(err::config_error()))?;
        let conn = Conn {
            ptr,
            state: Box::new(ConnState::new()),
        };
        callbacks::register_conn_state(conn.as_ptr(), &conn.state)?;
        // SAFETY: valid SSL; mode bits only.
        unsafe {
            sys::SSL_ctrl(
                conn.as_ptr(),
                ffi::SSL_CTRL_MODE,
                ffi::SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | ffi::SSL_MODE_AUTO_RETRY,
                ptr::null_mut(),
            );
            sys::X509_VERIFY_PARAM_set_hostflags(sys::SSL_get0_param(conn.as_ptr()), hostflags);
        }
        Ok(conn)
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::SSL {
        self.ptr.as_ptr()
    }

    /// The connection's identity (what message callbacks report).
    pub(crate) fn id(&self) -> crate::message::ConnectionId {
        crate::message::ConnectionId(self.state.id)
    }

    /// The callback state (kept-alive contexts, stashed panics).
    pub(crate) fn state(&self) -> &ConnState {
        &self.state
    }

    /// Attaches memory BIOs (each gains a reference, as CPython's
    /// `BIO_up_ref` before `SSL_set_bio`).
    pub(crate) fn set_bios(&mut self, rbio: &super::bio::MemBio, wbio: &super::bio::MemBio) {
        // SAFETY: valid SSL and BIOs; SSL_set_bio takes over one reference
        // of each, which we add first.
        unsafe {
            ffi::BIO_up_ref(rbio.as_ptr());
            ffi::BIO_up_ref(wbio.as_ptr());
            sys::SSL_set_bio(self.as_ptr(), rbio.as_ptr(), wbio.as_ptr());
        }
    }

    /// Attaches one of pyssl's socket BIOs for both directions (it gains
    /// a reference; `SSL_set_bio` with the same BIO twice takes one).
    pub(crate) fn set_sock_bio(&mut self, bio: &super::bio::SockBio) {
        // SAFETY: valid SSL and BIO; SSL_set_bio takes over the reference
        // we add first.
        unsafe {
            ffi::BIO_up_ref(bio.as_ptr());
            sys::SSL_set_bio(self.as_ptr(), bio.as_ptr(), bio.as_ptr());
        }
    }

    /// `SSL_set_SSL_CTX` outside a callback: the connection goes on with
    /// `ctx` (certificate, verification settings); `keep` holds the
    /// context alive for the connection and is what `context` reports.
    pub(crate) fn switch_context(
        &mut self,
        ctx: &Ctx,
        keep: std::sync::Arc<dyn std::any::Any + Send + Sync>,
    ) {
        // SAFETY: valid SSL and SSL_CTX; OpenSSL takes a reference to it.
        unsafe { sys::SSL_set_SSL_CTX(self.as_ptr(), ctx.as_ptr()) };
        callbacks::sync_msg_callback(self.as_ptr(), ctx);
        if let Ok(mut s) = self.state.switched.lock() {
            *s = Some(keep.clone());
        }
        if let Ok(mut k) = self.state.keep.lock() {
            k.push(keep);
        }
    }

    /// `SSL_set_session_id_context`.
    pub(crate) fn set_session_id_context(&mut self, sid: &[u8]) {
        let len = libc::c_uint::try_from(sid.len()).unwrap_or(0);
        // SAFETY: valid SSL; OpenSSL copies `len` bytes from `sid` (at most
        // SSL_MAX_SID_CTX_LENGTH, else it refuses and copies nothing).
        unsafe { ffi::SSL_set_session_id_context(self.as_ptr(), sid.as_ptr(), len) };
    }

    /// `SSL_set_connect_state` / `SSL_set_accept_state`.
    pub(crate) fn set_role(&mut self, server: bool) {
        // SAFETY: valid SSL.
        unsafe {
            if server {
                sys::SSL_set_accept_state(self.as_ptr());
            } else {
                sys::SSL_set_connect_state(self.as_ptr());
            }
        }
    }

    /// Post-handshake authentication as CPython enables it: clients get
    /// `SSL_set_post_handshake_auth`; servers add
    /// `SSL_VERIFY_POST_HANDSHAKE` only together with `SSL_VERIFY_PEER`
    /// (bpo-37428).
    pub(crate) fn enable_post_handshake_auth(&mut self, server: bool) {
        // SAFETY: valid SSL.
        unsafe {
            if server {
                let mode = ffi::SSL_get_verify_mode(self.as_ptr());
                if mode & sys::SSL_VERIFY_PEER != 0 {
                    let cb = ffi::SSL_get_verify_callback(self.as_ptr());
                    ffi::SSL_set_verify(self.as_ptr(), mode | sys::SSL_VERIFY_POST_HANDSHAKE, cb);
                }
            } else {
                ffi::SSL_set_post_handshake_auth(self.as_ptr(), 1);
            }
        }
    }

    /// CPython's `_ssl_configure_hostname` after the Python-level checks:
    /// SNI for names only, then the host or IP check when `check_hostname`.
    /// `ip` is the binary address when OpenSSL's parser took the name for an
    /// IP literal.
    pub(crate) fn configure_hostname(
        &mut self,
        name: &CStr,
        ip: Option<&[u8]>,
        check_hostname: bool,
    ) -> Result<(), Error> {
        // SAFETY: valid SSL and NUL-terminated name (OpenSSL copies it).
        unsafe {
            if ip.is_none()
                && sys::SSL_set_tlsext_host_name(self.as_ptr(), name.as_ptr() as *mut _) != 1
            {
                return Err(Error::Ssl(err::config_error()));
            }
            if check_hostname {
                let param = sys::SSL_get0_param(self.as_ptr());
                let ok = match ip {
                    None => sys::X509_VERIFY_PARAM_set1_host(
                        param,
                        name.as_ptr(),
                        name.to_bytes().len(),
                    ),
                    Some(raw) => sys::X509_VERIFY_PARAM_set1_ip(param, raw.as_ptr(), raw.len()),
                };
                if ok != 1 {
                    return Err(Error::Ssl(err::config_error()));
                }
            }
        }
        Ok(())
    }

    /// `SSL_set_cipher_list`: a TLS 1.2 cipher list of the connection's own,
    /// so that it stops reading its context's.
    pub(crate) fn set_cipher_list(&mut self, list: &std::ffi::CStr) {
        // SAFETY: valid SSL and NUL-terminated string; OpenSSL keeps its own
        // stacks.
        unsafe { sys::SSL_set_cipher_list(self.as_ptr(), list.as_ptr()) };
        err::clear();
    }

    /// `SSL_do_handshake`.
    pub(crate) fn do_handshake(&mut self) -> Result<(), IoFailure> {
        super::set_errno(0);
        // SAFETY: valid SSL with a BIO attached.
        let ret = unsafe { sys::SSL_do_handshake(self.as_ptr()) };
        if ret < 1 {
            Err(failure(self.as_ptr(), ret))
        } else {
            Ok(())
        }
    }

    /// `SSL_read_ex` into `buf`.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, IoFailure> {
        let mut n = 0usize;
        super::set_errno(0);
        // SAFETY: valid SSL; OpenSSL writes at most buf.len() bytes into buf.
        let ret = unsafe {
            sys::SSL_read_ex(
                self.as_ptr(),
                buf.as_mut_ptr().cast::<c_void>(),
                buf.len(),
                &mut n,
            )
        };
        if ret == 0 {
            Err(failure(self.as_ptr(), ret))
        } else {
            Ok(n)
        }
    }

    /// `SSL_write_ex` of `buf`.
    pub(crate) fn write(&mut self, buf: &[u8]) -> Result<usize, IoFailure> {
        let mut n = 0usize;
        super::set_errno(0);
        // SAFETY: valid SSL; OpenSSL reads buf.len() bytes from buf.
        let ret = unsafe {
            sys::SSL_write_ex(
                self.as_ptr(),
                buf.as_ptr().cast::<c_void>(),
                buf.len(),
                &mut n,
            )
        };
        if ret == 0 {
            Err(failure(self.as_ptr(), ret))
        } else {
            Ok(n)
        }
    }

    /// `SSL_shutdown`: `Ok(true)` when the bidirectional shutdown is
    /// complete, `Ok(false)` when close_notify was sent (return 0).
    pub(crate) fn shutdown(&mut self) -> Result<bool, IoFailure> {
        super::set_errno(0);
        // SAFETY: valid SSL.
        let ret = unsafe { sys::SSL_shutdown(self.as_ptr()) };
        match ret {
            r if r > 0 => Ok(true),
            0 => Ok(false),
            r => Err(failure(self.as_ptr(), r)),
        }
    }

    /// `SSL_set_read_ahead(ssl, 0)` (before a shutdown that may be followed
    /// by clear text).
    pub(crate) fn disable_read_ahead(&mut self) {
        self.set_read_ahead(false);
    }

    /// `SSL_set_read_ahead(ssl, on)`.
    pub(crate) fn set_read_ahead(&mut self, on: bool) {
        // SAFETY: valid SSL.
        unsafe {
            sys::SSL_ctrl(
                self.as_ptr(),
                sys::SSL_CTRL_SET_READ_AHEAD,
                libc::c_long::from(on),
                ptr::null_mut(),
            )
        };
    }
}

impl ConnRef {
    /// The `SSL` itself (for OpenSSL calls that only read it).
    pub(crate) fn as_ptr(&self) -> *mut sys::SSL {
        (self as *const ConnRef).cast_mut().cast()
    }

    /// The negotiated protocol version number (`SSL_version`).
    pub(crate) fn version_number(&self) -> c_int {
        // SAFETY: valid SSL.
        unsafe { sys::SSL_version(self.as_ptr()) }
    }

    /// `SSL_get_shutdown`.
    pub(crate) fn shutdown_state(&self) -> c_int {
        // SAFETY: valid SSL.
        unsafe { sys::SSL_get_shutdown(self.as_ptr()) }
    }

    /// `SSL_is_server`.
    pub(crate) fn is_server(&self) -> bool {
        // SAFETY: valid SSL.
        unsafe { sys::SSL_is_server(self.as_ptr()) != 0 }
    }

    /// `SSL_pending`.
    pub(crate) fn pending(&self) -> usize {
        // SAFETY: valid SSL.
        let n = unsafe { sys::SSL_pending(self.as_ptr()) };
        usize::try_from(n).unwrap_or(0)
    }

    /// `SSL_is_init_finished`.
    pub(crate) fn is_init_finished(&self) -> bool {
        // SAFETY: valid SSL.
        unsafe { ffi::SSL_is_init_finished(self.as_ptr()) != 0 }
    }

    /// `SSL_get_verify_result`.
    pub(crate) fn verify_result(&self) -> i64 {
        // SAFETY: valid SSL.
        #[allow(clippy::useless_conversion)]
        i64::from(unsafe { sys::SSL_get_verify_result(self.as_ptr()) })
    }

    /// The exception for a failed I/O call on this connection.
    pub(crate) fn io_error(
        &self,
        f: IoFailure,
        has_socket: bool,
        server_hostname: Option<&str>,
    ) -> Error {
        let info = VerifyInfo {
            server_hostname,
            verify_result: self.verify_result(),
        };
        err::io_error(f, has_socket, &info)
    }

    /// `SSL_get_version`, `None` before the handshake completed.
    pub(crate) fn version(&self) -> Option<String> {
        if !self.is_init_finished() {
            return None;
        }
        // SAFETY: valid SSL; returns a static string.
        let v = unsafe { super::cstr_to_string(sys::SSL_get_version(self.as_ptr())) }?;
        (v != "unknown").then_some(v)
    }

    /// `(name, protocol, secret bits)` of the current cipher.
    pub(crate) fn cipher(&self) -> Option<(String, String, i32)> {
        // SAFETY: valid SSL; the cipher is static.
        let c = unsafe { sys::SSL_get_current_cipher(self.as_ptr()) };
        if c.is_null() {
            return None;
        }
        Some(cipher_tuple(c))
    }

    /// The ciphers both sides offered (`shared_ciphers()`), in the
    /// server's order; `None` when OpenSSL has no list.
    pub(crate) fn shared_ciphers(&self) -> Option<Vec<(String, String, i32)>> {
        // SAFETY: valid SSL; the stacks are owned by it.
        unsafe {
            let server = ffi::SSL_get_ciphers(self.as_ptr());
            let client = ffi::SSL_get_client_ciphers(self.as_ptr());
            if server.is_null() || client.is_null() {
                return None;
            }
            let client_ids: Vec<u32> = stack_ciphers(client)
                .into_iter()
                .map(|c| ffi::SSL_CIPHER_get_id(c))
                .collect();
            Some(
                stack_ciphers(server)
                    .into_iter()
                    .filter(|c| client_ids.contains(&ffi::SSL_CIPHER_get_id(*c)))
                    .map(cipher_tuple)
                    .collect(),
            )
        }
    }

    /// The negotiated ALPN protocol.
    pub(crate) fn alpn_selected(&self) -> Option<Vec<u8>> {
        let mut data: *const libc::c_uchar = ptr::null();
        let mut len: libc::c_uint = 0;
        // SAFETY: valid SSL; OpenSSL points `data` at memory it owns.
        unsafe { sys::SSL_get0_alpn_selected(self.as_ptr(), &mut data, &mut len) };
        if data.is_null() || len == 0 {
            return None;
        }
        // SAFETY: OpenSSL guarantees `len` readable bytes at `data`.
        Some(unsafe { std::slice::from_raw_parts(data, len as usize) }.to_vec())
    }

    /// The peer's certificate (a new reference).
    pub(crate) fn peer_cert(&self) -> Option<openssl::x509::X509> {
        // SAFETY: valid SSL; the function returns a new reference (or NULL)
        // whose ownership passes to the X509 wrapper.
        unsafe {
            #[cfg(ossl300)]
            let x = sys::SSL_get1_peer_certificate(self.as_ptr());
            #[cfg(not(ossl300))]
            let x = sys::SSL_get_peer_certificate(self.as_ptr());
            if x.is_null() {
                None
            } else {
                Some(<openssl::x509::X509 as foreign_types::ForeignType>::from_ptr(x))
            }
        }
    }

    /// The peer's certificate, DER-encoded.
    pub(crate) fn peer_cert_der(&self) -> Option<Vec<u8>> {
        self.peer_cert().and_then(|x| x.to_der().ok())
    }

    /// The verify mode of the context the connection currently uses (what
    /// `getpeercert()` consults).
    pub(crate) fn ctx_verify_mode(&self) -> c_int {
        // SAFETY: valid SSL; the SSL_CTX is owned by it.
        unsafe { sys::SSL_CTX_get_verify_mode(sys::SSL_get_SSL_CTX(self.as_ptr())) }
    }

    /// The verified chain (leaf first), DER-encoded.
    pub(crate) fn verified_chain_der(&self) -> Vec<Vec<u8>> {
        // SAFETY: valid SSL; the stack is owned by it.
        unsafe { super::x509::stack_der(sys::SSL_get0_verified_chain(self.as_ptr())) }
    }

    /// The chain the peer sent (`SSL_get_peer_cert_chain`), DER-encoded.
    pub(crate) fn peer_chain_der(&self) -> Option<Vec<Vec<u8>>> {
        // SAFETY: valid SSL; the stack is owned by it.
        unsafe {
            let sk = sys::SSL_get_peer_cert_chain(self.as_ptr());
            if sk.is_null() {
                None
            } else {
                Some(super::x509::stack_der(sk))
            }
        }
    }

    /// The Finished message for `tls-unique` (`SSL_get_finished` for our
    /// own, `SSL_get_peer_finished` for the peer's).
    pub(crate) fn finished(&self, own: bool) -> Vec<u8> {
        let mut buf = [0u8; 128];
        // SAFETY: valid SSL; OpenSSL writes at most buf.len() bytes.
        let n = unsafe {
            if own {
                sys::SSL_get_finished(self.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
            } else {
                ffi::SSL_get_peer_finished(self.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
            }
        };
        buf[..n.min(buf.len())].to_vec()
    }

    /// `SSL_session_reused`.
    pub(crate) fn session_reused(&self) -> bool {
        // SAFETY: valid SSL.
        unsafe { sys::SSL_session_reused(self.as_ptr()) != 0 }
    }
}

impl Conn {
    /// `SSL_verify_client_post_handshake`.
    pub(crate) fn verify_client_post_handshake(&mut self) -> Result<(), Error> {
        // SAFETY: valid SSL.
        if unsafe { ffi::SSL_verify_client_post_handshake(self.as_ptr()) } != 1 {
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }
}

/// The ciphers of an OpenSSL cipher stack.
///
/// # Safety
/// `sk` must be NULL or a valid `STACK_OF(SSL_CIPHER)`.
unsafe fn stack_ciphers(sk: *mut sys::stack_st_SSL_CIPHER) -> Vec<*const sys::SSL_CIPHER> {
    if sk.is_null() {
        return Vec::new();
    }
    // SAFETY: valid stack (caller); the values are static ciphers.
    unsafe {
        let n = sys::OPENSSL_sk_num(sk.cast());
        (0..n)
            .map(|i| sys::OPENSSL_sk_value(sk.cast(), i) as *const sys::SSL_CIPHER)
            .collect()
    }
}

/// CPython's `cipher_to_tuple`.
fn cipher_tuple(c: *const sys::SSL_CIPHER) -> (String, String, i32) {
    // SAFETY: `c` is a valid static cipher; the strings are static.
    unsafe {
        let name = super::cstr_to_string(sys::SSL_CIPHER_get_name(c)).unwrap_or_default();
        let version = super::cstr_to_string(sys::SSL_CIPHER_get_version(c)).unwrap_or_default();
        let bits = sys::SSL_CIPHER_get_bits(c, ptr::null_mut());
        (name, version, bits)
    }
}

/// CPython's `cipher_to_dict` for every cipher of a stack.
pub(crate) fn cipher_stack(sk: *mut sys::stack_st_SSL_CIPHER) -> Vec<RawCipher> {
    // SAFETY: `sk` comes from SSL_get_ciphers on a live SSL (or is NULL).
    let list = unsafe { stack_ciphers(sk) };
    list.into_iter()
        .map(|c| {
            let mut buf = [0 as libc::c_char; 512];
            // SAFETY: `c` is a valid static cipher; the description is
            // written into `buf` (NUL-terminated, at most its length).
            unsafe {
                let mut alg_bits: c_int = 0;
                let strength = sys::SSL_CIPHER_get_bits(c, &mut alg_bits);
                ffi::SSL_CIPHER_description(c, buf.as_mut_ptr(), 512);
                let mut description = super::cstr_to_string(buf.as_ptr()).unwrap_or_default();
                if description.ends_with('\n') {
                    description.pop();
                }
                let nid_name = |nid: c_int| {
                    if nid == sys::NID_undef {
                        None
                    } else {
                        super::cstr_to_string(sys::OBJ_nid2ln(nid))
                    }
                };
                RawCipher {
                    id: ffi::SSL_CIPHER_get_id(c),
                    name: super::cstr_to_string(sys::SSL_CIPHER_get_name(c)).unwrap_or_default(),
                    protocol: super::cstr_to_string(sys::SSL_CIPHER_get_version(c))
                        .unwrap_or_default(),
                    description,
                    strength_bits: strength,
                    alg_bits,
                    aead: ffi::SSL_CIPHER_is_aead(c) != 0,
                    symmetric: nid_name(ffi::SSL_CIPHER_get_cipher_nid(c)),
                    digest: nid_name(ffi::SSL_CIPHER_get_digest_nid(c)),
                    kea: nid_name(ffi::SSL_CIPHER_get_kx_nid(c)),
                    auth: nid_name(ffi::SSL_CIPHER_get_auth_nid(c)),
                }
            }
        })
        .collect()
}

/// An owned reference to an `SSL_SESSION`.
pub(crate) struct Session {
    ptr: NonNull<sys::SSL_SESSION>,
    /// The `SSL_CTX` the session came from (identity only, never
    /// dereferenced).
    ctx: usize,
}

// SAFETY: an SSL_SESSION is reference counted with atomic counts and
// immutable once established; OpenSSL locks its mutable parts.
unsafe impl Send for Session {}
// SAFETY: see above.
unsafe impl Sync for Session {}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { sys::SSL_SESSION_free(self.ptr.as_ptr()) }
    }
}

/// An independent copy of a session, or NULL: `SSL_SESSION_dup`, an
/// in-memory duplicate (the certificates are shared by reference, the
/// ticket, hostname, ALPN and PSK identities copied), which resumes as the
/// original does. CPython 3.13.0 copies through DER (`i2d`/`d2i`), which
/// costs about 1.6 M instructions per copy because it re-decodes the
/// peer's certificate and chain; the copy is what protects the caller's
/// `SslSession` from OpenSSL marking a connection's session not
/// resumable when that connection is freed without a shutdown.
///
/// # Safety
/// `orig` must be a valid session.
unsafe fn dup_session(orig: *mut sys::SSL_SESSION) -> *mut sys::SSL_SESSION {
    // SAFETY: valid session (caller); the copy is a new object with one
    // reference, ours.
    unsafe {
        let copy = ffi::SSL_SESSION_dup(orig);
        if copy.is_null() {
            err::clear();
        }
        copy
    }
}

impl Session {
    /// `SSL_SESSION_get_id`.
    pub(crate) fn id(&self) -> Vec<u8> {
        let mut len: libc::c_uint = 0;
        // SAFETY: valid session; the id stays owned by it.
        unsafe {
            let p = sys::SSL_SESSION_get_id(self.ptr.as_ptr(), &mut len);
            if p.is_null() {
                return Vec::new();
            }
            std::slice::from_raw_parts(p, len as usize).to_vec()
        }
    }

    /// `SSL_SESSION_get_time` (seconds since the epoch).
    pub(crate) fn time(&self) -> i64 {
        // SAFETY: valid session.
        #[allow(clippy::useless_conversion)]
        i64::from(unsafe { sys::SSL_SESSION_get_time(self.ptr.as_ptr()) })
    }

    /// `SSL_SESSION_get_timeout` (seconds).
    pub(crate) fn timeout(&self) -> i64 {
        // SAFETY: valid session.
        #[allow(clippy::useless_conversion)]
        i64::from(unsafe { sys::SSL_SESSION_get_timeout(self.ptr.as_ptr()) })
    }

    /// `SSL_SESSION_get_ticket_lifetime_hint`.
    pub(crate) fn ticket_lifetime_hint(&self) -> u64 {
        // SAFETY: valid session.
        #[allow(clippy::useless_conversion)]
        u64::from(unsafe { ffi::SSL_SESSION_get_ticket_lifetime_hint(self.ptr.as_ptr()) })
    }

    /// `SSL_SESSION_has_ticket`.
    pub(crate) fn has_ticket(&self) -> bool {
        // SAFETY: valid session.
        unsafe { ffi::SSL_SESSION_has_ticket(self.ptr.as_ptr()) != 0 }
    }

    /// Whether the session came from the given context.
    pub(crate) fn ctx_id(&self) -> usize {
        self.ctx
    }
}

impl ConnRef {
    /// The connection's session, `None` before one exists: a copy of
    /// `SSL_get1_session` (see [`dup_session`]), as CPython makes, because OpenSSL
    /// marks a connection's own session not resumable when that connection
    /// is freed without a shutdown.
    pub(crate) fn session(&self) -> Option<Session> {
        // SAFETY: valid SSL; we own the returned reference and free it after
        // copying it; the copy is a new object we own.
        unsafe {
            let orig = ffi::SSL_get1_session(self.as_ptr());
            if orig.is_null() {
                return None;
            }
            let copy = dup_session(orig);
            sys::SSL_SESSION_free(orig);
            NonNull::new(copy).map(|ptr| Session {
                ptr,
                ctx: self.ctx_id(),
            })
        }
    }
}

impl Conn {
    /// `SSL_set_session` with a copy, as CPython 3.13.0 does: OpenSSL marks
    /// the session a connection uses not resumable when that connection is
    /// freed without a shutdown or sends a fatal alert, which must not spoil
    /// the caller's `SslSession` (nor the other connections using it).
    pub(crate) fn set_session(&mut self, s: &Session) -> Result<(), Error> {
        // SAFETY: valid SSL and session; the copy is ours, SSL_set_session
        // takes its own reference, so we drop ours afterwards.
        unsafe {
            let copy = dup_session(s.ptr.as_ptr());
            if copy.is_null() {
                return Err(Error::Ssl(err::config_error()));
            }
            let r = sys::SSL_set_session(self.as_ptr(), copy);
            sys::SSL_SESSION_free(copy);
            if r != 1 {
                return Err(Error::Ssl(err::config_error()));
            }
        }
        Ok(())
    }
}

impl ConnRef {
    /// Identity of the `SSL_CTX` in use (for "different SSLContext"
    /// checks).
    pub(crate) fn ctx_id(&self) -> usize {
        // SAFETY: valid SSL; only the address is used.
        unsafe { sys::SSL_get_SSL_CTX(self.as_ptr()) as usize }
    }
}
