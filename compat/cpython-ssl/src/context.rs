//! `_ssl._SSLContext`: `pyssl::SslContext` with Python's argument types.

use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyWeakrefReference};
use pyo3::PyTraverseError;

use pyssl::TlsMessage;
use pyssl::{AlertDescription, CaData, Options, Password, Protocol, SniRequest, SslContext};
use pyssl::{TlsVersion, VerifyFlags, VerifyMode};

use crate::bio::PyMemoryBio;
use crate::errors::{to_pyerr, PyResultExt};
use crate::session::PySslSession;
use crate::socket::{self, PySslSocket};

/// `_ssl._SSLContext`.
#[pyclass(
    name = "_SSLContext",
    module = "_ssl",
    subclass,
    weakref,
    frozen,
    immutable_type
)]
pub(crate) struct PySslContext {
    pub(crate) inner: SslContext,
    /// The Python `sni_callback` (pyssl's callback reaches it through a
    /// weak reference to this object, so the GC sees every cycle).
    sni_callback: Mutex<Option<Py<PyAny>>>,
    /// The Python `_msg_callback` (reached the same way).
    msg_callback: Mutex<Option<Py<PyAny>>>,
    /// The Python PSK callbacks (reached the same way).
    pub(crate) psk: crate::psk::PskCallbacks,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A path argument: `str`, `bytes` or an `os.PathLike`.
pub(crate) fn path_arg(obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let fspath = obj.py().import("os")?.call_method1("fsdecode", (obj,))?;
    Ok(PathBuf::from(fspath.extract::<String>()?))
}

/// An `int` argument (CPython's "l" converter).
fn long_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    if !obj.is_instance_of::<pyo3::types::PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "'{}' object cannot be interpreted as an integer",
            obj.get_type().name()?
        )));
    }
    obj.extract::<i64>()
        .map_err(|_| PyOverflowError::new_err("Python int too large to convert to C long"))
}

#[pymethods]
impl PySslContext {
    #[new]
    #[pyo3(signature = (protocol))]
    fn new(py: Python<'_>, protocol: &Bound<'_, PyAny>) -> PyResult<Self> {
        let p = Protocol::try_from(long_arg(protocol)?).py_err(py)?;
        deprecated(py, p.deprecation())?;
        let inner = SslContext::new(p).py_err(py)?;
        Ok(PySslContext {
            inner,
            sni_callback: Mutex::new(None),
            msg_callback: Mutex::new(None),
            psk: Default::default(),
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(g) = self.sni_callback.try_lock() {
            if let Some(cb) = g.as_ref() {
                visit.call(cb)?;
            }
        }
        if let Ok(g) = self.msg_callback.try_lock() {
            if let Some(cb) = g.as_ref() {
                visit.call(cb)?;
            }
        }
        self.psk.traverse(&visit)?;
        Ok(())
    }

    fn __clear__(&self) {
        lock(&self.sni_callback).take();
        let msg = lock(&self.msg_callback).take();
        drop(msg);
        self.psk.clear();
    }

    #[getter]
    fn protocol(&self) -> i32 {
        self.inner.protocol().value()
    }

    #[getter]
    fn check_hostname(&self) -> bool {
        self.inner.check_hostname()
    }

    #[setter]
    fn set_check_hostname(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let on = value.is_truthy()?;
        self.inner.set_check_hostname(on).py_err(value.py())
    }

    #[getter]
    fn verify_mode(&self) -> i32 {
        self.inner.verify_mode().value()
    }

    #[setter]
    fn set_verify_mode(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = value.py();
        let mode = VerifyMode::try_from(long_arg(value)?).py_err(py)?;
        self.inner.set_verify_mode(mode).py_err(py)
    }

    #[getter]
    fn verify_flags(&self) -> u64 {
        self.inner.verify_flags().bits()
    }

    #[setter]
    fn set_verify_flags(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let flags: u64 = value.extract()?;
        self.inner
            .set_verify_flags(VerifyFlags::from_bits_retain(flags))
            .py_err(value.py())
    }

    #[getter]
    fn options(&self) -> u64 {
        self.inner.options().bits()
    }

    #[setter]
    fn set_options(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if !value.is_instance_of::<pyo3::types::PyInt>() {
            return Err(PyTypeError::new_err(format!(
                "must be int, not {}",
                value.get_type().name()?
            )));
        }
        let bits: u64 = value.extract()?;
        let new = Options::from_bits_retain(bits);
        deprecated(value.py(), Options::deprecation(self.inner.options(), new))?;
        self.inner.set_options(new).py_err(value.py())
    }

    #[getter]
    fn minimum_version(&self) -> i32 {
        self.inner.minimum_version().value()
    }

    #[setter]
    fn set_minimum_version(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = version_arg(value)?;
        deprecated(value.py(), v.deprecation())?;
        self.inner.set_minimum_version(v).py_err(value.py())
    }

    #[getter]
    fn maximum_version(&self) -> i32 {
        self.inner.maximum_version().value()
    }

    #[setter]
    fn set_maximum_version(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = version_arg(value)?;
        deprecated(value.py(), v.deprecation())?;
        self.inner.set_maximum_version(v).py_err(value.py())
    }

    #[getter]
    fn _host_flags(&self) -> u32 {
        self.inner.host_flags()
    }

    #[setter(_host_flags)]
    fn set_host_flags_attr(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let flags = c_uint_masked(value)?;
        self.inner.set_host_flags(flags).py_err(value.py())
    }

    #[getter]
    fn security_level(&self) -> i32 {
        self.inner.security_level()
    }

    #[getter]
    fn post_handshake_auth(&self) -> bool {
        self.inner.post_handshake_auth()
    }

    #[setter]
    fn set_post_handshake_auth(&self, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let Some(value) = value else {
            return Err(pyo3::exceptions::PyAttributeError::new_err(
                "cannot delete attribute",
            ));
        };
        let on = value.is_truthy()?;
        self.inner.set_post_handshake_auth(on).py_err(value.py())
    }

    #[getter]
    fn num_tickets(&self) -> usize {
        self.inner.num_tickets()
    }

    #[setter]
    fn set_num_tickets(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = value.py();
        let n = long_arg(value)?;
        let n = usize::try_from(n)
            .map_err(|_| pyo3::exceptions::PyValueError::new_err("value must be non-negative"))?;
        self.inner.set_num_tickets(n).py_err(py)
    }

    #[getter]
    fn keylog_filename<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.inner.keylog_filename() {
            Some(p) => Ok(PyString::new(py, &p.to_string_lossy()).into_any()),
            None => Ok(py.None().into_bound(py)),
        }
    }

    #[setter]
    fn set_keylog_filename(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = value.py();
        if value.is_none() {
            return self.inner.set_keylog_filename(None).py_err(py);
        }
        let p = path_arg(value)?;
        self.inner.set_keylog_filename(Some(&p)).py_err(py)
    }

    #[getter]
    pub(crate) fn sni_callback(&self, py: Python<'_>) -> Py<PyAny> {
        lock(&self.sni_callback)
            .as_ref()
            .map(|c| c.clone_ref(py))
            .unwrap_or_else(|| py.None())
    }

    #[setter]
    fn set_sni_callback(slf: &Bound<'_, Self>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = slf.py();
        let this = slf.get();
        if value.is_none() {
            this.inner
                .set_sni_callback(
                    None::<fn(&mut SniRequest<'_, '_>) -> Result<(), AlertDescription>>,
                )
                .py_err(py)?;
            lock(&this.sni_callback).take();
            return Ok(());
        }
        if !value.is_callable() {
            // pyssl refuses a client context first, as CPython does.
            this.inner
                .set_sni_callback(
                    None::<fn(&mut SniRequest<'_, '_>) -> Result<(), AlertDescription>>,
                )
                .py_err(py)?;
            return Err(PyTypeError::new_err("not a callable object"));
        }
        let weak: Py<PyWeakrefReference> = PyWeakrefReference::new(slf.as_any())?.unbind();
        this.inner
            .set_sni_callback(Some(move |req: &mut SniRequest<'_, '_>| {
                Python::attach(|py| socket::run_sni_callback(py, &weak, req))
            }))
            .py_err(py)?;
        *lock(&this.sni_callback) = Some(value.clone().unbind());
        Ok(())
    }

    #[pyo3(signature = (certfile, keyfile=None, password=None))]
    fn load_cert_chain(
        &self,
        py: Python<'_>,
        certfile: &Bound<'_, PyAny>,
        keyfile: Option<&Bound<'_, PyAny>>,
        password: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let cert = path_arg(certfile)?;
        let key = match keyfile {
            Some(k) if !k.is_none() => Some(path_arg(k)?),
            _ => None,
        };
        let password = password.filter(|p| !p.is_none());
        let bytes;
        let callback_error: std::cell::RefCell<Option<PyErr>> = Default::default();
        let pw = match password {
            None => None,
            Some(p) if p.is_callable() => {
                let p = p.clone();
                let err = &callback_error;
                Some(Password::Callback(Box::new(move || {
                    let r = p.call0().and_then(|v| password_bytes(&v, true));
                    r.map_err(|e| {
                        *err.borrow_mut() = Some(e);
                        pyssl::Error::Value(pyssl::ValueError::new("password callback failed"))
                    })
                })))
            }
            Some(p) => {
                bytes = password_bytes(p, false)?;
                Some(Password::Bytes(&bytes))
            }
        };
        let mut options = pyssl::CertChainOptions::new();
        if let Some(key) = key {
            options = options.keyfile(key);
        }
        if let Some(pw) = pw {
            options = options.password(pw);
        }
        let r = self.inner.load_cert_chain(&cert, options);
        if let Some(e) = callback_error.borrow_mut().take() {
            return Err(e);
        }
        r.map_err(|e| to_pyerr(py, e))
    }

    #[pyo3(signature = (cafile=None, capath=None, cadata=None))]
    fn load_verify_locations(
        &self,
        py: Python<'_>,
        cafile: Option<&Bound<'_, PyAny>>,
        capath: Option<&Bound<'_, PyAny>>,
        cadata: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let cafile = cafile.filter(|o| !o.is_none()).map(path_arg).transpose()?;
        let capath = capath.filter(|o| !o.is_none()).map(path_arg).transpose()?;
        let cadata = cadata.filter(|o| !o.is_none());
        let text;
        let der;
        let data = match cadata {
            None => None,
            Some(d) if d.is_instance_of::<PyString>() => {
                text = d.extract::<String>()?;
                Some(CaData::Pem(&text))
            }
            Some(d) => match crate::conv::SimpleBuffer::get(d).map(|b| b.as_slice().to_vec()) {
                Ok(b) => {
                    der = b;
                    Some(CaData::Der(&der))
                }
                Err(_) => {
                    return Err(PyTypeError::new_err(
                        "cadata should be an ASCII string or a bytes-like object",
                    ))
                }
            },
        };
        let mut options = pyssl::VerifyLocationsOptions::new();
        if let Some(f) = cafile {
            options = options.cafile(f);
        }
        if let Some(d) = capath {
            options = options.capath(d);
        }
        if let Some(d) = data {
            options = options.cadata(d);
        }
        self.inner.load_verify_locations(options).py_err(py)
    }

    fn load_dh_params(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let p = path_arg(path)?;
        self.inner.load_dh_params(&p).py_err(py)
    }

    fn set_default_verify_paths(&self, py: Python<'_>) -> PyResult<()> {
        self.inner.set_default_verify_paths().py_err(py)
    }

    fn set_ciphers(&self, py: Python<'_>, cipherlist: &str) -> PyResult<()> {
        self.inner.set_ciphers(cipherlist).py_err(py)
    }

    fn get_ciphers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for c in self.inner.get_ciphers().py_err(py)? {
            let d = PyDict::new(py);
            d.set_item("id", c.id)?;
            d.set_item("name", c.name)?;
            d.set_item("protocol", c.protocol)?;
            d.set_item("description", c.description)?;
            d.set_item("strength_bits", c.strength_bits)?;
            d.set_item("alg_bits", c.alg_bits)?;
            d.set_item("aead", c.aead)?;
            d.set_item("symmetric", c.symmetric)?;
            d.set_item("digest", c.digest)?;
            d.set_item("kea", c.kea)?;
            d.set_item("auth", c.auth)?;
            list.append(d)?;
        }
        Ok(list)
    }

    fn _set_alpn_protocols(&self, py: Python<'_>, protos: &Bound<'_, PyAny>) -> PyResult<()> {
        let wire = crate::conv::SimpleBuffer::get(protos)?.as_slice().to_vec();
        let mut names = Vec::new();
        let mut rest = &wire[..];
        while let Some((&n, tail)) = rest.split_first() {
            let n = usize::from(n).min(tail.len());
            names.push(tail[..n].iter().map(|&b| char::from(b)).collect::<String>());
            rest = &tail[n..];
        }
        self.inner.set_alpn_protocols(&names).py_err(py)
    }

    fn set_ecdh_curve(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<()> {
        let name = if name.is_instance_of::<PyBytes>() {
            String::from_utf8_lossy(name.cast::<PyBytes>()?.as_bytes()).into_owned()
        } else {
            let os = py.import("os")?;
            let b = os.call_method1("fsencode", (name,))?;
            String::from_utf8_lossy(b.cast::<PyBytes>()?.as_bytes()).into_owned()
        };
        self.inner.set_ecdh_curve(&name).py_err(py)
    }

    fn cert_store_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.cert_store_stats();
        let d = PyDict::new(py);
        d.set_item("x509", s.x509)?;
        d.set_item("crl", s.crl)?;
        d.set_item("x509_ca", s.x509_ca)?;
        Ok(d)
    }

    #[pyo3(signature = (binary_form=false))]
    fn get_ca_certs<'py>(
        &self,
        py: Python<'py>,
        binary_form: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        if binary_form {
            for der in self.inner.get_ca_certs_der() {
                list.append(PyBytes::new(py, &der))?;
            }
        } else {
            for c in self.inner.get_ca_certs().py_err(py)? {
                list.append(crate::cert::peercert_to_py(py, &c)?)?;
            }
        }
        Ok(list)
    }

    fn session_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.inner.session_stats() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    #[pyo3(signature = (sock, server_side, server_hostname=None, *, owner=None, session=None))]
    fn _wrap_socket(
        slf: &Bound<'_, Self>,
        sock: &Bound<'_, PyAny>,
        server_side: &Bound<'_, PyAny>,
        server_hostname: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
        session: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PySslSocket>> {
        let py = slf.py();
        let socket_type = py.import("_socket")?.getattr("socket")?;
        if !sock.is_instance(&socket_type)? {
            return Err(PyTypeError::new_err(format!(
                "_wrap_socket() argument 'sock' must be _socket.socket, not {}",
                sock.get_type().name()?
            )));
        }
        let server_side = server_side.is_truthy()?;
        let hostname = hostname_arg(server_hostname)?;
        let session = session_arg(session)?;
        PySslSocket::new_socket(slf, sock, server_side, hostname, owner, session)
    }

    #[pyo3(signature = (incoming, outgoing, server_side, server_hostname=None, *, owner=None, session=None))]
    #[allow(clippy::too_many_arguments)]
    fn _wrap_bio(
        slf: &Bound<'_, Self>,
        incoming: &Bound<'_, PyMemoryBio>,
        outgoing: &Bound<'_, PyMemoryBio>,
        server_side: &Bound<'_, PyAny>,
        server_hostname: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
        session: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PySslSocket>> {
        let server_side = server_side.is_truthy()?;
        let hostname = hostname_arg(server_hostname)?;
        let session = session_arg(session)?;
        PySslSocket::new_bio(
            slf,
            incoming,
            outgoing,
            server_side,
            hostname,
            owner,
            session,
        )
    }

    /// `_msg_callback`: the callable set, or `None`.
    #[getter(_msg_callback)]
    pub(crate) fn msg_callback(&self, py: Python<'_>) -> Py<PyAny> {
        lock(&self.msg_callback)
            .as_ref()
            .map(|c| c.clone_ref(py))
            .unwrap_or_else(|| py.None())
    }

    /// `_msg_callback = callable`: CPython's setter (the old callable is
    /// dropped first; anything but `None` or a callable leaves none and is
    /// a `TypeError`).
    #[setter(_msg_callback)]
    fn set_msg_callback(slf: &Bound<'_, Self>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        Self::put_msg_callback(slf, Some(value))
    }

    /// `del _msg_callback`: CPython's setter with NULL (not callable).
    #[deleter(_msg_callback)]
    fn delete_msg_callback(slf: &Bound<'_, Self>) -> PyResult<()> {
        Self::put_msg_callback(slf, None)
    }

    // TLS-PSK (see psk.rs); like CPython's, without a docstring.
    #[pyo3(signature = (callback), text_signature = "($self, /, callback)")]
    fn set_psk_client_callback(slf: &Bound<'_, Self>, callback: &Bound<'_, PyAny>) -> PyResult<()> {
        crate::psk::set_client(slf, callback)
    }

    #[pyo3(
        signature = (callback, identity_hint=None),
        text_signature = "($self, /, callback, identity_hint=None)"
    )]
    fn set_psk_server_callback(
        slf: &Bound<'_, Self>,
        callback: &Bound<'_, PyAny>,
        identity_hint: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        crate::psk::set_server(slf, callback, identity_hint)
    }
}

/// Relays one of pyssl's deprecation texts as CPython's
/// `DeprecationWarning` (stack level 2: the caller of `ssl.py`).
fn deprecated(py: Python<'_>, text: Option<&str>) -> PyResult<()> {
    let Some(text) = text else { return Ok(()) };
    let category = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
    let msg = std::ffi::CString::new(text).unwrap_or_default();
    PyErr::warn(py, &category, &msg, 2)
}

/// CPython's "k" converter stored in an `unsigned int`: any int, masked.
fn c_uint_masked(value: &Bound<'_, PyAny>) -> PyResult<u32> {
    if !value.is_instance_of::<pyo3::types::PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "'{}' object cannot be interpreted as an integer",
            value.get_type().name()?
        )));
    }
    value.call_method1("__and__", (u32::MAX,))?.extract()
}

/// `minimum_version` / `maximum_version` values: an int (a `TLSVersion`).
fn version_arg(value: &Bound<'_, PyAny>) -> PyResult<TlsVersion> {
    let v = long_arg(value)?;
    if v > i64::from(i32::MAX) {
        return Err(PyOverflowError::new_err("Option is too long"));
    }
    TlsVersion::try_from(v).map_err(|e| to_pyerr(value.py(), e))
}

/// `server_hostname`: `None` or an ASCII `str` (`ssl.py` has encoded it).
fn hostname_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) if o.is_instance_of::<PyBytes>() => Ok(Some(
            String::from_utf8_lossy(o.cast::<PyBytes>()?.as_bytes()).into_owned(),
        )),
        Some(o) => Ok(Some(o.extract::<String>()?)),
    }
}

fn session_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<pyssl::SslSession>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => match o.cast::<PySslSession>() {
            Ok(s) => Ok(Some(s.get().inner.clone())),
            Err(_) => Err(PyTypeError::new_err("Value is not a SSLSession.")),
        },
    }
}

/// A password value (`str`, `bytes`, `bytearray`), or what a password
/// callback returned.
fn password_bytes(v: &Bound<'_, PyAny>, from_callback: bool) -> PyResult<Vec<u8>> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.as_bytes().to_vec());
    }
    if v.is_instance_of::<PyBytes>() || v.is_instance_of::<pyo3::types::PyByteArray>() {
        return Ok(crate::conv::SimpleBuffer::get(v)?.as_slice().to_vec());
    }
    Err(PyTypeError::new_err(if from_callback {
        "password callback must return a string"
    } else {
        "password should be a string or callable"
    }))
}

impl PySslContext {
    /// CPython's `_PySSLContext_set_msg_callback`; `None` is deletion.
    fn put_msg_callback(slf: &Bound<'_, Self>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let this = slf.get();
        let old = lock(&this.msg_callback).take();
        drop(old);
        let value = match value {
            Some(v) if v.is_none() => {
                this.inner.set_msg_callback(None::<fn(&TlsMessage<'_>)>);
                return Ok(());
            }
            Some(v) if v.is_callable() => v,
            _ => {
                this.inner.set_msg_callback(None::<fn(&TlsMessage<'_>)>);
                return Err(PyTypeError::new_err("not a callable object"));
            }
        };
        *lock(&this.msg_callback) = Some(value.clone().unbind());
        let weak: Py<PyWeakrefReference> = PyWeakrefReference::new(slf.as_any())?.unbind();
        this.inner
            .set_msg_callback(Some(move |msg: &TlsMessage<'_>| {
                Python::attach(|py| socket::run_msg_callback(py, &weak, msg))
            }));
        Ok(())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySslContext>()
}
