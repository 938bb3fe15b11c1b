//! Argument conversion as CPython's argument clinic does it, so that the
//! errors for arguments of the wrong type are Python's own (`a bytes-like
//! object is required, not 'str'`, `embedded null byte`, ...).

use std::ffi::c_int;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// A `Py_buffer` obtained with `PyBUF_SIMPLE` (clinic's `Py_buffer`
/// converter, `y*`): any C-contiguous buffer of any format, released on
/// drop. A non-contiguous one is refused by the exporter (`BufferError`),
/// anything else by `PyObject_GetBuffer` (`TypeError: a bytes-like object
/// is required, not 'int'`).
pub(crate) struct SimpleBuffer {
    view: Box<ffi::Py_buffer>,
}

impl SimpleBuffer {
    pub(crate) fn get(obj: &Bound<'_, PyAny>) -> PyResult<SimpleBuffer> {
        Self::get_flags(obj, ffi::PyBUF_SIMPLE)
    }

    /// `PyBUF_WRITABLE`: a writable buffer (clinic's `w*`).
    #[allow(dead_code)]
    pub(crate) fn get_writable(obj: &Bound<'_, PyAny>) -> PyResult<SimpleBuffer> {
        Self::get_flags(obj, ffi::PyBUF_WRITABLE)
    }

    fn get_flags(obj: &Bound<'_, PyAny>, flags: c_int) -> PyResult<SimpleBuffer> {
        // SAFETY: Py_buffer is a plain C struct; all-zero is a valid
        // "empty" value that PyObject_GetBuffer overwrites.
        let mut view: Box<ffi::Py_buffer> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `obj` is a live object and `view` points to writable
        // memory; on failure nothing is to be released.
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut *view, flags) } != 0 {
            return Err(PyErr::fetch(obj.py()));
        }
        Ok(SimpleBuffer { view })
    }

    pub(crate) fn len(&self) -> usize {
        usize::try_from(self.view.len).unwrap_or(0)
    }

    /// The bytes. Valid while `self` lives: the exporter keeps the memory
    /// (and its size) fixed while a buffer is exported.
    pub(crate) fn as_slice(&self) -> &[u8] {
        if self.view.buf.is_null() || self.len() == 0 {
            return &[];
        }
        // SAFETY: PyBUF_SIMPLE buffers are contiguous bytes of `len`
        // starting at `buf`, kept alive until PyBuffer_Release.
        unsafe { std::slice::from_raw_parts(self.view.buf.cast::<u8>(), self.len()) }
    }

    /// The bytes, writable (for a buffer from [`get_writable`]).
    ///
    /// [`get_writable`]: Self::get_writable
    #[allow(dead_code)]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        if self.view.buf.is_null() || self.len() == 0 || self.view.readonly != 0 {
            return &mut [];
        }
        // SAFETY: as above, and the exporter granted a writable view.
        unsafe { std::slice::from_raw_parts_mut(self.view.buf.cast::<u8>(), self.len()) }
    }
}

impl Drop for SimpleBuffer {
    fn drop(&mut self) {
        // SAFETY: a buffer obtained by PyObject_GetBuffer, released once.
        // PyBuffer_Release needs the GIL, which every holder of a
        // SimpleBuffer has (it is neither Send nor Sync).
        unsafe { ffi::PyBuffer_Release(&mut *self.view) }
    }
}

/// Bytes from `Py_buffer(accept={str, buffer})`: a `str` as UTF-8, else a
/// simple buffer.
pub(crate) fn str_or_buffer(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        // Surrogates raise Python's UnicodeEncodeError.
        return Ok(s.to_str()?.as_bytes().to_vec());
    }
    Ok(SimpleBuffer::get(obj)?.as_slice().to_vec())
}

/// A `str` argument (clinic's `str` / `const char *` converters):
/// `TypeError: f() argument 'x' must be str, not bytes`.
pub(crate) fn str_arg(obj: &Bound<'_, PyAny>, func: &str, arg: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_str()?.to_owned()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{func}() argument '{arg}' must be str, not {}",
            type_name(obj)
        ))),
    }
}

/// `Py_TYPE(obj)->tp_name` as error messages show it.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string())
}

/// A C `int` (clinic's `int` converter): `__index__`, then
/// `OverflowError: Python int too large to convert to C int`.
pub(crate) fn c_int(obj: &Bound<'_, PyAny>) -> PyResult<i32> {
    let too_large = || PyOverflowError::new_err("Python int too large to convert to C int");
    match obj.extract::<i64>() {
        Ok(v) => i32::try_from(v).map_err(|_| too_large()),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Err(too_large()),
        Err(e) => Err(e),
    }
}

/// A C `double` (clinic's `double` converter, `PyFloat_AsDouble`):
/// `TypeError: must be real number, not str`.
pub(crate) fn c_double(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    // SAFETY: a live object; -1.0 with an exception set signals failure.
    let v = unsafe { ffi::PyFloat_AsDouble(obj.as_ptr()) };
    if v == -1.0 {
        if let Some(e) = PyErr::take(obj.py()) {
            return Err(e);
        }
    }
    Ok(v)
}

/// `PyUnicode_FSConverter`: a `str`, `bytes` or path-like object as a file
/// name (`TypeError: expected str, bytes or os.PathLike object, not int`,
/// `ValueError: embedded null byte`).
pub(crate) fn fs_path(obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let py = obj.py();
    let mut out: *mut ffi::PyObject = std::ptr::null_mut();
    // SAFETY: the converter stores a new reference to a bytes object in
    // `out` on success (returning non-zero), or sets an exception.
    let ok = unsafe {
        ffi::PyUnicode_FSConverter(obj.as_ptr(), (&mut out as *mut *mut ffi::PyObject).cast())
    };
    if ok == 0 {
        return Err(PyErr::fetch(py));
    }
    // SAFETY: a new reference on success.
    let bytes = unsafe { Bound::from_owned_ptr(py, out) };
    let bytes = bytes.cast_into::<PyBytes>()?;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes.as_bytes())))
}

/// What `type.__call__` raises for a type that disallows instantiation
/// (`Py_TPFLAGS_DISALLOW_INSTANTIATION`): `cannot create '_ssl.X' instances`.
pub(crate) fn cannot_create(qualname: &str) -> PyErr {
    PyTypeError::new_err(format!("cannot create '{qualname}' instances"))
}

/// The checks of a `__new__` that takes no arguments (`_PyArg_NoPositional`
/// and `_PyArg_NoKeywords`): `MemoryBIO() takes no positional arguments`.
pub(crate) fn no_arguments(
    ty: &Bound<'_, pyo3::types::PyType>,
    args: &Bound<'_, pyo3::types::PyTuple>,
    kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
) -> PyResult<()> {
    let name = ty.name()?;
    if !args.is_empty() {
        return Err(PyTypeError::new_err(format!(
            "{name}() takes no positional arguments"
        )));
    }
    if kwargs.is_some_and(|k| !k.is_empty()) {
        return Err(PyTypeError::new_err(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    Ok(())
}

/// Buffers longer than `INT_MAX` bytes: `OverflowError: string longer than
/// 2147483647 bytes`, as `_ssl` checks before handing them to OpenSSL.
pub(crate) fn check_int_len(len: usize) -> PyResult<()> {
    if len > i32::MAX as usize {
        return Err(PyOverflowError::new_err(format!(
            "string longer than {} bytes",
            i32::MAX
        )));
    }
    Ok(())
}

/// `__richcmp__` of a type with only `==` / `!=`: the result for `eq`,
/// `NotImplemented` for the orderings.
pub(crate) fn eq_only(py: Python<'_>, eq: bool, op: pyo3::basic::CompareOp) -> Py<PyAny> {
    use pyo3::basic::CompareOp;
    let result = match op {
        CompareOp::Eq => eq,
        CompareOp::Ne => !eq,
        _ => return py.NotImplemented(),
    };
    pyo3::types::PyBool::new(py, result)
        .to_owned()
        .into_any()
        .unbind()
}
