//! An async TLS stream for tokio (feature `tokio`), built as asyncio's
//! `sslproto` is: an [`SslObject`] between two [`MemoryBio`]s, with the
//! stream moving bytes between the BIOs and the transport. Errors are
//! pyssl's [`Error`]s, carried inside `io::Error`
//! (`io_error.get_ref()` downcasts to it; want-read never escapes).
//!
//! ```no_run
//! # #[allow(dead_code)]
//! # async fn demo() -> std::io::Result<()> {
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! let ctx = pyssl::create_default_context(pyssl::Purpose::ServerAuth, None, None, None)?;
//! let tcp = tokio::net::TcpStream::connect(("127.0.0.1", 8443)).await?;
//! let mut tls = pyssl::tokio::connect(&ctx, Some("localhost"), tcp).await?;
//! tls.write_all(b"ping").await?;
//! let mut buf = [0u8; 4];
//! tls.read_exact(&mut buf).await?;
//! # Ok(())
//! # }
//! ```

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{Error, SslErrorKind};
use crate::{MemoryBio, SslContext, SslObject};

/// How much ciphertext is read from the transport at a time.
const CHUNK: usize = 16 * 1024 + 512;

/// A TLS connection over an async byte stream.
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
}

impl<S> std::fmt::Debug for TlsStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("object", &self.obj)
            .finish_non_exhaustive()
    }
}

/// Client handshake over `io`: `wrap_bio(server_hostname=...)`, then the
/// handshake, with the same errors as [`SslObject::do_handshake`].
pub async fn connect<S>(
    ctx: &SslContext,
    server_hostname: Option<&str>,
    io: S,
) -> io::Result<TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut s = TlsStream::new(ctx, false, server_hostname, io)?;
    s.handshake().await?;
    Ok(s)
}

/// Server handshake over `io`.
pub async fn accept<S>(ctx: &SslContext, io: S) -> io::Result<TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut s = TlsStream::new(ctx, true, None, io)?;
    s.handshake().await?;
    Ok(s)
}

fn want_read(e: &Error) -> bool {
    e.ssl_kind() == Some(SslErrorKind::WantRead)
}

impl<S: AsyncRead + AsyncWrite + Unpin> TlsStream<S> {
    fn new(
        ctx: &SslContext,
        server_side: bool,
        server_hostname: Option<&str>,
        io: S,
    ) -> io::Result<TlsStream<S>> {
        let incoming = MemoryBio::new()?;
        let outgoing = MemoryBio::new()?;
        let obj = ctx.wrap_bio(&incoming, &outgoing, server_side, server_hostname)?;
        Ok(TlsStream {
            io,
            obj,
            incoming,
            outgoing,
            pending: Vec::new(),
            pending_pos: 0,
            read_buf: vec![0u8; CHUNK].into_boxed_slice(),
            transport_eof: false,
        })
    }

    /// The TLS connection: `getpeercert()`, `version()`, `cipher()`, ...
    pub fn ssl_object(&self) -> &SslObject {
        &self.obj
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.io
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
    /// transport's EOF, `write_eof()`.
    fn poll_fill_in(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.transport_eof {
            return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
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

    fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match self.obj.do_handshake() {
                Ok(()) => {
                    ready!(self.poll_flush_out(cx))?;
                    return Poll::Ready(Ok(()));
                }
                Err(e) if want_read(&e) => {
                    ready!(self.poll_flush_out(cx))?;
                    if let Err(io) = ready!(self.poll_fill_in(cx)) {
                        if io.kind() != io::ErrorKind::UnexpectedEof {
                            return Poll::Ready(Err(io));
                        }
                    }
                }
                Err(e) => {
                    // Send the alert if the transport takes it now.
                    let _ = self.poll_flush_out(cx);
                    return Poll::Ready(Err(e.into()));
                }
            }
        }
    }

    async fn handshake(&mut self) -> io::Result<()> {
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
                    if let Err(io) = ready!(this.poll_fill_in(cx)) {
                        if io.kind() != io::ErrorKind::UnexpectedEof {
                            return Poll::Ready(Err(io));
                        }
                    }
                }
                Err(e) => return Poll::Ready(Err(e.into())),
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
                Err(e) if want_read(&e) => {
                    if let Err(io) = ready!(this.poll_fill_in(cx)) {
                        return Poll::Ready(Err(io));
                    }
                }
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_flush_out(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    /// Sends close_notify (without waiting for the peer's), then shuts the
    /// transport down.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.obj.unwrap() {
            Ok(()) => {}
            Err(e) if want_read(&e) => {}
            Err(e) => return Poll::Ready(Err(e.into())),
        }
        ready!(this.poll_flush_out(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}
