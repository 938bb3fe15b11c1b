//! `SslContext`: Python's `ssl.SSLContext`.

use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::cert::PeerCert;
use crate::enums::{Options, Protocol, Purpose, TlsVersion, VerifyFlags, VerifyMode};
use crate::error::{Error, Result, SslError, TypeError, UnicodeError};
use crate::hostname;
use crate::message::TlsMessage;
use crate::options::{CertChainOptions, DefaultContextOptions, VerifyLocationsOptions};
use crate::socket::{SslSocket, WrapOptions};
use crate::sys::callbacks::{MsgHook, PskClientHook, PskServerHook, SniCall, SniHook};
use crate::sys::conn::Conn;
use crate::sys::ctx::{Ctx, Method, PasswordSource};

/// CPython's default cipher string (`_DEFAULT_CIPHERS`, 3.10+).
pub const DEFAULT_CIPHERS: &str =
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

use crate::{HOSTFLAG_NEVER_CHECK_SUBJECT, HOSTFLAG_NO_PARTIAL_WILDCARDS};

/// A TLS context: settings, certificates and trust anchors shared by the
/// connections made from it. Python's `ssl.SSLContext`.
///
/// # Mutability and threads
///
/// As in Python, a context stays mutable after connections have been made
/// from it, so every setter takes `&self`. `SslContext` is a cheap handle
/// (`Clone` shares the same context, like a second Python reference) and is
/// `Send + Sync`. Reconfiguration takes an internal write lock and creating
/// a connection (`wrap_socket`, `wrap_bio`) a read lock, so settings never
/// change halfway through `SSL_new`. OpenSSL copies per-connection settings
/// (verify mode and flags, host flags, options, protocol bounds, groups,
/// ALPN, the certificate chain) when a connection is created, so changes
/// apply to later connections; the trust store is shared, so certificates
/// loaded while a handshake runs are seen by it, exactly as in CPython.
///
/// One setting is not copied: OpenSSL reads the context's TLS 1.2 cipher
/// list while a handshake runs (a data race in CPython when
/// `set_ciphers` is called from another thread). pyssl closes it:
/// [`set_ciphers`](Self::set_ciphers) waits until no OpenSSL call of an
/// unfinished handshake from this context is running, and holds new ones
/// back only while it swaps the list; a TLS 1.2 connection takes a list of
/// its own when its handshake finishes (a renegotiation would read the list
/// again), and so does a connection an SNI callback moves to another
/// context. A handshake blocked on a silent peer without a timeout
/// therefore delays `set_ciphers` on its context until it ends.
#[derive(Clone)]
#[doc(alias = "SSLContext")]
pub struct SslContext {
    inner: Arc<Inner>,
}

struct Inner {
    ctx: Ctx,
    protocol: Protocol,
    state: RwLock<State>,
    gate: Arc<HandshakeGate>,
}

/// Handshake steps in progress on connections of one context.
///
/// OpenSSL does not copy the TLS 1.2 cipher list into a connection
/// (`SSL_get_ciphers` falls back to the context's list, read while the
/// handshake runs), so replacing the list under a running handshake is a
/// data race inside OpenSSL. Each OpenSSL call of a connection whose
/// handshake is not finished holds the gate; `set_ciphers` waits until no
/// such call runs and holds new ones back only while it swaps the list.
/// Entering never waits for a waiting `set_ciphers` (new handshakes are
/// not stalled behind a handshake blocked on a silent peer). Connections
/// that outlive their handshake on TLS 1.2 (renegotiation reads the list
/// again) or switch context in an SNI callback get a list of their own.
#[derive(Default)]
pub(crate) struct HandshakeGate {
    active: std::sync::Mutex<usize>,
    idle: std::sync::Condvar,
}

thread_local! {
    /// The gates this thread holds (a `set_ciphers` called from a callback
    /// inside a handshake step must not wait for its own step).
    static HELD: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One handshake step's hold on a context's [`HandshakeGate`].
pub(crate) struct GateGuard(Arc<HandshakeGate>);

impl HandshakeGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn key(&self) -> usize {
        self as *const HandshakeGate as usize
    }

    pub(crate) fn enter(self: &Arc<Self>) -> GateGuard {
        *self.lock() += 1;
        HELD.with(|h| h.borrow_mut().push(self.key()));
        GateGuard(self.clone())
    }

    /// Waits until no other thread runs a handshake step of this context;
    /// while the guard lives, none starts.
    fn wait_idle(&self) -> std::sync::MutexGuard<'_, usize> {
        let mine = HELD.with(|h| h.borrow().iter().filter(|&&k| k == self.key()).count());
        let mut g = self.lock();
        while *g > mine {
            g = self.idle.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        g
    }
}

impl Drop for GateGuard {
    fn drop(&mut self) {
        let key = self.0.key();
        HELD.with(|h| {
            let mut h = h.borrow_mut();
            if let Some(i) = h.iter().rposition(|&k| k == key) {
                h.swap_remove(i);
            }
        });
        let mut g = self.0.lock();
        *g = g.saturating_sub(1);
        if *g == 0 {
            self.0.idle.notify_all();
        }
    }
}

struct State {
    /// The cipher string last given to `SSL_CTX_set_cipher_list`.
    cipher_string: std::ffi::CString,
    check_hostname: bool,
    hostflags: u32,
    post_handshake_auth: bool,
    sni_set: bool,
    keylog_filename: Option<std::path::PathBuf>,
}

/// The counts of `cert_store_stats()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[doc(alias = "cert_store_stats")]
pub struct CertStoreStats {
    /// `x509`: certificates in the store.
    pub x509: usize,
    /// `crl`: CRLs in the store.
    pub crl: usize,
    /// `x509_ca`: certificates that are CAs.
    pub x509_ca: usize,
}

/// Trust anchors given as data: the `cadata` argument of
/// `load_verify_locations`.
#[derive(Clone, Copy, Debug)]
#[doc(alias = "cadata")]
pub enum CaData<'a> {
    /// A `str`: PEM text (must be ASCII); text around the PEM blocks is
    /// ignored.
    Pem(&'a str),
    /// Bytes: one or more DER certificates, concatenated.
    Der(&'a [u8]),
}

impl<'a> From<&'a str> for CaData<'a> {
    /// Python's `str`: PEM text.
    fn from(s: &'a str) -> Self {
        CaData::Pem(s)
    }
}

impl<'a> From<&'a String> for CaData<'a> {
    /// Python's `str`: PEM text.
    fn from(s: &'a String) -> Self {
        CaData::Pem(s)
    }
}

impl<'a> From<&'a [u8]> for CaData<'a> {
    /// Python's bytes: DER certificates.
    fn from(b: &'a [u8]) -> Self {
        CaData::Der(b)
    }
}

impl<'a> From<&'a Vec<u8>> for CaData<'a> {
    /// Python's bytes: DER certificates.
    fn from(b: &'a Vec<u8>) -> Self {
        CaData::Der(b)
    }
}

/// The password of an encrypted private key: the `password` argument of
/// `load_cert_chain`.
#[doc(alias = "password")]
pub enum Password<'a> {
    /// A `str` (encoded as UTF-8) or bytes.
    Bytes(&'a [u8]),
    /// A callable returning the password; its error is returned as is.
    Callback(Box<dyn FnMut() -> Result<Vec<u8>> + 'a>),
}

impl<'a> From<&'a str> for Password<'a> {
    fn from(s: &'a str) -> Self {
        Password::Bytes(s.as_bytes())
    }
}

impl<'a> From<&'a [u8]> for Password<'a> {
    fn from(b: &'a [u8]) -> Self {
        Password::Bytes(b)
    }
}

impl<'a> From<&'a String> for Password<'a> {
    fn from(s: &'a String) -> Self {
        Password::Bytes(s.as_bytes())
    }
}

impl<'a> From<&'a Vec<u8>> for Password<'a> {
    fn from(b: &'a Vec<u8>) -> Self {
        Password::Bytes(b)
    }
}

/// One entry of `get_ciphers()`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[doc(alias = "get_ciphers")]
pub struct CipherDetails {
    /// `id`: OpenSSL's cipher id.
    pub id: u32,
    /// `name`: OpenSSL's name (`"TLS_AES_256_GCM_SHA384"`).
    pub name: String,
    /// `protocol`: the version that defines it (`"TLSv1.3"`).
    pub protocol: String,
    /// `description`: OpenSSL's one-line description.
    pub description: String,
    /// `strength_bits`.
    pub strength_bits: i32,
    /// `alg_bits`.
    pub alg_bits: i32,
    /// `aead`.
    pub aead: bool,
    /// `symmetric`: the cipher's long name (`"aes-256-gcm"`).
    pub symmetric: Option<String>,
    /// `digest`: the MAC digest's long name, `None` for AEAD ciphers.
    pub digest: Option<String>,
    /// `kea`: key exchange (`"kx-ecdhe"`).
    pub kea: Option<String>,
    /// `auth`: authentication (`"auth-rsa"`).
    pub auth: Option<String>,
}

/// What an SNI callback sees: Python's `sni_callback(sslobj, server_name,
/// sslctx)`. [`connection`](Self::connection) is `sslobj`, the connection
/// in its handshake; [`server_name`](Self::server_name) and
/// [`context`](Self::context) are the other two arguments.
///
/// The callback runs inside the handshake call of that connection (on its
/// thread, while the `SslSocket` or `SslObject` is borrowed by the call),
/// so it reaches the connection only through this request, never through
/// the `SslSocket` / `SslObject` itself.
#[doc(alias = "sni_callback")]
pub struct SniRequest<'a, 'b> {
    connection: SniConnection<'a, 'b>,
}

impl<'a, 'b> SniRequest<'a, 'b> {
    /// The name the client sent, as an A-label (CPython passes the A-label,
    /// not the U-label its documentation promises); `None` without SNI.
    pub fn server_name(&self) -> Option<&str> {
        self.connection.call.server_name
    }

    /// The context the callback is installed on (Python's third argument,
    /// `sslctx`).
    pub fn context(&self) -> &SslContext {
        self.connection.installed
    }

    /// The connection the callback is called for (Python's first argument,
    /// the `SSLSocket` or `SSLObject`).
    #[doc(alias = "sslobj")]
    pub fn connection(&self) -> &SniConnection<'a, 'b> {
        &self.connection
    }

    /// The connection, to switch its context.
    pub fn connection_mut(&mut self) -> &mut SniConnection<'a, 'b> {
        &mut self.connection
    }

    /// Switches the connection to `ctx` (Python's `sslobj.context = ctx`):
    /// its certificate and settings serve the rest of the handshake.
    /// Short for `connection_mut().set_context(ctx)`.
    #[doc(alias = "context")]
    pub fn set_context(&mut self, ctx: &SslContext) {
        self.connection.set_context(ctx);
    }
}

/// The connection an SNI callback is called for, in the middle of its
/// handshake: what Python's callback can read and set on its `sslobj`
/// argument, with CPython's values at that point (no version, cipher,
/// ALPN protocol or peer certificate yet: `getpeercert()` is
/// `ValueError("handshake not done yet")`).
///
/// Only an [`SniRequest`] hands one out, for the duration of the callback.
/// It reads the OpenSSL connection the handshake call is running on, as
/// CPython's callback does; the `SslSocket` / `SslObject` that owns the
/// connection stays borrowed by that call and is never touched (no second
/// lock, no second reference to it).
#[doc(alias = "SSLObject")]
#[doc(alias = "SSLSocket")]
pub struct SniConnection<'a, 'b> {
    call: &'a mut SniCall<'b>,
    installed: &'a SslContext,
}

impl SniConnection<'_, '_> {
    fn conn(&self) -> &crate::sys::conn::ConnRef {
        self.call.conn()
    }

    /// `server_hostname`: the name given at wrap time, as the A-label
    /// CPython stores (`None` on a server made without one).
    pub fn server_hostname(&self) -> Option<&str> {
        self.call
            .state()
            .and_then(|s| s.server_hostname.get())
            .map(String::as_str)
    }

    /// `server_side` (always `true`: SNI callbacks run on servers).
    pub fn server_side(&self) -> bool {
        self.conn().is_server()
    }

    /// The connection's identity: the same as its `SslSocket`'s or
    /// `SslObject`'s `connection_id()` and as message callbacks report.
    #[doc(alias = "_msg_callback")]
    pub fn connection_id(&self) -> crate::ConnectionId {
        crate::ConnectionId(self.call.state().map_or(0, |s| s.id))
    }

    /// `context`: the context in use, the one installing the callback
    /// until [`set_context`](Self::set_context) switches it.
    pub fn context(&self) -> SslContext {
        let switched = self
            .call
            .state()
            .and_then(|s| s.switched.lock().ok().and_then(|g| g.clone()));
        switched
            .and_then(|a| a.downcast_ref::<SslContext>().cloned())
            .unwrap_or_else(|| self.installed.clone())
    }

    /// `context = ctx` (CPython's setter, `SSL_set_SSL_CTX`): the
    /// connection's certificate and settings for the rest of the handshake
    /// come from `ctx`.
    #[doc(alias = "context")]
    pub fn set_context(&mut self, ctx: &SslContext) {
        let keep: Arc<dyn std::any::Any + Send + Sync> = Arc::new(ctx.clone());
        self.call.switch_context(&ctx.inner.ctx, keep);
        // The rest of the handshake would read the new context's list
        // without holding its gate: the connection takes its own copy.
        self.call.set_cipher_list(&ctx.cipher_string());
    }

    /// `version()`: `None` (the handshake is not finished).
    pub fn version(&self) -> Option<String> {
        self.conn().version()
    }

    /// `cipher()`: `None` until a cipher is chosen.
    pub fn cipher(&self) -> Option<crate::CipherInfo> {
        crate::tls::cipher(self.conn())
    }

    /// `shared_ciphers()`.
    pub fn shared_ciphers(&self) -> Option<Vec<crate::CipherInfo>> {
        crate::tls::shared_ciphers(self.conn())
    }

    /// `selected_alpn_protocol()`: `None` (ALPN is chosen after SNI).
    pub fn selected_alpn_protocol(&self) -> Option<String> {
        crate::tls::selected_alpn_protocol(self.conn())
    }

    /// `compression()`: always `None`.
    pub fn compression(&self) -> Option<String> {
        None
    }

    /// `pending()`.
    pub fn pending(&self) -> usize {
        self.conn().pending()
    }

    /// `session_reused`.
    pub fn session_reused(&self) -> bool {
        self.conn().session_reused()
    }

    /// `getpeercert()`: `ValueError("handshake not done yet")`, as in
    /// CPython (a callback runs before the handshake has finished).
    pub fn getpeercert(&self) -> Result<Option<PeerCert>> {
        crate::tls::getpeercert(self.conn(), None)
    }

    /// `getpeercert(binary_form=True)`: the same `ValueError`.
    #[doc(alias = "getpeercert")]
    pub fn getpeercert_der(&self) -> Result<Option<Vec<u8>>> {
        crate::tls::getpeercert_der(self.conn())
    }

    /// `get_verified_chain()`: empty so far.
    pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        self.conn().verified_chain_der()
    }

    /// `get_unverified_chain()`: empty so far.
    pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        crate::tls::get_unverified_chain(self.conn(), self.server_side())
    }

    /// `get_channel_binding(cb_type)`: `None` for `"tls-unique"` (no
    /// Finished message yet), `ValueError` for other types.
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        crate::tls::get_channel_binding(self.conn(), self.server_side(), cb_type)
    }
}

impl std::fmt::Debug for SniConnection<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SniConnection")
            .field("connection_id", &self.connection_id())
            .field("server_side", &self.server_side())
            .field("server_hostname", &self.server_hostname())
            .finish_non_exhaustive()
    }
}

/// What a PSK callback returns to refuse: the handshake is aborted, as when
/// a Python PSK callback raises or returns something unusable (OpenSSL gets
/// no key). The client then fails with `PSK_IDENTITY_NOT_FOUND` and sends a
/// `handshake_failure` alert on TLS 1.2; a TLS 1.2 server fails with
/// `PSK_IDENTITY_NOT_FOUND` and sends `unknown_psk_identity`; a TLS 1.3
/// server ignores the key and goes on with a certificate handshake.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[doc(alias = "set_psk_client_callback")]
#[doc(alias = "set_psk_server_callback")]
pub struct PskError;

impl std::fmt::Display for PskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the PSK callback refused the handshake")
    }
}

impl std::error::Error for PskError {}

/// A TLS alert number: what an SNI callback returns to abort the handshake.
/// Python's `AlertDescription`, with every member and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    /// `ALERT_DESCRIPTION_CLOSE_NOTIFY` (0).
    #[doc(alias = "ALERT_DESCRIPTION_CLOSE_NOTIFY")]
    pub const CLOSE_NOTIFY: AlertDescription = AlertDescription(0);
    /// `ALERT_DESCRIPTION_UNEXPECTED_MESSAGE` (10).
    #[doc(alias = "ALERT_DESCRIPTION_UNEXPECTED_MESSAGE")]
    pub const UNEXPECTED_MESSAGE: AlertDescription = AlertDescription(10);
    /// `ALERT_DESCRIPTION_BAD_RECORD_MAC` (20).
    #[doc(alias = "ALERT_DESCRIPTION_BAD_RECORD_MAC")]
    pub const BAD_RECORD_MAC: AlertDescription = AlertDescription(20);
    /// `ALERT_DESCRIPTION_RECORD_OVERFLOW` (22).
    #[doc(alias = "ALERT_DESCRIPTION_RECORD_OVERFLOW")]
    pub const RECORD_OVERFLOW: AlertDescription = AlertDescription(22);
    /// `ALERT_DESCRIPTION_DECOMPRESSION_FAILURE` (30).
    #[doc(alias = "ALERT_DESCRIPTION_DECOMPRESSION_FAILURE")]
    pub const DECOMPRESSION_FAILURE: AlertDescription = AlertDescription(30);
    /// `ALERT_DESCRIPTION_HANDSHAKE_FAILURE` (40).
    #[doc(alias = "ALERT_DESCRIPTION_HANDSHAKE_FAILURE")]
    pub const HANDSHAKE_FAILURE: AlertDescription = AlertDescription(40);
    /// `ALERT_DESCRIPTION_BAD_CERTIFICATE` (42).
    #[doc(alias = "ALERT_DESCRIPTION_BAD_CERTIFICATE")]
    pub const BAD_CERTIFICATE: AlertDescription = AlertDescription(42);
    /// `ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE` (43).
    #[doc(alias = "ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE")]
    pub const UNSUPPORTED_CERTIFICATE: AlertDescription = AlertDescription(43);
    /// `ALERT_DESCRIPTION_CERTIFICATE_REVOKED` (44).
    #[doc(alias = "ALERT_DESCRIPTION_CERTIFICATE_REVOKED")]
    pub const CERTIFICATE_REVOKED: AlertDescription = AlertDescription(44);
    /// `ALERT_DESCRIPTION_CERTIFICATE_EXPIRED` (45).
    #[doc(alias = "ALERT_DESCRIPTION_CERTIFICATE_EXPIRED")]
    pub const CERTIFICATE_EXPIRED: AlertDescription = AlertDescription(45);
    /// `ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN` (46).
    #[doc(alias = "ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN")]
    pub const CERTIFICATE_UNKNOWN: AlertDescription = AlertDescription(46);
    /// `ALERT_DESCRIPTION_ILLEGAL_PARAMETER` (47).
    #[doc(alias = "ALERT_DESCRIPTION_ILLEGAL_PARAMETER")]
    pub const ILLEGAL_PARAMETER: AlertDescription = AlertDescription(47);
    /// `ALERT_DESCRIPTION_UNKNOWN_CA` (48).
    #[doc(alias = "ALERT_DESCRIPTION_UNKNOWN_CA")]
    pub const UNKNOWN_CA: AlertDescription = AlertDescription(48);
    /// `ALERT_DESCRIPTION_ACCESS_DENIED` (49).
    #[doc(alias = "ALERT_DESCRIPTION_ACCESS_DENIED")]
    pub const ACCESS_DENIED: AlertDescription = AlertDescription(49);
    /// `ALERT_DESCRIPTION_DECODE_ERROR` (50).
    #[doc(alias = "ALERT_DESCRIPTION_DECODE_ERROR")]
    pub const DECODE_ERROR: AlertDescription = AlertDescription(50);
    /// `ALERT_DESCRIPTION_DECRYPT_ERROR` (51).
    #[doc(alias = "ALERT_DESCRIPTION_DECRYPT_ERROR")]
    pub const DECRYPT_ERROR: AlertDescription = AlertDescription(51);
    /// `ALERT_DESCRIPTION_PROTOCOL_VERSION` (70).
    #[doc(alias = "ALERT_DESCRIPTION_PROTOCOL_VERSION")]
    pub const PROTOCOL_VERSION: AlertDescription = AlertDescription(70);
    /// `ALERT_DESCRIPTION_INSUFFICIENT_SECURITY` (71).
    #[doc(alias = "ALERT_DESCRIPTION_INSUFFICIENT_SECURITY")]
    pub const INSUFFICIENT_SECURITY: AlertDescription = AlertDescription(71);
    /// `ALERT_DESCRIPTION_INTERNAL_ERROR` (80).
    #[doc(alias = "ALERT_DESCRIPTION_INTERNAL_ERROR")]
    pub const INTERNAL_ERROR: AlertDescription = AlertDescription(80);
    /// `ALERT_DESCRIPTION_USER_CANCELLED` (90).
    #[doc(alias = "ALERT_DESCRIPTION_USER_CANCELLED")]
    pub const USER_CANCELLED: AlertDescription = AlertDescription(90);
    /// `ALERT_DESCRIPTION_NO_RENEGOTIATION` (100).
    #[doc(alias = "ALERT_DESCRIPTION_NO_RENEGOTIATION")]
    pub const NO_RENEGOTIATION: AlertDescription = AlertDescription(100);
    /// `ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION` (110).
    #[doc(alias = "ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION")]
    pub const UNSUPPORTED_EXTENSION: AlertDescription = AlertDescription(110);
    /// `ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE` (111).
    #[doc(alias = "ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE")]
    pub const CERTIFICATE_UNOBTAINABLE: AlertDescription = AlertDescription(111);
    /// `ALERT_DESCRIPTION_UNRECOGNIZED_NAME` (112).
    #[doc(alias = "ALERT_DESCRIPTION_UNRECOGNIZED_NAME")]
    pub const UNRECOGNIZED_NAME: AlertDescription = AlertDescription(112);
    /// `ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE` (113).
    #[doc(alias = "ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE")]
    pub const BAD_CERTIFICATE_STATUS_RESPONSE: AlertDescription = AlertDescription(113);
    /// `ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE` (114).
    #[doc(alias = "ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE")]
    pub const BAD_CERTIFICATE_HASH_VALUE: AlertDescription = AlertDescription(114);
    /// `ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY` (115).
    #[doc(alias = "ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY")]
    pub const UNKNOWN_PSK_IDENTITY: AlertDescription = AlertDescription(115);

    /// Python's members, in `ssl.AlertDescription`'s order.
    pub const NAMES: &'static [(&'static str, AlertDescription)] = &[
        (
            "ALERT_DESCRIPTION_CLOSE_NOTIFY",
            AlertDescription::CLOSE_NOTIFY,
        ),
        (
            "ALERT_DESCRIPTION_UNEXPECTED_MESSAGE",
            AlertDescription::UNEXPECTED_MESSAGE,
        ),
        (
            "ALERT_DESCRIPTION_BAD_RECORD_MAC",
            AlertDescription::BAD_RECORD_MAC,
        ),
        (
            "ALERT_DESCRIPTION_RECORD_OVERFLOW",
            AlertDescription::RECORD_OVERFLOW,
        ),
        (
            "ALERT_DESCRIPTION_DECOMPRESSION_FAILURE",
            AlertDescription::DECOMPRESSION_FAILURE,
        ),
        (
            "ALERT_DESCRIPTION_HANDSHAKE_FAILURE",
            AlertDescription::HANDSHAKE_FAILURE,
        ),
        (
            "ALERT_DESCRIPTION_BAD_CERTIFICATE",
            AlertDescription::BAD_CERTIFICATE,
        ),
        (
            "ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE",
            AlertDescription::UNSUPPORTED_CERTIFICATE,
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_REVOKED",
            AlertDescription::CERTIFICATE_REVOKED,
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_EXPIRED",
            AlertDescription::CERTIFICATE_EXPIRED,
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN",
            AlertDescription::CERTIFICATE_UNKNOWN,
        ),
        (
            "ALERT_DESCRIPTION_ILLEGAL_PARAMETER",
            AlertDescription::ILLEGAL_PARAMETER,
        ),
        ("ALERT_DESCRIPTION_UNKNOWN_CA", AlertDescription::UNKNOWN_CA),
        (
            "ALERT_DESCRIPTION_ACCESS_DENIED",
            AlertDescription::ACCESS_DENIED,
        ),
        (
            "ALERT_DESCRIPTION_DECODE_ERROR",
            AlertDescription::DECODE_ERROR,
        ),
        (
            "ALERT_DESCRIPTION_DECRYPT_ERROR",
            AlertDescription::DECRYPT_ERROR,
        ),
        (
            "ALERT_DESCRIPTION_PROTOCOL_VERSION",
            AlertDescription::PROTOCOL_VERSION,
        ),
        (
            "ALERT_DESCRIPTION_INSUFFICIENT_SECURITY",
            AlertDescription::INSUFFICIENT_SECURITY,
        ),
        (
            "ALERT_DESCRIPTION_INTERNAL_ERROR",
            AlertDescription::INTERNAL_ERROR,
        ),
        (
            "ALERT_DESCRIPTION_USER_CANCELLED",
            AlertDescription::USER_CANCELLED,
        ),
        (
            "ALERT_DESCRIPTION_NO_RENEGOTIATION",
            AlertDescription::NO_RENEGOTIATION,
        ),
        (
            "ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION",
            AlertDescription::UNSUPPORTED_EXTENSION,
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE",
            AlertDescription::CERTIFICATE_UNOBTAINABLE,
        ),
        (
            "ALERT_DESCRIPTION_UNRECOGNIZED_NAME",
            AlertDescription::UNRECOGNIZED_NAME,
        ),
        (
            "ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE",
            AlertDescription::BAD_CERTIFICATE_STATUS_RESPONSE,
        ),
        (
            "ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE",
            AlertDescription::BAD_CERTIFICATE_HASH_VALUE,
        ),
        (
            "ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY",
            AlertDescription::UNKNOWN_PSK_IDENTITY,
        ),
    ];

    /// Python's member name (`"ALERT_DESCRIPTION_UNKNOWN_CA"`), `None` for
    /// a number Python has no member for.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(_, a)| *a == self)
            .map(|(n, _)| *n)
    }
}

impl SslContext {
    /// `SSLContext(protocol)`, with CPython 3.13's defaults: `check_hostname`
    /// and `CERT_REQUIRED` for [`Protocol::TlsClient`], `CERT_NONE`
    /// otherwise; options `OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION |
    /// OP_CIPHER_SERVER_PREFERENCE` (plus OpenSSL's own defaults); the
    /// cipher string [`DEFAULT_CIPHERS`]; minimum version TLS 1.2 for the
    /// `PROTOCOL_TLS*` protocols; `VERIFY_X509_TRUSTED_FIRST`; host flag
    /// `NO_PARTIAL_WILDCARDS`. (The session id context `"Python"` is set
    /// on server-side connections only, as CPython 3.13 does since
    /// gh-105293: on a client it breaks TLS 1.3 PSK handshakes.)
    #[doc(alias = "SSLContext")]
    pub fn new(protocol: Protocol) -> Result<SslContext> {
        let method = match protocol {
            Protocol::Tls => Method::Tls,
            Protocol::TlsClient => Method::TlsClient,
            Protocol::TlsServer => Method::TlsServer,
            #[cfg(has_tlsv1_method)]
            Protocol::TlsV1 => Method::TlsV1,
            #[cfg(has_tlsv1_1_method)]
            Protocol::TlsV1_1 => Method::TlsV1_1,
            #[cfg(has_tlsv1_2_method)]
            Protocol::TlsV1_2 => Method::TlsV1_2,
            #[allow(unreachable_patterns)]
            other => {
                return Err(Error::value(format!(
                    "invalid or unsupported protocol version {}",
                    other.value()
                )))
            }
        };
        let ctx = Ctx::new(method)?;
        let client = protocol == Protocol::TlsClient;
        ctx.set_verify_mode_raw(if client {
            VerifyMode::Required.to_openssl()
        } else {
            VerifyMode::None.to_openssl()
        });
        let mut options = Options::ALL | Options::NO_SSLV2 | Options::NO_SSLV3;
        options |= Options::NO_COMPRESSION
            | Options::CIPHER_SERVER_PREFERENCE
            | Options::SINGLE_DH_USE
            | Options::SINGLE_ECDH_USE;
        ctx.set_options(ctx.options() | options.bits());
        let ciphers = Ctx::cstring(DEFAULT_CIPHERS)?;
        if !ctx.set_cipher_list(&ciphers) {
            return Err(Error::Ssl(SslError::plain("No cipher can be selected.")));
        }
        if matches!(
            protocol,
            Protocol::Tls | Protocol::TlsClient | Protocol::TlsServer
        ) && !ctx.set_min_proto(TlsVersion::TlsV1_2.value())
        {
            return Err(Error::value(format!(
                "Failed to set minimum protocol 0x{:x}",
                TlsVersion::TlsV1_2.value()
            )));
        }
        ctx.set_mode(crate::sys::ffi::SSL_MODE_RELEASE_BUFFERS);
        ctx.set_verify_flags(ctx.verify_flags() | VerifyFlags::X509_TRUSTED_FIRST.bits())?;
        ctx.set_hostflags(HOSTFLAG_NO_PARTIAL_WILDCARDS);
        ctx.set_post_handshake_auth(false);
        Ok(SslContext {
            inner: Arc::new(Inner {
                ctx,
                protocol,
                gate: Arc::default(),
                state: RwLock::new(State {
                    cipher_string: ciphers,
                    check_hostname: client,
                    hostflags: HOSTFLAG_NO_PARTIAL_WILDCARDS,
                    post_handshake_auth: false,
                    sni_set: false,
                    keylog_filename: None,
                }),
            }),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// A hold on the gate for one OpenSSL call of an unfinished handshake.
    pub(crate) fn handshake_gate(&self) -> GateGuard {
        self.inner.gate.enter()
    }

    /// The cipher string in force (for connections that get their own list).
    pub(crate) fn cipher_string(&self) -> std::ffi::CString {
        self.read().cipher_string.clone()
    }

    /// True when both handles refer to the same context.
    pub fn ptr_eq(&self, other: &SslContext) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// `protocol`.
    pub fn protocol(&self) -> Protocol {
        self.inner.protocol
    }

    /// `check_hostname`.
    pub fn check_hostname(&self) -> bool {
        self.read().check_hostname
    }

    /// `check_hostname = on`. Turning it on while the verify mode is
    /// `CERT_NONE` upgrades the mode to `CERT_REQUIRED`, as in Python.
    #[doc(alias = "check_hostname")]
    pub fn set_check_hostname(&self, on: bool) -> Result<()> {
        let mut st = self.write();
        if on && self.inner.ctx.verify_mode_raw() == openssl_sys::SSL_VERIFY_NONE {
            self.inner
                .ctx
                .set_verify_mode_raw(VerifyMode::Required.to_openssl());
        }
        st.check_hostname = on;
        Ok(())
    }

    /// `verify_mode`.
    pub fn verify_mode(&self) -> VerifyMode {
        VerifyMode::from_openssl(self.inner.ctx.verify_mode_raw())
    }

    /// `verify_mode = mode`; `CERT_NONE` is refused while
    /// `check_hostname` is on.
    #[doc(alias = "verify_mode")]
    pub fn set_verify_mode(&self, mode: VerifyMode) -> Result<()> {
        let st = self.write();
        if mode == VerifyMode::None && st.check_hostname {
            return Err(Error::value(
                "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.",
            ));
        }
        self.inner.ctx.set_verify_mode_raw(mode.to_openssl());
        Ok(())
    }

    /// `verify_flags`.
    pub fn verify_flags(&self) -> VerifyFlags {
        VerifyFlags::from_bits_retain(self.inner.ctx.verify_flags())
    }

    /// `verify_flags = flags`.
    #[doc(alias = "verify_flags")]
    pub fn set_verify_flags(&self, flags: VerifyFlags) -> Result<()> {
        let _st = self.write();
        self.inner.ctx.set_verify_flags(flags.bits())
    }

    /// `hostname_checks_common_name`: whether the subject's common name is
    /// consulted when the certificate has no DNS subjectAltName.
    pub fn hostname_checks_common_name(&self) -> bool {
        self.read().hostflags & HOSTFLAG_NEVER_CHECK_SUBJECT == 0
    }

    /// `hostname_checks_common_name = on` (sets or clears OpenSSL's
    /// `X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`).
    #[doc(alias = "hostname_checks_common_name")]
    pub fn set_hostname_checks_common_name(&self, on: bool) -> Result<()> {
        let mut st = self.write();
        let flags = if on {
            st.hostflags & !HOSTFLAG_NEVER_CHECK_SUBJECT
        } else {
            st.hostflags | HOSTFLAG_NEVER_CHECK_SUBJECT
        };
        self.inner.ctx.set_hostflags(flags);
        st.hostflags = flags;
        Ok(())
    }

    /// `_host_flags` (private in Python): the `X509_CHECK_FLAG_*` bits
    /// ([`HOSTFLAG_*`](crate::HOSTFLAG_NO_PARTIAL_WILDCARDS)) the hostname
    /// check of later connections uses; `HOSTFLAG_NO_PARTIAL_WILDCARDS` on a
    /// new context.
    #[doc(alias = "_host_flags")]
    pub fn host_flags(&self) -> u32 {
        self.read().hostflags
    }

    /// `_host_flags = flags`: replaces the host flags
    /// (`X509_VERIFY_PARAM_set_hostflags`, as CPython's setter; any `u32`
    /// is taken as is). `hostname_checks_common_name` reads and toggles
    /// `HOSTFLAG_NEVER_CHECK_SUBJECT` of the same value.
    #[doc(alias = "_host_flags")]
    pub fn set_host_flags(&self, flags: u32) -> Result<()> {
        let mut st = self.write();
        self.inner.ctx.set_hostflags(flags);
        st.hostflags = flags;
        Ok(())
    }

    fn check_version_protocol(&self) -> Result<()> {
        match self.inner.protocol {
            Protocol::Tls | Protocol::TlsClient | Protocol::TlsServer => Ok(()),
            _ => Err(Error::value(
                "The context's protocol doesn't support modification of highest and lowest version.",
            )),
        }
    }

    /// `minimum_version`.
    pub fn minimum_version(&self) -> TlsVersion {
        match self.inner.ctx.min_proto() {
            0 => TlsVersion::MinimumSupported,
            v => TlsVersion::from_value(v).unwrap_or(TlsVersion::MinimumSupported),
        }
    }

    /// `maximum_version`.
    pub fn maximum_version(&self) -> TlsVersion {
        match self.inner.ctx.max_proto() {
            0 => TlsVersion::MaximumSupported,
            v => TlsVersion::from_value(v).unwrap_or(TlsVersion::MaximumSupported),
        }
    }

    /// `minimum_version = v` (`SSL_CTX_set_min_proto_version`).
    /// `MAXIMUM_SUPPORTED` sets the highest version OpenSSL has.
    #[doc(alias = "minimum_version")]
    ///
    /// As `ssl.py` does, `SSLv3` first clears `OP_NO_SSLv3` (even on a
    /// context whose protocol then refuses the change).
    pub fn set_minimum_version(&self, v: TlsVersion) -> Result<()> {
        if v == TlsVersion::SslV3 {
            self.set_options(self.options() - Options::NO_SSLV3)?;
        }
        self.set_bound(v, true)
    }

    /// `maximum_version = v` (`SSL_CTX_set_max_proto_version`).
    /// `MINIMUM_SUPPORTED` sets the lowest version OpenSSL has.
    #[doc(alias = "maximum_version")]
    pub fn set_maximum_version(&self, v: TlsVersion) -> Result<()> {
        self.set_bound(v, false)
    }

    fn set_bound(&self, v: TlsVersion, min: bool) -> Result<()> {
        let _st = self.write();
        self.check_version_protocol()?;
        let raw = match (v, min) {
            (TlsVersion::MinimumSupported, true) | (TlsVersion::MaximumSupported, false) => 0,
            (TlsVersion::MaximumSupported, true) => crate::MAXIMUM_AVAILABLE.value(),
            (TlsVersion::MinimumSupported, false) => crate::MINIMUM_AVAILABLE.value(),
            (v, _) => v.value(),
        };
        let ok = if min {
            self.inner.ctx.set_min_proto(raw)
        } else {
            self.inner.ctx.set_max_proto(raw)
        };
        if !ok {
            return Err(Error::value(format!(
                "Unsupported protocol version 0x{raw:x}"
            )));
        }
        Ok(())
    }

    /// `options`.
    pub fn options(&self) -> Options {
        Options::from_bits_retain(self.inner.ctx.options())
    }

    /// `options = opts` (the bits that differ are cleared or set).
    #[doc(alias = "options")]
    pub fn set_options(&self, opts: Options) -> Result<()> {
        let _st = self.write();
        self.inner.ctx.set_options(opts.bits());
        Ok(())
    }

    /// `security_level` (read-only in Python).
    pub fn security_level(&self) -> i32 {
        self.inner.ctx.security_level()
    }

    /// `post_handshake_auth`.
    pub fn post_handshake_auth(&self) -> bool {
        self.read().post_handshake_auth
    }

    /// `post_handshake_auth = on`: applied to each connection made later
    /// (clients announce support; servers may request a certificate after
    /// the handshake with `verify_client_post_handshake`).
    #[doc(alias = "post_handshake_auth")]
    pub fn set_post_handshake_auth(&self, on: bool) -> Result<()> {
        let mut st = self.write();
        self.inner.ctx.set_post_handshake_auth(on);
        st.post_handshake_auth = on;
        Ok(())
    }

    /// `num_tickets`: TLS 1.3 session tickets a server sends.
    pub fn num_tickets(&self) -> usize {
        self.inner.ctx.num_tickets()
    }

    /// `num_tickets = n`; only on a `PROTOCOL_TLS_SERVER` context.
    #[doc(alias = "num_tickets")]
    pub fn set_num_tickets(&self, n: usize) -> Result<()> {
        let _st = self.write();
        if self.inner.protocol != Protocol::TlsServer {
            return Err(Error::value("SSLContext is not a server context."));
        }
        self.inner.ctx.set_num_tickets(n)
    }

    /// `load_cert_chain(certfile, keyfile=None, password=None)`: the
    /// certificate chain (PEM) and its private key (from `keyfile`, else
    /// from `certfile`), checked against each other. Unlike CPython,
    /// pyssl never prompts on the terminal for the password of an
    /// encrypted key: without `password` loading such a key fails.
    ///
    /// ```no_run
    /// # fn main() -> pyssl::Result<()> {
    /// use pyssl::{CertChainOptions, Protocol, SslContext};
    /// let ctx = SslContext::new(Protocol::TlsServer)?;
    /// ctx.load_cert_chain("cert.pem", CertChainOptions::new().keyfile("key.pem"))?;
    /// ctx.load_cert_chain("both.pem", CertChainOptions::new().password("secret"))?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn load_cert_chain(
        &self,
        certfile: impl AsRef<Path>,
        options: CertChainOptions<'_>,
    ) -> Result<()> {
        let keyfile = options.keyfile.as_deref();
        let _st = self.write();
        match options.password {
            None => self
                .inner
                .ctx
                .load_cert_chain(certfile.as_ref(), keyfile, None),
            Some(Password::Bytes(b)) => self.inner.ctx.load_cert_chain(
                certfile.as_ref(),
                keyfile,
                Some(PasswordSource::Bytes(b)),
            ),
            Some(Password::Callback(mut f)) => self.inner.ctx.load_cert_chain(
                certfile.as_ref(),
                keyfile,
                Some(PasswordSource::Callback(&mut *f)),
            ),
        }
    }

    /// `load_dh_params(path)`: Diffie-Hellman parameters (a PEM `DH
    /// PARAMETERS` block, e.g. from `openssl dhparam` or an RFC 7919
    /// group) for the DHE key exchange of TLS 1.2 and older; without them
    /// (and without `SSL_CTX_set_dh_auto`) a server offers no DHE suite.
    ///
    /// Errors, as CPython's: the file that cannot be opened or read is
    /// the `OSError` of its errno with the file name
    /// (`FileNotFoundError: [Errno 2] No such file or directory: 'x'`,
    /// `IsADirectoryError`); a file without DH parameters an `SSLError`
    /// with OpenSSL's library and reason (`[PEM: NO_START_LINE] no start
    /// line`); parameters below the security level `[SSL:
    /// DH_KEY_TOO_SMALL] dh key too small`; a NUL byte in the path
    /// `ValueError("embedded null byte")`.
    pub fn load_dh_params(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        crate::sys::path_cstring(path)?;
        let with_name =
            |e: crate::error::OsError| Error::Os(e.with_filename(path.to_string_lossy()));
        let file =
            std::fs::File::open(path).map_err(|e| with_name(crate::error::OsError::from_io(e)))?;
        let _st = self.write();
        use std::os::fd::AsRawFd;
        match self.inner.ctx.load_dh_params_fd(file.as_raw_fd()) {
            Err(Error::Os(e)) => Err(with_name(e)),
            other => other,
        }
    }

    /// `load_verify_locations(cafile=None, capath=None, cadata=None)`:
    /// trust anchors from a PEM file, a hashed directory (read lazily, as
    /// OpenSSL does) and/or data (see [`VerifyLocationsOptions`]). None of
    /// the three is Python's `TypeError`.
    pub fn load_verify_locations(&self, options: VerifyLocationsOptions<'_>) -> Result<()> {
        let VerifyLocationsOptions {
            cafile,
            capath,
            cadata,
        } = options;
        let (cafile, capath) = (cafile.as_deref(), capath.as_deref());
        if cafile.is_none() && capath.is_none() && cadata.is_none() {
            return Err(Error::Type(TypeError::new(
                "cafile, capath and cadata cannot be all omitted",
            )));
        }
        let _st = self.write();
        match cadata {
            Some(CaData::Pem(text)) => {
                if !text.is_ascii() {
                    return Err(Error::Type(TypeError::new(
                        "cadata should be an ASCII string or a bytes-like object",
                    )));
                }
                self.inner.ctx.add_ca_certs(text.as_bytes(), true)?;
            }
            Some(CaData::Der(der)) => self.inner.ctx.add_ca_certs(der, false)?,
            None => {}
        }
        if cafile.is_some() || capath.is_some() {
            self.inner.ctx.load_verify_locations(cafile, capath)?;
        }
        Ok(())
    }

    /// `load_default_certs(purpose)`: the system's trust anchors
    /// (`set_default_verify_paths` on this platform).
    pub fn load_default_certs(&self, purpose: Purpose) -> Result<()> {
        let _ = purpose;
        self.set_default_verify_paths()
    }

    /// `set_default_verify_paths()`: OpenSSL's default CA file and
    /// directory (honouring `SSL_CERT_FILE` / `SSL_CERT_DIR`).
    pub fn set_default_verify_paths(&self) -> Result<()> {
        let _st = self.write();
        self.inner.ctx.set_default_verify_paths()
    }

    /// `cert_store_stats()`.
    pub fn cert_store_stats(&self) -> CertStoreStats {
        let s = self.inner.ctx.store_stats();
        CertStoreStats {
            x509: s.x509,
            crl: s.crl,
            x509_ca: s.x509_ca,
        }
    }

    /// `get_ca_certs()`: the CA certificates of the store, decoded as
    /// `getpeercert()` decodes.
    pub fn get_ca_certs(&self) -> Result<Vec<PeerCert>> {
        self.inner
            .ctx
            .ca_certs_der()
            .iter()
            .map(|der| crate::pure::x509::decode_certificate(der))
            .collect()
    }

    /// `get_ca_certs(binary_form=True)`: the CA certificates as DER.
    #[doc(alias = "get_ca_certs")]
    pub fn get_ca_certs_der(&self) -> Vec<Vec<u8>> {
        self.inner.ctx.ca_certs_der()
    }

    /// `set_ciphers(cipherlist)`: OpenSSL's cipher string for TLS 1.2 and
    /// below (TLS 1.3 suites stay enabled).
    pub fn set_ciphers(&self, cipherlist: &str) -> Result<()> {
        let c = std::ffi::CString::new(cipherlist)
            .map_err(|_| Error::value("embedded null character"))?;
        // No handshake of this context may read the list while OpenSSL
        // replaces it (see `HandshakeGate`).
        let _idle = self.inner.gate.wait_idle();
        let mut st = self.write();
        let ok = self.inner.ctx.set_cipher_list(&c);
        // OpenSSL installs the new list even when it has no TLS 1.2 cipher.
        st.cipher_string = c;
        if !ok {
            return Err(Error::Ssl(SslError::plain("No cipher can be selected.")));
        }
        Ok(())
    }

    /// `get_ciphers()`: the enabled ciphers in priority order.
    pub fn get_ciphers(&self) -> Result<Vec<CipherDetails>> {
        let _st = self.read();
        Ok(self
            .inner
            .ctx
            .ciphers()?
            .into_iter()
            .map(|c| CipherDetails {
                id: c.id,
                name: c.name,
                protocol: c.protocol,
                description: c.description,
                strength_bits: c.strength_bits,
                alg_bits: c.alg_bits,
                aead: c.aead,
                symmetric: c.symmetric,
                digest: c.digest,
                kea: c.kea,
                auth: c.auth,
            })
            .collect())
    }

    /// `set_alpn_protocols(protocols)`: the protocols to offer (client) or
    /// accept (server), in preference order; each 1 to 255 ASCII bytes.
    pub fn set_alpn_protocols<S: AsRef<str>>(&self, protocols: &[S]) -> Result<()> {
        let mut wire = Vec::new();
        for p in protocols {
            let p = p.as_ref();
            if let Some(e) = UnicodeError::ascii_encode(p) {
                return Err(Error::Unicode(e));
            }
            if p.is_empty() || p.len() > 255 {
                return Err(Error::Ssl(SslError::plain(
                    "ALPN protocols must be 1 to 255 in length",
                )));
            }
            wire.push(u8::try_from(p.len()).unwrap_or(0));
            wire.extend_from_slice(p.as_bytes());
        }
        let _st = self.write();
        self.inner.ctx.set_alpn_protocols(wire)
    }

    /// `set_ecdh_curve(name)`: the single key-exchange group to use
    /// (`prime256v1`, `secp384r1`, `X25519`, ...).
    pub fn set_ecdh_curve(&self, name: &str) -> Result<()> {
        let c = std::ffi::CString::new(name).map_err(|_| Error::value("embedded null byte"))?;
        let _st = self.write();
        self.inner.ctx.set_ecdh_curve(&c, name)
    }

    /// `sni_callback = callback`: called on the server when a client
    /// sends its ClientHello, with the requested server name (an A-label,
    /// or `None`). Returning `Err(alert)` aborts the handshake with that
    /// alert; a panic aborts it with `handshake_failure` and is resumed
    /// from the handshake call once OpenSSL has returned. `None` removes
    /// the callback. Refused on a `PROTOCOL_TLS_CLIENT` context.
    #[doc(alias = "sni_callback")]
    pub fn set_sni_callback<F>(&self, callback: Option<F>) -> Result<()>
    where
        F: Fn(&mut SniRequest<'_, '_>) -> std::result::Result<(), AlertDescription>
            + Send
            + Sync
            + 'static,
    {
        if self.inner.protocol == Protocol::TlsClient {
            return Err(Error::value(
                "sni_callback cannot be set on TLS_CLIENT context",
            ));
        }
        let mut st = self.write();
        let hook: Option<Arc<SniHook>> = callback.map(|f| {
            let weak = Arc::downgrade(&self.inner);
            let hook: Arc<SniHook> = Arc::new(move |call: &mut SniCall<'_>| {
                let Some(inner) = weak.upgrade() else {
                    return Ok(());
                };
                let ctx = SslContext { inner };
                let mut req = SniRequest {
                    connection: SniConnection {
                        call,
                        installed: &ctx,
                    },
                };
                f(&mut req).map_err(|a| a.0)
            });
            hook
        });
        st.sni_set = hook.is_some();
        self.inner.ctx.set_sni_hook(hook);
        Ok(())
    }

    /// `_msg_callback = callback`: a debugging hook called for every TLS
    /// protocol message a connection of this context sends or receives
    /// (record headers, handshake messages, alerts, ChangeCipherSpec, the
    /// TLS 1.3 inner content type; never application data), with the
    /// values CPython passes (see [`TlsMessage`]). It cannot filter
    /// traffic or abort the connection; a panic is resumed from the I/O
    /// call (handshake, read, write, shutdown) once OpenSSL has returned.
    /// `None` removes it.
    ///
    /// As in CPython, a connection takes the setting of its context when it
    /// is created: connections made while no callback is set never call
    /// one (unless moved to a context with a callback), and a connection
    /// made while one is set calls the callback its current context has at
    /// the time of each message (none once it is removed). Moving a
    /// connection to another context (`sslsock.context = other`,
    /// [`SniRequest::set_context`]) turns its callback on or off as
    /// `other` has one or not.
    ///
    /// The callback runs on the thread of the I/O call, inside it: it must
    /// not call methods of the connection it reports on.
    #[doc(alias = "_msg_callback")]
    pub fn set_msg_callback<F>(&self, callback: Option<F>)
    where
        F: Fn(&TlsMessage<'_>) + Send + Sync + 'static,
    {
        let _st = self.write();
        let hook: Option<Arc<MsgHook>> = callback.map(|f| Arc::new(f) as Arc<MsgHook>);
        self.inner.ctx.set_msg_hook(hook);
    }

    /// Whether a message callback is installed (`_msg_callback is not
    /// None`).
    #[doc(alias = "_msg_callback")]
    pub fn has_msg_callback(&self) -> bool {
        self.inner.ctx.has_msg_hook()
    }

    /// `set_psk_client_callback(callback)`: TLS-PSK on a client (TLS 1.2
    /// with a `PSK` cipher suite, and TLS 1.3). OpenSSL calls `callback`
    /// during the handshake with the server's identity hint (`None` when
    /// the server sent none or an empty one, always `None` on TLS 1.3); it
    /// returns `(identity, psk)`. The identity is bytes (a Python `str` is
    /// its UTF-8; `"name".into()` makes one), `None` sends an empty
    /// identity (which OpenSSL refuses on TLS 1.3), and it ends at its
    /// first NUL byte.
    ///
    /// The handshake is aborted (OpenSSL gets no key: `SSLError` `[SSL:
    /// PSK_IDENTITY_NOT_FOUND] psk identity not found` on TLS 1.2) when the
    /// callback returns `Err(PskError)`, an empty key, an identity of
    /// `PSK_MAX_IDENTITY_LEN` bytes or more (256 on OpenSSL 3, 128 on
    /// 1.1.1), or a key longer than `PSK_MAX_PSK_LEN` (512; 256 on 1.1.1);
    /// when the hint is not UTF-8 (the callback is not called); and when
    /// the callback panics, the panic being resumed from the handshake call
    /// once OpenSSL has returned.
    /// A wrong key fails later, as a bad record MAC (TLS 1.2) or a binder
    /// that does not verify (TLS 1.3) on the server.
    ///
    /// `None` removes the callback. Connections take the callback's
    /// presence when they are created (`SSL_new`) and call the context's
    /// current one. Refused on a `PROTOCOL_TLS_SERVER` context with
    /// `SSLError("Cannot add PSK client callback to a PROTOCOL_TLS_SERVER
    /// context")`.
    ///
    /// ```
    /// # fn main() -> pyssl::Result<()> {
    /// use pyssl::{Protocol, SslContext};
    /// let ctx = SslContext::new(Protocol::TlsClient)?;
    /// ctx.set_psk_client_callback(Some(|_hint: Option<&str>| {
    ///     Ok((Some("client-identity".into()), vec![0xde, 0xad, 0xbe, 0xef]))
    /// }))?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "psk_client_callback")]
    #[doc(alias = "TLS-PSK")]
    pub fn set_psk_client_callback<F>(&self, callback: Option<F>) -> Result<()>
    where
        F: Fn(Option<&str>) -> std::result::Result<(Option<Vec<u8>>, Vec<u8>), PskError>
            + Send
            + Sync
            + 'static,
    {
        if self.inner.protocol == Protocol::TlsServer {
            return Err(Error::Ssl(SslError::text(
                "Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context",
            )));
        }
        let hook: Option<Arc<PskClientHook>> = callback.map(|f| {
            let hook: Arc<PskClientHook> = Arc::new(move |hint: Option<&str>| {
                f(hint).ok().map(|(id, psk)| (id.unwrap_or_default(), psk))
            });
            hook
        });
        self.install_psk_client(hook)
    }

    #[cfg(has_psk)]
    fn install_psk_client(&self, hook: Option<Arc<PskClientHook>>) -> Result<()> {
        let _st = self.write();
        self.inner.ctx.set_psk_client_hook(hook);
        Ok(())
    }

    #[cfg(not(has_psk))]
    fn install_psk_client(&self, _hook: Option<Arc<PskClientHook>>) -> Result<()> {
        Err(no_psk())
    }

    /// `set_psk_server_callback(callback, identity_hint=None)`: TLS-PSK on
    /// a server. OpenSSL calls `callback` during the handshake with the
    /// client's identity (`None` when it is empty) and uses the key it
    /// returns. `identity_hint` is sent to TLS 1.2 clients (TLS 1.3 has
    /// none).
    ///
    /// The handshake is aborted (on TLS 1.2: `SSLError` `[SSL:
    /// PSK_IDENTITY_NOT_FOUND] psk identity not found` here, an
    /// `unknown_psk_identity` alert to the client) when the callback
    /// returns `Err(PskError)`, an empty key or a key longer than
    /// `PSK_MAX_PSK_LEN` (512 bytes; 256 on 1.1.1); when the identity is not
    /// UTF-8 (the callback is not called); and when the callback panics,
    /// the panic being resumed from the handshake call once OpenSSL has
    /// returned. On TLS 1.3 a refused key makes OpenSSL go on without the
    /// PSK (a certificate handshake, which fails without a certificate).
    ///
    /// `None` removes the callback and clears the hint (`identity_hint` is
    /// then ignored). Refused on a `PROTOCOL_TLS_CLIENT` context with
    /// `SSLError("Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT
    /// context")`, after `ValueError("embedded null character")` for a
    /// hint with a NUL; a hint OpenSSL refuses (longer than
    /// `PSK_MAX_IDENTITY_LEN`: 256 bytes, 128 on 1.1.1) is
    /// `ValueError("failed to set identity hint")` and leaves the callback
    /// as it was.
    ///
    /// ```
    /// # fn main() -> pyssl::Result<()> {
    /// use pyssl::{Protocol, PskError, SslContext};
    /// let ctx = SslContext::new(Protocol::TlsServer)?;
    /// ctx.set_psk_server_callback(
    ///     Some(|identity: Option<&str>| match identity {
    ///         Some("client-identity") => Ok(vec![0xde, 0xad, 0xbe, 0xef]),
    ///         _ => Err(PskError),
    ///     }),
    ///     Some("identity-hint"),
    /// )?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "psk_server_callback")]
    #[doc(alias = "identity_hint")]
    #[doc(alias = "TLS-PSK")]
    pub fn set_psk_server_callback<F>(
        &self,
        callback: Option<F>,
        identity_hint: Option<&str>,
    ) -> Result<()>
    where
        F: Fn(Option<&str>) -> std::result::Result<Vec<u8>, PskError> + Send + Sync + 'static,
    {
        let hint = match identity_hint {
            Some(h) => Some(
                std::ffi::CString::new(h).map_err(|_| Error::value("embedded null character"))?,
            ),
            None => None,
        };
        if self.inner.protocol == Protocol::TlsClient {
            return Err(Error::Ssl(SslError::text(
                "Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context",
            )));
        }
        let hook: Option<Arc<PskServerHook>> = callback.map(|f| {
            let hook: Arc<PskServerHook> = Arc::new(move |identity: Option<&str>| f(identity).ok());
            hook
        });
        // CPython clears the hint with the callback.
        let hint = if hook.is_some() { hint } else { None };
        self.install_psk_server(hook, hint.as_deref())
    }

    #[cfg(has_psk)]
    fn install_psk_server(
        &self,
        hook: Option<Arc<PskServerHook>>,
        hint: Option<&std::ffi::CStr>,
    ) -> Result<()> {
        let _st = self.write();
        if !self.inner.ctx.set_psk_identity_hint(hint) {
            return Err(Error::value("failed to set identity hint"));
        }
        self.inner.ctx.set_psk_server_hook(hook);
        Ok(())
    }

    #[cfg(not(has_psk))]
    fn install_psk_server(
        &self,
        _hook: Option<Arc<PskServerHook>>,
        _hint: Option<&std::ffi::CStr>,
    ) -> Result<()> {
        Err(no_psk())
    }

    /// `keylog_filename`: where TLS secrets are logged (NSS key log
    /// format), `None` when off.
    pub fn keylog_filename(&self) -> Option<std::path::PathBuf> {
        self.read().keylog_filename.clone()
    }

    /// `keylog_filename = path`: appends the TLS secrets of every later
    /// handshake to `path` in NSS key log format (for Wireshark); writes
    /// CPython's header line when the file is empty. `None` turns it off.
    /// A file that cannot be opened is Python's `OSError` with the
    /// file name.
    #[doc(alias = "keylog_filename")]
    pub fn set_keylog_filename(&self, path: Option<&Path>) -> Result<()> {
        let mut st = self.write();
        self.inner.ctx.set_keylog(None);
        st.keylog_filename = None;
        let Some(path) = path else {
            return Ok(());
        };
        let os_err = |e: std::io::Error| {
            let e = crate::error::OsError::from_io(e);
            Error::Os(e.with_filename(path.to_string_lossy()))
        };
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(os_err)?;
        if f.metadata().map_err(os_err)?.len() == 0 {
            use std::io::Write;
            f.write_all(b"# TLS secrets log file, generated by OpenSSL / Python\n")
                .and_then(|()| f.flush())
                .map_err(os_err)?;
        }
        self.inner.ctx.set_keylog(Some(f));
        st.keylog_filename = Some(path.to_path_buf());
        Ok(())
    }

    /// Whether an SNI callback is installed (`sni_callback is not None`).
    #[doc(alias = "sni_callback")]
    pub fn has_sni_callback(&self) -> bool {
        self.read().sni_set
    }

    /// `session_stats()`: the session cache counters, in CPython's order
    /// (`number`, `connect`, `connect_good`, ... `cache_full`).
    pub fn session_stats(&self) -> Vec<(&'static str, i64)> {
        self.inner.ctx.session_stats().to_vec()
    }

    /// `wrap_socket(sock, server_side, do_handshake_on_connect,
    /// suppress_ragged_eofs, server_hostname, session)`: TLS over a stream
    /// socket ([`TcpStream`](std::net::TcpStream), a Unix socket, a
    /// listening socket, any [`StreamSocket`](crate::StreamSocket)),
    /// connected or to be connected later. See [`WrapOptions`] and
    /// [`SslSocket`].
    pub fn wrap_socket<S: crate::StreamSocket>(
        &self,
        sock: S,
        options: WrapOptions<'_>,
    ) -> Result<SslSocket<S>> {
        SslSocket::create(self, sock, options)
    }

    /// Moves `conn` to this context (Python's `sslsock.context = ctx`),
    /// with a TLS 1.2 cipher list of its own (see `HandshakeGate`).
    pub(crate) fn adopt(&self, conn: &mut Conn) {
        let keep: Arc<dyn std::any::Any + Send + Sync> = Arc::new(self.clone());
        conn.switch_context(&self.inner.ctx, keep);
        conn.set_cipher_list(&self.cipher_string());
    }

    /// The Python-level checks of `SSLSocket._create` / `wrap_bio`, then
    /// CPython's `newPySSLSocket`: a configured connection.
    pub(crate) fn new_conn(
        &self,
        server_side: bool,
        server_hostname: Option<&str>,
        attach: impl FnOnce(&mut Conn) -> Result<()>,
    ) -> Result<Conn> {
        // The "es" converter runs first: NUL bytes are a TypeError.
        let c_name = match server_hostname {
            Some(h) => Some(hostname::to_cstring(h)?),
            None => None,
        };
        if server_side && self.inner.protocol == Protocol::TlsClient {
            return Err(Error::Ssl(SslError::text(
                "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
            )));
        }
        if !server_side && self.inner.protocol == Protocol::TlsServer {
            return Err(Error::Ssl(SslError::text(
                "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
            )));
        }
        let st = self.read();
        let mut conn = Conn::new(&self.inner.ctx, st.hostflags)?;
        if server_side {
            // CPython's newPySSLSocket: server side only (gh-105293).
            conn.set_session_id_context(b"Python\0");
        }
        attach(&mut conn)?;
        if st.post_handshake_auth {
            conn.enable_post_handshake_auth(server_side);
        }
        if let (Some(name), Some(c)) = (server_hostname, c_name.as_ref()) {
            let ip = hostname::check_server_hostname(name)?;
            conn.configure_hostname(c, ip.as_deref(), st.check_hostname)?;
            let _ = conn.state().server_hostname.set(name.to_owned());
        }
        drop(st);
        conn.set_role(server_side);
        Ok(conn)
    }
}

impl std::fmt::Debug for SslContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslContext")
            .field("protocol", &self.protocol())
            .field("check_hostname", &self.check_hostname())
            .field("verify_mode", &self.verify_mode())
            .finish_non_exhaustive()
    }
}

/// What the PSK setters return when the linked OpenSSL has no PSK support:
/// CPython's `NotImplementedError` and text.
#[cfg(not(has_psk))]
fn no_psk() -> Error {
    Error::NotImplemented(crate::NotImplementedError::new(
        "TLS-PSK is not available on this OpenSSL build",
    ))
}

/// `create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None,
/// capath=None, cadata=None)` as in CPython 3.13 (the keywords are
/// [`DefaultContextOptions`]): a `PROTOCOL_TLS_CLIENT` context with
/// `CERT_REQUIRED` and `check_hostname` for [`Purpose::ServerAuth`], a
/// `PROTOCOL_TLS_SERVER` one for [`Purpose::ClientAuth`]; both get
/// `VERIFY_X509_PARTIAL_CHAIN | VERIFY_X509_STRICT`; then the given trust
/// anchors, or the system's when verification is on; and, as CPython,
/// `keylog_filename` from the `SSLKEYLOGFILE` environment variable when it
/// is set and not empty (a Rust program has no `-E` flag:
/// `sys.flags.ignore_environment` is always false here).
///
/// ```no_run
/// use pyssl::{create_default_context, DefaultContextOptions};
/// # fn main() -> pyssl::Result<()> {
/// let ctx = create_default_context(DefaultContextOptions::new().cafile("ca.pem"))?;
/// # let _ = ctx;
/// # Ok(())
/// # }
/// ```
pub fn create_default_context(options: DefaultContextOptions<'_>) -> Result<SslContext> {
    let DefaultContextOptions {
        purpose,
        cafile,
        capath,
        cadata,
    } = options;
    let ctx = match purpose {
        Purpose::ServerAuth => {
            let c = SslContext::new(Protocol::TlsClient)?;
            c.set_verify_mode(VerifyMode::Required)?;
            c.set_check_hostname(true)?;
            c
        }
        Purpose::ClientAuth => SslContext::new(Protocol::TlsServer)?,
    };
    ctx.set_verify_flags(
        ctx.verify_flags() | VerifyFlags::X509_PARTIAL_CHAIN | VerifyFlags::X509_STRICT,
    )?;
    load_ca_or_default(&ctx, purpose, cafile, capath, cadata)?;
    keylog_from_environment(&ctx)?;
    Ok(ctx)
}

/// `if cafile or capath or cadata: load_verify_locations(...)`, `elif
/// verify_mode != CERT_NONE: load_default_certs(purpose)`: the step
/// `create_default_context` and `_create_unverified_context` share.
pub(crate) fn load_ca_or_default(
    ctx: &SslContext,
    purpose: Purpose,
    cafile: Option<std::path::PathBuf>,
    capath: Option<std::path::PathBuf>,
    cadata: Option<CaData<'_>>,
) -> Result<()> {
    use crate::options::{cadata_given, given};
    if given(&cafile) || given(&capath) || cadata_given(&cadata) {
        ctx.load_verify_locations(VerifyLocationsOptions {
            cafile,
            capath,
            cadata,
        })
    } else if ctx.verify_mode() != VerifyMode::None {
        ctx.load_default_certs(purpose)
    } else {
        Ok(())
    }
}

/// CPython's `keylog_filename` from `SSLKEYLOGFILE` (set and not empty),
/// as `create_default_context` and `_create_unverified_context` do it.
pub(crate) fn keylog_from_environment(ctx: &SslContext) -> Result<()> {
    if let Some(f) = std::env::var_os("SSLKEYLOGFILE").filter(|f| !f.is_empty()) {
        ctx.set_keylog_filename(Some(Path::new(&f)))?;
    }
    Ok(())
}
