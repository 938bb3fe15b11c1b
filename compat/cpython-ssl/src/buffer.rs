//! Python's buffer protocol: bytes-like arguments, and writable buffers
//! of any item type (`read(n, buffer)` takes an `array('I')` too).

use std::os::raw::c_int;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;

/// A buffer exported by a Python object, released on drop.
pub(crate) struct RawBuffer {
    view: Box<ffi::Py_buffer>,
}

// SAFETY: the view is a plain struct of pointers into memory that the
// exporter keeps alive until PyBuffer_Release; it is used (read or
// written) with the GIL released only while the exporting object is held
// by the caller, as CPython's own `_ssl` does.
unsafe impl Send for RawBuffer {}

impl RawBuffer {
    /// `PyObject_GetBuffer(obj, flags)`.
    pub(crate) fn get(obj: &Bound<'_, PyAny>, writable: bool) -> PyResult<RawBuffer> {
        let mut view: Box<ffi::Py_buffer> = Box::new(
            // SAFETY: Py_buffer is a C struct for which all-zero is a valid
            // (empty) value; PyObject_GetBuffer fills it.
            unsafe { std::mem::zeroed() },
        );
        let flags: c_int = if writable {
            ffi::PyBUF_WRITABLE
        } else {
            ffi::PyBUF_SIMPLE
        };
        // SAFETY: `obj` is a live object (we hold the GIL); `view` is a
        // valid out-pointer.
        let rc = unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut *view, flags) };
        if rc != 0 {
            return Err(PyErr::fetch(obj.py()));
        }
        Ok(RawBuffer { view })
    }

    pub(crate) fn len(&self) -> usize {
        usize::try_from(self.view.len).unwrap_or(0)
    }

    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        if self.len() == 0 {
            return &[];
        }
        // SAFETY: a C-contiguous buffer of `len` bytes (PyBUF_SIMPLE /
        // PyBUF_WRITABLE request contiguous memory), alive until release.
        unsafe { std::slice::from_raw_parts(self.view.buf.cast::<u8>(), self.len()) }
    }

    /// The bytes, writable (only for buffers got with `writable`).
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        if self.len() == 0 {
            return &mut [];
        }
        // SAFETY: as in `as_slice`, and the exporter granted write access.
        unsafe { std::slice::from_raw_parts_mut(self.view.buf.cast::<u8>(), self.len()) }
    }
}

impl Drop for RawBuffer {
    fn drop(&mut self) {
        Python::attach(|_py| {
            // SAFETY: the view was filled by a successful PyObject_GetBuffer
            // and is released exactly once, holding the GIL.
            unsafe { ffi::PyBuffer_Release(&mut *self.view) };
        });
    }
}

/// A bytes-like argument copied out.
pub(crate) fn buffer_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(format!(
            "a bytes-like object is required, not '{}'",
            obj.get_type().name()?
        )));
    }
    Ok(RawBuffer::get(obj, false)?.as_slice().to_vec())
}
