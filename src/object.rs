//! `SslObject`: Python's `ssl.SSLObject`, TLS with no socket (the caller
//! moves bytes between [`MemoryBio`]s and the network).

use openssl_sys as sys;

use crate::context::SslContext;
use crate::error::{Error, Result};
use crate::memorybio::MemoryBio;
use crate::sys::bio::DirectIo;
use crate::sys::err::IoFailure;
use crate::tls::{set_session_owned, tls_getters, TlsCore};

/// A TLS connection over two memory buffers: Python's `ssl.SSLObject`.
///
/// Every call returns at once: when OpenSSL needs more bytes from the peer
/// it fails with `SSLWantReadError` (feed the incoming BIO and call again);
/// bytes to send accumulate in the outgoing BIO.
#[doc(alias = "SSLObject")]
pub struct SslObject {
    core: Option<TlsCore>,
    incoming: MemoryBio,
    outgoing: MemoryBio,
    context: SslContext,
    server_side: bool,
    server_hostname: Option<String>,
    connection_id: crate::ConnectionId,
    /// Whether the buffers were told to give back their handshake-sized
    /// memory (once, when the handshake completes).
    trim_armed: bool,
}

impl std::fmt::Debug for SslObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslObject")
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname)
            .finish_non_exhaustive()
    }
}

impl SslContext {
    /// `wrap_bio(incoming, outgoing, server_side=False,
    /// server_hostname=None, session=None)`: a TLS connection over memory
    /// buffers, the keywords being those of `wrap_socket`
    /// ([`WrapOptions`](crate::WrapOptions); `do_handshake_on_connect` and
    /// `suppress_ragged_eofs` do not apply to memory buffers and are
    /// ignored, as `SSLObject` has neither).
    ///
    /// ```
    /// use pyssl::{MemoryBio, Protocol, SslContext, WrapOptions};
    /// # fn main() -> pyssl::Result<()> {
    /// let ctx = SslContext::new(Protocol::TlsClient)?;
    /// let (incoming, outgoing) = (MemoryBio::new()?, MemoryBio::new()?);
    /// let mut obj = ctx.wrap_bio(&incoming, &outgoing, WrapOptions::client("example.org"))?;
    /// assert!(obj.do_handshake().unwrap_err().is_want_read());
    /// assert!(outgoing.pending() > 0); // the ClientHello
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Deliberate deviation from CPython: with `check_hostname` on and no
    /// `server_hostname` this raises `ValueError("check_hostname requires
    /// server_hostname")`, where CPython silently skips the hostname check.
    pub fn wrap_bio(
        &self,
        incoming: &MemoryBio,
        outgoing: &MemoryBio,
        options: crate::WrapOptions<'_>,
    ) -> Result<SslObject> {
        let mut obj = SslObject::create(
            self,
            incoming,
            outgoing,
            options.server_side,
            options.server_hostname,
        )?;
        if let Some(s) = &options.session {
            obj.set_session(s)?;
        }
        Ok(obj)
    }
}

impl SslObject {
    fn create(
        ctx: &SslContext,
        incoming: &MemoryBio,
        outgoing: &MemoryBio,
        server_side: bool,
        server_hostname: Option<&str>,
    ) -> Result<SslObject> {
        let encoded = server_hostname.map(crate::hostname::encode).transpose()?;
        if !server_side && ctx.check_hostname() && encoded.is_none() {
            return Err(Error::value("check_hostname requires server_hostname"));
        }
        let conn = ctx.new_conn(server_side, encoded.as_deref(), |c| {
            let inc = incoming.lock();
            let out = outgoing.lock();
            c.set_bios(&inc.bio, &out.bio);
            Ok(())
        })?;
        let connection_id = conn.id();
        Ok(SslObject {
            core: Some(TlsCore {
                conn,
                context: ctx.clone(),
                server_side,
                peer_cache: Default::default(),
            }),
            incoming: incoming.clone(),
            outgoing: outgoing.clone(),
            context: ctx.clone(),
            server_side,
            server_hostname: encoded,
            connection_id,
            trim_armed: false,
        })
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
    set_session_owned!();

    /// The incoming buffer given to `wrap_bio`.
    pub fn incoming(&self) -> &MemoryBio {
        &self.incoming
    }

    /// The outgoing buffer given to `wrap_bio`.
    pub fn outgoing(&self) -> &MemoryBio {
        &self.outgoing
    }

    /// One OpenSSL call under both buffers' locks; with `io`, OpenSSL reads
    /// and writes go straight to that transport while the buffers are
    /// empty ([`with_direct`](crate::sys::bio::with_direct)).
    fn op_via<T>(
        &mut self,
        io: Option<&mut dyn DirectIo>,
        f: impl FnOnce(&mut crate::sys::conn::Conn) -> std::result::Result<T, IoFailure>,
    ) -> Result<std::result::Result<T, IoFailure>> {
        let mut inc = self.incoming.lock();
        let mut out = self.outgoing.lock();
        let core = self
            .core
            .as_mut()
            .ok_or_else(|| Error::value("Read on closed or unwrapped SSL socket."))?;
        let r = crate::sys::bio::with_direct(&mut inc.bio, &mut out.bio, io, || core.call(f));
        // A memory BIO keeps the capacity of the largest burst it held:
        // after the handshake, both buffers give back what the flights
        // needed as soon as they are empty, so an idle connection carries
        // no dead buffers. Only once: buffers that grow again for records
        // keep their capacity (releasing on every drain would free and
        // allocate a record-sized buffer for every record).
        if !self.trim_armed && core.conn.is_init_finished() {
            self.trim_armed = true;
            inc.trim_when_empty = true;
            out.trim_when_empty = true;
        }
        inc.trim_if_empty();
        core.conn.state().resume_panic();
        Ok(r)
    }

    fn raise(&self, f: IoFailure) -> Error {
        match &self.core {
            Some(c) => c.conn.io_error(f, false, self.server_hostname.as_deref()),
            None => Error::value("Read on closed or unwrapped SSL socket."),
        }
    }

    /// `do_handshake()`.
    pub fn do_handshake(&mut self) -> Result<()> {
        self.do_handshake_via(None)
    }

    pub(crate) fn do_handshake_via(&mut self, io: Option<&mut dyn DirectIo>) -> Result<()> {
        match self.op_via(io, |c| c.do_handshake())? {
            Ok(()) => Ok(()),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// `read(len)`: up to `len` bytes of application data; empty after the
    /// peer's close_notify. Named `recv`, as on
    /// [`SslSocket`](crate::SslSocket) and
    /// [`BorrowedSslSocket`](crate::BorrowedSslSocket), so that no inherent
    /// method shadows [`std::io::Read::read`].
    #[doc(alias = "read")]
    pub fn recv(&mut self, len: usize) -> Result<Vec<u8>> {
        crate::tls::recv_vec(len, |b| self.read_into(b))
    }

    /// `read(len, buffer)`: reads into `buf`, returning the count.
    pub fn read_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.read_into_via(buf, None)
    }

    pub(crate) fn read_into_via(
        &mut self,
        buf: &mut [u8],
        io: Option<&mut dyn DirectIo>,
    ) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.op_via(io, |c| c.read(buf))? {
            Ok(n) => Ok(n),
            Err(f) => {
                let received = self.core.as_ref().is_some_and(|c| {
                    c.conn.shutdown_state() == crate::sys::ffi::SSL_RECEIVED_SHUTDOWN
                });
                if f.ssl_error == sys::SSL_ERROR_ZERO_RETURN && received {
                    return Ok(0);
                }
                Err(self.raise(f))
            }
        }
    }

    /// `write(data)`: encrypts `data` into the outgoing buffer.
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        self.write_via(data, None)
    }

    pub(crate) fn write_via(
        &mut self,
        data: &[u8],
        io: Option<&mut dyn DirectIo>,
    ) -> Result<usize> {
        match self.op_via(io, |c| c.write(data))? {
            Ok(n) => Ok(n),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// `unwrap()`: the TLS shutdown. Raises `SSLWantReadError` until the
    /// peer's close_notify has been fed to the incoming buffer.
    pub fn unwrap(&mut self) -> Result<()> {
        self.unwrap_via(None)
    }

    pub(crate) fn unwrap_via(&mut self, mut io: Option<&mut dyn DirectIo>) -> Result<()> {
        match crate::tls::shutdown_steps(|c| {
            let io = io.as_mut().map(|io| &mut **io as &mut dyn DirectIo);
            self.op_via(io, c)
        })? {
            Ok(()) => Ok(()),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// Lets OpenSSL read ahead: take as many bytes as the transport has
    /// (up to its record buffer) in one read, not a record header and then
    /// its body. For the tokio adapter, whose reads go to the transport;
    /// a shutdown turns it off again, as for every connection.
    #[cfg(feature = "tokio")]
    pub(crate) fn set_read_ahead(&mut self) {
        if let Some(c) = self.core.as_mut() {
            c.conn.set_read_ahead(true);
        }
    }

    /// `verify_client_post_handshake()`.
    pub fn verify_client_post_handshake(&mut self) -> Result<()> {
        match self.core.as_mut() {
            Some(c) => c.conn.verify_client_post_handshake(),
            None => Err(Error::value("Read on closed or unwrapped SSL socket.")),
        }
    }
}
