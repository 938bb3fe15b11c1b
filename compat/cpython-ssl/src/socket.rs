//! `_ssl._SSLSocket`: `pyssl::BorrowedSslSocket` over the Python socket
//! (socket mode) or `pyssl::SslObject` over two `MemoryBIO`s (BIO mode).

use std::collections::HashMap;
use std::os::fd::BorrowedFd;
use std::sync::{Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::Duration;

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple, PyWeakrefReference};
use pyo3::PyTraverseError;

use pyssl::{AlertDescription, BorrowedSslSocket, SniRequest, SslObject, TlsMessage, WrapOptions};

use crate::bio::PyMemoryBio;
use crate::context::PySslContext;
use crate::conv::SimpleBuffer;
use crate::errors::{to_pyerr, PyResultExt};
use crate::session::PySslSession;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The connection under an `_SSLSocket`.
enum Conn {
    /// Over the Python socket's descriptor, borrowed call by call.
    Socket {
        tls: BorrowedSslSocket,
        /// The Python socket (`ssl.SSLSocket` itself), weakly.
        sock: Py<PyWeakrefReference>,
    },
    /// Over two `MemoryBIO`s.
    Bio {
        tls: Mutex<SslObject>,
        /// The thread inside an `SslObject` call (callbacks re-enter).
        holder: Mutex<Option<ThreadId>>,
        incoming: Py<PyMemoryBio>,
        outgoing: Py<PyMemoryBio>,
    },
}

/// `_ssl._SSLSocket`.
#[pyclass(name = "_SSLSocket", module = "_ssl", weakref, frozen, immutable_type)]
pub(crate) struct PySslSocket {
    conn: Conn,
    context: Mutex<Py<PySslContext>>,
    owner: Mutex<Option<Py<PyWeakrefReference>>>,
    server_side: bool,
    server_hostname: Option<String>,
    /// A context set from inside this connection's SNI callback, applied
    /// once the callback returns.
    sni_switch: Mutex<Option<Py<PySslContext>>>,
    in_sni: std::sync::atomic::AtomicBool,
    /// The connection's identity in pyssl's message callbacks.
    conn_id: pyssl::ConnectionId,
    /// The exception a message callback raised during the running I/O
    /// call (the last one), raised when the call returns (CPython's
    /// `PySSLSocket.exc`).
    pending_exc: Mutex<Option<PyErr>>,
}

/// Every live `_SSLSocket`, weakly, by its pyssl connection id: the SNI
/// and message callbacks get the id of the connection they are called for
/// ([`pyssl::SniConnection::connection_id`],
/// [`TlsMessage::connection`]) and find the Python object here.
static LIVE: Mutex<Option<HashMap<pyssl::ConnectionId, Py<PyWeakrefReference>>>> = Mutex::new(None);

/// Adds `sock` to [`LIVE`].
fn register_live(sock: &Bound<'_, PySslSocket>) -> PyResult<()> {
    let weak = PyWeakrefReference::new(sock)?.unbind();
    let old = lock(&LIVE)
        .get_or_insert_with(HashMap::new)
        .insert(sock.get().conn_id, weak);
    drop(old);
    Ok(())
}

/// The live `_SSLSocket` of connection `id`.
fn live_socket<'py>(py: Python<'py>, id: pyssl::ConnectionId) -> Option<Bound<'py, PySslSocket>> {
    use pyo3::types::PyWeakrefMethods;
    let weak = lock(&LIVE)
        .as_ref()
        .and_then(|m| m.get(&id))
        .map(|w| w.clone_ref(py))?;
    let obj = weak.bind(py).upgrade()?;
    obj.cast_into::<PySslSocket>().ok()
}

impl Drop for PySslSocket {
    fn drop(&mut self) {
        let old = lock(&LIVE).as_mut().and_then(|m| m.remove(&self.conn_id));
        drop(old);
    }
}

/// pyssl's SNI callback on a context whose Python `sni_callback` is set:
/// `sni_callback(sslobj_or_owner, server_name, sslctx)`, with CPython's
/// handling of its result (None: go on; an int: that alert; an exception
/// or another value: unraisable, then an alert).
pub(crate) fn run_sni_callback(
    py: Python<'_>,
    ctx: &Py<PyWeakrefReference>,
    req: &mut SniRequest<'_, '_>,
) -> Result<(), AlertDescription> {
    use pyo3::types::PyWeakrefMethods;
    let Some(ctx_obj) = ctx.bind(py).upgrade() else {
        return Ok(());
    };
    let Ok(ctx_ref) = ctx_obj.cast::<PySslContext>() else {
        return Ok(());
    };
    let cb = ctx_ref.get().sni_callback(py);
    if cb.is_none(py) {
        return Ok(());
    }
    let sock = live_socket(py, req.connection().connection_id());
    let sock_obj: Py<PyAny> = match &sock {
        Some(s) => s.get().owner_or_self(s),
        None => py.None(),
    };
    let name = req.server_name().map(str::to_owned);
    if let Some(s) = &sock {
        s.get()
            .in_sni
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
    let result = cb.call1(py, (sock_obj, name, ctx_obj.clone()));
    if let Some(s) = &sock {
        let s = s.get();
        s.in_sni.store(false, std::sync::atomic::Ordering::SeqCst);
        if let Some(new) = lock(&s.sni_switch).take() {
            req.set_context(&new.get().inner);
            *lock(&s.context) = new;
        }
    }
    match result {
        Err(e) => {
            e.write_unraisable(py, Some(cb.bind(py)));
            Err(AlertDescription::HANDSHAKE_FAILURE)
        }
        Ok(v) if v.is_none(py) => Ok(()),
        Ok(v) => match v.extract::<i64>(py) {
            Ok(n) => Err(AlertDescription(u8::try_from(n).unwrap_or(u8::MAX))),
            Err(e) => {
                e.write_unraisable(py, Some(v.bind(py)));
                Err(AlertDescription::INTERNAL_ERROR)
            }
        },
    }
}

/// pyssl's message callback on a context whose Python `_msg_callback` is
/// set: CPython's `_PySSL_msg_callback`, `_msg_callback(conn, direction,
/// version, content_type, msg_type, data)`. An exception is stored on the
/// connection and raised when its I/O call returns (the last one wins).
pub(crate) fn run_msg_callback(py: Python<'_>, ctx: &Py<PyWeakrefReference>, msg: &TlsMessage<'_>) {
    use pyo3::types::PyWeakrefMethods;
    let Some(ctx_obj) = ctx.bind(py).upgrade() else {
        return;
    };
    let Ok(ctx_ref) = ctx_obj.cast::<PySslContext>() else {
        return;
    };
    let cb = ctx_ref.get().msg_callback(py);
    if cb.is_none(py) {
        return;
    }
    let sock = live_socket(py, msg.connection());
    let conn: Py<PyAny> = match &sock {
        Some(s) => s.get().owner_or_self(s),
        None => py.None(),
    };
    let args = (
        conn,
        msg.direction().as_str(),
        msg.version(),
        i32::from(msg.content_type()),
        msg.msg_type(),
        PyBytes::new(py, msg.data()),
    );
    if let Err(e) = cb.call1(py, args) {
        match &sock {
            Some(s) => {
                let old = lock(&s.get().pending_exc).replace(e);
                drop(old);
            }
            None => e.write_unraisable(py, Some(cb.bind(py))),
        }
    }
}

impl PySslSocket {
    fn base(
        ctx: &Bound<'_, PySslContext>,
        conn: Conn,
        server_side: bool,
        server_hostname: Option<String>,
        owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySslSocket> {
        let owner = match owner {
            Some(o) if !o.is_none() => Some(PyWeakrefReference::new(o)?.unbind()),
            _ => None,
        };
        let conn_id = match &conn {
            Conn::Socket { tls, .. } => tls.connection_id(),
            Conn::Bio { tls, .. } => lock(tls).connection_id(),
        };
        Ok(PySslSocket {
            conn,
            context: Mutex::new(ctx.clone().unbind()),
            owner: Mutex::new(owner),
            server_side,
            server_hostname,
            sni_switch: Mutex::new(None),
            in_sni: Default::default(),
            conn_id,
            pending_exc: Mutex::new(None),
        })
    }

    pub(crate) fn new_socket(
        ctx: &Bound<'_, PySslContext>,
        sock: &Bound<'_, PyAny>,
        server_side: bool,
        server_hostname: Option<String>,
        owner: Option<&Bound<'_, PyAny>>,
        session: Option<pyssl::SslSession>,
    ) -> PyResult<Py<PySslSocket>> {
        let py = ctx.py();
        let fd = fileno(sock)?;
        let borrowed = borrow_fd(fd)?;
        let opts = wrap_options(server_side, server_hostname.as_deref(), session);
        let tls = ctx.get().inner.wrap_borrowed(borrowed, opts).py_err(py)?;
        let hostname = tls.server_hostname().map(str::to_owned);
        let conn = Conn::Socket {
            tls,
            sock: PyWeakrefReference::new(sock)?.unbind(),
        };
        let sock = Bound::new(py, Self::base(ctx, conn, server_side, hostname, owner)?)?;
        register_live(&sock)?;
        Ok(sock.unbind())
    }

    pub(crate) fn new_bio(
        ctx: &Bound<'_, PySslContext>,
        incoming: &Bound<'_, PyMemoryBio>,
        outgoing: &Bound<'_, PyMemoryBio>,
        server_side: bool,
        server_hostname: Option<String>,
        owner: Option<&Bound<'_, PyAny>>,
        session: Option<pyssl::SslSession>,
    ) -> PyResult<Py<PySslSocket>> {
        let py = ctx.py();
        let opts = wrap_options(server_side, server_hostname.as_deref(), session);
        let tls = ctx
            .get()
            .inner
            .wrap_bio(&incoming.get().inner, &outgoing.get().inner, opts)
            .py_err(py)?;
        let hostname = tls.server_hostname().map(str::to_owned);
        let conn = Conn::Bio {
            tls: Mutex::new(tls),
            holder: Mutex::new(None),
            incoming: incoming.clone().unbind(),
            outgoing: outgoing.clone().unbind(),
        };
        let sock = Bound::new(py, Self::base(ctx, conn, server_side, hostname, owner)?)?;
        register_live(&sock)?;
        Ok(sock.unbind())
    }

    /// What CPython's callbacks pass as the connection: the owner, else
    /// the Python socket (socket mode), else the `_SSLSocket`.
    /// The owner (`SSLSocket` / `SSLObject`), if it is still alive.
    fn live_owner<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        use pyo3::types::PyWeakrefMethods;
        lock(&self.owner)
            .as_ref()
            .and_then(|w| w.bind(py).upgrade())
    }

    fn owner_or_self(&self, me: &Bound<'_, PySslSocket>) -> Py<PyAny> {
        use pyo3::types::PyWeakrefMethods;
        let py = me.py();
        let sock = match &self.conn {
            Conn::Socket { sock, .. } => Some(sock),
            Conn::Bio { .. } => None,
        };
        self.live_owner(py)
            .or_else(|| sock.and_then(|w| w.bind(py).upgrade()))
            .map(|o| o.unbind())
            .unwrap_or_else(|| me.clone().into_any().unbind())
    }

    /// The Python socket (socket mode), or the error CPython raises when
    /// it is gone or closed.
    fn socket<'py>(&self, py: Python<'py>) -> PyResult<Option<SocketNow<'py>>> {
        use pyo3::types::PyWeakrefMethods;
        let Conn::Socket { sock, .. } = &self.conn else {
            return Ok(None);
        };
        let Some(s) = sock.bind(py).upgrade() else {
            return Err(to_pyerr(py, BorrowedSslSocket::socket_gone_error()));
        };
        let fd = fileno(&s)?;
        if fd < 0 {
            return Err(to_pyerr(py, BorrowedSslSocket::socket_closed_error()));
        }
        let t = s.call_method0("gettimeout")?;
        let timeout = if t.is_none() {
            None
        } else {
            Some(Duration::from_secs_f64(t.extract::<f64>()?.max(0.0)))
        };
        Ok(Some((s, fd, timeout)))
    }

    /// Runs `f` on the `SslObject` (BIO mode), unless this thread is inside
    /// a call of it already (a callback): then `None`.
    fn with_obj<R>(&self, f: impl FnOnce(&mut SslObject) -> R) -> Option<R> {
        let Conn::Bio { tls, holder, .. } = &self.conn else {
            return None;
        };
        let me = std::thread::current().id();
        if *lock(holder) == Some(me) {
            return None;
        }
        let mut g = lock(tls);
        *lock(holder) = Some(me);
        let r = f(&mut g);
        *lock(holder) = None;
        Some(r)
    }

    /// A getter of either connection kind. The connection's lock may be
    /// held by another thread's OpenSSL call whose callback waits for the
    /// GIL, so the lock is taken with the GIL released.
    fn get<R: Default + Send>(
        &self,
        sock: impl FnOnce(&BorrowedSslSocket) -> R + Send,
        obj: impl FnOnce(&SslObject) -> R + Send,
    ) -> R {
        Python::attach(|py| {
            py.detach(|| match &self.conn {
                Conn::Socket { tls, .. } => sock(tls),
                Conn::Bio { .. } => self.with_obj(|o| obj(o)).unwrap_or_default(),
            })
        })
    }

    /// A change of either connection kind (no I/O), the lock taken with the
    /// GIL released as in [`get`](Self::get).
    fn change(
        &self,
        py: Python<'_>,
        sock: impl FnOnce(&BorrowedSslSocket) -> pyssl::Result<()> + Send,
        obj: impl FnOnce(&mut SslObject) -> pyssl::Result<()> + Send,
    ) -> PyResult<()> {
        py.detach(|| match &self.conn {
            Conn::Socket { tls, .. } => sock(tls),
            Conn::Bio { .. } => self.with_obj(obj).unwrap_or(Ok(())),
        })
        .py_err(py)
    }

    /// One I/O operation of either kind, with the GIL released.
    fn io<R: Send>(
        slf: &Bound<'_, Self>,
        op: impl FnOnce(Target<'_>) -> pyssl::Result<R> + Send,
    ) -> PyResult<R> {
        Self::io_then(slf, op, |_| true)
    }

    /// [`io`](Self::io), then CPython's `PySSL_ChainExceptions`: an
    /// exception a message callback raised meanwhile is raised, or, when
    /// the call failed, becomes the `__context__` of its error. On success
    /// `raise_pending` decides (CPython keeps it for the `b""` read of a
    /// close_notify, for the next call).
    fn io_then<R: Send>(
        slf: &Bound<'_, Self>,
        op: impl FnOnce(Target<'_>) -> pyssl::Result<R> + Send,
        raise_pending: impl FnOnce(&R) -> bool,
    ) -> PyResult<R> {
        let py = slf.py();
        let this = slf.get();
        let r = match &this.conn {
            Conn::Socket { tls, .. } => {
                let Some((_sock, fd, timeout)) = this.socket(py)? else {
                    unreachable!("socket mode has a socket")
                };
                let borrowed = borrow_fd(fd)?;
                py.detach(|| op(Target::Socket(tls, borrowed, timeout)))
            }
            Conn::Bio { .. } => match py.detach(|| this.with_obj(|o| op(Target::Bio(o)))) {
                Some(r) => r,
                None => return Err(PyValueError::new_err("re-entrant call")),
            },
        };
        let r = r.map_err(|e| to_pyerr(py, e));
        if matches!(&r, Ok(v) if !raise_pending(v)) {
            return r;
        }
        let pending = lock(&this.pending_exc).take();
        match (r, pending) {
            (r, None) => r,
            (Ok(_), Some(exc)) => Err(exc),
            (Err(e), Some(exc)) => {
                e.set_context(py, Some(exc));
                Err(e)
            }
        }
    }
}

/// The Python socket as a call finds it: the object, its descriptor and
/// its timeout (read afresh on every call, as CPython's `_ssl` does).
type SocketNow<'py> = (Bound<'py, PyAny>, i32, Option<Duration>);

/// What an I/O operation runs on.
enum Target<'a> {
    Socket(&'a BorrowedSslSocket, BorrowedFd<'a>, Option<Duration>),
    Bio(&'a mut SslObject),
}

/// `_wrap_socket` / `_wrap_bio`'s arguments as pyssl's options.
fn wrap_options(
    server_side: bool,
    server_hostname: Option<&str>,
    session: Option<pyssl::SslSession>,
) -> WrapOptions<'_> {
    WrapOptions::new()
        .server_side(server_side)
        .server_hostname(server_hostname)
        .session(session)
}

/// `sock.fileno()`.
fn fileno(sock: &Bound<'_, PyAny>) -> PyResult<i32> {
    sock.call_method0("fileno")?.extract::<i32>()
}

/// The Python socket's descriptor, borrowed for one call.
fn borrow_fd(fd: i32) -> PyResult<BorrowedFd<'static>> {
    if fd < 0 {
        return Err(to_pyerr_plain(BorrowedSslSocket::socket_closed_error()));
    }
    // SAFETY: `fd` was just read from the live Python socket object, which
    // the caller holds (strongly) for the whole call; the descriptor is
    // only used during that call, as CPython's `_ssl` uses the socket's
    // `sock_fd`. A socket closed from another thread meanwhile is the
    // same hazard CPython has (the call then fails with EBADF).
    Ok(unsafe { BorrowedFd::borrow_raw(fd) })
}

fn to_pyerr_plain(e: pyssl::Error) -> PyErr {
    Python::attach(|py| to_pyerr(py, e))
}

#[pymethods]
impl PySslSocket {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(c) = self.context.try_lock() {
            visit.call(&*c)?;
        }
        if let Conn::Bio {
            incoming, outgoing, ..
        } = &self.conn
        {
            visit.call(incoming)?;
            visit.call(outgoing)?;
        }
        Ok(())
    }

    fn do_handshake(slf: &Bound<'_, Self>) -> PyResult<()> {
        Self::io(slf, |x| match x {
            Target::Socket(t, fd, timeout) => t.do_handshake(fd, timeout),
            Target::Bio(o) => o.do_handshake(),
        })
    }

    #[pyo3(signature = (size, buffer=None))]
    fn read<'py>(
        slf: &Bound<'py, Self>,
        size: &Bound<'py, PyAny>,
        buffer: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let len: i64 = size.extract()?;
        match buffer {
            None => {
                if len < 0 {
                    return Err(PyValueError::new_err("size should not be negative"));
                }
                let len = usize::try_from(len).unwrap_or(0);
                if len == 0 {
                    // Like CPython: no OpenSSL call for zero bytes, but the
                    // connection must exist.
                    let _ = slf.get().socket(py)?;
                    return Ok(PyBytes::new(py, b"").into_any());
                }
                let mut buf = vec![0u8; len];
                let n = {
                    let b = &mut buf;
                    Self::io_then(
                        slf,
                        |x| match x {
                            Target::Socket(t, fd, timeout) => t.read_into(fd, b, timeout),
                            Target::Bio(o) => o.read_into(b),
                        },
                        |n| *n != 0,
                    )?
                };
                Ok(PyBytes::new(py, &buf[..n]).into_any())
            }
            Some(b) => {
                let mut raw = SimpleBuffer::get_writable(b)?;
                let mut n = raw.len();
                if len > 0 && (len as u64) < n as u64 {
                    n = usize::try_from(len).unwrap_or(n);
                }
                if i32::try_from(n).is_err() {
                    return Err(PyOverflowError::new_err(
                        "maximum length can't fit in a C 'int'",
                    ));
                }
                if n == 0 {
                    return Ok(0i64.into_pyobject(py)?.into_any());
                }
                let got = {
                    let dest = &mut raw.as_mut_slice()[..n];
                    Self::io_then(
                        slf,
                        |x| match x {
                            Target::Socket(t, fd, timeout) => t.read_into(fd, dest, timeout),
                            Target::Bio(o) => o.read_into(dest),
                        },
                        |n| *n != 0,
                    )?
                };
                Ok(got.into_pyobject(py)?.into_any())
            }
        }
    }

    fn write(slf: &Bound<'_, Self>, b: &Bound<'_, PyAny>) -> PyResult<usize> {
        let raw = SimpleBuffer::get(b)?;
        let data = raw.as_slice();
        if i32::try_from(data.len()).is_err() {
            return Err(PyOverflowError::new_err(
                "string longer than 2147483647 bytes",
            ));
        }
        Self::io(slf, |x| match x {
            Target::Socket(t, fd, timeout) => t.write(fd, data, timeout),
            Target::Bio(o) => o.write(data),
        })
    }

    fn shutdown(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let sock = slf.get().socket(py)?.map(|(s, _, _)| s.unbind());
        Self::io(slf, |x| match x {
            Target::Socket(t, fd, timeout) => t.shutdown(fd, timeout),
            Target::Bio(o) => o.unwrap(),
        })?;
        Ok(sock.unwrap_or_else(|| py.None()))
    }

    fn pending(&self) -> usize {
        self.get(|t| t.pending(), |o| o.pending())
    }

    fn cipher<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let c = self.get(|t| t.cipher(), |o| o.cipher());
        c.map(|c| {
            PyTuple::new(
                py,
                [
                    c.name.into_pyobject(py)?.into_any(),
                    c.protocol.into_pyobject(py)?.into_any(),
                    c.secret_bits.into_pyobject(py)?.into_any(),
                ],
            )
        })
        .transpose()
    }

    fn shared_ciphers<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        let Some(v) = self.get(|t| t.shared_ciphers(), |o| o.shared_ciphers()) else {
            return Ok(None);
        };
        let list = PyList::empty(py);
        for c in v {
            list.append((c.name, c.protocol, c.secret_bits))?;
        }
        Ok(Some(list))
    }

    fn compression(&self) -> Option<String> {
        None
    }

    fn version(&self) -> Option<String> {
        self.get(|t| t.version(), |o| o.version())
    }

    fn selected_alpn_protocol(&self) -> Option<String> {
        self.get(
            |t| t.selected_alpn_protocol(),
            |o| o.selected_alpn_protocol(),
        )
    }

    #[pyo3(signature = (binary_form=false))]
    fn getpeercert<'py>(&self, py: Python<'py>, binary_form: bool) -> PyResult<Bound<'py, PyAny>> {
        if binary_form {
            let r = self.get(|t| Some(t.getpeercert_der()), |o| Some(o.getpeercert_der()));
            return match r.unwrap_or(Ok(None)).py_err(py)? {
                Some(der) => Ok(PyBytes::new(py, &der).into_any()),
                None => Ok(py.None().into_bound(py)),
            };
        }
        let r = self.get(|t| Some(t.getpeercert()), |o| Some(o.getpeercert()));
        match r.unwrap_or(Ok(None)).py_err(py)? {
            Some(c) => crate::cert::peercert_to_py(py, &c),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn get_verified_chain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let chain = self.get(|t| t.get_verified_chain(), |o| o.get_verified_chain());
        let list = PyList::empty(py);
        for der in chain {
            list.append(crate::cert::new_certificate(py, der)?)?;
        }
        Ok(list)
    }

    fn get_unverified_chain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let chain = self.get(|t| t.get_unverified_chain(), |o| o.get_unverified_chain());
        let list = PyList::empty(py);
        for der in chain {
            list.append(crate::cert::new_certificate(py, der)?)?;
        }
        Ok(list)
    }

    #[pyo3(signature = (cb_type="tls-unique"))]
    fn get_channel_binding<'py>(
        &self,
        py: Python<'py>,
        cb_type: &str,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let r = self.get(
            |t| Some(t.get_channel_binding(cb_type)),
            |o| Some(o.get_channel_binding(cb_type)),
        );
        Ok(r.unwrap_or(Ok(None))
            .py_err(py)?
            .map(|b| PyBytes::new(py, &b)))
    }

    fn verify_client_post_handshake(slf: &Bound<'_, Self>) -> PyResult<()> {
        slf.get().change(
            slf.py(),
            |t| t.verify_client_post_handshake(),
            |o| o.verify_client_post_handshake(),
        )
    }

    #[getter]
    fn server_side(&self) -> bool {
        self.server_side
    }

    #[getter]
    fn server_hostname(&self) -> Option<String> {
        self.server_hostname.clone()
    }

    #[getter]
    fn session_reused(&self) -> bool {
        self.get(|t| t.session_reused(), |o| o.session_reused())
    }

    #[getter]
    fn session(&self, py: Python<'_>) -> PyResult<Option<Py<PySslSession>>> {
        match self.get(|t| t.session(), |o| o.session()) {
            Some(s) => Ok(Some(crate::session::new_session(py, s)?)),
            None => Ok(None),
        }
    }

    #[setter]
    fn set_session(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let Ok(s) = value.cast::<PySslSession>() else {
            return Err(PyTypeError::new_err("Value is not a SSLSession."));
        };
        let s = s.get().inner.clone();
        self.change(py, |t| t.set_session(&s), |o| o.set_session(&s))
    }

    #[getter]
    fn owner(&self, py: Python<'_>) -> Py<PyAny> {
        self.live_owner(py)
            .map(|o| o.unbind())
            .unwrap_or_else(|| py.None())
    }

    #[setter]
    fn set_owner(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        *lock(&self.owner) = if value.is_none() {
            None
        } else {
            Some(PyWeakrefReference::new(value)?.unbind())
        };
        Ok(())
    }

    #[getter]
    fn context(&self, py: Python<'_>) -> Py<PySslContext> {
        lock(&self.context).clone_ref(py)
    }

    #[setter]
    fn set_context(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let Ok(ctx) = value.cast::<PySslContext>() else {
            return Err(PyTypeError::new_err("The value must be a SSLContext"));
        };
        if self.in_sni.load(std::sync::atomic::Ordering::SeqCst) {
            *lock(&self.sni_switch) = Some(ctx.clone().unbind());
            return Ok(());
        }
        let inner = ctx.get().inner.clone();
        self.change(
            value.py(),
            |t| t.set_context(&inner),
            |o| o.set_context(&inner),
        )?;
        *lock(&self.context) = ctx.clone().unbind();
        Ok(())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySslSocket>()
}
