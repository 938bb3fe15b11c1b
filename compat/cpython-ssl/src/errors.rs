//! The exception classes (`ssl.SSLError` and its subclasses, immutable
//! types with `__module__ == 'ssl'`) and pyssl's `Error` as a Python
//! exception.

use pyo3::prelude::*;

pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}

/// A pyssl error as the exception CPython's `_ssl` raises in its place.
pub(crate) fn to_pyerr(_py: Python<'_>, e: pyssl::Error) -> PyErr {
    pyo3::exceptions::PyOSError::new_err(e.to_string())
}

/// `?` for pyssl results inside pymethods.
pub(crate) trait PyResultExt<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> PyResultExt<T> for pyssl::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e))
    }
}
