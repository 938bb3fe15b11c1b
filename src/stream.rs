//! `SslStream`: blocking TLS over any `Read + Write` transport (a pipe, a
//! proxy tunnel, another TLS stream), on `SslObject` + `MemoryBio`.

use std::io::{self, Read, Write};

use crate::context::SslContext;
use crate::error::{Result, SslErrorKind};
use crate::socket::WrapOptions;
use crate::{MemoryBio, SslObject};

/// How much ciphertext is read from the transport at a time: one full
/// TLS record with its header and expansion.
const CHUNK: usize = 16 * 1024 + 512;

/// Blocking TLS over any byte stream `T: Read + Write`: what
/// [`SslSocket`](crate::SslSocket) is over a socket, for transports that
/// are not one (TLS inside TLS, a proxy's tunnel, a pipe pair, an
/// in-process channel). Underneath is Python's pattern for such cases, an
/// [`SslObject`] between two [`MemoryBio`]s, with this type moving the
/// ciphertext between the BIOs and `T`; the errors are `SslSocket`'s
/// (the same classes and texts, a ragged EOF read as end of stream when
/// `suppress_ragged_eofs`, transport errors as `OSError`).
///
/// Each call blocks as `T` blocks; there is no timeout of pyssl's own (set
/// one on the transport). Ciphertext is written to `T` before a call
/// returns, so an alert reaches the peer when the handshake fails.
#[doc(alias = "SSLObject")]
pub struct SslStream<T> {
    io: T,
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
    suppress_ragged_eofs: bool,
    buf: Box<[u8]>,
}

impl<T> std::fmt::Debug for SslStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslStream")
            .field("object", &self.obj)
            .finish_non_exhaustive()
    }
}

impl SslContext {
    /// TLS over the byte stream `io` (see [`SslStream`]), with the options
    /// of `wrap_socket`: the handshake happens here unless
    /// `do_handshake_on_connect` is off.
    pub fn wrap_stream<T: Read + Write>(
        &self,
        io: T,
        options: WrapOptions<'_>,
    ) -> Result<SslStream<T>> {
        let incoming = MemoryBio::new()?;
        let outgoing = MemoryBio::new()?;
        let handshake = options.do_handshake_on_connect;
        let suppress_ragged_eofs = options.suppress_ragged_eofs;
        let obj = self.wrap_bio(&incoming, &outgoing, options)?;
        let mut s = SslStream {
            io,
            obj,
            incoming,
            outgoing,
            suppress_ragged_eofs,
            buf: vec![0u8; CHUNK].into_boxed_slice(),
        };
        if handshake {
            s.do_handshake()?;
        }
        Ok(s)
    }
}

impl<T: Read + Write> SslStream<T> {
    /// Sends what the TLS connection has produced.
    fn flush_outgoing(&mut self) -> Result<()> {
        if self.outgoing.pending() == 0 {
            return Ok(());
        }
        let data = self.outgoing.read(None)?;
        self.io.write_all(&data)?;
        self.io.flush()?;
        Ok(())
    }

    /// Runs `op` until it stops asking for more input, moving ciphertext
    /// between the transport and the BIOs.
    fn drive<R>(&mut self, mut op: impl FnMut(&mut SslObject) -> Result<R>) -> Result<R> {
        loop {
            let r = op(&mut self.obj);
            let want_read = matches!(&r, Err(e) if e.is_want_read());
            // Whatever happened, the peer gets what was produced (the
            // handshake's flights, an alert).
            let flushed = self.flush_outgoing();
            if !want_read {
                return match (r, flushed) {
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(e),
                    (Ok(v), Ok(())) => Ok(v),
                };
            }
            flushed?;
            let n = loop {
                match self.io.read(&mut self.buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    r => break r?,
                }
            };
            if n == 0 {
                self.incoming.write_eof();
            } else {
                self.incoming.write(&self.buf[..n])?;
            }
        }
    }

    /// `do_handshake()`.
    pub fn do_handshake(&mut self) -> Result<()> {
        self.drive(SslObject::do_handshake)
    }

    /// `read(len, buffer)`: reads application data into `buf`, returning
    /// the count; 0 at the end of the stream (the peer's close_notify, or
    /// the transport's end when `suppress_ragged_eofs`).
    #[doc(alias = "read")]
    pub fn read_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.drive(|o| o.read_into(buf)) {
            Err(e) if self.suppress_ragged_eofs && e.ssl_kind() == Some(SslErrorKind::Eof) => Ok(0),
            r => r,
        }
    }

    /// `recv(len)` / `read(len)`: up to `len` bytes of application data.
    #[doc(alias = "read")]
    pub fn recv(&mut self, len: usize) -> Result<Vec<u8>> {
        crate::tls::recv_vec(len, |b| self.read_into(b))
    }

    /// `write(data)` / `send(data)`: encrypts `data` and sends it to the
    /// transport, returning the number of bytes taken.
    #[doc(alias = "send")]
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        self.drive(|o| o.write(data))
    }

    /// `sendall(data)`.
    pub fn sendall(&mut self, data: &[u8]) -> Result<()> {
        let mut done = 0;
        while done < data.len() {
            done += self.write(&data[done..])?;
        }
        Ok(())
    }

    /// `unwrap()`: the TLS shutdown (close_notify both ways), then the
    /// transport back. Bytes the peer sent after its close_notify and
    /// that were already read from the transport are lost.
    pub fn unwrap(mut self) -> Result<T> {
        self.drive(SslObject::unwrap)?;
        Ok(self.io)
    }

    /// The transport.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// The transport, mutably (reading or writing it directly breaks the
    /// TLS stream).
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// The transport, without a TLS shutdown.
    pub fn into_inner(self) -> T {
        self.io
    }

    /// The TLS connection: its getters (`version()`, `cipher()`,
    /// `getpeercert()`, `session`, ...).
    pub fn ssl_object(&self) -> &SslObject {
        &self.obj
    }

    /// `suppress_ragged_eofs`.
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }
}

impl<T: Read + Write> Read for SslStream<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_into(buf).map_err(io::Error::from)
    }
}

impl<T: Read + Write> Write for SslStream<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        SslStream::write(self, buf).map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
