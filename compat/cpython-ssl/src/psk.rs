//! TLS-PSK for `_ssl._SSLContext`: `set_psk_client_callback` and
//! `set_psk_server_callback` on pyssl's setters.
//!
//! The Python callables live in the context object (traversed, so the GC
//! sees cycles through them); the closures pyssl runs during the handshake
//! hold a weak reference to the context object, take the GIL back and call
//! the context's current callable. As `_ssl.c`'s `psk_client_callback` /
//! `psk_server_callback`: an exception raised by the callback, or a value of
//! the wrong type, is written as unraisable with the callback as its object
//! and the handshake fails (OpenSSL gets no key).

use std::sync::Mutex;

use pyo3::exceptions::{PySystemError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyTuple, PyWeakrefMethods, PyWeakrefReference};
use pyo3::PyTraverseError;

use pyssl::{Protocol, PskError};

use crate::context::PySslContext;
use crate::errors::PyResultExt;

type ClientFn = fn(Option<&str>) -> Result<(Option<Vec<u8>>, Vec<u8>), PskError>;
type ServerFn = fn(Option<&str>) -> Result<Vec<u8>, PskError>;

/// The Python PSK callbacks of one context.
#[derive(Default)]
pub(crate) struct PskCallbacks {
    client: Mutex<Option<Py<PyAny>>>,
    server: Mutex<Option<Py<PyAny>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PskCallbacks {
    /// `tp_traverse`: both callables.
    pub(crate) fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        for m in [&self.client, &self.server] {
            if let Ok(g) = m.try_lock() {
                if let Some(cb) = g.as_ref() {
                    visit.call(cb)?;
                }
            }
        }
        Ok(())
    }

    /// `tp_clear`: drops both callables.
    pub(crate) fn clear(&self) {
        lock(&self.client).take();
        lock(&self.server).take();
    }
}

/// `_SSLContext.set_psk_client_callback(callback)`.
pub(crate) fn set_client(
    slf: &Bound<'_, PySslContext>,
    callback: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = slf.py();
    let this = slf.get();
    if callback.is_none() {
        this.inner
            .set_psk_client_callback(None::<ClientFn>)
            .py_err(py)?;
        lock(&this.psk.client).take();
        return Ok(());
    }
    if !callback.is_callable() {
        if this.inner.protocol() == Protocol::TlsServer {
            // pyssl refuses a server context (first, as CPython does).
            this.inner
                .set_psk_client_callback(None::<ClientFn>)
                .py_err(py)?;
        }
        return Err(PyTypeError::new_err("callback must be callable"));
    }
    let weak: Py<PyWeakrefReference> = PyWeakrefReference::new(slf.as_any())?.unbind();
    this.inner
        .set_psk_client_callback(Some(move |hint: Option<&str>| {
            Python::attach(|py| run_client(py, &weak, hint))
        }))
        .py_err(py)?;
    *lock(&this.psk.client) = Some(callback.clone().unbind());
    Ok(())
}

/// `_SSLContext.set_psk_server_callback(callback, identity_hint=None)`.
pub(crate) fn set_server(
    slf: &Bound<'_, PySslContext>,
    callback: &Bound<'_, PyAny>,
    identity_hint: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let py = slf.py();
    let this = slf.get();
    // Argument clinic's `str(accept={str, NoneType})` first.
    let hint = match identity_hint {
        Some(h) if !h.is_none() => match h.cast::<PyString>() {
            Ok(s) => Some(s.to_str()?.to_owned()),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                "set_psk_server_callback() argument 'identity_hint' must be str or None, not {}",
                type_name(h)
            )))
            }
        },
        _ => None,
    };
    if hint.as_deref().is_some_and(|h| h.contains('\0')) {
        return Err(PyValueError::new_err("embedded null character"));
    }
    if callback.is_none() {
        this.inner
            .set_psk_server_callback(None::<ServerFn>, hint.as_deref())
            .py_err(py)?;
        lock(&this.psk.server).take();
        return Ok(());
    }
    if !callback.is_callable() {
        if this.inner.protocol() == Protocol::TlsClient {
            // pyssl refuses a client context (first, as CPython does).
            this.inner
                .set_psk_server_callback(None::<ServerFn>, None)
                .py_err(py)?;
        }
        return Err(PyTypeError::new_err("callback must be callable"));
    }
    let weak: Py<PyWeakrefReference> = PyWeakrefReference::new(slf.as_any())?.unbind();
    this.inner
        .set_psk_server_callback(
            Some(move |identity: Option<&str>| {
                Python::attach(|py| run_server(py, &weak, identity))
            }),
            hint.as_deref(),
        )
        .py_err(py)?;
    *lock(&this.psk.server) = Some(callback.clone().unbind());
    Ok(())
}

/// The context's current callable of one kind, if the context lives.
fn callable(py: Python<'_>, ctx: &Py<PyWeakrefReference>, server: bool) -> Option<Py<PyAny>> {
    let obj = ctx.bind(py).upgrade()?;
    let ctx = obj.cast::<PySslContext>().ok()?;
    let psk = &ctx.get().psk;
    let m = if server { &psk.server } else { &psk.client };
    let cb = lock(m).as_ref().map(|c| c.clone_ref(py));
    cb
}

/// `Py_TYPE(obj)->tp_name` as CPython's messages show it.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// `_ssl.c`'s `psk_client_callback`: `callback(hint)` must return a tuple
/// parsed with `"z#y#"`.
fn run_client(
    py: Python<'_>,
    ctx: &Py<PyWeakrefReference>,
    hint: Option<&str>,
) -> Result<(Option<Vec<u8>>, Vec<u8>), PskError> {
    let Some(cb) = callable(py, ctx, false) else {
        return Err(PskError);
    };
    let r = cb
        .call1(py, (hint,))
        .and_then(|v| client_result(v.bind(py)));
    r.map_err(|e| {
        e.write_unraisable(py, Some(cb.bind(py)));
        PskError
    })
}

/// `_ssl.c`'s `psk_server_callback`: `callback(identity)` must return
/// bytes (`PyBytes_AsStringAndSize`).
fn run_server(
    py: Python<'_>,
    ctx: &Py<PyWeakrefReference>,
    identity: Option<&str>,
) -> Result<Vec<u8>, PskError> {
    let Some(cb) = callable(py, ctx, true) else {
        return Err(PskError);
    };
    let r = cb.call1(py, (identity,)).and_then(|v| {
        let v = v.bind(py);
        match v.cast::<PyBytes>() {
            Ok(b) => Ok(b.as_bytes().to_vec()),
            Err(_) => Err(PyTypeError::new_err(format!(
                "expected bytes, {} found",
                type_name(v)
            ))),
        }
    });
    r.map_err(|e| {
        e.write_unraisable(py, Some(cb.bind(py)));
        PskError
    })
}

/// `PyArg_ParseTuple(result, "z#y#", ...)`: `(identity, psk)` with the
/// identity `None`, a `str` (its UTF-8) or a read-only bytes-like object,
/// and the key a read-only bytes-like object.
fn client_result(v: &Bound<'_, PyAny>) -> PyResult<(Option<Vec<u8>>, Vec<u8>)> {
    let t = v.cast::<PyTuple>().map_err(|_| {
        PySystemError::new_err("new style getargs format but argument is not a tuple")
    })?;
    if t.len() != 2 {
        return Err(PyTypeError::new_err(format!(
            "function takes exactly 2 arguments ({} given)",
            t.len()
        )));
    }
    let id = t.get_item(0)?;
    let identity = if id.is_none() {
        None
    } else if let Ok(s) = id.cast::<PyString>() {
        Some(s.to_str()?.as_bytes().to_vec())
    } else {
        Some(readonly_bytes(&id, 1)?)
    };
    let psk = readonly_bytes(&t.get_item(1)?, 2)?;
    Ok((identity, psk))
}

/// getargs' `convertbuffer`: a type with `bf_releasebuffer` (bytearray,
/// memoryview, array, ...) is refused as not read-only; anything without a
/// buffer gets `PyObject_GetBuffer`'s `TypeError`.
fn readonly_bytes(obj: &Bound<'_, PyAny>, argnum: usize) -> PyResult<Vec<u8>> {
    // SAFETY: `obj` is a live object, so its type object is valid; the
    // buffer slots, when present, are a valid PyBufferProcs of that type.
    let releases = unsafe {
        let pb = (*ffi::Py_TYPE(obj.as_ptr())).tp_as_buffer;
        !pb.is_null() && (*pb).bf_releasebuffer.is_some()
    };
    if releases {
        return Err(PyTypeError::new_err(format!(
            "argument {argnum} must be read-only bytes-like object, not {}",
            type_name(obj)
        )));
    }
    Ok(crate::conv::SimpleBuffer::get(obj)?.as_slice().to_vec())
}
