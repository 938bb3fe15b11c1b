//! `extern "C"` callbacks OpenSSL calls into, and the state they reach.
//!
//! Each trampoline catches panics: a panic in user code never unwinds
//! through OpenSSL. It is stashed in the connection's [`ConnState`] and
//! resumed by the caller once the OpenSSL call has returned.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use libc::{c_char, c_int, c_uchar, c_uint, c_void};
use openssl_sys as sys;

use super::ctx::{Hooks, PasswordSource, PasswordState};
use super::{err, ffi};
use crate::error::{Error, ValueError};
use crate::message::{ConnectionId, MessageDirection, TlsMessage};

/// What an SNI handler decides: continue, or abort with an alert.
pub(crate) type SniOutcome = Result<(), u8>;

/// The SNI handler a context runs: it receives the call (server name,
/// means to switch contexts) and returns `Err(alert)` to abort.
pub(crate) type SniHook = dyn Fn(&mut SniCall<'_>) -> SniOutcome + Send + Sync;

/// The message callback a context runs (`_msg_callback`).
pub(crate) type MsgHook = dyn Fn(&TlsMessage<'_>) + Send + Sync;
/// The PSK client handler a context runs (`set_psk_client_callback`): it
/// receives the server's identity hint (`None` when absent or empty) and
/// returns the identity (bytes, empty for none) and the key, or `None` to
/// abort the handshake.
pub(crate) type PskClientHook = dyn Fn(Option<&str>) -> Option<(Vec<u8>, Vec<u8>)> + Send + Sync;

/// The PSK server handler a context runs (`set_psk_server_callback`): it
/// receives the client's identity (`None` when empty) and returns the key,
/// or `None` to abort the handshake.
pub(crate) type PskServerHook = dyn Fn(Option<&str>) -> Option<Vec<u8>> + Send + Sync;

/// Per-connection state reachable from callbacks (the `SSL`'s ex_data).
#[derive(Default)]
pub(crate) struct ConnState {
    /// The connection's identity (what message callbacks report).
    pub(crate) id: u64,
    /// A panic raised inside a callback, to resume after the OpenSSL call.
    pub(crate) panic: Mutex<Option<Box<dyn Any + Send>>>,
    /// Set when `panic` may hold one: every I/O call checks it, and an
    /// atomic load is cheaper than the lock.
    panicked: std::sync::atomic::AtomicBool,
    /// Objects the connection must keep alive (contexts switched to from
    /// an SNI callback, the ALPN list the selection points into).
    pub(crate) keep: Mutex<Vec<Arc<dyn Any + Send + Sync>>>,
    /// The context currently in use when an SNI callback switched it.
    pub(crate) switched: Mutex<Option<Arc<dyn Any + Send + Sync>>>,
    /// `server_hostname` as the connection stores it (the A-label), set
    /// once when the connection is made: what its SNI callback reports.
    pub(crate) server_hostname: OnceLock<String>,
}

impl ConnState {
    /// A state with a fresh connection id.
    pub(crate) fn new() -> ConnState {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        ConnState {
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..ConnState::default()
        }
    }

    /// Resumes a panic stashed by a callback, if any.
    /// Takes a panic stashed by a callback, to resume it once the
    /// caller's locks are released.
    pub(crate) fn take_panic(&self) -> Option<Box<dyn Any + Send>> {
        use std::sync::atomic::Ordering;
        if !self.panicked.load(Ordering::Acquire) {
            return None;
        }
        self.panic.lock().ok().and_then(|mut g| {
            self.panicked.store(false, Ordering::Release);
            g.take()
        })
    }

    pub(crate) fn resume_panic(&self) {
        if let Some(p) = self.take_panic() {
            std::panic::resume_unwind(p);
        }
    }

    fn stash(&self, p: Box<dyn Any + Send>) {
        if let Ok(mut g) = self.panic.lock() {
            self.panicked
                .store(true, std::sync::atomic::Ordering::Release);
            if g.is_none() {
                *g = Some(p);
            }
        }
    }
}

/// The arguments of an SNI callback.
pub(crate) struct SniCall<'a> {
    ssl: *mut sys::SSL,
    state: Option<&'a ConnState>,
    /// The server name the client sent (an A-label), `None` without SNI.
    pub(crate) server_name: Option<&'a str>,
}

impl SniCall<'_> {
    /// The connection the callback is called for, read-only.
    pub(crate) fn conn(&self) -> &super::conn::ConnRef {
        // SAFETY: `ssl` is the live SSL OpenSSL passed to this callback; the
        // reference lives no longer than the call (`&self`).
        unsafe { super::conn::ConnRef::from_ptr(self.ssl) }
    }

    /// The connection's callback state (`None` for an `SSL` pyssl did not
    /// make).
    pub(crate) fn state(&self) -> Option<&ConnState> {
        self.state
    }

    /// `SSL_set_cipher_list`: the connection's own TLS 1.2 cipher list.
    pub(crate) fn set_cipher_list(&mut self, list: &std::ffi::CStr) {
        // SAFETY: `ssl` is the live SSL of this callback; OpenSSL parses the
        // NUL-terminated string and keeps its own stacks.
        unsafe { sys::SSL_set_cipher_list(self.ssl, list.as_ptr()) };
        super::err::clear();
    }

    /// `SSL_set_SSL_CTX`: the connection continues with `ctx`; `keep` is
    /// stored on the connection so the context outlives it.
    pub(crate) fn switch_context(
        &mut self,
        ctx: &super::ctx::Ctx,
        keep: Arc<dyn Any + Send + Sync>,
    ) {
        // SAFETY: `ssl` is the live SSL of this callback; OpenSSL takes a
        // reference to the SSL_CTX.
        unsafe { sys::SSL_set_SSL_CTX(self.ssl, ctx.as_ptr()) };
        sync_msg_callback(self.ssl, ctx);
        if let Some(st) = self.state {
            if let Ok(mut s) = st.switched.lock() {
                *s = Some(keep.clone());
            }
            if let Ok(mut k) = st.keep.lock() {
                k.push(keep);
            }
        }
    }
}

fn ctx_index() -> c_int {
    static IDX: OnceLock<c_int> = OnceLock::new();
    *IDX.get_or_init(|| {
        // SAFETY: registers a new ex_data index with no callbacks.
        unsafe {
            sys::CRYPTO_get_ex_new_index(
                sys::CRYPTO_EX_INDEX_SSL_CTX,
                0,
                std::ptr::null_mut(),
                None,
                None,
                None,
            )
        }
    })
}

fn ssl_index() -> c_int {
    static IDX: OnceLock<c_int> = OnceLock::new();
    *IDX.get_or_init(|| {
        // SAFETY: registers a new ex_data index with no callbacks.
        unsafe {
            sys::CRYPTO_get_ex_new_index(
                sys::CRYPTO_EX_INDEX_SSL,
                0,
                std::ptr::null_mut(),
                None,
                None,
                None,
            )
        }
    })
}

/// Points the `SSL_CTX`'s ex_data at its hooks (boxed, so the address is
/// stable for the life of the context).
pub(crate) fn register_ctx_hooks(ctx: *mut sys::SSL_CTX, hooks: &Hooks) -> Result<(), Error> {
    let idx = ctx_index();
    let data = (hooks as *const Hooks).cast_mut().cast();
    // SAFETY: valid SSL_CTX; the pointer stays valid while the SSL_CTX lives
    // because the Ctx that owns both frees the SSL_CTX first.
    let r = unsafe { sys::SSL_CTX_set_ex_data(ctx, idx, data) };
    if idx < 0 || r != 1 {
        return Err(Error::Ssl(err::config_error()));
    }
    Ok(())
}

/// Points the `SSL`'s ex_data at its state.
pub(crate) fn register_conn_state(ssl: *mut sys::SSL, state: &ConnState) -> Result<(), Error> {
    let idx = ssl_index();
    let data = (state as *const ConnState).cast_mut().cast();
    // SAFETY: valid SSL; the state box lives exactly as long as the Conn
    // that owns the SSL.
    let r = unsafe { sys::SSL_set_ex_data(ssl, idx, data) };
    if idx < 0 || r != 1 {
        return Err(Error::Ssl(err::config_error()));
    }
    Ok(())
}

/// # Safety
/// `ctx` must be a valid SSL_CTX whose ex_data was set by
/// [`register_ctx_hooks`] (or left NULL).
unsafe fn hooks_of<'a>(ctx: *mut sys::SSL_CTX) -> Option<&'a Hooks> {
    // SAFETY: guaranteed by the caller.
    let p = unsafe { sys::SSL_CTX_get_ex_data(ctx, ctx_index()) };
    // SAFETY: the pointer was set from a live `&Hooks`.
    unsafe { p.cast::<Hooks>().as_ref() }
}

/// # Safety
/// `ssl` must be a valid SSL whose ex_data was set by
/// [`register_conn_state`] (or left NULL).
unsafe fn state_of<'a>(ssl: *const sys::SSL) -> Option<&'a ConnState> {
    // SAFETY: guaranteed by the caller.
    let p = unsafe { sys::SSL_get_ex_data(ssl, ssl_index()) };
    // SAFETY: the pointer was set from a live `&ConnState`.
    unsafe { p.cast::<ConnState>().as_ref() }
}

/// Installs the ALPN selection callback on a context.
pub(crate) fn install_alpn_select(ctx: *mut sys::SSL_CTX) {
    // SAFETY: valid SSL_CTX; the callback finds its data through ex_data.
    unsafe { ffi::set_alpn_select_cb(ctx, Some(alpn_select), std::ptr::null_mut()) };
}

/// CPython's `_selectALPN_cb`: `SSL_select_next_proto` over the server
/// list; no overlap means no ALPN (the handshake continues).
unsafe extern "C" fn alpn_select(
    ssl: *mut sys::SSL,
    out: *mut *const c_uchar,
    outlen: *mut c_uchar,
    inp: *const c_uchar,
    inlen: c_uint,
    _arg: *mut c_void,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: OpenSSL passes the live SSL of the handshake.
        let ctx = unsafe { sys::SSL_get_SSL_CTX(ssl) };
        // SAFETY: see hooks_of.
        let Some(hooks) = (unsafe { hooks_of(ctx) }) else {
            return ffi::SSL_TLSEXT_ERR_NOACK;
        };
        let list = hooks.alpn.read().ok().and_then(|g| g.clone());
        let Some(list) = list else {
            return ffi::SSL_TLSEXT_ERR_NOACK;
        };
        let mut o: *mut c_uchar = std::ptr::null_mut();
        let mut olen: c_uchar = 0;
        let empty: &[u8] = &[];
        let (inp, inlen) = if inp.is_null() {
            (empty.as_ptr(), 0)
        } else {
            (inp, inlen)
        };
        let Ok(slen) = c_uint::try_from(list.len()) else {
            return ffi::SSL_TLSEXT_ERR_NOACK;
        };
        // SAFETY: both buffers are valid for their lengths; `o` will point
        // into one of them.
        let ret = unsafe {
            ffi::SSL_select_next_proto(&mut o, &mut olen, list.as_ptr(), slen, inp, inlen)
        };
        if ret != sys::OPENSSL_NPN_NEGOTIATED {
            return ffi::SSL_TLSEXT_ERR_NOACK;
        }
        // Keep the list alive on the connection until OpenSSL has copied
        // the selection.
        // SAFETY: see state_of.
        if let Some(st) = unsafe { state_of(ssl) } {
            if let Ok(mut k) = st.keep.lock() {
                k.push(Arc::new(list.clone()));
            }
        }
        // SAFETY: out/outlen are valid out-pointers from OpenSSL.
        unsafe {
            *out = o;
            *outlen = olen;
        }
        ffi::SSL_TLSEXT_ERR_OK
    }));
    r.unwrap_or(ffi::SSL_TLSEXT_ERR_NOACK)
}

/// Installs or removes the servername callback on a context.
pub(crate) fn install_sni(ctx: *mut sys::SSL_CTX, on: bool) {
    // SAFETY: valid SSL_CTX; the callback finds its data through ex_data.
    unsafe {
        sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(
            ctx,
            if on { Some(sni_callback) } else { None },
        );
    }
}

const SSL_AD_INTERNAL_ERROR: c_int = 80;
const SSL_AD_HANDSHAKE_FAILURE: c_int = 40;

/// CPython's `_servername_callback`.
unsafe extern "C" fn sni_callback(ssl: *mut sys::SSL, al: *mut c_int, arg: *mut c_void) -> c_int {
    let _ = arg;
    // The context the callback was registered on: the SSL's current one at
    // ClientHello time.
    // SAFETY: live SSL from OpenSSL.
    let ctx = unsafe { sys::SSL_get_SSL_CTX(ssl) };
    // SAFETY: see hooks_of / state_of.
    let (hooks, state) = unsafe { (hooks_of(ctx), state_of(ssl)) };
    let hook = hooks.and_then(|h| h.sni.read().ok().and_then(|g| g.clone()));
    let Some(hook) = hook else {
        return ffi::SSL_TLSEXT_ERR_OK;
    };
    // SAFETY: live SSL; the returned string is owned by the session.
    let name_ptr = unsafe { sys::SSL_get_servername(ssl, sys::TLSEXT_NAMETYPE_host_name) };
    let name = if name_ptr.is_null() {
        None
    } else {
        // SAFETY: NUL-terminated string owned by OpenSSL for this call.
        let bytes = unsafe { std::ffi::CStr::from_ptr(name_ptr) }.to_bytes();
        if !bytes.is_ascii() {
            // CPython cannot decode it as ASCII: internal_error alert.
            // SAFETY: valid out-pointer.
            unsafe { *al = SSL_AD_INTERNAL_ERROR };
            return ffi::SSL_TLSEXT_ERR_ALERT_FATAL;
        }
        std::str::from_utf8(bytes).ok()
    };
    let mut call = SniCall {
        ssl,
        state,
        server_name: name,
    };
    match catch_unwind(AssertUnwindSafe(|| hook(&mut call))) {
        Ok(Ok(())) => ffi::SSL_TLSEXT_ERR_OK,
        Ok(Err(alert)) => {
            // SAFETY: valid out-pointer.
            unsafe { *al = c_int::from(alert) };
            ffi::SSL_TLSEXT_ERR_ALERT_FATAL
        }
        Err(p) => {
            if let Some(st) = state {
                st.stash(p);
            }
            // SAFETY: valid out-pointer.
            unsafe { *al = SSL_AD_HANDSHAKE_FAILURE };
            ffi::SSL_TLSEXT_ERR_ALERT_FATAL
        }
    }
}

/// CPython's `_password_callback`: copies the password into OpenSSL's
/// buffer; a password longer than the buffer is Python's `ValueError`.
pub(crate) unsafe extern "C" fn password_cb(
    buf: *mut c_char,
    size: c_int,
    _rwflag: c_int,
    userdata: *mut c_void,
) -> c_int {
    // SAFETY: userdata is the PasswordState set by Ctx::load_cert_chain for
    // the duration of the loading calls.
    let Some(state) = (unsafe { userdata.cast::<PasswordState<'_>>().as_mut() }) else {
        return -1;
    };
    let res = catch_unwind(AssertUnwindSafe(|| match &mut state.source {
        PasswordSource::Bytes(b) => Ok(b.to_vec()),
        PasswordSource::Callback(f) => f(),
    }));
    let pw = match res {
        Ok(Ok(pw)) => pw,
        Ok(Err(e)) => {
            state.error = Some(e);
            return -1;
        }
        Err(p) => {
            state.panic = Some(p);
            state.error = Some(Error::Value(ValueError::new("password callback panicked")));
            return -1;
        }
    };
    let cap = usize::try_from(size).unwrap_or(0);
    if pw.len() > cap {
        state.error = Some(Error::Value(ValueError::new(format!(
            "password cannot be longer than {size} bytes"
        ))));
        return -1;
    }
    // SAFETY: OpenSSL's buffer holds `size` bytes; we copy at most that.
    unsafe { std::ptr::copy_nonoverlapping(pw.as_ptr(), buf.cast::<u8>(), pw.len()) };
    c_int::try_from(pw.len()).unwrap_or(-1)
}

/// Installs or removes the key log callback on a context.
pub(crate) fn install_keylog(ctx: *mut sys::SSL_CTX, on: bool) {
    // SAFETY: valid SSL_CTX; the callback finds its file through ex_data.
    unsafe { ffi::SSL_CTX_set_keylog_callback(ctx, if on { Some(keylog_cb) } else { None }) };
}

/// CPython's `_PySSL_keylog_callback`: one NSS key log line per call,
/// flushed at once. A failing write is ignored (the TLS connection goes on).
unsafe extern "C" fn keylog_cb(ssl: *const sys::SSL, line: *const c_char) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        use std::io::Write;
        if line.is_null() {
            return;
        }
        // SAFETY: live SSL from OpenSSL; its SSL_CTX carries our hooks.
        let hooks = unsafe { hooks_of(sys::SSL_get_SSL_CTX(ssl)) };
        // SAFETY: OpenSSL passes a NUL-terminated line valid for this call.
        let text = unsafe { std::ffi::CStr::from_ptr(line) }.to_bytes();
        if let Some(h) = hooks {
            if let Ok(mut guard) = h.keylog.lock() {
                if let Some(f) = guard.as_mut() {
                    let _ = f.write_all(text);
                    let _ = f.write_all(b"\n");
                    let _ = f.flush();
                }
            }
        }
    }));
}

/// Installs or removes the message callback on a context (connections
/// made later copy it, as OpenSSL's `SSL_new` does).
pub(crate) fn install_msg(ctx: *mut sys::SSL_CTX, on: bool) {
    // SAFETY: valid SSL_CTX; the callback finds its hook through ex_data.
    unsafe { ffi::SSL_CTX_set_msg_callback(ctx, if on { Some(msg_cb) } else { None }) };
}

/// CPython's context setter: after `SSL_set_SSL_CTX` the connection's
/// message callback is on exactly when the new context has one.
pub(crate) fn sync_msg_callback(ssl: *mut sys::SSL, ctx: &super::ctx::Ctx) {
    let on = ctx.has_msg_hook();
    // SAFETY: `ssl` is a live SSL owned by the caller.
    unsafe { ffi::SSL_set_msg_callback(ssl, if on { Some(msg_cb) } else { None }) };
}

const SSL3_RT_CHANGE_CIPHER_SPEC: c_int = 20;
const SSL3_RT_ALERT: c_int = 21;
const SSL3_RT_HANDSHAKE: c_int = 22;
const SSL3_RT_HEADER: c_int = 0x100;
const SSL3_RT_INNER_CONTENT_TYPE: c_int = 0x101;
const SSL3_MT_CHANGE_CIPHER_SPEC: c_int = 0x0101;

/// Byte `i` of `data` read as a C `char` (signed where `char` is), as
/// CPython's `(int)cbuf[i]`.
fn cchar(data: &[u8], i: usize) -> Option<c_int> {
    data.get(i)
        .map(|&b| c_int::from(c_char::from_ne_bytes([b])))
}

/// CPython's `version` and `msg_type` for a message (`_PySSL_msg_callback`);
/// a message shorter than CPython assumes gives `msg_type` -1.
pub(crate) fn msg_fields(version: c_int, content_type: c_int, data: &[u8]) -> (i32, i32) {
    match content_type {
        SSL3_RT_CHANGE_CIPHER_SPEC => (version, SSL3_MT_CHANGE_CIPHER_SPEC),
        SSL3_RT_ALERT => (version, cchar(data, 1).unwrap_or(-1)),
        SSL3_RT_HANDSHAKE | SSL3_RT_INNER_CONTENT_TYPE => (version, cchar(data, 0).unwrap_or(-1)),
        SSL3_RT_HEADER => match (cchar(data, 0), cchar(data, 1), cchar(data, 2)) {
            (Some(t), Some(hi), Some(lo)) => ((hi << 8) | lo, t),
            _ => (version, -1),
        },
        _ => (version, -1),
    }
}

/// CPython's `_PySSL_msg_callback`: the hook of the connection's current
/// context, called with CPython's values; a panic is stashed on the
/// connection and resumed after the OpenSSL call.
unsafe extern "C" fn msg_cb(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    ssl: *mut sys::SSL,
    _arg: *mut c_void,
) {
    // SAFETY: live SSL from OpenSSL; its SSL_CTX is the current context.
    let ctx = unsafe { sys::SSL_get_SSL_CTX(ssl) };
    // SAFETY: see hooks_of / state_of.
    let (hooks, state) = unsafe { (hooks_of(ctx), state_of(ssl)) };
    let hook = hooks.and_then(|h| h.msg.read().ok().and_then(|g| g.clone()));
    let Some(hook) = hook else {
        return;
    };
    let data: &[u8] = if buf.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: OpenSSL passes `len` readable bytes at `buf`, valid for
        // the duration of the callback.
        unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) }
    };
    let (version, msg_type) = msg_fields(version, content_type, data);
    let msg = TlsMessage {
        direction: if write_p != 0 {
            MessageDirection::Write
        } else {
            MessageDirection::Read
        },
        version,
        content_type,
        msg_type,
        data,
        connection: ConnectionId(state.map_or(0, |s| s.id)),
    };
    if let Err(p) = catch_unwind(AssertUnwindSafe(|| hook(&msg))) {
        if let Some(st) = state {
            st.stash(p);
        }
    }
}

/// Installs or removes the PSK client callback on a context
/// (`SSL_CTX_set_psk_client_callback`; `SSL_new` copies it into each
/// connection, as in CPython).
#[cfg(has_psk)]
pub(crate) fn install_psk_client(ctx: *mut sys::SSL_CTX, on: bool) {
    let cb: Option<ffi::PskClientCb> = if on { Some(psk_client_cb) } else { None };
    // SAFETY: valid SSL_CTX; the callback finds its handler through ex_data.
    unsafe { ffi::set_psk_client_callback(ctx, cb) };
}

/// Installs or removes the PSK server callback on a context.
#[cfg(has_psk)]
pub(crate) fn install_psk_server(ctx: *mut sys::SSL_CTX, on: bool) {
    let cb: Option<ffi::PskServerCb> = if on { Some(psk_server_cb) } else { None };
    // SAFETY: valid SSL_CTX; the callback finds its handler through ex_data.
    unsafe { ffi::set_psk_server_callback(ctx, cb) };
}

/// A C string from OpenSSL as CPython passes it to a PSK callback: `None`
/// for NULL or empty, `Err` when it is not UTF-8 (CPython's decode fails;
/// the handshake is aborted without calling the callback).
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string valid for `'a`.
#[cfg(has_psk)]
unsafe fn psk_text<'a>(p: *const c_char) -> Result<Option<&'a str>, ()> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes();
    if bytes.is_empty() {
        return Ok(None);
    }
    std::str::from_utf8(bytes).map(Some).map_err(|_| ())
}

/// Overwrites a key once it has been handed to OpenSSL.
#[cfg(has_psk)]
fn wipe(buf: &mut [u8]) {
    for b in buf.iter_mut() {
        // SAFETY: `b` is a valid, exclusive reference; the volatile write
        // keeps the compiler from dropping the wipe.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
}

/// CPython's `psk_client_callback`: the handler's identity and key are
/// copied into OpenSSL's buffers; an identity that does not fit with its
/// NUL (`len + 1 > max_identity_len`) or a key longer than `max_psk_len`
/// fails, as a handler's refusal or panic does: 0 (no key) aborts the
/// handshake.
#[cfg(has_psk)]
unsafe extern "C" fn psk_client_cb(
    ssl: *mut sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    // SAFETY: live SSL from OpenSSL; see hooks_of / state_of.
    let (hooks, state) = unsafe { (hooks_of(sys::SSL_get_SSL_CTX(ssl)), state_of(ssl)) };
    let hook = hooks.and_then(|h| h.psk_client.read().ok().and_then(|g| g.clone()));
    let Some(hook) = hook else {
        return 0;
    };
    // SAFETY: OpenSSL passes NULL or the session's NUL-terminated hint.
    let Ok(hint) = (unsafe { psk_text(hint) }) else {
        return 0;
    };
    let (id, mut key) = match catch_unwind(AssertUnwindSafe(|| hook(hint))) {
        Ok(Some(v)) => v,
        Ok(None) => return 0,
        Err(p) => {
            if let Some(st) = state {
                st.stash(p);
            }
            return 0;
        }
    };
    let max_id = usize::try_from(max_identity_len).unwrap_or(0);
    let max_psk = usize::try_from(max_psk_len).unwrap_or(0);
    let fits = id.len() < max_id && key.len() <= max_psk;
    let n = match c_uint::try_from(key.len()) {
        Ok(n) if fits && !identity.is_null() && !psk.is_null() => n,
        _ => {
            wipe(&mut key);
            return 0;
        }
    };
    // SAFETY: OpenSSL's identity buffer holds `max_identity_len` + 1 bytes
    // and its key buffer `max_psk_len`; both lengths were checked above and
    // the identity gets its NUL within the bound.
    unsafe {
        std::ptr::copy_nonoverlapping(id.as_ptr(), identity.cast::<u8>(), id.len());
        *identity.add(id.len()) = 0;
        std::ptr::copy_nonoverlapping(key.as_ptr(), psk, key.len());
    }
    wipe(&mut key);
    n
}

/// CPython's `psk_server_callback`: the handler's key for the client's
/// identity, copied into OpenSSL's buffer; a key longer than
/// `max_psk_len`, a refusal or a panic gives 0 (no key).
#[cfg(has_psk)]
unsafe extern "C" fn psk_server_cb(
    ssl: *mut sys::SSL,
    identity: *const c_char,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    // SAFETY: live SSL from OpenSSL; see hooks_of / state_of.
    let (hooks, state) = unsafe { (hooks_of(sys::SSL_get_SSL_CTX(ssl)), state_of(ssl)) };
    let hook = hooks.and_then(|h| h.psk_server.read().ok().and_then(|g| g.clone()));
    let Some(hook) = hook else {
        return 0;
    };
    // SAFETY: OpenSSL passes NULL or the NUL-terminated identity it read.
    let Ok(identity) = (unsafe { psk_text(identity) }) else {
        return 0;
    };
    let mut key = match catch_unwind(AssertUnwindSafe(|| hook(identity))) {
        Ok(Some(k)) => k,
        Ok(None) => return 0,
        Err(p) => {
            if let Some(st) = state {
                st.stash(p);
            }
            return 0;
        }
    };
    let max_psk = usize::try_from(max_psk_len).unwrap_or(0);
    let n = match c_uint::try_from(key.len()) {
        Ok(n) if key.len() <= max_psk && !psk.is_null() => n,
        _ => {
            wipe(&mut key);
            return 0;
        }
    };
    // SAFETY: OpenSSL's key buffer holds `max_psk_len` bytes (checked).
    unsafe { std::ptr::copy_nonoverlapping(key.as_ptr(), psk, key.len()) };
    wipe(&mut key);
    n
}
