//! An async TLS stream for tokio (feature `tokio`), built as asyncio's
//! `sslproto` is: an [`SslObject`] between two [`MemoryBio`]s. During each
//! OpenSSL call the buffers are bridged to the transport: while the
//! incoming buffer is empty OpenSSL reads the transport straight into its
//! record buffer (reading ahead: as much as the transport has, up to a
//! record buffer, in one read), and while the outgoing buffer is empty its
//! records go straight to the transport; what the transport cannot take
//! yet waits in the outgoing buffer and goes out first next time. The
//! bytes are copied once each way, as with a BIO over the stream.
//!
//! [`TlsStream::new`] takes the options of
//! [`wrap_socket`](SslContext::wrap_socket) ([`WrapOptions`]: the side,
//! `server_hostname`, a `session` to resume, `suppress_ragged_eofs`);
//! [`TlsStream::handshake`] is the handshake step, and [`connect`] /
//! [`accept`] do both. The handshake returns [`pyssl::Result`](crate::Result);
//! [`AsyncRead`]/[`AsyncWrite`] return `io::Error`s that carry pyssl's
//! [`Error`] and give it back through `?` into a `pyssl::Result`
//! (`From<io::Error> for Error` downcasts), so `verify_code()` and the
//! class survive.
//!
//! Reads end (`Ok(0)`) at the peer's close_notify, also after this side's
//! [`shutdown`](AsyncWrite::poll_shutdown), and, with
//! `suppress_ragged_eofs` (the default, as for `SSLSocket`), when the peer
//! closes the transport without one; with `suppress_ragged_eofs(false)`
//! that read fails with `SSLEOFError`.
//!
//! ```no_run
//! # #[allow(dead_code)]
//! # async fn demo() -> pyssl::Result<()> {
//! use pyssl::{create_default_context, DefaultContextOptions, WrapOptions};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! let ctx = create_default_context(DefaultContextOptions::new())?;
//! let tcp = tokio::net::TcpStream::connect(("127.0.0.1", 8443)).await?;
//! let mut tls = pyssl::tokio::connect(&ctx, tcp, WrapOptions::client("localhost")).await?;
//! tls.write_all(b"ping").await?;
//! let mut buf = [0u8; 4];
//! tls.read_exact(&mut buf).await?;
//! tls.shutdown().await?;
//! let tcp = tls.into_inner();
//! # let _ = tcp;
//! # Ok(())
//! # }
//! ```

use std::any::Any;
use std::future::poll_fn;
use std::io;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{Error, Result, SslErrorKind};
use crate::sys::bio::DirectIo;
use crate::{MemoryBio, SslContext, SslObject, WrapOptions};

/// A TLS connection over an async byte stream (asyncio's SSL transport:
/// an `SSLObject` over `MemoryBIO`s).
///
/// One task may read while another writes (e.g. through
/// [`tokio::io::split`]): a half that waits is woken when the other half
/// moves bytes on the transport, since both poll the same transport and
/// the transport keeps one waker per direction.
#[doc(alias = "SSLObject")]
#[doc(alias = "SSLProtocol")]
pub struct TlsStream<S> {
    io: S,
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
    transport_eof: bool,
    suppress_ragged_eofs: bool,
    do_handshake_on_connect: bool,
    /// Our close_notify is out (`shutdown()` was called).
    shutdown_sent: bool,
    /// The task of a read that is waiting, and of a write (or flush,
    /// shutdown, handshake) that is waiting.
    read_waiter: Option<Waker>,
    write_waiter: Option<Waker>,
}

impl<S> std::fmt::Debug for TlsStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("object", &self.obj)
            .field("suppress_ragged_eofs", &self.suppress_ragged_eofs)
            .finish_non_exhaustive()
    }
}

/// [`TlsStream::new`]`(ctx, io, options)` on the client side, then (with
/// `do_handshake_on_connect`, the default) [`TlsStream::handshake`]: the
/// errors of [`SslObject::do_handshake`], e.g.
/// `SSLCertVerificationError`. `options` is a client's
/// ([`WrapOptions::client`]); its `server_side` is set to false.
#[doc(alias = "open_connection")]
#[doc(alias = "create_connection")]
pub async fn connect<S>(ctx: &SslContext, io: S, options: WrapOptions<'_>) -> Result<TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    start(ctx, io, options.server_side(false)).await
}

/// [`TlsStream::new`]`(ctx, io, options)` on the server side, then (with
/// `do_handshake_on_connect`, the default) [`TlsStream::handshake`].
/// `options` is a server's ([`WrapOptions::server`]); its `server_side`
/// is set to true.
#[doc(alias = "start_server")]
#[doc(alias = "create_server")]
pub async fn accept<S>(ctx: &SslContext, io: S, options: WrapOptions<'_>) -> Result<TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    start(ctx, io, options.server_side(true)).await
}

async fn start<S>(ctx: &SslContext, io: S, options: WrapOptions<'_>) -> Result<TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut s = TlsStream::new(ctx, io, options)?;
    if s.do_handshake_on_connect {
        s.handshake().await?;
    }
    Ok(s)
}

fn want_read(e: &Error) -> bool {
    e.ssl_kind() == Some(SslErrorKind::WantRead)
}

/// The transport as one OpenSSL call sees it: polled with the calling
/// task's context, keeping what the polls said.
struct Transport<'a, 'b, S> {
    io: Pin<&'a mut S>,
    cx: &'a mut Context<'b>,
    /// Whether the call may read the transport (a shutdown only sends).
    reads: bool,
    /// A read returned `Pending` (the task is registered for reading).
    read_blocked: bool,
    /// Bytes moved either way (or the end of the stream was met).
    moved: bool,
    eof: bool,
    error: Option<io::Error>,
    panic: Option<Box<dyn Any + Send>>,
}

impl<'a, 'b, S: AsyncRead + AsyncWrite + Unpin> Transport<'a, 'b, S> {
    fn new(io: &'a mut S, cx: &'a mut Context<'b>) -> Self {
        Transport {
            io: Pin::new(io),
            cx,
            reads: true,
            read_blocked: false,
            moved: false,
            eof: false,
            error: None,
            panic: None,
        }
    }

    fn failed(&self) -> bool {
        self.error.is_some() || self.panic.is_some()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> DirectIo for Transport<'_, '_, S> {
    fn read(&mut self, buf: &mut [MaybeUninit<u8>]) -> Option<usize> {
        if self.failed() || !self.reads {
            return None;
        }
        let mut rb = ReadBuf::uninit(buf);
        let (io, cx) = (&mut self.io, &mut *self.cx);
        match catch_unwind(AssertUnwindSafe(|| io.as_mut().poll_read(cx, &mut rb))) {
            Ok(Poll::Ready(Ok(()))) => {
                let n = rb.filled().len();
                self.moved = true;
                self.eof = n == 0;
                Some(n)
            }
            Ok(Poll::Ready(Err(e))) => {
                self.error = Some(e);
                None
            }
            Ok(Poll::Pending) => {
                self.read_blocked = true;
                None
            }
            Err(p) => {
                self.panic = Some(p);
                None
            }
        }
    }

    fn write(&mut self, buf: &[u8]) -> Option<usize> {
        if self.failed() {
            return None;
        }
        let (io, cx) = (&mut self.io, &mut *self.cx);
        match catch_unwind(AssertUnwindSafe(|| io.as_mut().poll_write(cx, buf))) {
            Ok(Poll::Ready(Ok(0))) => {
                self.error = Some(io::ErrorKind::WriteZero.into());
                None
            }
            Ok(Poll::Ready(Ok(n))) => {
                self.moved = true;
                Some(n)
            }
            Ok(Poll::Ready(Err(e))) => {
                self.error = Some(e);
                None
            }
            Ok(Poll::Pending) => None,
            Err(p) => {
                self.panic = Some(p);
                None
            }
        }
    }

    fn write_failed(&self) -> bool {
        self.failed()
    }
}

/// Which half of the stream a poll is for (whose waiter slot it uses).
#[derive(Clone, Copy, PartialEq)]
enum Half {
    Read,
    Write,
}

impl<S> TlsStream<S> {
    /// The TLS connection: `getpeercert()`, `version()`, `cipher()`,
    /// `session`, `session_reused`, ...
    #[doc(alias = "get_extra_info")]
    pub fn ssl_object(&self) -> &SslObject {
        &self.obj
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.io
    }

    /// The transport, mutably (reading or writing it directly corrupts
    /// the TLS stream).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.io
    }

    /// The transport back, dropping the TLS connection. After
    /// [`shutdown`](AsyncWrite::poll_shutdown) the close_notify
    /// has been written; ciphertext not yet written is dropped.
    pub fn into_inner(self) -> S {
        self.io
    }

    /// `suppress_ragged_eofs`: whether a transport closed without
    /// close_notify reads as end of stream.
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    /// After a poll of `half`: a poll that moved bytes wakes the other
    /// half's waiting task (its registration with the transport may have
    /// been replaced by this task's, and the bytes may be what it waits
    /// for); a `Pending` poll records this task, a ready one forgets it.
    fn settle<T>(&mut self, half: Half, moved: bool, cx: &Context<'_>, p: Poll<T>) -> Poll<T> {
        let (mine, other) = match half {
            Half::Read => (&mut self.read_waiter, &mut self.write_waiter),
            Half::Write => (&mut self.write_waiter, &mut self.read_waiter),
        };
        if moved {
            if let Some(w) = other.take() {
                w.wake();
            }
        }
        match (&p, &*mine) {
            (Poll::Pending, Some(w)) if w.will_wake(cx.waker()) => {}
            (Poll::Pending, _) => *mine = Some(cx.waker().clone()),
            (Poll::Ready(_), None) => {}
            (Poll::Ready(_), Some(_)) => *mine = None,
        }
        p
    }
}

/// The outcome of one OpenSSL call over the transport.
struct Step<T> {
    result: Result<T>,
    read_blocked: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream<S> {
    /// A TLS connection over `io` that has not started its handshake:
    /// [`wrap_bio`](SslContext::wrap_bio) over two fresh [`MemoryBio`]s
    /// with `options` (checked as `wrap_socket` checks them), the session
    /// set when `options` has one. `do_handshake_on_connect` is for
    /// [`connect`] / [`accept`]; without [`handshake`](Self::handshake)
    /// the first read or write performs it.
    #[doc(alias = "wrap_bio")]
    pub fn new(ctx: &SslContext, io: S, options: WrapOptions<'_>) -> Result<TlsStream<S>> {
        options.check(ctx)?;
        let incoming = MemoryBio::new()?;
        let outgoing = MemoryBio::new()?;
        let suppress_ragged_eofs = options.suppress_ragged_eofs;
        let do_handshake_on_connect = options.do_handshake_on_connect;
        let mut obj = ctx.wrap_bio(&incoming, &outgoing, options)?;
        obj.set_read_ahead();
        Ok(TlsStream {
            io,
            obj,
            incoming,
            outgoing,
            transport_eof: false,
            suppress_ragged_eofs,
            do_handshake_on_connect,
            shutdown_sent: false,
            read_waiter: None,
            write_waiter: None,
        })
    }

    /// Runs one OpenSSL call with the transport bridged to the buffers.
    /// `Err` is the transport's error (or its panic, resumed here);
    /// `moved` is set when bytes moved on the transport.
    fn step<T>(
        &mut self,
        cx: &mut Context<'_>,
        moved: &mut bool,
        op: impl FnOnce(&mut SslObject, &mut dyn DirectIo) -> Result<T>,
    ) -> io::Result<Step<T>> {
        self.step_with(cx, moved, true, op)
    }

    /// [`step`](Self::step), reading the transport only if `reads`.
    fn step_with<T>(
        &mut self,
        cx: &mut Context<'_>,
        moved: &mut bool,
        reads: bool,
        op: impl FnOnce(&mut SslObject, &mut dyn DirectIo) -> Result<T>,
    ) -> io::Result<Step<T>> {
        let mut t = Transport::new(&mut self.io, cx);
        t.reads = reads;
        let result = op(&mut self.obj, &mut t);
        let Transport {
            read_blocked,
            moved: m,
            eof,
            error,
            panic,
            ..
        } = t;
        *moved |= m;
        if let Some(p) = panic {
            resume_unwind(p);
        }
        if eof && !self.transport_eof {
            self.transport_eof = true;
            self.incoming.write_eof();
        }
        match error {
            Some(e) => Err(e),
            None => Ok(Step {
                result,
                read_blocked,
            }),
        }
    }

    /// Writes out the ciphertext waiting in the outgoing buffer (what the
    /// transport could not take during an earlier call), in place.
    fn poll_flush_out(&mut self, cx: &mut Context<'_>, moved: &mut bool) -> Poll<io::Result<()>> {
        let mut out = self.outgoing.lock();
        while out.bio.pending() > 0 {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, out.bio.pending_slice()))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *moved = true;
            out.bio.consume(n);
        }
        out.trim_if_empty();
        Poll::Ready(Ok(()))
    }

    /// Reads ciphertext from the transport into the incoming buffer (for a
    /// call that wanted more bytes without having polled the transport);
    /// at the transport's end, `write_eof()`.
    fn poll_fill_in(&mut self, cx: &mut Context<'_>, moved: &mut bool) -> Poll<io::Result<()>> {
        if self.transport_eof {
            return Poll::Ready(Ok(()));
        }
        let mut buf = [0u8; 4096];
        let mut rb = ReadBuf::new(&mut buf);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut rb))?;
        *moved = true;
        let data = rb.filled();
        if data.is_empty() {
            self.transport_eof = true;
            self.incoming.write_eof();
        } else {
            self.incoming.write(data)?;
        }
        Poll::Ready(Ok(()))
    }

    /// After a call that wants more bytes from the peer: the waiting
    /// ciphertext goes out, then the task waits for the transport (which
    /// the call polled), or the bytes are read here when it did not.
    fn poll_wait_peer(
        &mut self,
        cx: &mut Context<'_>,
        moved: &mut bool,
        read_blocked: bool,
    ) -> Poll<io::Result<()>> {
        ready!(self.poll_flush_out(cx, moved))?;
        if read_blocked {
            return Poll::Pending;
        }
        self.poll_fill_in(cx, moved)
    }

    fn poll_handshake_inner(&mut self, cx: &mut Context<'_>, moved: &mut bool) -> Poll<Result<()>> {
        loop {
            let s = self.step(cx, moved, |o, io| o.do_handshake_via(Some(io)))?;
            match s.result {
                Ok(()) => {
                    ready!(self.poll_flush_out(cx, moved))?;
                    return Poll::Ready(Ok(()));
                }
                Err(e) if want_read(&e) => {
                    ready!(self.poll_wait_peer(cx, moved, s.read_blocked))?;
                }
                Err(e) => {
                    // Send the alert if the transport takes it now.
                    let _ = self.poll_flush_out(cx, moved);
                    return Poll::Ready(Err(e));
                }
            }
        }
    }

    /// The handshake step of [`handshake`](Self::handshake), for poll-based
    /// code.
    #[doc(alias = "do_handshake")]
    pub fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let mut moved = false;
        let p = self.poll_handshake_inner(cx, &mut moved);
        self.settle(Half::Write, moved, cx, p)
    }

    /// `do_handshake()`: the TLS handshake, with the errors of
    /// [`SslObject::do_handshake`] (a transport error is its `OSError`).
    /// Done once; a later call returns at once.
    #[doc(alias = "do_handshake")]
    pub async fn handshake(&mut self) -> Result<()> {
        poll_fn(|cx| self.poll_handshake(cx)).await
    }

    fn poll_read_inner(
        &mut self,
        cx: &mut Context<'_>,
        moved: &mut bool,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let dst = buf.initialize_unfilled();
            let s = self.step(cx, moved, |o, io| o.read_into_via(dst, Some(io)))?;
            match s.result {
                Ok(n) => {
                    buf.advance(n);
                    // Session tickets, key updates the transport could not
                    // take: best effort.
                    let _ = self.poll_flush_out(cx, moved);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if want_read(&e) => {
                    ready!(self.poll_wait_peer(cx, moved, s.read_blocked))?;
                }
                // The peer's close_notify after ours: the end of the
                // stream (`SSLObject.read` raises `SSLZeroReturnError`
                // there, as CPython's does).
                Err(e) if self.shutdown_sent && e.ssl_kind() == Some(SslErrorKind::ZeroReturn) => {
                    return Poll::Ready(Ok(()));
                }
                Err(e) if self.suppress_ragged_eofs && e.ssl_kind() == Some(SslErrorKind::Eof) => {
                    return Poll::Ready(Ok(()));
                }
                Err(e) => {
                    // An alert (of a handshake this read ran) goes out if
                    // the transport takes it now.
                    let _ = self.poll_flush_out(cx, moved);
                    return Poll::Ready(Err(e.into()));
                }
            }
        }
    }

    fn poll_write_inner(
        &mut self,
        cx: &mut Context<'_>,
        moved: &mut bool,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // Back-pressure: earlier ciphertext goes out first.
        ready!(self.poll_flush_out(cx, moved))?;
        loop {
            let s = self.step(cx, moved, |o, io| o.write_via(buf, Some(io)))?;
            match s.result {
                // What the transport could not take waits in the outgoing
                // buffer: the next write, flush or read sends it first.
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(e) if want_read(&e) && !self.transport_eof => {
                    // A handshake the write started: its flight goes out
                    // before the peer's answer can come.
                    ready!(self.poll_wait_peer(cx, moved, s.read_blocked))?;
                }
                Err(e) => {
                    let _ = self.poll_flush_out(cx, moved);
                    return Poll::Ready(Err(e.into()));
                }
            }
        }
    }

    fn poll_shutdown_inner(
        &mut self,
        cx: &mut Context<'_>,
        moved: &mut bool,
    ) -> Poll<io::Result<()>> {
        if !self.shutdown_sent {
            // Only the close_notify: the transport is not read (the
            // peer's close_notify, or its closing the connection, is for a
            // later read to see).
            let s = self.step_with(cx, moved, false, |o, io| o.unwrap_via(Some(io)))?;
            match s.result {
                Ok(()) => {}
                Err(e) if want_read(&e) => {}
                Err(e) => return Poll::Ready(Err(e.into())),
            }
            self.shutdown_sent = true;
        }
        ready!(self.poll_flush_out(cx, moved))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let mut moved = false;
        let p = this.poll_read_inner(cx, &mut moved, buf);
        this.settle(Half::Read, moved, cx, p)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let mut moved = false;
        let p = this.poll_write_inner(cx, &mut moved, buf);
        this.settle(Half::Write, moved, cx, p)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let mut moved = false;
        let p = match this.poll_flush_out(cx, &mut moved) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.io).poll_flush(cx),
            other => other,
        };
        this.settle(Half::Write, moved, cx, p)
    }

    /// Sends close_notify (without waiting for the peer's: a later read
    /// returns `Ok(0)` when it arrives), then shuts the transport's write
    /// side down.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let mut moved = false;
        let p = this.poll_shutdown_inner(cx, &mut moved);
        this.settle(Half::Write, moved, cx, p)
    }
}
