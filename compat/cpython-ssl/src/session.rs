//! `SSLSession`.

use pyo3::prelude::*;

/// `_ssl.SSLSession`.
#[pyclass(name = "SSLSession", module = "_ssl", frozen)]
pub(crate) struct PySslSession {
    pub(crate) inner: pyssl::SslSession,
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySslSession>()
}

/// An `SSLSession` object for a session of pyssl's.
pub(crate) fn new_session(py: Python<'_>, inner: pyssl::SslSession) -> PyResult<Py<PySslSession>> {
    Py::new(py, PySslSession { inner })
}
