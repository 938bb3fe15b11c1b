//! The exception classes (`ssl.SSLError` and its subclasses, immutable
//! types with `__module__ == 'ssl'`) and pyssl's `Error` as a Python
//! exception.
//!
//! `SSLError` is built as `_ssl.c` builds it: `PyType_FromModuleAndSpec`
//! with base `OSError`, the instance size of `PyOSErrorObject`, the flags
//! `BASETYPE | IMMUTABLETYPE` and a `tp_str` that returns `strerror` when it
//! is a `str` (else `str(args)`). pyo3's `create_exception!` makes mutable
//! types with one base, so this is done through `pyo3::ffi`. The subclasses
//! come from `PyErr_NewExceptionWithDoc`, as in `_ssl.c` (mutable types;
//! `SSLCertVerificationError` has the two bases `(SSLError, ValueError)`).

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};

use pyo3::exceptions::{PyOSError, PyTypeError, PyUnicodeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyTuple, PyType};

/// The seven exception classes of the module.
pub(crate) struct Classes {
    pub(crate) ssl_error: Py<PyType>,
    pub(crate) zero_return: Py<PyType>,
    pub(crate) want_read: Py<PyType>,
    pub(crate) want_write: Py<PyType>,
    pub(crate) syscall: Py<PyType>,
    pub(crate) eof: Py<PyType>,
    pub(crate) cert_verification: Py<PyType>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

const SSL_ERROR_DOC: &CStr = c"An error occurred in the SSL implementation.";
const CERT_VERIFICATION_DOC: &CStr = c"A certificate could not be verified.";
const ZERO_RETURN_DOC: &CStr = c"SSL/TLS session closed cleanly.";
const WANT_READ_DOC: &CStr = c"Non-blocking SSL socket needs to read more data\n\
before the requested operation can be completed.";
const WANT_WRITE_DOC: &CStr = c"Non-blocking SSL socket needs to write more data\n\
before the requested operation can be completed.";
const SYSCALL_DOC: &CStr = c"System error when attempting SSL operation.";
const EOF_DOC: &CStr = c"SSL/TLS connection terminated abruptly.";

/// `SSLError_str`: `strerror` when it is a `str`, else `str(args)`.
unsafe extern "C" fn ssl_error_str(slf: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: CPython calls tp_str with a live instance of SSLError or a
    // subclass; the type's basicsize is that of PyOSErrorObject (and
    // subclasses only add to it), so the cast reads OSError's own fields.
    unsafe {
        let e = slf.cast::<ffi::PyOSErrorObject>();
        let strerror = (*e).strerror;
        if !strerror.is_null() && ffi::PyUnicode_Check(strerror) != 0 {
            ffi::Py_INCREF(strerror);
            strerror
        } else {
            ffi::PyObject_Str((*e).args)
        }
    }
}

/// `ssl.SSLError`, created from a spec with `OSError` as its base.
fn make_ssl_error(m: &Bound<'_, PyModule>) -> PyResult<Py<PyType>> {
    let py = m.py();
    let mut slots = [
        ffi::PyType_Slot {
            slot: ffi::Py_tp_doc,
            pfunc: SSL_ERROR_DOC.as_ptr() as *mut c_void,
        },
        ffi::PyType_Slot {
            slot: ffi::Py_tp_str,
            pfunc: ssl_error_str as *mut c_void,
        },
        ffi::PyType_Slot {
            slot: 0,
            pfunc: std::ptr::null_mut(),
        },
    ];
    let mut spec = ffi::PyType_Spec {
        name: c"ssl.SSLError".as_ptr(),
        basicsize: std::mem::size_of::<ffi::PyOSErrorObject>() as c_int,
        itemsize: 0,
        flags: (ffi::Py_TPFLAGS_DEFAULT | ffi::Py_TPFLAGS_BASETYPE | ffi::Py_TPFLAGS_IMMUTABLETYPE)
            as c_uint,
        slots: slots.as_mut_ptr(),
    };
    let bases = PyTuple::new(py, [py.get_type::<PyOSError>()])?;
    // SAFETY: `spec` and `slots` are valid for the call (CPython copies what
    // it keeps: the name and doc are 'static C strings); `m` and `bases` are
    // live objects; the result is a new reference or NULL with an exception.
    let ty = unsafe { ffi::PyType_FromModuleAndSpec(m.as_ptr(), &mut spec, bases.as_ptr()) };
    // SAFETY: a new reference (or NULL, turned into the pending error).
    let ty = unsafe { Bound::from_owned_ptr_or_err(py, ty)? };
    Ok(ty.cast_into::<PyType>()?.unbind())
}

/// `PyErr_NewExceptionWithDoc(name, doc, base, NULL)`.
fn new_exception(
    py: Python<'_>,
    name: &'static CStr,
    doc: &'static CStr,
    base: &Bound<'_, PyAny>,
) -> PyResult<Py<PyType>> {
    // SAFETY: NUL-terminated 'static strings, a live base (a class or a
    // tuple of classes); the result is a new reference or NULL with an
    // exception set.
    let ty = unsafe {
        ffi::PyErr_NewExceptionWithDoc(
            name.as_ptr() as *const c_char,
            doc.as_ptr() as *const c_char,
            base.as_ptr(),
            std::ptr::null_mut(),
        )
    };
    // SAFETY: see above.
    let ty = unsafe { Bound::from_owned_ptr_or_err(py, ty)? };
    Ok(ty.cast_into::<PyType>()?.unbind())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = CLASSES.get_or_try_init(py, || -> PyResult<Classes> {
        let ssl_error = make_ssl_error(m)?;
        let base = ssl_error.bind(py).as_any();
        let two = PyTuple::new(
            py,
            [
                ssl_error.bind(py).as_any(),
                py.get_type::<PyValueError>().as_any(),
            ],
        )?;
        Ok(Classes {
            cert_verification: new_exception(
                py,
                c"ssl.SSLCertVerificationError",
                CERT_VERIFICATION_DOC,
                two.as_any(),
            )?,
            zero_return: new_exception(py, c"ssl.SSLZeroReturnError", ZERO_RETURN_DOC, base)?,
            want_read: new_exception(py, c"ssl.SSLWantReadError", WANT_READ_DOC, base)?,
            want_write: new_exception(py, c"ssl.SSLWantWriteError", WANT_WRITE_DOC, base)?,
            syscall: new_exception(py, c"ssl.SSLSyscallError", SYSCALL_DOC, base)?,
            eof: new_exception(py, c"ssl.SSLEOFError", EOF_DOC, base)?,
            ssl_error,
        })
    })?;
    m.add("SSLError", classes.ssl_error.bind(py))?;
    m.add(
        "SSLCertVerificationError",
        classes.cert_verification.bind(py),
    )?;
    m.add("SSLZeroReturnError", classes.zero_return.bind(py))?;
    m.add("SSLWantReadError", classes.want_read.bind(py))?;
    m.add("SSLWantWriteError", classes.want_write.bind(py))?;
    m.add("SSLSyscallError", classes.syscall.bind(py))?;
    m.add("SSLEOFError", classes.eof.bind(py))?;
    Ok(())
}

/// The module's exception classes (the module is initialised first).
pub(crate) fn classes(py: Python<'_>) -> &Classes {
    CLASSES
        .get(py)
        .expect("_ssl's exception classes are created when the module is initialised")
}

/// The class of an `SSLError` subclass.
pub(crate) fn ssl_error_class(py: Python<'_>, kind: pyssl::SslErrorKind) -> Bound<'_, PyType> {
    let c = classes(py);
    let t = match kind {
        pyssl::SslErrorKind::ZeroReturn => &c.zero_return,
        pyssl::SslErrorKind::WantRead => &c.want_read,
        pyssl::SslErrorKind::WantWrite => &c.want_write,
        pyssl::SslErrorKind::Syscall => &c.syscall,
        pyssl::SslErrorKind::Eof => &c.eof,
        _ => &c.ssl_error,
    };
    t.bind(py).clone()
}

/// `SSLError(errno, strerror)` with `library` and `reason` set to `None`,
/// as `_ssl.c`'s `_setSSLError` raises it with an empty error queue; for
/// glue-side checks that have no pyssl call behind them.
#[allow(dead_code)]
pub(crate) fn ssl_error(py: Python<'_>, errno: i64, msg: &str) -> PyErr {
    instance(py, || {
        let cls = classes(py).ssl_error.bind(py);
        let e = cls.call1((errno, msg))?;
        e.setattr("reason", py.None())?;
        e.setattr("library", py.None())?;
        Ok(e)
    })
}

/// `SSLError(msg)` with the message as its only argument (C's
/// `PyErr_SetString`: `str(exc)` is the repr of `args`, no `library` or
/// `reason`), e.g. for "Underlying socket connection gone" when pyssl has no
/// call behind the check.
#[allow(dead_code)]
pub(crate) fn ssl_error_message(py: Python<'_>, msg: &str) -> PyErr {
    instance(py, || classes(py).ssl_error.bind(py).call1((msg,)))
}

/// Builds an exception instance, or the error raised while building it.
fn instance<'py>(_py: Python<'py>, f: impl FnOnce() -> PyResult<Bound<'py, PyAny>>) -> PyErr {
    match f() {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// A builtin exception class by name (`"FileNotFoundError"`), `OSError`
/// when there is none.
fn builtin_class<'py>(
    py: Python<'py>,
    name: &str,
    fallback: Bound<'py, PyType>,
) -> Bound<'py, PyAny> {
    py.import("builtins")
        .and_then(|b| b.getattr(name))
        .unwrap_or_else(|_| fallback.into_any())
}

/// An `SSLError` (any subclass) from pyssl's parts.
fn ssl_instance<'py>(
    cls: &Bound<'py, PyType>,
    message_only: bool,
    errno: i64,
    message: &str,
    library: Option<&str>,
    reason: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    if message_only {
        return cls.call1((message,));
    }
    let e = cls.call1((errno, message))?;
    e.setattr("reason", reason)?;
    e.setattr("library", library)?;
    Ok(e)
}

/// A pyssl error as the exception CPython's `_ssl` raises in its place.
pub(crate) fn to_pyerr(py: Python<'_>, e: pyssl::Error) -> PyErr {
    use pyssl::Error as E;
    match e {
        E::Ssl(s) => instance(py, || {
            let cls = ssl_error_class(py, s.kind());
            ssl_instance(
                &cls,
                s.is_message_only(),
                s.errno(),
                s.message(),
                s.library(),
                s.reason(),
            )
        }),
        E::CertVerification(c) => instance(py, || {
            let cls = classes(py).cert_verification.bind(py);
            let e = ssl_instance(
                cls,
                c.is_message_only(),
                c.errno(),
                c.message(),
                c.library(),
                c.reason(),
            )?;
            if let Some(code) = c.verify_code() {
                e.setattr("verify_code", code)?;
                e.setattr("verify_message", c.verify_message())?;
            }
            Ok(e)
        }),
        E::Value(v) => match v.python_class() {
            "Error" => instance(py, || {
                py.import("binascii")?
                    .getattr("Error")?
                    .call1((v.message(),))
            }),
            _ => PyValueError::new_err(v.message().to_string()),
        },
        E::Type(t) => PyTypeError::new_err(t.message().to_string()),
        E::NotImplemented(n) => {
            pyo3::exceptions::PyNotImplementedError::new_err(n.message().to_string())
        }
        E::Unicode(u) => unicode_error(py, &u),
        E::Os(o) => instance(py, || os_error(py, &o)),
        other => {
            let msg = other.to_string();
            instance(py, || {
                builtin_class(py, other.python_class(), py.get_type::<PyOSError>()).call1((msg,))
            })
        }
    }
}

/// `OSError(errno, strerror[, filename])`, which Python turns into the
/// errno's subclass, or the named class with the message alone
/// (`TimeoutError('The read operation timed out')`).
fn os_error<'py>(py: Python<'py>, o: &pyssl::OsError) -> PyResult<Bound<'py, PyAny>> {
    let os_error = py.get_type::<PyOSError>();
    match (o.errno(), o.strerror()) {
        (Some(errno), Some(strerror)) => match o.filename() {
            Some(f) => os_error.call1((errno, strerror, f)),
            None => os_error.call1((errno, strerror)),
        },
        _ => {
            let cls = builtin_class(py, o.python_class(), os_error);
            // Display is the message for these.
            cls.call1((o.to_string(),))
        }
    }
}

/// `UnicodeEncodeError(encoding, object, start, end, reason)` /
/// `UnicodeDecodeError(...)` from pyssl's fields, so that `str(exc)` and
/// the attributes are Python's own.
fn unicode_error(py: Python<'_>, u: &pyssl::UnicodeError) -> PyErr {
    use pyssl::UnicodeObject;
    let fields = (u.encoding(), u.object(), u.reason());
    instance(py, || match fields {
        (Some(enc), Some(UnicodeObject::Str(s)), Some(reason)) => builtin_class(
            py,
            "UnicodeEncodeError",
            py.get_type::<PyUnicodeError>(),
        )
        .call1((enc, s, u.start(), u.end(), reason)),
        (Some(enc), Some(UnicodeObject::Bytes(b)), Some(reason)) => builtin_class(
            py,
            "UnicodeDecodeError",
            py.get_type::<PyUnicodeError>(),
        )
        .call1((enc, PyBytes::new(py, b), u.start(), u.end(), reason)),
        _ => py.get_type::<PyUnicodeError>().call1((u.message(),)),
    })
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
