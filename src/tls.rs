//! What `SslSocket` and `SslObject` share: CPython's `_ssl._SSLSocket`, the
//! C object under both Python classes.

use foreign_types::ForeignType;

use crate::cert::PeerCert;
use crate::context::SslContext;
use crate::error::{Error, Result};
use crate::sys::conn::{Conn, ConnRef};
use crate::sys::err::IoFailure;

/// A cipher as `cipher()` and `shared_ciphers()` report it: Python's
/// `(name, protocol, secret_bits)` tuple.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "cipher")]
pub struct CipherInfo {
    /// OpenSSL's name (`"TLS_AES_256_GCM_SHA384"`).
    pub name: String,
    /// The protocol version that defines the cipher (`"TLSv1.3"`,
    /// `"TLSv1.2"`; not necessarily the negotiated version: see
    /// `version()`).
    pub protocol: String,
    /// The number of secret bits.
    pub secret_bits: i32,
}

impl From<(String, String, i32)> for CipherInfo {
    fn from((name, protocol, secret_bits): (String, String, i32)) -> Self {
        CipherInfo {
            name,
            protocol,
            secret_bits,
        }
    }
}

/// `recv(len)` on top of a `read_into`: a buffer of `len` bytes, cut to
/// what was read.
pub(crate) fn recv_vec(
    len: usize,
    read_into: impl FnOnce(&mut [u8]) -> Result<usize>,
) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let n = read_into(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// One TLS connection and what Python keeps beside it.
pub(crate) struct TlsCore {
    pub(crate) conn: Conn,
    pub(crate) context: SslContext,
    pub(crate) server_side: bool,
    /// The last decoded peer certificate, with the certificate it came
    /// from (held, so its address cannot be reused while cached).
    pub(crate) peer_cache: PeerCache,
}

/// `getpeercert()`'s cache: decoding is pure, so the same certificate
/// object always decodes the same; a new one (post-handshake
/// authentication, renegotiation) is decoded afresh.
pub(crate) type PeerCache = std::sync::Mutex<Option<(openssl::x509::X509, PeerCert)>>;

impl TlsCore {
    /// Runs one OpenSSL call of this connection. While the handshake is not
    /// finished the call holds its context's handshake gate (see
    /// `context::HandshakeGate`); a TLS 1.2 connection that has just
    /// finished its handshake takes its own cipher list, since a later
    /// renegotiation would read the context's without the gate.
    pub(crate) fn call<T>(&mut self, f: impl FnOnce(&mut Conn) -> T) -> T {
        if self.conn.is_init_finished() {
            return f(&mut self.conn);
        }
        let ctx = self.context();
        let gate = ctx.handshake_gate();
        let r = f(&mut self.conn);
        drop(gate);
        if self.conn.is_init_finished() && self.conn.version_number() < openssl_sys::TLS1_3_VERSION
        {
            self.conn.set_cipher_list(&ctx.cipher_string());
        }
        r
    }

    /// The context in use: the one an SNI callback switched to, if any.
    pub(crate) fn context(&self) -> SslContext {
        let switched = self
            .conn
            .state()
            .switched
            .lock()
            .ok()
            .and_then(|g| g.clone());
        switched
            .and_then(|a| a.downcast_ref::<SslContext>().cloned())
            .unwrap_or_else(|| self.context.clone())
    }

    pub(crate) fn getpeercert(&self) -> Result<Option<PeerCert>> {
        getpeercert(&self.conn, Some(&self.peer_cache))
    }

    pub(crate) fn getpeercert_der(&self) -> Result<Option<Vec<u8>>> {
        getpeercert_der(&self.conn)
    }

    pub(crate) fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        self.conn.verified_chain_der()
    }

    pub(crate) fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        get_unverified_chain(&self.conn, self.server_side)
    }

    pub(crate) fn cipher(&self) -> Option<CipherInfo> {
        cipher(&self.conn)
    }

    pub(crate) fn shared_ciphers(&self) -> Option<Vec<CipherInfo>> {
        shared_ciphers(&self.conn)
    }

    pub(crate) fn version(&self) -> Option<String> {
        self.conn.version()
    }

    pub(crate) fn selected_alpn_protocol(&self) -> Option<String> {
        selected_alpn_protocol(&self.conn)
    }

    /// CPython's `PySSL_set_session` checks, then `SSL_set_session`.
    pub(crate) fn set_session(&mut self, session: &crate::SslSession) -> Result<()> {
        if self.conn.ctx_id() != session.inner.ctx_id() {
            return Err(Error::value("Session refers to a different SSLContext."));
        }
        if self.server_side {
            return Err(Error::value(
                "Cannot set session for server-side SSLSocket.",
            ));
        }
        if self.conn.is_init_finished() {
            return Err(Error::value("Cannot set session after handshake."));
        }
        self.conn.set_session(&session.inner)
    }

    /// `context = ctx`: CPython's setter (`SSL_set_SSL_CTX`, no checks).
    pub(crate) fn set_context(&mut self, ctx: &SslContext) {
        ctx.adopt(&mut self.conn);
    }

    pub(crate) fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        get_channel_binding(&self.conn, self.server_side, cb_type)
    }
}

// The getters over a borrowed connection: the owner's (through `TlsCore`)
// or the one an SNI callback is called for (`SniConnection`).

/// `getpeercert()`; `cache` is the owner's (a callback decodes afresh).
pub(crate) fn getpeercert(conn: &ConnRef, cache: Option<&PeerCache>) -> Result<Option<PeerCert>> {
    if !conn.is_init_finished() {
        return Err(Error::value("handshake not done yet"));
    }
    let Some(x) = conn.peer_cert() else {
        return Ok(None);
    };
    if conn.ctx_verify_mode() & openssl_sys::SSL_VERIFY_PEER == 0 {
        return Ok(Some(PeerCert::default()));
    }
    let mut cache = cache.map(|c| c.lock().unwrap_or_else(|e| e.into_inner()));
    if let Some((cx, cert)) = cache.as_deref().and_then(Option::as_ref) {
        if cx.as_ptr() == x.as_ptr() {
            return Ok(Some(cert.clone()));
        }
    }
    let der = x
        .to_der()
        .map_err(|e| Error::value(format!("certificate encoding failed: {e}")))?;
    let cert = crate::pure::x509::decode_certificate(&der)?;
    if let Some(c) = cache.as_deref_mut() {
        *c = Some((x, cert.clone()));
    }
    Ok(Some(cert))
}

/// `getpeercert(True)`.
pub(crate) fn getpeercert_der(conn: &ConnRef) -> Result<Option<Vec<u8>>> {
    if !conn.is_init_finished() {
        return Err(Error::value("handshake not done yet"));
    }
    Ok(conn.peer_cert_der())
}

/// `get_unverified_chain()`: a server's OpenSSL chain lacks the peer's
/// own certificate, which CPython puts first.
pub(crate) fn get_unverified_chain(conn: &ConnRef, server_side: bool) -> Vec<Vec<u8>> {
    let Some(mut chain) = conn.peer_chain_der() else {
        return Vec::new();
    };
    if server_side {
        if let Some(peer) = conn.peer_cert_der() {
            chain.insert(0, peer);
        }
    }
    chain
}

/// `cipher()`.
pub(crate) fn cipher(conn: &ConnRef) -> Option<CipherInfo> {
    conn.cipher().map(CipherInfo::from)
}

/// `shared_ciphers()`.
pub(crate) fn shared_ciphers(conn: &ConnRef) -> Option<Vec<CipherInfo>> {
    conn.shared_ciphers()
        .map(|v| v.into_iter().map(CipherInfo::from).collect())
}

/// `selected_alpn_protocol()`.
pub(crate) fn selected_alpn_protocol(conn: &ConnRef) -> Option<String> {
    conn.alpn_selected()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// `get_channel_binding(cb_type)`.
pub(crate) fn get_channel_binding(
    conn: &ConnRef,
    server_side: bool,
    cb_type: &str,
) -> Result<Option<Vec<u8>>> {
    if cb_type != "tls-unique" {
        return Err(Error::value(format!(
            "'{cb_type}' channel binding type not implemented"
        )));
    }
    // Our own Finished message when the session is resumed XOR we are
    // the client.
    let own = conn.session_reused() ^ !server_side;
    let data = conn.finished(own);
    Ok((!data.is_empty()).then_some(data))
}

/// CPython's shutdown loop (`_ssl__SSLSocket_shutdown_impl`): `SSL_shutdown`
/// until it reports both close_notifys, or twice "sent, not yet received"
/// (the second time with read-ahead off). `step` runs one `SSL_shutdown`
/// call the way its connection runs OpenSSL calls.
pub(crate) fn shutdown_steps<S>(mut step: S) -> Result<std::result::Result<(), IoFailure>>
where
    S: FnMut(
        &mut dyn FnMut(&mut Conn) -> std::result::Result<bool, IoFailure>,
    ) -> Result<std::result::Result<bool, IoFailure>>,
{
    let mut zeros = 0;
    loop {
        let seen_zero = zeros > 0;
        let mut one = |c: &mut Conn| {
            if seen_zero {
                c.disable_read_ahead();
            }
            c.shutdown()
        };
        match step(&mut one)? {
            Ok(true) => return Ok(Ok(())),
            Ok(false) => {
                zeros += 1;
                if zeros > 1 {
                    return Ok(Ok(()));
                }
            }
            Err(f) => return Ok(Err(f)),
        }
    }
}

/// Generates the TLS getters `SslSocket`, `SslObject` and
/// `BorrowedSslSocket` expose, on a type with a
/// `fn with_core<R>(&self, f: impl FnOnce(Option<&TlsCore>) -> R) -> R`
/// and a `fn check_connected(&self) -> Result<()>` (`SSLSocket`'s
/// `_check_connected` before `getpeercert`).
macro_rules! tls_getters {
    () => {
        /// `getpeercert()`: the peer's certificate as a dictionary-like
        /// [`PeerCert`](crate::PeerCert); the empty value when the
        /// peer was not verified (`CERT_NONE`); `None` when the peer sent
        /// no certificate. `ValueError` before the handshake.
        pub fn getpeercert(&self) -> crate::Result<Option<crate::PeerCert>> {
            self.check_connected()?;
            self.with_core(|c| c.map_or(Ok(None), |c| c.getpeercert()))
        }

        /// `getpeercert(binary_form=True)`: the peer's certificate, DER.
        #[doc(alias = "getpeercert")]
        pub fn getpeercert_der(&self) -> crate::Result<Option<Vec<u8>>> {
            self.check_connected()?;
            self.with_core(|c| c.map_or(Ok(None), |c| c.getpeercert_der()))
        }

        /// `get_verified_chain()`: the chain OpenSSL verified, leaf first,
        /// DER-encoded.
        pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
            self.with_core(|c| c.map(|c| c.get_verified_chain()).unwrap_or_default())
        }

        /// `get_unverified_chain()`: the chain the peer sent, leaf first,
        /// DER-encoded.
        pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
            self.with_core(|c| c.map(|c| c.get_unverified_chain()).unwrap_or_default())
        }

        /// `_sslobj.get_verified_chain()`: the verified chain as
        /// [`Certificate`](crate::Certificate)s (CPython's
        /// `_ssl.Certificate` objects), leaf first.
        #[doc(alias = "get_verified_chain")]
        pub fn get_verified_chain_certificates(&self) -> Vec<crate::Certificate> {
            self.get_verified_chain()
                .iter()
                .filter_map(|d| crate::Certificate::from_der(d).ok())
                .collect()
        }

        /// `_sslobj.get_unverified_chain()`: the chain the peer sent as
        /// [`Certificate`](crate::Certificate)s, leaf first.
        #[doc(alias = "get_unverified_chain")]
        pub fn get_unverified_chain_certificates(&self) -> Vec<crate::Certificate> {
            self.get_unverified_chain()
                .iter()
                .filter_map(|d| crate::Certificate::from_der(d).ok())
                .collect()
        }

        /// `cipher()`: the negotiated cipher.
        pub fn cipher(&self) -> Option<crate::CipherInfo> {
            self.with_core(|c| c.and_then(|c| c.cipher()))
        }

        /// `shared_ciphers()`: the ciphers both sides offered (server side),
        /// in the server's order.
        pub fn shared_ciphers(&self) -> Option<Vec<crate::CipherInfo>> {
            self.with_core(|c| c.and_then(|c| c.shared_ciphers()))
        }

        /// `version()`: the negotiated protocol (`"TLSv1.3"`), `None` before
        /// the handshake.
        pub fn version(&self) -> Option<String> {
            self.with_core(|c| c.and_then(|c| c.version()))
        }

        /// `selected_alpn_protocol()`.
        pub fn selected_alpn_protocol(&self) -> Option<String> {
            self.with_core(|c| c.and_then(|c| c.selected_alpn_protocol()))
        }

        /// `compression()`: always `None` (pyssl, like CPython on OpenSSL
        /// 3, disables compression).
        pub fn compression(&self) -> Option<String> {
            None
        }

        /// `get_channel_binding(cb_type)`: the `"tls-unique"` binding
        /// (the first Finished message), `None` before the handshake.
        pub fn get_channel_binding(&self, cb_type: &str) -> crate::Result<Option<Vec<u8>>> {
            self.with_core(|c| match c {
                Some(c) => c.get_channel_binding(cb_type),
                None if cb_type != "tls-unique" => {
                    Err(crate::Error::Value(crate::error::ValueError::new(format!(
                        "{cb_type} channel binding type not implemented"
                    ))))
                }
                None => Ok(None),
            })
        }

        /// `pending()`: decrypted bytes ready to be read without I/O.
        pub fn pending(&self) -> usize {
            self.with_core(|c| c.map(|c| c.conn.pending()).unwrap_or(0))
        }

        /// `session_reused`.
        pub fn session_reused(&self) -> bool {
            self.with_core(|c| c.map(|c| c.conn.session_reused()).unwrap_or(false))
        }

        /// `session`: the TLS session (to resume it later), `None` before
        /// one exists.
        pub fn session(&self) -> Option<crate::SslSession> {
            self.with_core(|c| {
                c.and_then(|c| c.conn.session()).map(|s| crate::SslSession {
                    inner: std::sync::Arc::new(s),
                })
            })
        }

        /// `server_side`.
        pub fn server_side(&self) -> bool {
            self.server_side
        }

        /// `server_hostname`: the name given at wrap time, as the A-label
        /// CPython stores.
        pub fn server_hostname(&self) -> Option<&str> {
            self.server_hostname.as_deref()
        }

        /// `context`: the context in use (the one an SNI callback switched
        /// to, if any).
        pub fn context(&self) -> crate::SslContext {
            self.with_core(|c| match c {
                Some(c) => c.context(),
                None => self.context.clone(),
            })
        }
    };
}

/// `session = s` for a type with `core: Option<TlsCore>`.
macro_rules! set_session_owned {
    () => {
        /// `session = s`: resume `s` on this (client, not yet connected)
        /// connection. Python's checks: the session must come from the same
        /// context, the connection must be client side and before its
        /// handshake.
        #[doc(alias = "session")]
        pub fn set_session(&mut self, session: &crate::SslSession) -> crate::Result<()> {
            match self.core.as_mut() {
                Some(c) => c.set_session(session),
                None => Err(crate::Error::Value(crate::error::ValueError::new(
                    "Read on closed or unwrapped SSL socket.",
                ))),
            }
        }

        /// `context = ctx`: the connection goes on with `ctx` (its
        /// certificate and settings serve what is left of the handshake),
        /// as CPython's setter does (`SSL_set_SSL_CTX`). Inside an SNI
        /// callback use [`SniRequest::set_context`](crate::SniRequest::set_context).
        #[doc(alias = "context")]
        pub fn set_context(&mut self, ctx: &crate::SslContext) -> crate::Result<()> {
            match self.core.as_mut() {
                Some(c) => {
                    c.set_context(ctx);
                    Ok(())
                }
                None => Err(crate::Error::Value(crate::error::ValueError::new(
                    "Read on closed or unwrapped SSL socket.",
                ))),
            }
        }

        fn with_core<R>(&self, f: impl FnOnce(Option<&TlsCore>) -> R) -> R {
            f(self.core.as_ref())
        }
    };
}

pub(crate) use set_session_owned;
pub(crate) use tls_getters;
