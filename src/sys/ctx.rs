//! An owned `SSL_CTX` and every operation pyssl performs on it.
//!
//! OpenSSL's `SSL_CTX` is reference counted and safe to use from several
//! threads for creating connections (`SSL_new`) while it is not being
//! reconfigured. [`Ctx`] does not lock: the caller
//! ([`crate::SslContext`]) serialises reconfiguration against `SSL_new`
//! with its own lock. Hooks the callbacks read (ALPN list, SNI handler) live
//! in [`Hooks`] behind their own locks.

use std::ffi::{CStr, CString};
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::{Arc, RwLock};

use libc::{c_int, c_long, c_void};
use openssl_sys as sys;

use super::callbacks::{self, MsgHook, PskClientHook, PskServerHook, SniHook};
use super::err;
use super::ffi;
use crate::error::{Error, OsError, ValueError};

/// Which `SSL_METHOD` a context is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Tls,
    TlsClient,
    TlsServer,
    #[cfg(has_tlsv1_method)]
    TlsV1,
    #[cfg(has_tlsv1_1_method)]
    TlsV1_1,
    #[cfg(has_tlsv1_2_method)]
    TlsV1_2,
}

#[cfg(has_tlsv1_method)]
extern "C" {
    fn TLSv1_method() -> *const sys::SSL_METHOD;
}
#[cfg(has_tlsv1_1_method)]
extern "C" {
    fn TLSv1_1_method() -> *const sys::SSL_METHOD;
}
#[cfg(has_tlsv1_2_method)]
extern "C" {
    fn TLSv1_2_method() -> *const sys::SSL_METHOD;
}

/// State the C callbacks of a context read, owned by the [`Ctx`] and
/// registered as the `SSL_CTX`'s ex_data.
#[derive(Default)]
pub(crate) struct Hooks {
    /// The server's ALPN list in wire format, for the select callback.
    pub(crate) alpn: RwLock<Option<Arc<[u8]>>>,
    /// The SNI handler.
    pub(crate) sni: RwLock<Option<Arc<SniHook>>>,
    /// The message callback (`_msg_callback`).
    pub(crate) msg: RwLock<Option<Arc<MsgHook>>>,
    /// The PSK client handler (`set_psk_client_callback`).
    #[cfg_attr(not(has_psk), allow(dead_code))]
    pub(crate) psk_client: RwLock<Option<Arc<PskClientHook>>>,
    /// The PSK server handler (`set_psk_server_callback`).
    #[cfg_attr(not(has_psk), allow(dead_code))]
    pub(crate) psk_server: RwLock<Option<Arc<PskServerHook>>>,
    /// The key log file (`keylog_filename`), appended to by the keylog
    /// callback.
    pub(crate) keylog: std::sync::Mutex<Option<std::fs::File>>,
}

/// An owned reference to an `SSL_CTX`, with its [`Hooks`].
pub(crate) struct Ctx {
    ptr: NonNull<sys::SSL_CTX>,
    hooks: Box<Hooks>,
}

// SAFETY: an SSL_CTX may be used from any thread; OpenSSL locks its shared
// parts (reference count, session cache, certificate store). Mutation is
// serialised by the owner (see the module docs); the hooks are behind locks.
unsafe impl Send for Ctx {}
// SAFETY: see above.
unsafe impl Sync for Ctx {}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: we own one reference; the hooks box outlives the SSL_CTX
        // only if another reference exists, which pyssl never creates
        // without also holding this Ctx (connections keep their Ctx alive).
        unsafe { sys::SSL_CTX_free(self.ptr.as_ptr()) }
    }
}

/// What `cert_store_stats()` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoreStats {
    pub(crate) x509: usize,
    pub(crate) crl: usize,
    pub(crate) x509_ca: usize,
}

/// One entry of `get_ciphers()`.
#[derive(Clone, Debug)]
pub(crate) struct RawCipher {
    pub(crate) id: u32,
    pub(crate) name: String,
    pub(crate) protocol: String,
    pub(crate) description: String,
    pub(crate) strength_bits: i32,
    pub(crate) alg_bits: i32,
    pub(crate) aead: bool,
    pub(crate) symmetric: Option<String>,
    pub(crate) digest: Option<String>,
    pub(crate) kea: Option<String>,
    pub(crate) auth: Option<String>,
}

/// A password source for encrypted private keys.
pub(crate) enum PasswordSource<'a> {
    Bytes(&'a [u8]),
    Callback(&'a mut dyn FnMut() -> Result<Vec<u8>, Error>),
}

/// State shared with the password callback during `load_cert_chain`.
pub(crate) struct PasswordState<'a> {
    pub(crate) source: PasswordSource<'a>,
    pub(crate) error: Option<Error>,
    pub(crate) panic: Option<Box<dyn std::any::Any + Send>>,
}

impl Ctx {
    /// `SSL_CTX_new(method)`.
    pub(crate) fn new(method: Method) -> Result<Ctx, Error> {
        super::init();
        // SAFETY: the method functions return static method tables.
        let m = unsafe {
            match method {
                Method::Tls => sys::TLS_method(),
                Method::TlsClient => sys::TLS_client_method(),
                Method::TlsServer => sys::TLS_server_method(),
                #[cfg(has_tlsv1_method)]
                Method::TlsV1 => TLSv1_method(),
                #[cfg(has_tlsv1_1_method)]
                Method::TlsV1_1 => TLSv1_1_method(),
                #[cfg(has_tlsv1_2_method)]
                Method::TlsV1_2 => TLSv1_2_method(),
            }
        };
        // SAFETY: `m` is a valid method table.
        let p = unsafe { sys::SSL_CTX_new(m) };
        let ptr = NonNull::new(p).ok_or_else(|| Error::Ssl(err::config_error()))?;
        let ctx = Ctx {
            ptr,
            hooks: Box::default(),
        };
        callbacks::register_ctx_hooks(ctx.ptr.as_ptr(), &ctx.hooks)?;
        Ok(ctx)
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::SSL_CTX {
        self.ptr.as_ptr()
    }

    /// `SSL_CTX_get_verify_mode`.
    pub(crate) fn verify_mode_raw(&self) -> c_int {
        // SAFETY: valid SSL_CTX.
        unsafe { sys::SSL_CTX_get_verify_mode(self.as_ptr()) }
    }

    /// `SSL_CTX_set_verify(ctx, mode, <current callback>)`.
    pub(crate) fn set_verify_mode_raw(&self, mode: c_int) {
        // SAFETY: valid SSL_CTX; the callback is the one already installed.
        unsafe {
            let cb = ffi::SSL_CTX_get_verify_callback(self.as_ptr());
            ffi::SSL_CTX_set_verify_raw(self.as_ptr(), mode, cb);
        }
    }

    /// `SSL_CTX_get_options`.
    pub(crate) fn options(&self) -> u64 {
        // SAFETY: valid SSL_CTX.
        #[allow(clippy::useless_conversion)]
        u64::from(unsafe { sys::SSL_CTX_get_options(self.as_ptr()) })
    }

    /// Sets exactly `new` as the options (clearing and setting the
    /// differences, as CPython does).
    pub(crate) fn set_options(&self, new: u64) {
        let cur = self.options();
        let clear = cur & !new;
        let set = !cur & new;
        // SAFETY: valid SSL_CTX; options are plain bits.
        #[allow(clippy::useless_conversion)]
        unsafe {
            if clear != 0 {
                sys::SSL_CTX_clear_options(self.as_ptr(), clear.try_into().unwrap_or_default());
            }
            if set != 0 {
                sys::SSL_CTX_set_options(self.as_ptr(), set.try_into().unwrap_or_default());
            }
        }
    }

    /// `SSL_CTX_get_min_proto_version` (0 = lowest supported).
    pub(crate) fn min_proto(&self) -> c_int {
        self.ctrl(ffi::SSL_CTRL_GET_MIN_PROTO_VERSION, 0) as c_int
    }

    /// `SSL_CTX_get_max_proto_version` (0 = highest supported).
    pub(crate) fn max_proto(&self) -> c_int {
        self.ctrl(ffi::SSL_CTRL_GET_MAX_PROTO_VERSION, 0) as c_int
    }

    /// `SSL_CTX_set_min_proto_version`; false when OpenSSL refuses.
    pub(crate) fn set_min_proto(&self, v: c_int) -> bool {
        let ok = self.ctrl(ffi::SSL_CTRL_SET_MIN_PROTO_VERSION, c_long::from(v)) != 0;
        err::clear();
        ok
    }

    /// `SSL_CTX_set_max_proto_version`; false when OpenSSL refuses.
    pub(crate) fn set_max_proto(&self, v: c_int) -> bool {
        let ok = self.ctrl(ffi::SSL_CTRL_SET_MAX_PROTO_VERSION, c_long::from(v)) != 0;
        err::clear();
        ok
    }

    /// `SSL_CTX_set_mode`.
    pub(crate) fn set_mode(&self, mode: c_long) {
        self.ctrl(ffi::SSL_CTRL_MODE, mode);
    }

    fn ctrl(&self, cmd: c_int, larg: c_long) -> c_long {
        // SAFETY: valid SSL_CTX; the commands used take no pointer argument.
        unsafe { sys::SSL_CTX_ctrl(self.as_ptr(), cmd, larg, ptr::null_mut()) }
    }

    fn param(&self) -> *mut sys::X509_VERIFY_PARAM {
        // SAFETY: valid SSL_CTX; the param is owned by it.
        unsafe { sys::SSL_CTX_get0_param(self.as_ptr()) }
    }

    /// `X509_VERIFY_PARAM_get_flags` of the context's verify parameters.
    pub(crate) fn verify_flags(&self) -> u64 {
        // SAFETY: valid param owned by the SSL_CTX.
        #[allow(clippy::useless_conversion)]
        u64::from(unsafe { sys::X509_VERIFY_PARAM_get_flags(self.param()) })
    }

    /// Sets exactly `new` as the verify flags.
    #[allow(clippy::useless_conversion)]
    pub(crate) fn set_verify_flags(&self, new: u64) -> Result<(), Error> {
        let cur = self.verify_flags();
        let clear = cur & !new;
        let set = !cur & new;
        let p = self.param();
        // SAFETY: valid param owned by the SSL_CTX.
        unsafe {
            if clear != 0
                && sys::X509_VERIFY_PARAM_clear_flags(p, clear.try_into().unwrap_or_default()) == 0
            {
                return Err(Error::Ssl(err::config_error()));
            }
            if set != 0
                && sys::X509_VERIFY_PARAM_set_flags(p, set.try_into().unwrap_or_default()) == 0
            {
                return Err(Error::Ssl(err::config_error()));
            }
        }
        Ok(())
    }

    /// `X509_VERIFY_PARAM_set_hostflags` on the context.
    pub(crate) fn set_hostflags(&self, flags: u32) {
        // SAFETY: valid param owned by the SSL_CTX.
        unsafe { sys::X509_VERIFY_PARAM_set_hostflags(self.param(), flags) }
    }

    /// `SSL_CTX_get_security_level`.
    pub(crate) fn security_level(&self) -> i32 {
        // SAFETY: valid SSL_CTX.
        unsafe { sys::SSL_CTX_get_security_level(self.as_ptr()) }
    }

    /// `SSL_CTX_get_num_tickets`.
    pub(crate) fn num_tickets(&self) -> usize {
        // SAFETY: valid SSL_CTX.
        unsafe { sys::SSL_CTX_get_num_tickets(self.as_ptr()) }
    }

    /// `SSL_CTX_set_num_tickets`.
    pub(crate) fn set_num_tickets(&self, n: usize) -> Result<(), Error> {
        // SAFETY: valid SSL_CTX.
        if unsafe { sys::SSL_CTX_set_num_tickets(self.as_ptr(), n) } != 1 {
            return Err(Error::Ssl(err::config_error_text(
                "failed to set num tickets.",
            )));
        }
        Ok(())
    }

    /// `SSL_CTX_set_post_handshake_auth`.
    pub(crate) fn set_post_handshake_auth(&self, on: bool) {
        // SAFETY: valid SSL_CTX.
        unsafe { sys::SSL_CTX_set_post_handshake_auth(self.as_ptr(), c_int::from(on)) }
    }

    /// `SSL_CTX_set_cipher_list`; false when no cipher can be selected (the
    /// queue is cleared).
    pub(crate) fn set_cipher_list(&self, list: &CStr) -> bool {
        // SAFETY: valid SSL_CTX and NUL-terminated string.
        let ok = unsafe { sys::SSL_CTX_set_cipher_list(self.as_ptr(), list.as_ptr()) } == 1;
        err::clear();
        ok
    }

    /// The ciphers the context enables, in priority order (CPython creates
    /// a throw-away `SSL` to ask).
    pub(crate) fn ciphers(&self) -> Result<Vec<RawCipher>, Error> {
        // SAFETY: valid SSL_CTX.
        let ssl = unsafe { sys::SSL_new(self.as_ptr()) };
        if ssl.is_null() {
            return Err(Error::Ssl(err::config_error()));
        }
        // SAFETY: valid SSL; the stack is owned by it and freed with it.
        let sk = unsafe { ffi::SSL_get_ciphers(ssl) };
        let out = super::conn::cipher_stack(sk);
        // SAFETY: we own `ssl`.
        unsafe { sys::SSL_free(ssl) };
        Ok(out)
    }

    /// Stores the ALPN list (wire format) and installs the select callback.
    pub(crate) fn set_alpn_protocols(&self, wire: Vec<u8>) -> Result<(), Error> {
        let len = libc::c_uint::try_from(wire.len())
            .map_err(|_| Error::Os(OsError::other("protocols longer than 4294967295 bytes")))?;
        // SAFETY: valid SSL_CTX; OpenSSL copies the buffer. Returns 0 on
        // success (inverted convention).
        let r = unsafe { sys::SSL_CTX_set_alpn_protos(self.as_ptr(), wire.as_ptr(), len) };
        if r != 0 {
            err::clear();
            return Err(Error::Os(OsError::other("out of memory")));
        }
        if let Ok(mut a) = self.hooks.alpn.write() {
            *a = Some(Arc::from(wire));
        }
        callbacks::install_alpn_select(self.as_ptr());
        Ok(())
    }

    /// Installs (or removes, with `None`) the NSS key log file.
    pub(crate) fn set_keylog(&self, file: Option<std::fs::File>) {
        let on = file.is_some();
        if let Ok(mut k) = self.hooks.keylog.lock() {
            *k = file;
        }
        callbacks::install_keylog(self.as_ptr(), on);
    }

    /// Installs (or removes) the SNI handler.
    pub(crate) fn set_sni_hook(&self, hook: Option<Arc<SniHook>>) {
        let on = hook.is_some();
        if let Ok(mut s) = self.hooks.sni.write() {
            *s = hook;
        }
        callbacks::install_sni(self.as_ptr(), on);
    }

    /// Installs (or removes) the message callback. Connections made before
    /// keep OpenSSL's setting from their creation; while it is on they call
    /// whatever hook their current context has at the time.
    pub(crate) fn set_msg_hook(&self, hook: Option<Arc<MsgHook>>) {
        let on = hook.is_some();
        if let Ok(mut s) = self.hooks.msg.write() {
            *s = hook;
        }
        callbacks::install_msg(self.as_ptr(), on);
    }

    /// Whether a message callback is installed.
    pub(crate) fn has_msg_hook(&self) -> bool {
        self.hooks.msg.read().map(|g| g.is_some()).unwrap_or(false)
    }

    /// Installs (or removes) the PSK client handler.
    #[cfg(has_psk)]
    pub(crate) fn set_psk_client_hook(&self, hook: Option<Arc<PskClientHook>>) {
        let on = hook.is_some();
        if let Ok(mut s) = self.hooks.psk_client.write() {
            *s = hook;
        }
        callbacks::install_psk_client(self.as_ptr(), on);
    }

    /// Installs (or removes) the PSK server handler.
    #[cfg(has_psk)]
    pub(crate) fn set_psk_server_hook(&self, hook: Option<Arc<PskServerHook>>) {
        let on = hook.is_some();
        if let Ok(mut s) = self.hooks.psk_server.write() {
            *s = hook;
        }
        callbacks::install_psk_server(self.as_ptr(), on);
    }

    /// `SSL_CTX_use_psk_identity_hint`: the hint a TLS 1.2 server sends
    /// (`None` clears it). False when OpenSSL refuses it (longer than
    /// `PSK_MAX_IDENTITY_LEN`).
    #[cfg(has_psk)]
    pub(crate) fn set_psk_identity_hint(&self, hint: Option<&CStr>) -> bool {
        let p = hint.map_or(ptr::null(), CStr::as_ptr);
        // SAFETY: valid SSL_CTX; NULL or a NUL-terminated string, which
        // OpenSSL copies.
        let ok = unsafe { ffi::SSL_CTX_use_psk_identity_hint(self.as_ptr(), p) } == 1;
        if !ok {
            err::clear();
        }
        ok
    }

    /// `SSL_CTX_set1_groups` with a single group named by its short name
    /// (`set_ecdh_curve`).
    pub(crate) fn set_ecdh_curve(&self, name: &CStr, display: &str) -> Result<(), Error> {
        // SAFETY: NUL-terminated string.
        let nid = unsafe { sys::OBJ_sn2nid(name.as_ptr()) };
        if nid == 0 {
            err::clear();
            return Err(Error::Value(ValueError::new(format!(
                "unknown elliptic curve name {}",
                crate::pyfmt::repr_str(display)
            ))));
        }
        let mut groups = [nid];
        // SAFETY: valid SSL_CTX; SSL_CTRL_SET_GROUPS reads `larg` ints from
        // the pointer, which points to one int.
        let r = unsafe {
            sys::SSL_CTX_ctrl(
                self.as_ptr(),
                ffi::SSL_CTRL_SET_GROUPS,
                1,
                groups.as_mut_ptr().cast::<c_void>(),
            )
        };
        if r == 0 {
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }

    /// `SSL_CTX_set_default_verify_paths`.
    pub(crate) fn set_default_verify_paths(&self) -> Result<(), Error> {
        // SAFETY: valid SSL_CTX.
        if unsafe { sys::SSL_CTX_set_default_verify_paths(self.as_ptr()) } != 1 {
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }

    /// `SSL_CTX_load_verify_locations(cafile, capath)`, failing as CPython:
    /// an `OSError` from `errno` when it is set, else an `SSLError`.
    pub(crate) fn load_verify_locations(
        &self,
        cafile: Option<&Path>,
        capath: Option<&Path>,
    ) -> Result<(), Error> {
        let cafile = cafile.map(super::path_cstring).transpose()?;
        let capath = capath.map(super::path_cstring).transpose()?;
        super::set_errno(0);
        // SAFETY: valid SSL_CTX; the strings are NUL-terminated or NULL.
        let r = unsafe {
            sys::SSL_CTX_load_verify_locations(
                self.as_ptr(),
                cafile.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
                capath.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
            )
        };
        if r != 1 {
            let e = super::errno();
            if e != 0 {
                err::clear();
                return Err(Error::Os(OsError::from_errno(e)));
            }
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }

    /// CPython's `_add_ca_certs`: every certificate of `data` (PEM text or
    /// concatenated DER) into the store.
    pub(crate) fn add_ca_certs(&self, data: &[u8], pem: bool) -> Result<(), Error> {
        if data.is_empty() {
            return Err(Error::Value(ValueError::new("Empty certificate data")));
        }
        let len = c_int::try_from(data.len())
            .map_err(|_| Error::Os(OsError::other("Certificate data is too long.")))?;
        // SAFETY: the BIO reads from `data`, which outlives it (freed below).
        let bio = unsafe { sys::BIO_new_mem_buf(data.as_ptr().cast::<c_void>(), len) };
        if bio.is_null() {
            return Err(Error::Ssl(err::config_error()));
        }
        // SAFETY: valid SSL_CTX; the store is owned by it.
        let store = unsafe { sys::SSL_CTX_get_cert_store(self.as_ptr()) };
        let mut loaded = 0usize;
        let mut was_eof = false;
        loop {
            let cert = if pem {
                // SAFETY: valid BIO; no password callback for certificates.
                unsafe { sys::PEM_read_bio_X509(bio, ptr::null_mut(), None, ptr::null_mut()) }
            } else {
                if super::bio::bio_eof(bio) {
                    was_eof = true;
                    break;
                }
                // SAFETY: valid BIO.
                unsafe { sys::d2i_X509_bio(bio, ptr::null_mut()) }
            };
            if cert.is_null() {
                break;
            }
            // SAFETY: valid store and certificate; the store takes its own
            // reference, so we free ours.
            let r = unsafe {
                let r = sys::X509_STORE_add_cert(store, cert);
                sys::X509_free(cert);
                r
            };
            if r == 0 {
                let e = err::peek_last();
                if err::err_lib(e) == err::ERR_LIB_X509
                    && err::err_reason(e) == err::X509_R_CERT_ALREADY_IN_HASH_TABLE
                {
                    err::clear();
                } else {
                    break;
                }
            }
            loaded += 1;
        }
        // SAFETY: we own the BIO.
        unsafe { sys::BIO_free_all(bio) };
        let e = err::peek_last();
        if loaded == 0 {
            let msg = if pem {
                "no start line: cadata does not contain a certificate"
            } else {
                "not enough data: cadata does not contain a certificate"
            };
            return Err(Error::Ssl(err::config_error_text(msg)));
        }
        if (!pem && was_eof)
            || (pem
                && err::err_lib(e) == err::ERR_LIB_PEM
                && err::err_reason(e) == err::PEM_R_NO_START_LINE)
        {
            err::clear();
            return Ok(());
        }
        if e != 0 {
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }

    /// The certificate store's counts (`cert_store_stats()`).
    pub(crate) fn store_stats(&self) -> StoreStats {
        let mut s = StoreStats::default();
        super::x509::walk_store(self.as_ptr(), |kind| match kind {
            super::x509::StoreObject::Cert { is_ca, .. } => {
                s.x509 += 1;
                if is_ca {
                    s.x509_ca += 1;
                }
            }
            super::x509::StoreObject::Crl => s.crl += 1,
        });
        s
    }

    /// DER of every CA certificate of the store (`get_ca_certs()`).
    pub(crate) fn ca_certs_der(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        super::x509::walk_store(self.as_ptr(), |kind| {
            if let super::x509::StoreObject::Cert { is_ca: true, der } = kind {
                out.push(der);
            }
        });
        out
    }

    /// CPython's `load_dh_params` on an open file: `PEM_read_DHparams`
    /// with `errno` cleared first, then `SSL_CTX_set_tmp_dh`. A read that
    /// fails with `errno` set is that `OSError` (the caller adds the file
    /// name), any other failure an `SSLError` from the error queue.
    pub(crate) fn load_dh_params_fd(&self, fd: c_int) -> Result<(), Error> {
        // SAFETY: `fd` is an open descriptor the caller keeps open for
        // the duration of the call; the BIO does not close it.
        let bio = unsafe { ffi::BIO_new_fd(fd, ffi::BIO_NOCLOSE) };
        if bio.is_null() {
            return Err(Error::Ssl(err::config_error()));
        }
        super::set_errno(0);
        // SAFETY: valid BIO; no password callback (DH parameters are never
        // encrypted); we own the result and free the BIO.
        let dh = unsafe {
            let dh = ffi::PEM_read_bio_DHparams(bio, ptr::null_mut(), None, ptr::null_mut());
            sys::BIO_free_all(bio);
            dh
        };
        if dh.is_null() {
            let e = super::errno();
            if e != 0 {
                err::clear();
                return Err(Error::Os(OsError::from_errno(e)));
            }
            return Err(Error::Ssl(err::config_error()));
        }
        // SAFETY: valid SSL_CTX and DH; the context takes its own copy
        // (SSL_CTRL_SET_TMP_DH), so we free ours either way.
        let r = unsafe {
            let r = sys::SSL_CTX_ctrl(self.as_ptr(), sys::SSL_CTRL_SET_TMP_DH, 0, dh.cast());
            ffi::DH_free(dh);
            r
        };
        if r == 0 {
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }

    /// CPython's `load_cert_chain`: certificate chain, private key (with an
    /// optional password source), then the key check.
    pub(crate) fn load_cert_chain(
        &self,
        certfile: &Path,
        keyfile: Option<&Path>,
        password: Option<PasswordSource<'_>>,
    ) -> Result<(), Error> {
        let certfile_c = super::path_cstring(certfile)?;
        let keyfile_c = keyfile.map(super::path_cstring).transpose()?;
        let mut state = PasswordState {
            source: password.unwrap_or(PasswordSource::Bytes(b"")),
            error: None,
            panic: None,
        };
        // SAFETY: valid SSL_CTX; `state` outlives both calls below and the
        // callback is removed again before this function returns.
        unsafe {
            ffi::SSL_CTX_set_default_passwd_cb(self.as_ptr(), Some(callbacks::password_cb));
            ffi::SSL_CTX_set_default_passwd_cb_userdata(
                self.as_ptr(),
                (&mut state as *mut PasswordState<'_>).cast::<c_void>(),
            );
        }
        let result = self.load_cert_chain_inner(&certfile_c, keyfile_c.as_deref(), &mut state);
        // SAFETY: valid SSL_CTX; restores the defaults.
        unsafe {
            ffi::SSL_CTX_set_default_passwd_cb(self.as_ptr(), None);
            ffi::SSL_CTX_set_default_passwd_cb_userdata(self.as_ptr(), ptr::null_mut());
        }
        if let Some(p) = state.panic.take() {
            std::panic::resume_unwind(p);
        }
        result
    }

    fn load_cert_chain_inner(
        &self,
        certfile: &CStr,
        keyfile: Option<&CStr>,
        state: &mut PasswordState<'_>,
    ) -> Result<(), Error> {
        super::set_errno(0);
        // SAFETY: valid SSL_CTX and path.
        let r =
            unsafe { sys::SSL_CTX_use_certificate_chain_file(self.as_ptr(), certfile.as_ptr()) };
        if r != 1 {
            return Err(Self::file_error(state));
        }
        let key = keyfile.unwrap_or(certfile);
        super::set_errno(0);
        // SAFETY: valid SSL_CTX and path.
        let r = unsafe {
            sys::SSL_CTX_use_PrivateKey_file(self.as_ptr(), key.as_ptr(), sys::SSL_FILETYPE_PEM)
        };
        if r != 1 {
            return Err(Self::file_error(state));
        }
        // SAFETY: valid SSL_CTX.
        if unsafe { sys::SSL_CTX_check_private_key(self.as_ptr()) } != 1 {
            return Err(Error::Ssl(err::config_error()));
        }
        Ok(())
    }

    fn file_error(state: &mut PasswordState<'_>) -> Error {
        if let Some(e) = state.error.take() {
            err::clear();
            return e;
        }
        let e = super::errno();
        if e != 0 {
            err::clear();
            return Error::Os(OsError::from_errno(e));
        }
        Error::Ssl(err::config_error())
    }

    /// Session cache statistics (`session_stats()`), in CPython's order.
    pub(crate) fn session_stats(&self) -> [(&'static str, i64); 11] {
        const KEYS: [(&str, c_int); 11] = [
            ("number", 20),
            ("connect", 21),
            ("connect_good", 22),
            ("connect_renegotiate", 23),
            ("accept", 24),
            ("accept_good", 25),
            ("accept_renegotiate", 26),
            ("hits", 27),
            ("misses", 29),
            ("timeouts", 30),
            ("cache_full", 31),
        ];
        #[allow(clippy::useless_conversion)]
        KEYS.map(|(k, cmd)| (k, i64::from(self.ctrl(cmd, 0))))
    }

    /// A C string argument, or Python's NUL-byte `ValueError`.
    pub(crate) fn cstring(s: &str) -> Result<CString, Error> {
        CString::new(s).map_err(|_| Error::Value(ValueError::new("embedded null byte")))
    }
}
