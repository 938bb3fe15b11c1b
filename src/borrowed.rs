//! `BorrowedSslSocket`: TLS over a socket descriptor that someone else
//! owns, CPython's `_ssl._SSLSocket` over the Python socket it is given.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use openssl_sys as sys;

use crate::context::SslContext;
use crate::error::{Error, Result, SslError, SslErrorKind};
use crate::socket::{wait_for_socket, Op, WrapOptions};
use crate::sys::bio::SockBio;
use crate::sys::conn::Conn;
use crate::sys::err::IoFailure;
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
    locked: Mutex<Locked>,
    /// The thread that holds `locked`, if any (re-entry from callbacks).
    holder: Mutex<Option<ThreadId>>,
    context: SslContext,
    server_side: bool,
    server_hostname: Option<String>,
    connection_id: crate::ConnectionId,
    waiting: AtomicUsize,
}

struct Locked {
    core: TlsCore,
    bio: SockBio,
}

impl std::fmt::Debug for BorrowedSslSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BorrowedSslSocket")
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname)
            .finish_non_exhaustive()
    }
}

/// How long one slice of an unbounded wait lasts while another thread
/// waits on the same connection.
const SHARED_WAIT_SLICE: Duration = Duration::from_millis(20);

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
        let s = BorrowedSslSocket {
            locked: Mutex::new(Locked {
                core: TlsCore {
                    conn,
                    context: ctx.clone(),
                    server_side: opts.server_side,
                    peer_cache: Default::default(),
                },
                bio,
            }),
            holder: Mutex::new(None),
            context: ctx.clone(),
            server_side: opts.server_side,
            server_hostname: encoded,
            connection_id,
            waiting: AtomicUsize::new(0),
        };
        if let Some(session) = &opts.session {
            s.set_session(session)?;
        }
        Ok(s)
    }

    /// Locks the connection, unless this thread already holds it (a
    /// callback of this connection's own call).
    fn lock(&self) -> Option<Guard<'_>> {
        let me = std::thread::current().id();
        if *self.holder.lock().unwrap_or_else(|e| e.into_inner()) == Some(me) {
            return None;
        }
        let g = self.locked.lock().unwrap_or_else(|e| e.into_inner());
        *self.holder.lock().unwrap_or_else(|e| e.into_inner()) = Some(me);
        Some(Guard { g, owner: self })
    }

    fn with_core<R>(&self, f: impl FnOnce(Option<&TlsCore>) -> R) -> R {
        match self.lock() {
            Some(g) => f(Some(&g.g.core)),
            None => f(None),
        }
    }

    tls_getters!();

    /// `session = s`: resume `s` (client side, before the handshake), with
    /// Python's checks.
    #[doc(alias = "session")]
    pub fn set_session(&self, session: &crate::SslSession) -> Result<()> {
        match self.lock() {
            Some(mut g) => g.g.core.set_session(session),
            None => Err(busy()),
        }
    }

    /// `context = ctx`: the connection goes on with `ctx`, as CPython's
    /// setter does (`SSL_set_SSL_CTX`, no checks).
    #[doc(alias = "context")]
    pub fn set_context(&self, ctx: &SslContext) -> Result<()> {
        match self.lock() {
            Some(mut g) => {
                g.g.core.set_context(ctx);
                Ok(())
            }
            None => Err(busy()),
        }
    }

    /// Runs one OpenSSL operation in CPython's loop: retry on want-read /
    /// want-write after waiting for `fd` (outside the lock) as `timeout`
    /// says.
    fn run<T>(
        &self,
        fd: BorrowedFd<'_>,
        timeout: Option<Duration>,
        op: Op,
        mut f: impl FnMut(&mut Conn) -> std::result::Result<T, IoFailure>,
    ) -> Result<std::result::Result<T, IoFailure>> {
        let deadline = timeout.filter(|d| !d.is_zero()).map(|d| Instant::now() + d);
        loop {
            let (r, panic) = {
                let Some(mut g) = self.lock() else {
                    return Err(busy());
                };
                let l = &mut *g.g;
                l.bio.set_fd(fd);
                let r = l.core.call(&mut f);
                (r, l.core.conn.state().take_panic())
            };
            if let Some(p) = panic {
                std::panic::resume_unwind(p);
            }
            let failure = match r {
                Ok(v) => return Ok(Ok(v)),
                Err(e) => e,
            };
            let writing = match failure.ssl_error {
                sys::SSL_ERROR_WANT_READ => false,
                sys::SSL_ERROR_WANT_WRITE => true,
                _ => return Ok(Err(failure)),
            };
            let others = self.waiting.fetch_add(1, Ordering::SeqCst) > 0;
            let waited = if timeout.is_none() && others {
                let until = Instant::now() + SHARED_WAIT_SLICE;
                match wait_for_socket(
                    fd.as_raw_fd(),
                    writing,
                    op,
                    Some(SHARED_WAIT_SLICE),
                    Some(until),
                ) {
                    Err(e) if e.is_instance("TimeoutError") => Ok(true),
                    other => other,
                }
            } else {
                wait_for_socket(fd.as_raw_fd(), writing, op, timeout, deadline)
            };
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            if !waited? {
                return Ok(Err(failure));
            }
        }
    }

    fn raise(&self, f: IoFailure) -> Error {
        match self.lock() {
            Some(g) => {
                g.g.core
                    .conn
                    .io_error(f, true, self.server_hostname.as_deref())
            }
            None => busy(),
        }
    }

    /// `do_handshake()`: the TLS handshake (certificate and hostname
    /// verification included) on `fd`, waiting as `timeout` says.
    pub fn do_handshake(&self, fd: BorrowedFd<'_>, timeout: Option<Duration>) -> Result<()> {
        match self.run(fd, timeout, Op::Handshake, |c| c.do_handshake())? {
            Ok(()) => Ok(()),
            Err(f) => Err(self.raise(f)),
        }
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
        if buf.is_empty() {
            return Ok(0);
        }
        match self.run(fd, timeout, Op::Read, |c| c.read(buf))? {
            Ok(n) => Ok(n),
            Err(f) => {
                let received = self.lock().is_some_and(|g| {
                    g.g.core.conn.shutdown_state() == crate::sys::ffi::SSL_RECEIVED_SHUTDOWN
                });
                if f.ssl_error == sys::SSL_ERROR_ZERO_RETURN && received {
                    return Ok(0);
                }
                Err(self.raise(f))
            }
        }
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
        let mut buf = vec![0u8; len];
        let n = self.read_into(fd, &mut buf, timeout)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// `write(data)`: encrypts and sends `data`, returning the number of
    /// bytes written.
    pub fn write(
        &self,
        fd: BorrowedFd<'_>,
        data: &[u8],
        timeout: Option<Duration>,
    ) -> Result<usize> {
        match self.run(fd, timeout, Op::Write, |c| c.write(data))? {
            Ok(n) => Ok(n),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// `shutdown()`: the TLS shutdown (close_notify sent, and the peer's
    /// awaited as CPython's `_ssl` does); the descriptor stays open.
    pub fn shutdown(&self, fd: BorrowedFd<'_>, timeout: Option<Duration>) -> Result<()> {
        match crate::tls::shutdown_steps(|c| self.run(fd, timeout, Op::Shutdown, c))? {
            Ok(()) => Ok(()),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// `verify_client_post_handshake()`: a TLS 1.3 server asks the client
    /// for its certificate (sent with the next write).
    pub fn verify_client_post_handshake(&self) -> Result<()> {
        match self.lock() {
            Some(mut g) => g.g.core.conn.verify_client_post_handshake(),
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

/// The connection lock, remembering its holder.
struct Guard<'a> {
    g: MutexGuard<'a, Locked>,
    owner: &'a BorrowedSslSocket,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        *self.owner.holder.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// An operation started from a callback of the same connection's call.
fn busy() -> Error {
    Error::value("the connection is in use by its own callback")
}
