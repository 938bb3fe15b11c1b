//! `SSLSession`.

use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

// `_ssl.SSLSession` (no class docstring, as in CPython).
#[pyclass(name = "SSLSession", module = "_ssl", frozen, immutable_type)]
pub(crate) struct PySslSession {
    pub(crate) inner: pyssl::SslSession,
}

/// A Python `SSLSession` over a pyssl session.
pub(crate) fn new_session(py: Python<'_>, inner: pyssl::SslSession) -> PyResult<Py<PySslSession>> {
    Py::new(py, PySslSession { inner })
}

#[pymethods]
impl PySslSession {
    /// No public constructor, as in CPython (the type disallows
    /// instantiation).
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = None)]
    fn py_new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Err(crate::conv::cannot_create("_ssl.SSLSession"))
    }

    /// Session creation time (seconds since epoch).
    #[getter]
    fn time(&self) -> i64 {
        self.inner.time()
    }

    /// Session timeout (delta in seconds).
    #[getter]
    fn timeout(&self) -> i64 {
        self.inner.timeout()
    }

    /// Ticket life time hint.
    #[getter]
    fn ticket_lifetime_hint(&self) -> u64 {
        self.inner.ticket_lifetime_hint()
    }

    /// Session id
    #[getter]
    fn id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.id())
    }

    /// Does the session contain a ticket?
    #[getter]
    fn has_ticket(&self) -> bool {
        self.inner.has_ticket()
    }

    /// `==` and `!=` compare session ids (pyssl's `PartialEq`); ordering
    /// and other types are `NotImplemented`. The class stays unhashable.
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let py = other.py();
        let Ok(other) = other.cast::<PySslSession>() else {
            return py.NotImplemented();
        };
        crate::conv::eq_only(py, self.inner == other.get().inner, op)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySslSession>()
}
