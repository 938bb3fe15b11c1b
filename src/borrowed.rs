//! `BorrowedSslSocket`: TLS over a socket descriptor that someone else
//! owns, CPython's `_ssl._SSLSocket` over the Python socket it is given.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

use crate::context::SslContext;
use crate::duplex::{busy, Duplex};
use crate::error::{Error, Result, SslError, SslErrorKind};
use crate::socket::WrapOptions;
use crate::sys::bio::SockBio;
use crate::tls::{tls_getters, TlsCore};

/// TLS over a stream socket descriptor that pyssl does not own: what an
/// embedder (an event loop, a proxy, another language's socket object)
/// needs, and what CPython's `_ssl._SSLSocket` is under `ssl.SSLSocket`.
///
/// pyssl never closes the descriptor and never changes its blocking
/// mode. Each operation is given the descriptor and the caller's current
/// timeout, as CPython's `_ssl` reads the Python socket's timeout afresh
/// on every call: `None` waits as long as it takes, zero does not wait
/// (`SSLWantReadError` / `SSLWantWriteError`, for the caller's own event
/// loop), anything else bounds the call (`TimeoutError` with CPython's
/// text).
///
/// # Threads
///
/// All methods take `&self` and the type is `Sync`: one thread may block
/// in [`read_into`](Self::read_into) while another
/// [`write`](Self::write)s, as Python code does with one `SSLSocket`.
/// OpenSSL is only ever called under the connection's lock and never
/// waits under it: pyssl's socket BIO sends and receives with
/// `MSG_DONTWAIT` whatever the descriptor's mode, and the waits (`poll`)
/// happen with the lock released. When two threads wait on one
/// connection, an unbounded wait is cut into short slices, so that a
/// thread whose record the other consumed retries promptly.
///
/// The getters (`cipher()`, `version()`, ...) take the same lock; called
/// from a callback of this connection's own OpenSSL call (an SNI callback
/// is), they see no connection and answer as before the handshake.
#[doc(alias = "_SSLSocket")]
pub struct BorrowedSslSocket {
    tls: Duplex,
    context: SslContext,
    server_side: bool,
    server_hostname: Option<String>,
    connection_id: crate::ConnectionId,
}

impl std::fmt::Debug for BorrowedSslSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BorrowedSslSocket")
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname)
            .finish_non_exhaustive()
    }
}

impl SslContext {
    /// `_wrap_socket(sock, server_side, server_hostname, session=...)`
    /// over a descriptor the caller keeps owning: a TLS connection that
    /// has not started its handshake. The checks of `wrap_socket` apply;
    /// `do_handshake_on_connect` and `suppress_ragged_eofs` are the
    /// caller's business (call [`BorrowedSslSocket::do_handshake`]; reads
    /// report a ragged EOF as `SSLEOFError`, as `_ssl` does).
    #[doc(alias = "_wrap_socket")]
    pub fn wrap_borrowed(
        &self,
        fd: BorrowedFd<'_>,
        options: WrapOptions<'_>,
    ) -> Result<BorrowedSslSocket> {
        BorrowedSslSocket::create(self, fd, options)
    }
}

impl BorrowedSslSocket {
    fn create(ctx: &SslContext, fd: BorrowedFd<'_>, opts: WrapOptions<'_>) -> Result<Self> {
        let name = opts.server_hostname;
        opts.check(ctx)?;
        let encoded = name.map(crate::hostname::encode).transpose()?;
        let mut bio = SockBio::new()?;
        bio.set_fd(fd);
        let conn = ctx.new_conn(opts.server_side, encoded.as_deref(), |c| {
            c.set_sock_bio(&bio);
            Ok(())
        })?;
        let connection_id = conn.id();
        let core = TlsCore {
            conn,
            context: ctx.clone(),
            server_side: opts.server_side,
            peer_cache: Default::default(),
        };
        let s = BorrowedSslSocket {
            tls: Duplex::new(core, bio),
            context: ctx.clone(),
            server_side: opts.server_side,
            server_hostname: encoded,
            connection_id,
        };
        if let Some(session) = &opts.session {
            s.set_session(session)?;
        }
        Ok(s)
    }

    fn with_core<R>(&self, f: impl FnOnce(Option<&TlsCore>) -> R) -> R {
        self.tls.with_core(f)
    }

    tls_getters!();

    fn check_connected(&self) -> Result<()> {
        Ok(())
    }

    /// The connection's identity, as message callbacks report it
    /// ([`TlsMessage::connection`](crate::TlsMessage::connection)).
    #[doc(alias = "_msg_callback")]
    pub fn connection_id(&self) -> crate::ConnectionId {
        self.connection_id
    }

    /// `session = s`: resume `s` (client side, before the handshake), with
    /// Python's checks.
    #[doc(alias = "session")]
    pub fn set_session(&self, session: &crate::SslSession) -> Result<()> {
        match self.tls.lock() {
            Some(mut g) => g.core.set_session(session),
            None => Err(busy()),
        }
    }

    /// `context = ctx`: the connection goes on with `ctx`, as CPython's
    /// setter does (`SSL_set_SSL_CTX`, no checks).
    #[doc(alias = "context")]
    pub fn set_context(&self, ctx: &SslContext) -> Result<()> {
        match self.tls.lock() {
            Some(mut g) => {
                g.core.set_context(ctx);
                Ok(())
            }
            None => Err(busy()),
        }
    }

    /// `do_handshake()`: the TLS handshake (certificate and hostname
    /// verification included) on `fd`, waiting as `timeout` says.
    pub fn do_handshake(&self, fd: BorrowedFd<'_>, timeout: Option<Duration>) -> Result<()> {
        let h = self.server_hostname.as_deref();
        self.tls.do_handshake(Some(fd), fd.as_raw_fd(), timeout, h)
    }

    /// `read(len, buffer)`: reads application data into `buf`, returning
    /// the count; 0 after the peer's close_notify (and for an empty
    /// `buf`). A ragged EOF is `SSLEOFError` (suppressing it is the
    /// caller's choice, as `ssl.py`'s `suppress_ragged_eofs`).
    pub fn read_into(
        &self,
        fd: BorrowedFd<'_>,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        let h = self.server_hostname.as_deref();
        self.tls
            .read_into(Some(fd), fd.as_raw_fd(), buf, timeout, h)
    }

    /// `read(len)`: up to `len` bytes of application data (see
    /// [`read_into`](Self::read_into)).
    #[doc(alias = "read")]
    pub fn recv(
        &self,
        fd: BorrowedFd<'_>,
        len: usize,
        timeout: Option<Duration>,
    ) -> Result<Vec<u8>> {
        crate::tls::recv_vec(len, |b| self.read_into(fd, b, timeout))
    }

    /// `write(data)`: encrypts and sends `data`, returning the number of
    /// bytes written.
    pub fn write(
        &self,
        fd: BorrowedFd<'_>,
        data: &[u8],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        let h = self.server_hostname.as_deref();
        self.tls.write(Some(fd), fd.as_raw_fd(), data, timeout, h)
    }

    /// `shutdown()`: the TLS shutdown (close_notify sent, and the peer's
    /// awaited as CPython's `_ssl` does); the descriptor stays open.
    pub fn shutdown(&self, fd: BorrowedFd<'_>, timeout: Option<Duration>) -> Result<()> {
        let h = self.server_hostname.as_deref();
        self.tls.shutdown(Some(fd), fd.as_raw_fd(), timeout, h)
    }

    /// `verify_client_post_handshake()`: a TLS 1.3 server asks the client
    /// for its certificate (sent with the next write).
    pub fn verify_client_post_handshake(&self) -> Result<()> {
        match self.tls.lock() {
            Some(mut g) => g.core.conn.verify_client_post_handshake(),
            None => Err(busy()),
        }
    }

    /// The error CPython's `_ssl` raises when the socket object it was
    /// given has been closed (its descriptor is -1).
    pub fn socket_closed_error() -> Error {
        Error::Ssl(SslError::plain("Underlying socket has been closed."))
    }

    /// The error CPython's `_ssl` raises when the socket object it was
    /// given no longer exists.
    pub fn socket_gone_error() -> Error {
        // PY_SSL_ERROR_NO_SOCKET
        Error::Ssl(SslError::new(
            SslErrorKind::Ssl,
            9,
            "Underlying socket connection gone",
            None,
            None,
        ))
    }
}
