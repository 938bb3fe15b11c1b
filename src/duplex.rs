//! The engine under `SslSocket` and `BorrowedSslSocket`: one TLS connection
//! on pyssl's socket BIO, usable from two threads at once.
//!
//! OpenSSL is only ever called with the connection's lock held, and it
//! never waits there: the socket BIO sends and receives with
//! `MSG_DONTWAIT` whatever the descriptor's mode, so every OpenSSL call
//! returns at once (want-read / want-write when the socket is not ready).
//! The waits (`poll`) happen after the lock is released. A reader blocked
//! in `recv` therefore never holds up a writer, and the two never make
//! OpenSSL calls on the connection at the same time.

use std::os::fd::{BorrowedFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use openssl_sys as sys;

use crate::error::OsError;
use crate::error::{Error, Result};
use crate::sys::bio::SockBio;
use crate::sys::conn::Conn;
use crate::sys::err::IoFailure;
use crate::sys::misc::{self, Ready};
use crate::tls::TlsCore;

/// How long one slice of an unbounded wait lasts while another thread
/// waits on the same connection: a thread whose record the other one
/// consumed retries promptly.
const SHARED_WAIT_SLICE: Duration = Duration::from_millis(20);

/// `left` as `poll`'s timeout: whole milliseconds, rounded up.
pub(crate) fn poll_millis(left: Duration) -> i64 {
    i64::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i64::MAX)
}

/// Which operation a wait or timeout belongs to.
#[derive(Clone, Copy)]
pub(crate) enum Op {
    Handshake,
    Read,
    Write,
    Shutdown,
}

/// Python's wait after OpenSSL asked to retry on a socket: `timeout` None
/// waits for the socket without limit, zero does not wait (`false`: raise
/// the want error), anything else waits until `deadline`
/// (`TimeoutError` with CPython's text for the operation). `true`: retry.
pub(crate) fn wait_for_socket(
    fd: std::os::fd::RawFd,
    writing: bool,
    op: Op,
    timeout: Option<Duration>,
    deadline: Option<Instant>,
) -> Result<bool> {
    match (timeout, deadline) {
        (None, _) => {
            misc::poll_fd(fd, writing, -1)?;
            Ok(true)
        }
        (Some(_), None) => Ok(false),
        (Some(_), Some(deadline)) => {
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = poll_millis(left);
            if left.is_zero() || misc::poll_fd(fd, writing, ms)? == Ready::TimedOut {
                return Err(Error::Os(OsError::timeout(match (op, writing) {
                    (Op::Handshake, _) => "The handshake operation timed out",
                    (Op::Read, _) | (Op::Shutdown, false) => "The read operation timed out",
                    (Op::Write, _) | (Op::Shutdown, true) => "The write operation timed out",
                })));
            }
            Ok(true)
        }
    }
}

/// What the connection lock guards.
pub(crate) struct Locked {
    pub(crate) core: TlsCore,
    pub(crate) bio: SockBio,
}

/// One TLS connection shared by the threads that use it.
pub(crate) struct Duplex {
    locked: Mutex<Locked>,
    /// The thread that holds `locked` (its [`thread_mark`]), 0 if none:
    /// a callback of the connection's own OpenSSL call runs on that
    /// thread and must not lock again.
    holder: AtomicUsize,
    /// Threads waiting on the socket for this connection.
    waiting: AtomicUsize,
}

/// A number unique to the calling thread while it runs (never 0).
fn thread_mark() -> usize {
    thread_local!(static MARK: u8 = const { 0 });
    MARK.with(|m| std::ptr::from_ref(m) as usize)
}

/// The connection lock, remembering its holder.
pub(crate) struct Guard<'a> {
    g: MutexGuard<'a, Locked>,
    owner: &'a Duplex,
}

impl std::ops::Deref for Guard<'_> {
    type Target = Locked;
    fn deref(&self) -> &Locked {
        &self.g
    }
}

impl std::ops::DerefMut for Guard<'_> {
    fn deref_mut(&mut self) -> &mut Locked {
        &mut self.g
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.owner.holder.store(0, Ordering::Release);
    }
}

/// An operation started from a callback of the same connection's call.
pub(crate) fn busy() -> Error {
    Error::value("the connection is in use by its own callback")
}

impl Duplex {
    pub(crate) fn new(core: TlsCore, bio: SockBio) -> Duplex {
        Duplex {
            locked: Mutex::new(Locked { core, bio }),
            holder: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
        }
    }

    /// Locks the connection, unless this thread already holds it (a
    /// callback of this connection's own call): then `None`.
    pub(crate) fn lock(&self) -> Option<Guard<'_>> {
        let me = thread_mark();
        if self.holder.load(Ordering::Acquire) == me {
            return None;
        }
        let g = self.locked.lock().unwrap_or_else(|e| e.into_inner());
        self.holder.store(me, Ordering::Release);
        Some(Guard { g, owner: self })
    }

    /// `f` on the connection, or on `None` when called from one of its
    /// own callbacks.
    pub(crate) fn with_core<R>(&self, f: impl FnOnce(Option<&TlsCore>) -> R) -> R {
        match self.lock() {
            Some(g) => f(Some(&g.core)),
            None => f(None),
        }
    }

    /// Runs one OpenSSL operation in CPython's loop: retry on want-read /
    /// want-write after waiting for `poll_fd` (outside the lock) as
    /// `timeout` says. `set_fd`, when given, is the descriptor the BIO
    /// uses for this call (a borrowed descriptor is handed over per call).
    pub(crate) fn run<T>(
        &self,
        set_fd: Option<BorrowedFd<'_>>,
        poll_fd: RawFd,
        timeout: Option<Duration>,
        op: Op,
        mut f: impl FnMut(&mut Conn) -> std::result::Result<T, IoFailure>,
    ) -> Result<std::result::Result<T, IoFailure>> {
        let mut deadline = None;
        loop {
            let (r, panic) = {
                let Some(mut g) = self.lock() else {
                    return Err(busy());
                };
                let l = &mut *g;
                if let Some(fd) = set_fd {
                    l.bio.set_fd(fd);
                }
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
            if timeout.is_some_and(|t| !t.is_zero()) && deadline.is_none() {
                deadline = timeout.map(|t| Instant::now() + t);
            }
            let others = self.waiting.fetch_add(1, Ordering::SeqCst) > 0;
            let waited = if timeout.is_none() && others {
                let until = Instant::now() + SHARED_WAIT_SLICE;
                match wait_for_socket(poll_fd, writing, op, Some(SHARED_WAIT_SLICE), Some(until)) {
                    Err(e) if e.class() == crate::PyClass::TimeoutError => Ok(true),
                    other => other,
                }
            } else {
                wait_for_socket(poll_fd, writing, op, timeout, deadline)
            };
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            if !waited? {
                return Ok(Err(failure));
            }
        }
    }

    /// The exception CPython raises for `f`.
    pub(crate) fn raise(&self, f: IoFailure, server_hostname: Option<&str>) -> Error {
        match self.lock() {
            Some(g) => g.core.conn.io_error(f, true, server_hostname),
            None => busy(),
        }
    }

    /// [`run`](Self::run), with a failure raised as CPython raises it.
    fn run_raising<T>(
        &self,
        set_fd: Option<BorrowedFd<'_>>,
        poll_fd: RawFd,
        timeout: Option<Duration>,
        op: Op,
        server_hostname: Option<&str>,
        f: impl FnMut(&mut Conn) -> std::result::Result<T, IoFailure>,
    ) -> Result<T> {
        self.run(set_fd, poll_fd, timeout, op, f)?
            .map_err(|failure| self.raise(failure, server_hostname))
    }

    /// `do_handshake()`.
    pub(crate) fn do_handshake(
        &self,
        set_fd: Option<BorrowedFd<'_>>,
        poll_fd: RawFd,
        timeout: Option<Duration>,
        server_hostname: Option<&str>,
    ) -> Result<()> {
        self.run_raising(
            set_fd,
            poll_fd,
            timeout,
            Op::Handshake,
            server_hostname,
            |c| c.do_handshake(),
        )
    }

    /// `_ssl._SSLSocket.read`: 0 after the peer's close_notify (and for an
    /// empty `buf`); a ragged EOF is `SSLEOFError`.
    pub(crate) fn read_into(
        &self,
        set_fd: Option<BorrowedFd<'_>>,
        poll_fd: RawFd,
        buf: &mut [u8],
        timeout: Option<Duration>,
        server_hostname: Option<&str>,
    ) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.run(set_fd, poll_fd, timeout, Op::Read, |c| c.read(buf))? {
            Ok(n) => Ok(n),
            Err(f) => {
                let received = self.lock().is_some_and(|g| {
                    g.core.conn.shutdown_state() == crate::sys::ffi::SSL_RECEIVED_SHUTDOWN
                });
                if f.ssl_error == sys::SSL_ERROR_ZERO_RETURN && received {
                    return Ok(0);
                }
                Err(self.raise(f, server_hostname))
            }
        }
    }

    /// `_ssl._SSLSocket.write`.
    pub(crate) fn write(
        &self,
        set_fd: Option<BorrowedFd<'_>>,
        poll_fd: RawFd,
        data: &[u8],
        timeout: Option<Duration>,
        server_hostname: Option<&str>,
    ) -> Result<usize> {
        self.run_raising(set_fd, poll_fd, timeout, Op::Write, server_hostname, |c| {
            c.write(data)
        })
    }

    /// `_ssl._SSLSocket.shutdown`: close_notify sent, and the peer's
    /// awaited as CPython does.
    pub(crate) fn shutdown(
        &self,
        set_fd: Option<BorrowedFd<'_>>,
        poll_fd: RawFd,
        timeout: Option<Duration>,
        server_hostname: Option<&str>,
    ) -> Result<()> {
        crate::tls::shutdown_steps(|c| self.run(set_fd, poll_fd, timeout, Op::Shutdown, c))?
            .map_err(|failure| self.raise(failure, server_hostname))
    }
}
