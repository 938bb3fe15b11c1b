//! `SslSocket`: Python's `ssl.SSLSocket`, TLS over a stream socket it
//! owns (TCP, Unix, any stream descriptor), usable from two threads.

use std::io;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use socket2::{SockAddr, SockRef};

use crate::context::SslContext;
use crate::duplex::Duplex;
use crate::error::{Error, NotImplementedError, OsError, Result, SslError, SslErrorKind};
use crate::sys::bio::SockBio;
use crate::sys::misc::{self, Ready};
use crate::tls::{tls_getters, TlsCore};

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

/// A stream socket [`SslContext::wrap_socket`] can wrap: anything that owns
/// a socket descriptor. Implemented for [`TcpStream`], [`TcpListener`],
/// [`UnixStream`], [`UnixListener`], [`OwnedFd`] and [`socket2::Socket`];
/// implement it for a type of your own that owns a socket.
///
/// Whether the descriptor really is a stream socket is checked at wrap
/// time, as CPython checks `SO_TYPE` ("only stream sockets are
/// supported", `NotImplementedError`).
pub trait StreamSocket: AsFd {
    /// What [`SslSocket::accept`] yields on a wrapped listening socket
    /// ([`TcpStream`] for a [`TcpListener`]).
    type Accepted: StreamSocket + From<OwnedFd>;
}

impl StreamSocket for TcpStream {
    type Accepted = TcpStream;
}
impl StreamSocket for TcpListener {
    type Accepted = TcpStream;
}
impl StreamSocket for UnixStream {
    type Accepted = UnixStream;
}
impl StreamSocket for UnixListener {
    type Accepted = UnixStream;
}
impl StreamSocket for OwnedFd {
    type Accepted = OwnedFd;
}
impl StreamSocket for socket2::Socket {
    type Accepted = socket2::Socket;
}

/// The timeout as one atomic word: `u64::MAX` is `None` (blocking).
const BLOCKING: u64 = u64::MAX;

fn encode_timeout(t: Option<Duration>) -> u64 {
    t.map_or(BLOCKING, |d| {
        u64::try_from(d.as_nanos())
            .unwrap_or(BLOCKING - 1)
            .min(BLOCKING - 1)
    })
}

fn decode_timeout(v: u64) -> Option<Duration> {
    (v != BLOCKING).then(|| Duration::from_nanos(v))
}

/// TLS over a stream socket: Python's `ssl.SSLSocket`.
///
/// `S` is the socket it owns and gives back ([`unwrap`](Self::unwrap),
/// [`detach`](Self::detach)): a [`TcpStream`] by default, or any
/// [`StreamSocket`] (a [`UnixStream`], an [`OwnedFd`], a
/// [`socket2::Socket`], a listening socket whose [`accept`](Self::accept)
/// yields TLS connections). As in Python the socket may be wrapped before
/// it is connected: [`connect`](Self::connect) /
/// [`connect_ex`](Self::connect_ex) then connect it and start the TLS
/// connection.
///
/// # Timeouts
///
/// Blocking behaviour follows Python's socket timeout model: with no
/// timeout ([`settimeout(None)`](Self::settimeout)) calls block; with a
/// timeout the socket is non-blocking underneath and each call waits at
/// most that long (`TimeoutError`); with a zero timeout
/// ([`setblocking(false)`](Self::setblocking)) calls fail with
/// `SSLWantReadError` / `SSLWantWriteError` instead of waiting, which
/// [`io::Read`]/[`io::Write`] report as [`io::ErrorKind::WouldBlock`].
/// The initial timeout is the socket's: non-blocking sockets start with
/// zero, sockets with a receive timeout (`SO_RCVTIMEO`) start with it.
///
/// # Threads
///
/// I/O methods take `&self` and `SslSocket` is `Sync`: one thread may
/// block in [`recv`](Self::recv) while another
/// [`sendall`](Self::sendall)s on the same connection, as Python programs
/// do with one `SSLSocket` (share it with `std::thread::scope` or an
/// `Arc`; `&SslSocket` implements [`io::Read`] and [`io::Write`], so
/// `BufReader::new(&tls)` and `BufWriter::new(&tls)` make Python's
/// `makefile()` pair). OpenSSL is only ever called under the connection's
/// lock and never waits under it: pyssl's socket BIO sends and receives
/// with `MSG_DONTWAIT`, so each OpenSSL call returns at once, and the
/// waits (`poll`) happen with the lock released. TLS 1.3 messages that
/// arrive while another thread writes (session tickets, key updates) are
/// handled by whichever thread reads. What changes the connection's state
/// as a whole ([`connect`](Self::connect), [`unwrap`](Self::unwrap),
/// [`set_session`](Self::set_session)) takes `&mut self`.
#[doc(alias = "SSLSocket")]
pub struct SslSocket<S: StreamSocket = TcpStream> {
    sock: S,
    /// Python's `_sslobj`: `None` until a lazily wrapped socket connects.
    tls: Option<Duplex>,
    /// `shutdown(how)` dropped the TLS layer (Python sets `_sslobj =
    /// None`); the connection object stays for threads still using it.
    plain: AtomicBool,
    context: SslContext,
    server_side: bool,
    server_hostname: Option<String>,
    session: Option<crate::SslSession>,
    connected: bool,
    connection_id: Option<crate::ConnectionId>,
    do_handshake_on_connect: bool,
    suppress_ragged_eofs: bool,
    timeout: AtomicU64,
    was_nonblocking: bool,
}

impl<S: StreamSocket> std::fmt::Debug for SslSocket<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslSocket")
            .field("fd", &self.fileno())
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname)
            .field("timeout", &self.gettimeout())
            .finish_non_exhaustive()
    }
}

/// The error of [`SslSocket::unwrap`], with the socket given back (the
/// TLS shutdown can be retried, as after `SSLWantReadError` on a
/// non-blocking socket). `?` turns it into its [`Error`], as
/// [`io::IntoInnerError`] does for `BufWriter::into_inner`.
pub struct UnwrapError<S: StreamSocket> {
    inner: Box<(Error, SslSocket<S>)>,
}

impl<S: StreamSocket> UnwrapError<S> {
    /// The error.
    pub fn error(&self) -> &Error {
        &self.inner.0
    }

    /// The error and the socket, still wrapped.
    pub fn into_parts(self) -> (Error, SslSocket<S>) {
        *self.inner
    }

    /// The socket, still wrapped.
    pub fn into_socket(self) -> SslSocket<S> {
        self.inner.1
    }
}

impl<S: StreamSocket> std::fmt::Debug for UnwrapError<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnwrapError")
            .field("error", self.error())
            .finish_non_exhaustive()
    }
}

impl<S: StreamSocket> std::fmt::Display for UnwrapError<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error().fmt(f)
    }
}

impl<S: StreamSocket> std::error::Error for UnwrapError<S> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.error())
    }
}

impl<S: StreamSocket> From<UnwrapError<S>> for Error {
    fn from(e: UnwrapError<S>) -> Error {
        e.inner.0
    }
}

impl<S: StreamSocket> From<UnwrapError<S>> for io::Error {
    fn from(e: UnwrapError<S>) -> io::Error {
        e.inner.0.into()
    }
}

/// Python's `repr()` of an address as `getsockname()` returns it, `None`
/// for what Python leaves out of a socket's repr (an unnamed Unix socket).
fn address_repr(addr: &SockAddr) -> Option<String> {
    use crate::pyfmt::repr_str;
    if let Some(a) = addr.as_socket_ipv4() {
        return Some(format!("({}, {})", repr_str(&a.ip().to_string()), a.port()));
    }
    if let Some(a) = addr.as_socket_ipv6() {
        return Some(format!(
            "({}, {}, {}, {})",
            repr_str(&a.ip().to_string()),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ));
    }
    if let Some(p) = addr.as_pathname() {
        let s = p.to_string_lossy();
        return (!s.is_empty()).then(|| repr_str(&s));
    }
    addr.as_abstract_namespace()
        .map(|name| crate::pyfmt::repr_bytes(&[&[0u8][..], name].concat()))
}

impl<S: StreamSocket> crate::PyRepr for SslSocket<S> {
    /// `repr(sslsock)`: `<ssl.SSLSocket fd=3, family=2, type=1, proto=6,
    /// laddr=('127.0.0.1', 5000), raddr=('127.0.0.1', 443)>`.
    fn py_repr(&self) -> String {
        let r = SockRef::from(&self.sock);
        let family = r.domain().map_or(0, i32::from);
        let ty = r.r#type().map_or(0, i32::from);
        let proto = r.protocol().ok().flatten().map_or(0, i32::from);
        let mut s = format!(
            "<ssl.SSLSocket fd={}, family={family}, type={ty}, proto={proto}",
            self.fileno()
        );
        if let Some(a) = r.local_addr().ok().as_ref().and_then(address_repr) {
            s += &format!(", laddr={a}");
        }
        if let Some(a) = r.peer_addr().ok().as_ref().and_then(address_repr) {
            s += &format!(", raddr={a}");
        }
        s + ">"
    }
}

fn not_connected_read() -> Error {
    Error::value("Read on closed or unwrapped SSL socket.")
}

impl<S: StreamSocket> SslSocket<S> {
    pub(crate) fn create(ctx: &SslContext, sock: S, opts: WrapOptions<'_>) -> Result<Self> {
        let r = SockRef::from(&sock);
        if r.r#type()? != socket2::Type::STREAM {
            return Err(Error::NotImplemented(NotImplementedError::new(
                "only stream sockets are supported",
            )));
        }
        opts.check(ctx)?;
        let fd = sock.as_fd().as_raw_fd();
        let was_nonblocking = misc::set_nonblocking(fd, false)?;
        misc::set_nonblocking(fd, was_nonblocking)?;
        let timeout = if was_nonblocking {
            Some(Duration::ZERO)
        } else {
            r.read_timeout()?
        };
        let encoded = opts
            .server_hostname
            .map(crate::hostname::encode)
            .transpose()?;
        let connected = match r.peer_addr() {
            Ok(_) => true,
            Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => {
                // CPython reads one byte without blocking: data waiting on
                // a socket that is no longer connected must not be taken
                // for what a TLS connection delivered.
                let mut one = [0u8; 1];
                match misc::recv(fd, &mut one, libc::MSG_DONTWAIT) {
                    Ok(n) if n > 0 => {
                        let reason = "Closed before TLS handshake with data in recv buffer.";
                        return Err(Error::Ssl(SslError::new(
                            SslErrorKind::Ssl,
                            libc::ENOTCONN.into(),
                            reason,
                            None,
                            Some(reason.to_owned()),
                        )));
                    }
                    Ok(_) => {}
                    Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTCONN | libc::EINVAL)) => {}
                    Err(e) => return Err(e.into()),
                }
                false
            }
            Err(e) => return Err(e.into()),
        };
        let mut s = SslSocket {
            sock,
            tls: None,
            plain: AtomicBool::new(false),
            context: ctx.clone(),
            server_side: opts.server_side,
            server_hostname: encoded,
            session: opts.session.clone(),
            connected,
            connection_id: None,
            do_handshake_on_connect: opts.do_handshake_on_connect,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
            timeout: AtomicU64::new(BLOCKING),
            was_nonblocking,
        };
        s.settimeout(timeout)?;
        if connected {
            s.start_tls()?;
            if opts.do_handshake_on_connect {
                if s.gettimeout() == Some(Duration::ZERO) {
                    return Err(Error::value(
                        "do_handshake_on_connect should not be specified for non-blocking sockets",
                    ));
                }
                s.do_handshake()?;
            }
        }
        Ok(s)
    }

    /// CPython's `context._wrap_socket(self, ...)`: the TLS connection over
    /// this socket, with the session set if one was given.
    fn start_tls(&mut self) -> Result<()> {
        let mut bio = SockBio::new()?;
        bio.set_fd(self.sock.as_fd());
        let conn =
            self.context
                .new_conn(self.server_side, self.server_hostname.as_deref(), |c| {
                    c.set_sock_bio(&bio);
                    Ok(())
                })?;
        let id = conn.id();
        let mut core = TlsCore {
            conn,
            context: self.context.clone(),
            server_side: self.server_side,
            peer_cache: Default::default(),
        };
        if let Some(session) = &self.session {
            core.set_session(session)?;
        }
        self.tls = Some(Duplex::new(core, bio));
        self.connection_id = Some(id);
        self.plain.store(false, Ordering::Release);
        Ok(())
    }

    /// The TLS connection, unless there is none (not connected yet,
    /// `shutdown(how)` called).
    fn tls(&self) -> Option<&Duplex> {
        self.tls
            .as_ref()
            .filter(|_| !self.plain.load(Ordering::Acquire))
    }

    fn with_core<R>(&self, f: impl FnOnce(Option<&TlsCore>) -> R) -> R {
        match self.tls() {
            Some(d) => d.with_core(f),
            None => f(None),
        }
    }

    /// Python's `_check_connected`: `getpeername()` fails with `ENOTCONN`
    /// on a socket that is not connected.
    fn check_connected(&self) -> Result<()> {
        if !self.connected {
            self.getpeername()?;
        }
        Ok(())
    }

    fn no_wrapper(&self) -> Error {
        Error::value(format!(
            "No SSL wrapper around {}",
            crate::PyRepr::py_repr(self)
        ))
    }

    tls_getters!();

    /// The connection's identity, as message callbacks report it
    /// ([`TlsMessage::connection`](crate::TlsMessage::connection)); `None`
    /// before a lazily wrapped socket connects.
    #[doc(alias = "_msg_callback")]
    pub fn connection_id(&self) -> Option<crate::ConnectionId> {
        self.connection_id
    }

    /// `session = s`: resume `s` on this (client, not yet connected)
    /// connection. Python's checks: the session must come from the same
    /// context, the connection must be client side and before its
    /// handshake. On a socket not connected yet it is kept for
    /// [`connect`](Self::connect).
    #[doc(alias = "session")]
    pub fn set_session(&mut self, session: &crate::SslSession) -> Result<()> {
        self.session = Some(session.clone());
        match self.tls() {
            Some(d) => match d.lock() {
                Some(mut g) => g.core.set_session(session),
                None => Err(crate::duplex::busy()),
            },
            None => Ok(()),
        }
    }

    /// `context = ctx`: the connection goes on with `ctx` (its certificate
    /// and settings serve what is left of the handshake), as CPython's
    /// setter does (`SSL_set_SSL_CTX`); a socket not connected yet uses
    /// `ctx` when it connects. Inside an SNI callback use
    /// [`SniRequest::set_context`](crate::SniRequest::set_context).
    #[doc(alias = "context")]
    pub fn set_context(&mut self, ctx: &SslContext) -> Result<()> {
        self.context = ctx.clone();
        if let Some(d) = self.tls() {
            match d.lock() {
                Some(mut g) => g.core.set_context(ctx),
                None => return Err(crate::duplex::busy()),
            }
        }
        Ok(())
    }

    /// `do_handshake_on_connect`.
    pub fn do_handshake_on_connect(&self) -> bool {
        self.do_handshake_on_connect
    }

    /// `suppress_ragged_eofs`.
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    /// `settimeout(timeout)`: `None` blocks, zero is non-blocking, anything
    /// else bounds every call. It applies to calls that start afterwards
    /// (a call in progress on another thread keeps its own).
    pub fn settimeout(&self, timeout: Option<Duration>) -> Result<()> {
        misc::set_nonblocking(self.fileno(), timeout.is_some())?;
        self.timeout
            .store(encode_timeout(timeout), Ordering::Release);
        Ok(())
    }

    /// `gettimeout()`.
    pub fn gettimeout(&self) -> Option<Duration> {
        decode_timeout(self.timeout.load(Ordering::Acquire))
    }

    /// `setblocking(flag)`: `settimeout(None)` or `settimeout(0)`.
    pub fn setblocking(&self, blocking: bool) -> Result<()> {
        self.settimeout(if blocking { None } else { Some(Duration::ZERO) })
    }

    /// `getblocking()`: false when the timeout is zero.
    pub fn getblocking(&self) -> bool {
        self.gettimeout() != Some(Duration::ZERO)
    }

    /// The socket (for its own methods: options, addresses, ...).
    #[doc(alias = "socket")]
    pub fn get_ref(&self) -> &S {
        &self.sock
    }

    /// `fileno()`: the socket's descriptor.
    pub fn fileno(&self) -> RawFd {
        self.sock.as_fd().as_raw_fd()
    }

    /// `getpeername()`: the peer's address (`ENOTCONN`, an `OSError`, on
    /// a socket that is not connected).
    pub fn getpeername(&self) -> Result<SockAddr> {
        Ok(SockRef::from(&self.sock).peer_addr()?)
    }

    /// `getsockname()`: the socket's own address.
    pub fn getsockname(&self) -> Result<SockAddr> {
        Ok(SockRef::from(&self.sock).local_addr()?)
    }

    /// `do_handshake()`: performs the TLS handshake (certificate and
    /// hostname verification included), waiting as the timeout says.
    pub fn do_handshake(&self) -> Result<()> {
        self.handshake_with(self.gettimeout())
    }

    /// `do_handshake(block=True)`: the handshake, blocking even on a
    /// non-blocking socket (a socket with a timeout keeps it).
    #[doc(alias = "do_handshake")]
    pub fn do_handshake_blocking(&self) -> Result<()> {
        let t = self.gettimeout().filter(|t| !t.is_zero());
        self.handshake_with(t)
    }

    fn handshake_with(&self, timeout: Option<Duration>) -> Result<()> {
        self.check_connected()?;
        let d = self.tls().ok_or_else(|| self.no_wrapper())?;
        d.do_handshake(None, self.fileno(), timeout, self.server_hostname())
    }

    /// `read(len, buffer)` / `recv_into(buffer)` on the TLS connection:
    /// reads into `buf`, returning the count (0 at the end of the stream:
    /// close_notify, or a ragged EOF when `suppress_ragged_eofs`).
    /// `ValueError` when there is no TLS connection.
    #[doc(alias = "read")]
    pub fn read_into(&self, buf: &mut [u8]) -> Result<usize> {
        let d = self.tls().ok_or_else(not_connected_read)?;
        let timeout = self.gettimeout();
        match d.read_into(None, self.fileno(), buf, timeout, self.server_hostname()) {
            Err(e) if self.suppress_ragged_eofs && e.ssl_kind() == Some(SslErrorKind::Eof) => Ok(0),
            r => r,
        }
    }

    /// `recv(buflen)` / `read(len)`: up to `buflen` bytes of application
    /// data; empty at the end of the stream. Without a TLS connection (not
    /// connected yet, after [`shutdown`](Self::shutdown)) it is the plain
    /// socket's `recv`, as in Python.
    ///
    /// Python's `read(len)` is named `recv` here so that it does not shadow
    /// [`io::Read::read`]: with `use std::io::Read`, `tls.read(&mut buf)`
    /// is the `io::Read` method.
    #[doc(alias = "read")]
    pub fn recv(&self, buflen: usize) -> Result<Vec<u8>> {
        crate::tls::recv_vec(buflen, |b| self.recv_into(b))
    }

    /// `recv_into(buffer)`: [`read_into`](Self::read_into) on the TLS
    /// connection, the plain socket's `recv_into` without one.
    pub fn recv_into(&self, buffer: &mut [u8]) -> Result<usize> {
        if self.tls().is_some() {
            return self.read_into(buffer);
        }
        self.sock_call(false, || misc::recv(self.fileno(), buffer, 0))
    }

    /// `write(data)`: encrypts and sends `data`, returning the number of
    /// bytes written; `ValueError` when there is no TLS connection.
    ///
    /// It keeps Python's name although [`io::Write::write`] has the same
    /// one: the arguments are the same and `?` turns its error into an
    /// [`io::Error`], so `io::Write` code using `tls.write(buf)?` compiles
    /// unchanged.
    pub fn write(&self, data: &[u8]) -> Result<usize> {
        let d = self
            .tls()
            .ok_or_else(|| Error::value("Write on closed or unwrapped SSL socket."))?;
        d.write(
            None,
            self.fileno(),
            data,
            self.gettimeout(),
            self.server_hostname(),
        )
    }

    /// `send(data)`: [`write`](Self::write) on the TLS connection, the
    /// plain socket's `send` without one.
    pub fn send(&self, data: &[u8]) -> Result<usize> {
        if self.tls().is_some() {
            return self.write(data);
        }
        self.sock_call(true, || {
            SockRef::from(&self.sock).send_with_flags(data, libc::MSG_NOSIGNAL)
        })
    }

    /// `sendall(data)`: writes all of `data`.
    pub fn sendall(&self, data: &[u8]) -> Result<()> {
        let mut done = 0;
        while done < data.len() {
            done += self.send(&data[done..])?;
        }
        Ok(())
    }

    /// `sendfile(file, offset=0, count=None)`: sends `file` from `offset`
    /// (`count` bytes at most, all of it when `None`) and returns the count
    /// sent, leaving the file's position after the bytes sent. Under TLS
    /// this is CPython's `_sendfile_use_send` (8 KiB blocks through
    /// `send`); without TLS pyssl uses the same loop where CPython uses
    /// `os.sendfile`. `ValueError` on a non-blocking socket and for a
    /// `count` of 0, as in CPython.
    pub fn sendfile<F: io::Read + io::Seek>(
        &self,
        file: &mut F,
        offset: u64,
        count: Option<u64>,
    ) -> Result<u64> {
        if count == Some(0) {
            return Err(Error::value("count must be a positive integer (got 0)"));
        }
        if self.gettimeout() == Some(Duration::ZERO) {
            return Err(Error::value("non-blocking sockets are not supported"));
        }
        if offset != 0 {
            file.seek(io::SeekFrom::Start(offset))?;
        }
        let mut block = [0u8; 8192];
        let mut total = 0u64;
        let r = (|| -> Result<()> {
            loop {
                let want = match count {
                    Some(c) if c <= total => return Ok(()),
                    Some(c) => {
                        usize::try_from(c - total).map_or(block.len(), |n| n.min(block.len()))
                    }
                    None => block.len(),
                };
                let n = loop {
                    match file.read(&mut block[..want]) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        r => break r?,
                    }
                };
                if n == 0 {
                    return Ok(());
                }
                let mut data = &block[..n];
                while !data.is_empty() {
                    let sent = self.send(data)?;
                    total += sent as u64;
                    data = &data[sent..];
                }
            }
        })();
        if total > 0 {
            file.seek(io::SeekFrom::Start(offset + total))?;
        }
        r.map(|()| total)
    }

    /// `verify_client_post_handshake()`: a TLS 1.3 server asks the client
    /// for its certificate after the handshake.
    pub fn verify_client_post_handshake(&self) -> Result<()> {
        let d = self.tls().ok_or_else(|| self.no_wrapper())?;
        match d.lock() {
            Some(mut g) => g.core.conn.verify_client_post_handshake(),
            None => Err(crate::duplex::busy()),
        }
    }

    /// `shutdown(how)`: shuts the socket down for reading, writing or both
    /// (no TLS close_notify: that is [`unwrap`](Self::unwrap)), and drops
    /// the TLS layer, as Python does: afterwards `recv`/`send` are the
    /// plain socket's and `read`/`write` fail. A thread blocked in `recv`
    /// on this connection wakes up.
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        self.plain.store(true, Ordering::Release);
        SockRef::from(&self.sock).shutdown(how)?;
        Ok(())
    }

    /// `unwrap()`: the TLS shutdown (close_notify both ways), then the
    /// plain socket back, in its original blocking mode. On an error (a
    /// non-blocking socket's `SSLWantReadError`, a timeout) the socket
    /// comes back inside the [`UnwrapError`], still wrapped.
    pub fn unwrap(self) -> std::result::Result<S, UnwrapError<S>> {
        let r = match self.tls() {
            None => Err(self.no_wrapper()),
            Some(d) => d.shutdown(
                None,
                self.fileno(),
                self.gettimeout(),
                self.server_hostname(),
            ),
        };
        match r {
            Ok(()) => Ok(self.detach()),
            Err(error) => Err(UnwrapError {
                inner: Box::new((error, self)),
            }),
        }
    }

    /// `detach()`: the socket back without a TLS shutdown (the connection
    /// is dropped as it stands), in its original blocking mode.
    pub fn detach(self) -> S {
        let SslSocket {
            sock,
            tls,
            was_nonblocking,
            ..
        } = self;
        drop(tls);
        // Best effort: the descriptor is the caller's again either way.
        let _ = misc::set_nonblocking(sock.as_fd().as_raw_fd(), was_nonblocking);
        sock
    }

    /// `connect(addr)`: connects a socket wrapped before it was connected,
    /// then (with `do_handshake_on_connect`) performs the handshake.
    /// `ValueError` on a server-side or already connected socket.
    pub fn connect(&mut self, addr: impl Into<SockAddr>) -> Result<()> {
        self.real_connect(&addr.into(), false).map(|_| ())
    }

    /// `connect_ex(addr)`: [`connect`](Self::connect), with the
    /// connection's failure returned as its `errno` (0 on success;
    /// `EINPROGRESS` on a non-blocking socket, `EWOULDBLOCK` when the
    /// timeout expires) instead of raised. Errors of the TLS handshake
    /// are raised.
    pub fn connect_ex(&mut self, addr: impl Into<SockAddr>) -> Result<i32> {
        self.real_connect(&addr.into(), true)
    }

    fn real_connect(&mut self, addr: &SockAddr, connect_ex: bool) -> Result<i32> {
        if self.server_side {
            return Err(Error::value("can't connect in server-side mode"));
        }
        if self.connected || self.tls.is_some() {
            return Err(Error::value(
                "attempt to connect already-connected SSLSocket!",
            ));
        }
        self.start_tls()?;
        let rc = match self.sock_connect(addr) {
            Ok(()) => 0,
            Err(e) if connect_ex => match e.raw_os_error() {
                Some(errno) => errno,
                // The socket's timeout: CPython's connect_ex gives EWOULDBLOCK.
                None if e.kind() == io::ErrorKind::TimedOut => libc::EWOULDBLOCK,
                None => {
                    self.tls = None;
                    return Err(e.into());
                }
            },
            Err(e) => {
                self.tls = None;
                if e.kind() == io::ErrorKind::TimedOut && e.raw_os_error().is_none() {
                    return Err(Error::Os(OsError::timeout("timed out")));
                }
                return Err(e.into());
            }
        };
        if rc == 0 {
            self.connected = true;
            if self.do_handshake_on_connect {
                if let Err(e) = self.do_handshake() {
                    self.tls = None;
                    return Err(e);
                }
            }
        }
        Ok(rc)
    }

    /// CPython's `internal_connect`: `connect()`, then for a socket with a
    /// timeout the wait for the connection to complete and its
    /// `SO_ERROR`. The socket's timeout is an `io::ErrorKind::TimedOut`
    /// without an errno: `connect` makes it `TimeoutError("timed out")`,
    /// `connect_ex` `EWOULDBLOCK`, as CPython's do.
    fn sock_connect(&self, addr: &SockAddr) -> io::Result<()> {
        let r = SockRef::from(&self.sock);
        let timeout = self.gettimeout();
        let err = match r.connect(addr) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let wait = match err.raw_os_error() {
            Some(libc::EINTR) => timeout != Some(Duration::ZERO),
            Some(libc::EINPROGRESS) => timeout.is_some_and(|t| !t.is_zero()),
            _ => false,
        };
        if !wait {
            return Err(err);
        }
        let ms = timeout.map_or(-1, crate::duplex::poll_millis);
        if misc::poll_fd(self.fileno(), true, ms)? == Ready::TimedOut {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "timed out"));
        }
        match r.take_error()? {
            None => Ok(()),
            Some(e) if e.raw_os_error() == Some(libc::EISCONN) => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// `accept()` on a wrapped listening socket: the next connection,
    /// wrapped server side with this socket's context,
    /// `do_handshake_on_connect` and `suppress_ragged_eofs` (the handshake
    /// happens here when `do_handshake_on_connect`), and the peer's
    /// address. The accepted socket is blocking, as Python's are.
    pub fn accept(&self) -> Result<(SslSocket<S::Accepted>, SockAddr)> {
        let (sock, addr) = self.sock_call(false, || SockRef::from(&self.sock).accept())?;
        let sock = S::Accepted::from(OwnedFd::from(sock));
        let opts = WrapOptions::server()
            .do_handshake_on_connect(self.do_handshake_on_connect)
            .suppress_ragged_eofs(self.suppress_ragged_eofs);
        let tls = SslSocket::create(&self.context, sock, opts)?;
        Ok((tls, addr))
    }

    /// CPython's `sock_call`: a plain socket operation under the socket's
    /// timeout (`TimeoutError("timed out")`; zero: `BlockingIOError`).
    fn sock_call<T>(&self, writing: bool, mut f: impl FnMut() -> io::Result<T>) -> Result<T> {
        let timeout = self.gettimeout().filter(|t| !t.is_zero());
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(Instant::now());
                let ms = crate::duplex::poll_millis(left);
                if left.is_zero() || misc::poll_fd(self.fileno(), writing, ms)? == Ready::TimedOut {
                    return Err(Error::Os(OsError::timeout("timed out")));
                }
            }
            match f() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if deadline.is_some() && e.kind() == io::ErrorKind::WouldBlock => continue,
                r => return Ok(r?),
            }
        }
    }
}

impl<S: StreamSocket> AsFd for SslSocket<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

impl<S: StreamSocket> AsRawFd for SslSocket<S> {
    fn as_raw_fd(&self) -> RawFd {
        self.fileno()
    }
}

impl<S: StreamSocket> io::Read for SslSocket<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_into(buf).map_err(io::Error::from)
    }
}

impl<S: StreamSocket> io::Read for &SslSocket<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_into(buf).map_err(io::Error::from)
    }
}

impl<S: StreamSocket> io::Write for SslSocket<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        SslSocket::write(self, buf).map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<S: StreamSocket> io::Write for &SslSocket<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        SslSocket::write(self, buf).map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
