//! `MemoryBIO`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::conv::{self, SimpleBuffer};
use crate::errors::PyResultExt;

// `_ssl.MemoryBIO` (no class docstring, as in CPython).
#[pyclass(name = "MemoryBIO", module = "_ssl", frozen, immutable_type)]
pub(crate) struct PyMemoryBio {
    pub(crate) inner: pyssl::MemoryBio,
}

#[pymethods]
impl PyMemoryBio {
    /// `MemoryBIO()`: no arguments, positional or keyword.
    #[new]
    #[pyo3(signature = (*args, **kwargs), text_signature = None)]
    fn py_new(
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        conv::no_arguments(&py.get_type::<PyMemoryBio>(), args, kwargs)?;
        Ok(PyMemoryBio {
            inner: pyssl::MemoryBio::new().py_err(py)?,
        })
    }

    /// The number of bytes pending in the memory BIO.
    #[getter]
    fn pending(&self) -> usize {
        self.inner.pending()
    }

    /// Whether the memory BIO is at EOF.
    #[getter]
    fn eof(&self) -> bool {
        self.inner.eof()
    }

    /// Read up to size bytes from the memory BIO.
    ///
    /// If size is not specified, read the entire buffer.
    /// If the return value is an empty bytes instance, this means either
    /// EOF or that no data is available. Use the "eof" property to
    /// distinguish between the two.
    #[pyo3(signature = (size = None, /), text_signature = "($self, size=-1, /)")]
    fn read<'py>(
        &self,
        py: Python<'py>,
        size: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let size = match size {
            Some(s) => conv::c_int(s)?,
            None => -1,
        };
        // A negative size reads everything.
        let data = self.inner.read(usize::try_from(size).ok()).py_err(py)?;
        Ok(PyBytes::new(py, &data))
    }

    /// Writes the bytes b into the memory BIO.
    ///
    /// Returns the number of bytes written.
    #[pyo3(signature = (b, /), text_signature = "($self, b, /)")]
    fn write(&self, py: Python<'_>, b: &Bound<'_, PyAny>) -> PyResult<usize> {
        let buf = SimpleBuffer::get(b)?;
        conv::check_int_len(buf.len())?;
        self.inner.write(buf.as_slice()).py_err(py)
    }

    /// Write an EOF marker to the memory BIO.
    ///
    /// When all data has been read, the "eof" property will be True.
    #[pyo3(text_signature = "($self, /)")]
    fn write_eof(&self) {
        self.inner.write_eof()
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMemoryBio>()
}
