//! `MemoryBIO`.

use pyo3::prelude::*;

/// `_ssl.MemoryBIO`.
#[pyclass(name = "MemoryBIO", module = "_ssl", frozen)]
pub(crate) struct PyMemoryBio {
    pub(crate) inner: pyssl::MemoryBio,
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMemoryBio>()
}
