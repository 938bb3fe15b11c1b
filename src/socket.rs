//! `SslSocket`: Python's `ssl.SSLSocket`, TLS over a `TcpStream` on
//! OpenSSL's own socket BIO.

use std::io;
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use openssl_sys as sys;

use crate::context::SslContext;
use crate::error::{Error, OsError, Result, SslErrorKind};
use crate::sys::err::IoFailure;
use crate::sys::misc::{self, Ready};
use crate::tls::{set_session_owned, tls_getters, TlsCore};

/// The keyword arguments of `SSLContext.wrap_socket` (and `wrap_bio`).
#[derive(Clone, Debug)]
#[doc(alias = "wrap_socket")]
pub struct WrapOptions<'a> {
    pub(crate) server_side: bool,
    pub(crate) server_hostname: Option<&'a str>,
    pub(crate) do_handshake_on_connect: bool,
    pub(crate) suppress_ragged_eofs: bool,
    pub(crate) session: Option<crate::SslSession>,
}

impl Default for WrapOptions<'_> {
    fn default() -> Self {
        WrapOptions {
            server_side: false,
            server_hostname: None,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            session: None,
        }
    }
}

impl<'a> WrapOptions<'a> {
    /// `SSLSocket._create`'s checks of the options against the context.
    pub(crate) fn check(&self, ctx: &SslContext) -> Result<()> {
        let name = self.server_hostname;
        if self.server_side && name.is_some_and(|n| !n.is_empty()) {
            return Err(Error::value(
                "server_hostname can only be specified in client mode",
            ));
        }
        if self.server_side && self.session.is_some() {
            return Err(Error::value("session can only be specified in client mode"));
        }
        if ctx.check_hostname() && name.is_none_or(str::is_empty) {
            return Err(Error::value("check_hostname requires server_hostname"));
        }
        Ok(())
    }

    /// Python's defaults: client side, no `server_hostname`,
    /// `do_handshake_on_connect=True`, `suppress_ragged_eofs=True`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A client connecting to `server_hostname`.
    pub fn client(server_hostname: &'a str) -> Self {
        Self::default().server_hostname(Some(server_hostname))
    }

    /// A server-side connection.
    pub fn server() -> Self {
        Self::default().server_side(true)
    }

    /// `server_side`.
    pub fn server_side(mut self, on: bool) -> Self {
        self.server_side = on;
        self
    }

    /// `server_hostname`: the name to send as SNI and to check the
    /// certificate against (IDNA-encoded as Python's `idna` codec does).
    pub fn server_hostname(mut self, name: Option<&'a str>) -> Self {
        self.server_hostname = name;
        self
    }

    /// `do_handshake_on_connect`.
    pub fn do_handshake_on_connect(mut self, on: bool) -> Self {
        self.do_handshake_on_connect = on;
        self
    }

    /// `session`: a session to resume (client side only).
    pub fn session(mut self, session: Option<crate::SslSession>) -> Self {
        self.session = session;
        self
    }

    /// `suppress_ragged_eofs`: an unexpected EOF reads as end of stream.
    pub fn suppress_ragged_eofs(mut self, on: bool) -> Self {
        self.suppress_ragged_eofs = on;
        self
    }
}

/// TLS over a connected `TcpStream`: Python's `ssl.SSLSocket`.
///
/// Blocking behaviour follows Python's socket timeout model: with no
/// timeout ([`settimeout(None)`](Self::settimeout)) calls block; with a
/// timeout the socket is non-blocking underneath and each call waits at
/// most that long (`TimeoutError`); with a zero timeout
/// ([`setblocking(false)`](Self::setblocking)) calls fail with
/// `SSLWantReadError` / `SSLWantWriteError` instead of waiting, which
/// [`io::Read`]/[`io::Write`] report as [`io::ErrorKind::WouldBlock`].
/// The initial timeout is the stream's: non-blocking streams start with
/// zero, streams with a read timeout start with it.
#[doc(alias = "SSLSocket")]
pub struct SslSocket {
    core: Option<TlsCore>,
    stream: Option<TcpStream>,
    context: SslContext,
    server_side: bool,
    server_hostname: Option<String>,
    connection_id: crate::ConnectionId,
    do_handshake_on_connect: bool,
    suppress_ragged_eofs: bool,
    timeout: Option<Duration>,
    was_nonblocking: bool,
}

impl std::fmt::Debug for SslSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslSocket")
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
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
            let ms = i64::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i64::MAX);
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

impl SslSocket {
    pub(crate) fn create(
        ctx: &SslContext,
        sock: TcpStream,
        opts: WrapOptions<'_>,
    ) -> Result<SslSocket> {
        let name = opts.server_hostname;
        opts.check(ctx)?;
        let fd = sock.as_raw_fd();
        let was_nonblocking = misc::set_nonblocking(fd, false)?;
        misc::set_nonblocking(fd, was_nonblocking)?;
        let timeout = if was_nonblocking {
            Some(Duration::ZERO)
        } else {
            sock.read_timeout()?
        };
        let encoded = name.map(crate::hostname::encode).transpose()?;
        sock.peer_addr()?;
        let conn = ctx.new_conn(opts.server_side, encoded.as_deref(), |c| c.set_fd(fd))?;
        let connection_id = conn.id();
        let mut s = SslSocket {
            core: Some(TlsCore {
                conn,
                context: ctx.clone(),
                server_side: opts.server_side,
                peer_cache: Default::default(),
            }),
            stream: Some(sock),
            context: ctx.clone(),
            server_side: opts.server_side,
            server_hostname: encoded,
            connection_id,
            do_handshake_on_connect: opts.do_handshake_on_connect,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
            timeout: None,
            was_nonblocking,
        };
        s.settimeout(timeout)?;
        if let Some(session) = &opts.session {
            s.set_session(session)?;
        }
        if opts.do_handshake_on_connect {
            if s.timeout == Some(Duration::ZERO) {
                return Err(Error::value(
                    "do_handshake_on_connect should not be specified for non-blocking sockets",
                ));
            }
            s.do_handshake()?;
        }
        Ok(s)
    }

    tls_getters!();
    set_session_owned!();

    /// `do_handshake_on_connect`.
    pub fn do_handshake_on_connect(&self) -> bool {
        self.do_handshake_on_connect
    }

    /// `suppress_ragged_eofs`.
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    /// `settimeout(timeout)`: `None` blocks, zero is non-blocking, anything
    /// else bounds every call.
    pub fn settimeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        if let Some(stream) = &self.stream {
            misc::set_nonblocking(stream.as_raw_fd(), timeout.is_some())?;
        }
        self.timeout = timeout;
        Ok(())
    }

    /// `gettimeout()`.
    pub fn gettimeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// `setblocking(flag)`: `settimeout(None)` or `settimeout(0)`.
    pub fn setblocking(&mut self, blocking: bool) -> Result<()> {
        self.settimeout(if blocking { None } else { Some(Duration::ZERO) })
    }

    /// The underlying stream (for `getpeername`, `getsockname`, ...);
    /// `None` after [`unwrap`](Self::unwrap).
    #[doc(alias = "socket")]
    pub fn get_ref(&self) -> Option<&TcpStream> {
        self.stream.as_ref()
    }

    /// Runs one OpenSSL operation in Python's loop: retry on want-read /
    /// want-write, waiting with `poll` in timeout mode, raising the want
    /// errors in non-blocking mode.
    fn run<T>(
        &mut self,
        op: Op,
        mut f: impl FnMut(&mut crate::sys::conn::Conn) -> std::result::Result<T, IoFailure>,
    ) -> Result<std::result::Result<T, IoFailure>> {
        let timeout = self.timeout;
        let deadline = timeout.filter(|d| !d.is_zero()).map(|d| Instant::now() + d);
        let fd = self.stream.as_ref().map(|s| s.as_raw_fd());
        let core = self
            .core
            .as_mut()
            .ok_or_else(|| Error::value("Read on closed or unwrapped SSL socket."))?;
        core.conn.set_nbio(timeout.is_some());
        loop {
            let r = core.call(&mut f);
            core.conn.state().resume_panic();
            let failure = match r {
                Ok(v) => return Ok(Ok(v)),
                Err(e) => e,
            };
            let writing = match failure.ssl_error {
                sys::SSL_ERROR_WANT_READ => false,
                sys::SSL_ERROR_WANT_WRITE => true,
                _ => return Ok(Err(failure)),
            };
            let Some(fd) = fd else {
                return Ok(Err(failure));
            };
            if !wait_for_socket(fd, writing, op, timeout, deadline)? {
                return Ok(Err(failure));
            }
        }
    }

    fn raise(&self, f: IoFailure) -> Error {
        match &self.core {
            Some(c) => c.conn.io_error(f, true, self.server_hostname.as_deref()),
            None => Error::value("Read on closed or unwrapped SSL socket."),
        }
    }

    /// `do_handshake()`: performs the TLS handshake (certificate and
    /// hostname verification included).
    pub fn do_handshake(&mut self) -> Result<()> {
        match self.run(Op::Handshake, |c| c.do_handshake())? {
            Ok(()) => Ok(()),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// `read(len, buffer)` / `recv_into(buffer)`: reads into `buf`,
    /// returning the count (0 at the end of the stream).
    #[doc(alias = "recv_into")]
    pub fn read_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        if self.core.is_none() {
            return Err(Error::value("Read on closed or unwrapped SSL socket."));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        match self.run(Op::Read, |c| c.read(buf))? {
            Ok(n) => Ok(n),
            Err(f) => {
                let received = self.core.as_ref().is_some_and(|c| {
                    c.conn.shutdown_state() == crate::sys::ffi::SSL_RECEIVED_SHUTDOWN
                });
                if f.ssl_error == sys::SSL_ERROR_ZERO_RETURN && received {
                    return Ok(0);
                }
                let e = self.raise(f);
                if self.suppress_ragged_eofs && e.ssl_kind() == Some(SslErrorKind::Eof) {
                    return Ok(0);
                }
                Err(e)
            }
        }
    }

    /// `recv(buflen)` / `read(len)`: up to `buflen` bytes of application
    /// data; empty at the end of the stream (close_notify, or a ragged EOF
    /// when `suppress_ragged_eofs`).
    ///
    /// Python's `read(len)` is named `recv` here so that it does not shadow
    /// [`io::Read::read`]: with `use std::io::Read`, `tls.read(&mut buf)`
    /// is the `io::Read` method.
    #[doc(alias = "read")]
    pub fn recv(&mut self, buflen: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; buflen];
        let n = self.read_into(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// `recv_into(buffer)`: the same as [`read_into`](Self::read_into).
    pub fn recv_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        self.read_into(buffer)
    }

    /// `write(data)` / `send(data)`: encrypts and sends `data`, returning
    /// the number of bytes written.
    ///
    /// It keeps Python's name although [`io::Write::write`] has the same
    /// one: the arguments are the same and `?` turns its error into an
    /// [`io::Error`], so `io::Write` code using `tls.write(buf)?` compiles
    /// unchanged.
    #[doc(alias = "send")]
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        if self.core.is_none() {
            return Err(Error::value("Write on closed or unwrapped SSL socket."));
        }
        match self.run(Op::Write, |c| c.write(data))? {
            Ok(n) => Ok(n),
            Err(f) => Err(self.raise(f)),
        }
    }

    /// `send(data)`: the same as [`write`](Self::write).
    pub fn send(&mut self, data: &[u8]) -> Result<usize> {
        self.write(data)
    }

    /// `sendall(data)`: writes all of `data`.
    pub fn sendall(&mut self, data: &[u8]) -> Result<()> {
        let mut done = 0;
        while done < data.len() {
            done += self.write(&data[done..])?;
        }
        Ok(())
    }

    /// `verify_client_post_handshake()`: a TLS 1.3 server asks the client
    /// for its certificate after the handshake.
    pub fn verify_client_post_handshake(&mut self) -> Result<()> {
        match self.core.as_mut() {
            Some(c) => c.conn.verify_client_post_handshake(),
            None => Err(Error::value("Read on closed or unwrapped SSL socket.")),
        }
    }

    /// `unwrap()`: the TLS shutdown (close_notify both ways), then the
    /// plain stream back, in its original blocking mode. Afterwards this
    /// socket reads and writes no more (`ValueError`), as in Python.
    pub fn unwrap(&mut self) -> Result<TcpStream> {
        if let Err(f) = crate::tls::shutdown_steps(|c| self.run(Op::Shutdown, c))? {
            return Err(self.raise(f));
        }
        self.core = None;
        let stream = self
            .stream
            .take()
            .ok_or_else(|| Error::value("Read on closed or unwrapped SSL socket."))?;
        misc::set_nonblocking(stream.as_raw_fd(), self.was_nonblocking)?;
        Ok(stream)
    }
}

impl io::Read for SslSocket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_into(buf).map_err(io::Error::from)
    }
}

impl io::Write for SslSocket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        SslSocket::write(self, buf).map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
