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
