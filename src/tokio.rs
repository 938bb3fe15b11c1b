//! An async TLS stream for tokio (feature `tokio`), built as asyncio's
//! `sslproto` is: an [`SslObject`] between two [`MemoryBio`]s, with the
//! stream moving bytes between the BIOs and the transport.
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

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{Error, Result, SslErrorKind};
use crate::{MemoryBio, SslContext, SslObject, WrapOptions};

/// How much ciphertext is read from the transport at a time.
const CHUNK: usize = 16 * 1024 + 512;

/// A TLS connection over an async byte stream (asyncio's SSL transport:
/// an `SSLObject` over `MemoryBIO`s).
#[doc(alias = "SSLObject")]
#[doc(alias = "SSLProtocol")]
pub struct TlsStream<S> {
    io: S,
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
    /// Ciphertext taken from the outgoing BIO, not yet written.
    pending: Vec<u8>,
    pending_pos: usize,
    read_buf: Box<[u8]>,
    transport_eof: bool,
    suppress_ragged_eofs: bool,
    do_handshake_on_connect: bool,
    /// Our close_notify is out (`shutdown()` was called).
    shutdown_sent: bool,
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
        let obj = ctx.wrap_bio(&incoming, &outgoing, options)?;
        Ok(TlsStream {
            io,
            obj,
            incoming,
            outgoing,
            pending: Vec::new(),
            pending_pos: 0,
            read_buf: vec![0u8; CHUNK].into_boxed_slice(),
            transport_eof: false,
            suppress_ragged_eofs,
            do_handshake_on_connect,
            shutdown_sent: false,
        })
    }

    /// Writes out every byte the TLS engine produced.
    fn poll_flush_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            if self.pending_pos == self.pending.len() {
                self.pending = self.outgoing.read(None)?;
                self.pending_pos = 0;
                if self.pending.is_empty() {
                    return Poll::Ready(Ok(()));
                }
            }
            let n =
                ready!(Pin::new(&mut self.io).poll_write(cx, &self.pending[self.pending_pos..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending_pos += n;
        }
    }

    /// Reads ciphertext from the transport into the incoming BIO; at the
    /// transport's EOF, `write_eof()` (OpenSSL then reports the EOF).
    fn poll_fill_in(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.transport_eof {
            return Poll::Ready(Ok(()));
        }
        let mut rb = ReadBuf::new(&mut self.read_buf);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut rb))?;
        let data = rb.filled();
        if data.is_empty() {
            self.transport_eof = true;
            self.incoming.write_eof();
        } else {
            self.incoming.write(data)?;
        }
        Poll::Ready(Ok(()))
    }

    /// The handshake step of [`handshake`](Self::handshake), for poll-based
    /// code.
    #[doc(alias = "do_handshake")]
    pub fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        loop {
            match self.obj.do_handshake() {
                Ok(()) => {
                    ready!(self.poll_flush_out(cx))?;
                    return Poll::Ready(Ok(()));
                }
                Err(e) if want_read(&e) => {
                    ready!(self.poll_flush_out(cx))?;
                    ready!(self.poll_fill_in(cx))?;
                }
                Err(e) => {
                    // Send the alert if the transport takes it now.
                    let _ = self.poll_flush_out(cx);
                    return Poll::Ready(Err(e));
                }
            }
        }
    }

    /// `do_handshake()`: the TLS handshake, with the errors of
    /// [`SslObject::do_handshake`] (a transport error is its `OSError`).
    /// Done once; a later call returns at once.
    #[doc(alias = "do_handshake")]
    pub async fn handshake(&mut self) -> Result<()> {
        poll_fn(|cx| self.poll_handshake(cx)).await
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match this.obj.read_into(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    // Session tickets, key updates: best effort.
                    let _ = this.poll_flush_out(cx);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if want_read(&e) => {
                    ready!(this.poll_flush_out(cx))?;
                    ready!(this.poll_fill_in(cx))?;
                }
                // The peer's close_notify after ours: the end of the
                // stream (`SSLObject.read` raises `SSLZeroReturnError`
                // there, as CPython's does).
                Err(e) if this.shutdown_sent && e.ssl_kind() == Some(SslErrorKind::ZeroReturn) => {
                    return Poll::Ready(Ok(()));
                }
                Err(e) if this.suppress_ragged_eofs && e.ssl_kind() == Some(SslErrorKind::Eof) => {
                    return Poll::Ready(Ok(()));
                }
                Err(e) => {
                    // An alert (of a handshake this read ran) goes out if
                    // the transport takes it now.
                    let _ = this.poll_flush_out(cx);
                    return Poll::Ready(Err(e.into()));
                }
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // Back-pressure: earlier ciphertext goes out first.
        ready!(this.poll_flush_out(cx))?;
        loop {
            match this.obj.write(buf) {
                Ok(n) => {
                    let _ = this.poll_flush_out(cx);
                    return Poll::Ready(Ok(n));
                }
                Err(e) if want_read(&e) && !this.transport_eof => {
                    // A handshake the write started: its flight goes out
                    // before the peer's answer can come.
                    ready!(this.poll_flush_out(cx))?;
                    ready!(this.poll_fill_in(cx))?;
                }
                Err(e) => {
                    let _ = this.poll_flush_out(cx);
                    return Poll::Ready(Err(e.into()));
                }
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_flush_out(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    /// Sends close_notify (without waiting for the peer's: a later read
    /// returns `Ok(0)` when it arrives), then shuts the transport's write
    /// side down.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.shutdown_sent {
            match this.obj.unwrap() {
                Ok(()) => {}
                Err(e) if want_read(&e) => {}
                Err(e) => return Poll::Ready(Err(e.into())),
            }
            this.shutdown_sent = true;
        }
        ready!(this.poll_flush_out(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}
