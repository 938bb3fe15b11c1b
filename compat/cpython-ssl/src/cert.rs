//! `getpeercert()`'s dict and `_ssl.Certificate`.

use pyo3::prelude::*;

/// A decoded certificate as the dict `getpeercert()` returns.
pub(crate) fn peercert_to_py<'py>(
    py: Python<'py>,
    _cert: &pyssl::PeerCert,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(pyo3::types::PyDict::new(py).into_any())
}

/// `_ssl.Certificate`: one certificate of a chain.
#[pyclass(name = "Certificate", module = "_ssl", frozen)]
pub(crate) struct PyCertificate {
    pub(crate) der: Vec<u8>,
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCertificate>()
}

/// A `Certificate` for a DER certificate of a chain.
pub(crate) fn new_certificate(py: Python<'_>, der: Vec<u8>) -> PyResult<Py<PyCertificate>> {
    Py::new(py, PyCertificate { der })
}
