//! Every error pyssl raises, in one place.
//!
//! Python's `ssl` raises a small family of exceptions: `SSLError` and its
//! subclasses, `SSLCertVerificationError` (an `SSLError` *and* a
//! `ValueError`), and the built-in `ValueError`, `TypeError`,
//! `UnicodeError` and `OSError` families. [`Error`] has one variant per
//! family, and [`Error::python_class`] names the exact class CPython would
//! raise for the same call.
//!
//! `Display` reproduces Python's `str(exc)`, without the `(_ssl.c:NNNN)`
//! source-location suffix CPython appends to errors raised from C. One
//! documented difference: an `SSLError` that CPython constructs with a single
//! argument (`set_ciphers`, `set_alpn_protocols`, ...) prints as a tuple repr
//! in Python (`"('No cipher can be selected.',)"`); pyssl prints the text
//! itself.
//!
//! The `library`/`reason` mnemonics of an [`SslError`] come from OpenSSL's
//! packed error code through a table generated at build time from the linked
//! OpenSSL headers (see `build.rs`), exactly as CPython's `_ssl_data_*.h`.

use std::fmt;
use std::io;

/// `Result` with pyssl's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error raised by pyssl: one variant per Python exception family.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// `ssl.SSLError` or one of its subclasses other than
    /// `SSLCertVerificationError` (see [`SslErrorKind`]).
    Ssl(SslError),
    /// `ssl.SSLCertVerificationError` (alias `ssl.CertificateError`).
    CertVerification(SslCertVerificationError),
    /// `ValueError`.
    Value(ValueError),
    /// `TypeError`: what Python raises for an argument of the wrong kind
    /// (for example a hostname with a NUL byte).
    Type(TypeError),
    /// `UnicodeError`, `UnicodeEncodeError` or `UnicodeDecodeError`.
    Unicode(UnicodeError),
    /// `OSError` and its subclasses (`FileNotFoundError`, `TimeoutError`,
    /// `ConnectionResetError`, ...).
    Os(OsError),
    /// `NotImplementedError`: what Python raises for an operation a class
    /// does not support (wrapping a datagram socket).
    NotImplemented(NotImplementedError),
}

impl Error {
    /// The `OSError` Python raises for a failed `open(filename)` (or any
    /// call on a path): the class for the errno (`FileNotFoundError`,
    /// `PermissionError`, ...) and `[Errno 2] No such file or directory:
    /// 'filename'`.
    #[doc(alias = "OSError")]
    pub fn from_io_with_filename(e: io::Error, filename: &str) -> Error {
        Error::Os(OsError::from_io(e).with_filename(filename))
    }

    /// The Python exception class CPython raises in the same situation
    /// (`type(exc)`), e.g. [`PyClass::SslEofError`] or
    /// [`PyClass::FileNotFoundError`].
    #[doc(alias = "type")]
    #[doc(alias = "__class__")]
    pub fn class(&self) -> PyClass {
        match self {
            Error::Ssl(e) => e.kind().class(),
            Error::CertVerification(_) => PyClass::SslCertVerificationError,
            Error::Value(e) => e.class,
            Error::Type(_) => PyClass::TypeError,
            Error::Unicode(e) => e.kind.class(),
            Error::Os(e) => e.class,
            Error::NotImplemented(_) => PyClass::NotImplementedError,
        }
    }

    /// The name of the Python exception class CPython raises in the same
    /// situation (`type(exc).__name__`), e.g. `"SSLEOFError"` or
    /// `"FileNotFoundError"`: [`class`](Self::class)`().name()`.
    #[doc(alias = "__name__")]
    pub fn python_class(&self) -> &'static str {
        self.class().name()
    }

    /// Python's `isinstance(exc, cls)`, following the classes' MRO:
    /// `is_instance(PyClass::SslError)` is true for a certificate
    /// verification error (as `except ssl.SSLError` catches it), and so are
    /// `is_instance(PyClass::ValueError)` and `is_instance(PyClass::OsError)`.
    ///
    /// The class may also be given by name, as Python spells it
    /// (`"SSLError"`, `"ssl.SSLError"`, `"CertificateError"`; see
    /// [`PyClass::from_name`]); an unknown name is never matched.
    ///
    /// ```
    /// use pyssl::{Error, PyClass};
    /// fn retry_later(e: &Error) -> bool {
    ///     e.is_instance(PyClass::SslWantReadError) || e.is_instance(PyClass::TimeoutError)
    /// }
    /// let cert = pyssl::PeerCert {
    ///     subject: Some(vec![vec![("commonName".into(), "a.example".into())]]),
    ///     ..Default::default()
    /// };
    /// // CertificateError: hostname 'b.example' doesn't match 'a.example'
    /// let e = pyssl::match_hostname(&cert, "b.example").unwrap_err();
    /// assert_eq!(e.class(), PyClass::SslCertVerificationError);
    /// assert!(e.is_instance(PyClass::SslError) && e.is_instance("ValueError"));
    /// assert!(!retry_later(&e));
    /// ```
    #[doc(alias = "isinstance")]
    pub fn is_instance(&self, class: impl ExceptionClass) -> bool {
        class
            .py_class()
            .is_some_and(|c| self.class().is_subclass_of(c))
    }

    /// `except ssl.SSLWantReadError`: a non-blocking call needs the peer's
    /// bytes first (for an [`SslObject`](crate::SslObject): feed the
    /// incoming buffer and call again).
    #[doc(alias = "SSLWantReadError")]
    pub fn is_want_read(&self) -> bool {
        matches!(self, Error::Ssl(e) if e.kind == SslErrorKind::WantRead)
    }

    /// `except ssl.SSLWantWriteError`: a non-blocking call must wait until
    /// the socket can take more bytes.
    #[doc(alias = "SSLWantWriteError")]
    pub fn is_want_write(&self) -> bool {
        matches!(self, Error::Ssl(e) if e.kind == SslErrorKind::WantWrite)
    }

    /// `exc.verify_code` of an `SSLCertVerificationError`: OpenSSL's
    /// `X509_V_ERR_*` number (62 hostname mismatch, 10 expired, 20 unknown
    /// issuer, ...). `None` for other errors, and for a `CertificateError`
    /// of the legacy `match_hostname` (which has no code in Python either).
    pub fn verify_code(&self) -> Option<i64> {
        self.cert_verification().and_then(|v| v.verify_code())
    }

    /// `exc.verify_message` of an `SSLCertVerificationError` (`None` as for
    /// [`verify_code`](Self::verify_code)).
    pub fn verify_message(&self) -> Option<&str> {
        self.cert_verification().and_then(|v| v.verify_message())
    }

    /// True for `SSLError` and every subclass (including certificate
    /// verification errors).
    pub fn is_ssl_error(&self) -> bool {
        matches!(self, Error::Ssl(_) | Error::CertVerification(_))
    }

    /// The `SSLError.library` mnemonic (`"SSL"`, `"X509"`, `"PEM"`, ...), for
    /// SSL errors that carry one.
    pub fn library(&self) -> Option<&str> {
        match self {
            Error::Ssl(e) => e.library(),
            Error::CertVerification(e) => e.library(),
            _ => None,
        }
    }

    /// The `SSLError.reason` mnemonic (`"CERTIFICATE_VERIFY_FAILED"`, ...),
    /// for SSL errors that carry one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Error::Ssl(e) => e.reason(),
            Error::CertVerification(e) => e.reason(),
            _ => None,
        }
    }

    /// The `SSLError` subclass, for SSL errors.
    pub fn ssl_kind(&self) -> Option<SslErrorKind> {
        match self {
            Error::Ssl(e) => Some(e.kind()),
            Error::CertVerification(_) => Some(SslErrorKind::Ssl),
            _ => None,
        }
    }

    /// The verification error, for `SSLCertVerificationError`.
    pub fn cert_verification(&self) -> Option<&SslCertVerificationError> {
        match self {
            Error::CertVerification(e) => Some(e),
            _ => None,
        }
    }

    /// The text of the error: the same as `Display`, Python's `str(exc)`.
    pub fn message(&self) -> String {
        self.to_string()
    }

    pub(crate) fn value(msg: impl Into<String>) -> Self {
        Error::Value(ValueError::new(msg))
    }
}

/// The Python exception classes pyssl raises, with the classes above them
/// (`Exception`, `BaseException`, `ConnectionError`): what `except` names.
///
/// [`Error::class`] is the class of an error, [`Error::is_instance`]
/// Python's `isinstance`, [`PyClass::is_subclass_of`] `issubclass`,
/// following CPython 3.13's hierarchy (`SSLCertVerificationError` is both
/// an `SSLError` and a `ValueError`; `SSLError` is an `OSError`; so is
/// `TimeoutError`). `object` is left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PyClass {
    /// `BaseException`.
    BaseException,
    /// `Exception`.
    Exception,
    /// `OSError` (also `IOError`, `EnvironmentError`, `socket.error`).
    #[doc(alias = "OSError")]
    #[doc(alias = "IOError")]
    OsError,
    /// `ssl.SSLError`.
    #[doc(alias = "SSLError")]
    SslError,
    /// `ssl.SSLZeroReturnError`: the peer closed the TLS connection.
    #[doc(alias = "SSLZeroReturnError")]
    SslZeroReturnError,
    /// `ssl.SSLWantReadError`.
    #[doc(alias = "SSLWantReadError")]
    SslWantReadError,
    /// `ssl.SSLWantWriteError`.
    #[doc(alias = "SSLWantWriteError")]
    SslWantWriteError,
    /// `ssl.SSLSyscallError`.
    #[doc(alias = "SSLSyscallError")]
    SslSyscallError,
    /// `ssl.SSLEOFError`.
    #[doc(alias = "SSLEOFError")]
    SslEofError,
    /// `ssl.SSLCertVerificationError` (alias `ssl.CertificateError`): a
    /// subclass of `SSLError` and `ValueError`.
    #[doc(alias = "SSLCertVerificationError")]
    #[doc(alias = "CertificateError")]
    SslCertVerificationError,
    /// `FileNotFoundError` (`ENOENT`).
    FileNotFoundError,
    /// `TimeoutError` (also `socket.timeout`): socket timeouts, `ETIMEDOUT`.
    TimeoutError,
    /// `PermissionError` (`EACCES`, `EPERM`).
    PermissionError,
    /// `IsADirectoryError` (`EISDIR`).
    IsADirectoryError,
    /// `NotADirectoryError` (`ENOTDIR`).
    NotADirectoryError,
    /// `FileExistsError` (`EEXIST`).
    FileExistsError,
    /// `BlockingIOError` (`EAGAIN`, `EINPROGRESS`, ...).
    #[doc(alias = "BlockingIOError")]
    BlockingIoError,
    /// `InterruptedError` (`EINTR`).
    InterruptedError,
    /// `ProcessLookupError` (`ESRCH`).
    ProcessLookupError,
    /// `ChildProcessError` (`ECHILD`).
    ChildProcessError,
    /// `ConnectionError`, the base of the four below.
    ConnectionError,
    /// `ConnectionResetError` (`ECONNRESET`).
    ConnectionResetError,
    /// `ConnectionRefusedError` (`ECONNREFUSED`).
    ConnectionRefusedError,
    /// `ConnectionAbortedError` (`ECONNABORTED`).
    ConnectionAbortedError,
    /// `BrokenPipeError` (`EPIPE`, `ESHUTDOWN`).
    BrokenPipeError,
    /// `ValueError`.
    ValueError,
    /// `binascii.Error` (a `ValueError`): bad base64 in a PEM certificate.
    #[doc(alias = "binascii.Error")]
    BinasciiError,
    /// `UnicodeError`.
    UnicodeError,
    /// `UnicodeEncodeError`.
    UnicodeEncodeError,
    /// `UnicodeDecodeError`.
    UnicodeDecodeError,
    /// `TypeError`.
    TypeError,
    /// `RuntimeError`.
    RuntimeError,
    /// `NotImplementedError` (a `RuntimeError`).
    NotImplementedError,
}

impl PyClass {
    /// Every class, parents before their subclasses.
    pub const ALL: &'static [PyClass] = &[
        PyClass::BaseException,
        PyClass::Exception,
        PyClass::OsError,
        PyClass::SslError,
        PyClass::SslZeroReturnError,
        PyClass::SslWantReadError,
        PyClass::SslWantWriteError,
        PyClass::SslSyscallError,
        PyClass::SslEofError,
        PyClass::FileNotFoundError,
        PyClass::TimeoutError,
        PyClass::PermissionError,
        PyClass::IsADirectoryError,
        PyClass::NotADirectoryError,
        PyClass::FileExistsError,
        PyClass::BlockingIoError,
        PyClass::InterruptedError,
        PyClass::ProcessLookupError,
        PyClass::ChildProcessError,
        PyClass::ConnectionError,
        PyClass::ConnectionResetError,
        PyClass::ConnectionRefusedError,
        PyClass::ConnectionAbortedError,
        PyClass::BrokenPipeError,
        PyClass::ValueError,
        PyClass::SslCertVerificationError,
        PyClass::BinasciiError,
        PyClass::UnicodeError,
        PyClass::UnicodeEncodeError,
        PyClass::UnicodeDecodeError,
        PyClass::TypeError,
        PyClass::RuntimeError,
        PyClass::NotImplementedError,
    ];

    /// `cls.__name__`: `"SSLError"`, `"TimeoutError"`, `"Error"` for
    /// `binascii.Error`.
    #[doc(alias = "__name__")]
    pub fn name(self) -> &'static str {
        use PyClass::*;
        match self {
            BaseException => "BaseException",
            Exception => "Exception",
            OsError => "OSError",
            SslError => "SSLError",
            SslZeroReturnError => "SSLZeroReturnError",
            SslWantReadError => "SSLWantReadError",
            SslWantWriteError => "SSLWantWriteError",
            SslSyscallError => "SSLSyscallError",
            SslEofError => "SSLEOFError",
            SslCertVerificationError => "SSLCertVerificationError",
            FileNotFoundError => "FileNotFoundError",
            TimeoutError => "TimeoutError",
            PermissionError => "PermissionError",
            IsADirectoryError => "IsADirectoryError",
            NotADirectoryError => "NotADirectoryError",
            FileExistsError => "FileExistsError",
            BlockingIoError => "BlockingIOError",
            InterruptedError => "InterruptedError",
            ProcessLookupError => "ProcessLookupError",
            ChildProcessError => "ChildProcessError",
            ConnectionError => "ConnectionError",
            ConnectionResetError => "ConnectionResetError",
            ConnectionRefusedError => "ConnectionRefusedError",
            ConnectionAbortedError => "ConnectionAbortedError",
            BrokenPipeError => "BrokenPipeError",
            ValueError => "ValueError",
            BinasciiError => "Error",
            UnicodeError => "UnicodeError",
            UnicodeEncodeError => "UnicodeEncodeError",
            UnicodeDecodeError => "UnicodeDecodeError",
            TypeError => "TypeError",
            RuntimeError => "RuntimeError",
            NotImplementedError => "NotImplementedError",
        }
    }

    /// `cls.__module__`: `"ssl"` for the `SSL*Error`s, `"binascii"` for
    /// `binascii.Error`, `"builtins"` otherwise.
    #[doc(alias = "__module__")]
    pub fn module(self) -> &'static str {
        use PyClass::*;
        match self {
            SslError
            | SslZeroReturnError
            | SslWantReadError
            | SslWantWriteError
            | SslSyscallError
            | SslEofError
            | SslCertVerificationError => "ssl",
            BinasciiError => "binascii",
            _ => "builtins",
        }
    }

    /// The class for a name as Python code spells it: `__name__`
    /// (`"SSLError"`, `"OSError"`, `"Error"` for `binascii.Error`), the
    /// same with its module (`"ssl.SSLError"`, `"builtins.OSError"`,
    /// `"binascii.Error"`), or an alias (`"CertificateError"`,
    /// `"ssl.CertificateError"`, `"IOError"`, `"EnvironmentError"`,
    /// `"socket.error"`, `"socket.timeout"`).
    pub fn from_name(name: &str) -> Option<PyClass> {
        let alias = match name {
            "CertificateError" | "ssl.CertificateError" => Some(PyClass::SslCertVerificationError),
            "IOError" | "EnvironmentError" | "socket.error" => Some(PyClass::OsError),
            "socket.timeout" => Some(PyClass::TimeoutError),
            _ => None,
        };
        alias.or_else(|| {
            let (module, bare) = match name.rsplit_once('.') {
                Some((m, b)) => (Some(m), b),
                None => (None, name),
            };
            Self::ALL
                .iter()
                .copied()
                .find(|c| c.name() == bare && module.is_none_or(|m| m == c.module()))
        })
    }

    /// `cls.__bases__`: the direct base classes (two for
    /// `SSLCertVerificationError`, none for `BaseException`).
    #[doc(alias = "__bases__")]
    pub fn bases(self) -> &'static [PyClass] {
        use PyClass::*;
        match self {
            BaseException => &[],
            Exception => &[BaseException],
            OsError | ValueError | TypeError | RuntimeError => &[Exception],
            NotImplementedError => &[RuntimeError],
            SslError | FileNotFoundError | TimeoutError | PermissionError | IsADirectoryError
            | NotADirectoryError | FileExistsError | BlockingIoError | InterruptedError
            | ProcessLookupError | ChildProcessError | ConnectionError => &[OsError],
            SslZeroReturnError | SslWantReadError | SslWantWriteError | SslSyscallError
            | SslEofError => &[SslError],
            SslCertVerificationError => &[SslError, ValueError],
            ConnectionResetError
            | ConnectionRefusedError
            | ConnectionAbortedError
            | BrokenPipeError => &[ConnectionError],
            BinasciiError | UnicodeError => &[ValueError],
            UnicodeEncodeError | UnicodeDecodeError => &[UnicodeError],
        }
    }

    /// `cls.__base__`: the first base (`SSLError` for
    /// `SSLCertVerificationError`), `None` for `BaseException`.
    #[doc(alias = "__base__")]
    pub fn parent(self) -> Option<PyClass> {
        self.bases().first().copied()
    }

    /// `cls.__mro__` without `object`: the class, then its bases in C3
    /// order (`SSLCertVerificationError`, `SSLError`, `OSError`,
    /// `ValueError`, `Exception`, `BaseException`).
    #[doc(alias = "__mro__")]
    pub fn mro(self) -> Vec<PyClass> {
        // C3 linearization: merge the bases' MROs and the list of bases.
        let mut seqs: Vec<Vec<PyClass>> = self.bases().iter().map(|b| b.mro()).collect();
        seqs.push(self.bases().to_vec());
        let mut out = vec![self];
        loop {
            seqs.retain(|s| !s.is_empty());
            let Some(head) = seqs
                .iter()
                .map(|s| s[0])
                .find(|h| seqs.iter().all(|s| !s[1..].contains(h)))
            else {
                return out;
            };
            out.push(head);
            for s in &mut seqs {
                if s[0] == head {
                    s.remove(0);
                }
            }
        }
    }

    /// `issubclass(self, other)`: true when `other` is this class or one of
    /// its ancestors.
    #[doc(alias = "issubclass")]
    pub fn is_subclass_of(self, other: PyClass) -> bool {
        self == other || self.bases().iter().any(|b| b.is_subclass_of(other))
    }
}

impl fmt::Display for PyClass {
    /// The name (`__name__`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What [`Error::is_instance`] takes: a [`PyClass`], or a class name as
/// [`PyClass::from_name`] reads it (`"SSLError"`, `"CertificateError"`).
pub trait ExceptionClass {
    /// The class meant; `None` for a name of no class pyssl knows.
    fn py_class(&self) -> Option<PyClass>;
}

impl ExceptionClass for PyClass {
    fn py_class(&self) -> Option<PyClass> {
        Some(*self)
    }
}

impl ExceptionClass for &str {
    fn py_class(&self) -> Option<PyClass> {
        PyClass::from_name(self)
    }
}

impl ExceptionClass for &String {
    fn py_class(&self) -> Option<PyClass> {
        PyClass::from_name(self)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Ssl(e) => e.fmt(f),
            Error::CertVerification(e) => e.fmt(f),
            Error::Value(e) => e.fmt(f),
            Error::Type(e) => e.fmt(f),
            Error::Unicode(e) => e.fmt(f),
            Error::Os(e) => e.fmt(f),
            Error::NotImplemented(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Os(e) => e.source.as_ref().map(|s| s as _),
            _ => None,
        }
    }
}

impl From<SslError> for Error {
    fn from(e: SslError) -> Self {
        Error::Ssl(e)
    }
}

impl From<SslCertVerificationError> for Error {
    fn from(e: SslCertVerificationError) -> Self {
        Error::CertVerification(e)
    }
}

impl From<ValueError> for Error {
    fn from(e: ValueError) -> Self {
        Error::Value(e)
    }
}

impl From<TypeError> for Error {
    fn from(e: TypeError) -> Self {
        Error::Type(e)
    }
}

impl From<UnicodeError> for Error {
    fn from(e: UnicodeError) -> Self {
        Error::Unicode(e)
    }
}

impl From<OsError> for Error {
    fn from(e: OsError) -> Self {
        Error::Os(e)
    }
}

impl From<io::Error> for Error {
    /// An `io::Error` that carries a pyssl [`Error`] (what pyssl's
    /// `io::Read`/`io::Write` impls and the tokio adapter return) gives it
    /// back unchanged, so `?` through `BufReader`, `io::copy` and the like
    /// keeps the class, `verify_code()` and the text; any other is
    /// Python's `OSError` for it.
    fn from(e: io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            let kind = e.kind();
            match e.into_inner().map(|inner| inner.downcast::<Error>()) {
                Some(Ok(err)) => return *err,
                Some(Err(other)) => {
                    return Error::Os(OsError::from_io(io::Error::new(kind, other)))
                }
                None => return Error::Os(OsError::from_io(io::Error::from(kind))),
            }
        }
        Error::Os(OsError::from_io(e))
    }
}

impl From<Error> for io::Error {
    /// Keeps the kind: `SSLWantReadError`/`SSLWantWriteError` become
    /// [`io::ErrorKind::WouldBlock`], `TimeoutError` becomes
    /// [`io::ErrorKind::TimedOut`], an `OSError` gives back the
    /// underlying `io::Error` where there is one.
    fn from(e: Error) -> Self {
        match e {
            // A plain OS error gives back the underlying `io::Error`; one
            // pyssl made (a timeout, a file name attached) travels whole.
            Error::Os(mut os) => match (os.filename().is_none(), os.source.take()) {
                (true, Some(src)) => src,
                (_, src) => {
                    os.source = src;
                    io::Error::new(os.io_kind(), Error::Os(os))
                }
            },
            Error::Ssl(s) if matches!(s.kind, SslErrorKind::WantRead | SslErrorKind::WantWrite) => {
                io::Error::new(io::ErrorKind::WouldBlock, Error::Ssl(s))
            }
            Error::Ssl(s) if s.kind == SslErrorKind::Eof => {
                io::Error::new(io::ErrorKind::UnexpectedEof, Error::Ssl(s))
            }
            Error::Value(_) | Error::Type(_) | Error::Unicode(_) => {
                io::Error::new(io::ErrorKind::InvalidInput, e)
            }
            Error::NotImplemented(_) => io::Error::new(io::ErrorKind::Unsupported, e),
            other => io::Error::other(other),
        }
    }
}

/// Python's `ssl.SSLErrorNumber`: the `errno` of SSL errors raised from
/// connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "SSLErrorNumber")]
pub enum SslErrorNumber {
    /// `SSL_ERROR_SSL` (1).
    #[doc(alias = "SSL_ERROR_SSL")]
    Ssl = 1,
    /// `SSL_ERROR_WANT_READ` (2).
    #[doc(alias = "SSL_ERROR_WANT_READ")]
    WantRead = 2,
    /// `SSL_ERROR_WANT_WRITE` (3).
    #[doc(alias = "SSL_ERROR_WANT_WRITE")]
    WantWrite = 3,
    /// `SSL_ERROR_WANT_X509_LOOKUP` (4).
    #[doc(alias = "SSL_ERROR_WANT_X509_LOOKUP")]
    WantX509Lookup = 4,
    /// `SSL_ERROR_SYSCALL` (5).
    #[doc(alias = "SSL_ERROR_SYSCALL")]
    Syscall = 5,
    /// `SSL_ERROR_ZERO_RETURN` (6).
    #[doc(alias = "SSL_ERROR_ZERO_RETURN")]
    ZeroReturn = 6,
    /// `SSL_ERROR_WANT_CONNECT` (7).
    #[doc(alias = "SSL_ERROR_WANT_CONNECT")]
    WantConnect = 7,
    /// `SSL_ERROR_EOF` (8).
    #[doc(alias = "SSL_ERROR_EOF")]
    Eof = 8,
    /// `SSL_ERROR_INVALID_ERROR_CODE` (10).
    #[doc(alias = "SSL_ERROR_INVALID_ERROR_CODE")]
    InvalidErrorCode = 10,
}

impl SslErrorNumber {
    /// Python's names (`_ssl`'s `SSL_ERROR_*` constants) and members, in
    /// value order.
    pub const NAMES: &'static [(&'static str, SslErrorNumber)] = &[
        ("SSL_ERROR_SSL", SslErrorNumber::Ssl),
        ("SSL_ERROR_WANT_READ", SslErrorNumber::WantRead),
        ("SSL_ERROR_WANT_WRITE", SslErrorNumber::WantWrite),
        ("SSL_ERROR_WANT_X509_LOOKUP", SslErrorNumber::WantX509Lookup),
        ("SSL_ERROR_SYSCALL", SslErrorNumber::Syscall),
        ("SSL_ERROR_ZERO_RETURN", SslErrorNumber::ZeroReturn),
        ("SSL_ERROR_WANT_CONNECT", SslErrorNumber::WantConnect),
        ("SSL_ERROR_EOF", SslErrorNumber::Eof),
        (
            "SSL_ERROR_INVALID_ERROR_CODE",
            SslErrorNumber::InvalidErrorCode,
        ),
    ];

    /// Python's name (`"SSL_ERROR_WANT_READ"`).
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == self)
            .map_or("SSL_ERROR_SSL", |(name, _)| *name)
    }

    /// The member with Python's value.
    pub fn from_value(v: i64) -> Option<SslErrorNumber> {
        use SslErrorNumber::*;
        [
            Ssl,
            WantRead,
            WantWrite,
            WantX509Lookup,
            Syscall,
            ZeroReturn,
            WantConnect,
            Eof,
            InvalidErrorCode,
        ]
        .into_iter()
        .find(|n| *n as i64 == v)
    }
}

/// Which `SSLError` class an [`SslError`] is (its [`SslErrorNumber`] is
/// [`SslError::errno`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SslErrorKind {
    /// `SSLError` itself (`SSL_ERROR_SSL`, 1, or a configuration error).
    #[doc(alias = "SSL_ERROR_SSL")]
    Ssl,
    /// `SSLWantReadError` (`SSL_ERROR_WANT_READ`, 2).
    #[doc(alias = "SSL_ERROR_WANT_READ")]
    WantRead,
    /// `SSLWantWriteError` (`SSL_ERROR_WANT_WRITE`, 3).
    #[doc(alias = "SSL_ERROR_WANT_WRITE")]
    WantWrite,
    /// `SSLSyscallError` (`SSL_ERROR_SYSCALL`, 5).
    #[doc(alias = "SSL_ERROR_SYSCALL")]
    Syscall,
    /// `SSLZeroReturnError` (`SSL_ERROR_ZERO_RETURN`, 6): the peer closed
    /// the TLS connection cleanly.
    #[doc(alias = "SSL_ERROR_ZERO_RETURN")]
    ZeroReturn,
    /// `SSLEOFError` (`SSL_ERROR_EOF`, 8): the connection ended in violation
    /// of the protocol.
    #[doc(alias = "SSL_ERROR_EOF")]
    Eof,
}

impl SslErrorKind {
    /// The Python class.
    #[doc(alias = "__class__")]
    pub fn class(self) -> PyClass {
        match self {
            SslErrorKind::Ssl => PyClass::SslError,
            SslErrorKind::WantRead => PyClass::SslWantReadError,
            SslErrorKind::WantWrite => PyClass::SslWantWriteError,
            SslErrorKind::Syscall => PyClass::SslSyscallError,
            SslErrorKind::ZeroReturn => PyClass::SslZeroReturnError,
            SslErrorKind::Eof => PyClass::SslEofError,
        }
    }

    /// The Python class name.
    #[doc(alias = "__name__")]
    pub fn python_class(self) -> &'static str {
        self.class().name()
    }

    /// Python's `SSLErrorNumber` value.
    pub fn number(self) -> i64 {
        match self {
            SslErrorKind::Ssl => 1,
            SslErrorKind::WantRead => 2,
            SslErrorKind::WantWrite => 3,
            SslErrorKind::Syscall => 5,
            SslErrorKind::ZeroReturn => 6,
            SslErrorKind::Eof => 8,
        }
    }
}

/// `ssl.SSLError` and its subclasses (but `SSLCertVerificationError`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[doc(alias = "SSLError")]
pub struct SslError {
    kind: SslErrorKind,
    errno: i64,
    /// Borrowed for the fixed texts (want-read/write on every
    /// non-blocking call must not allocate).
    message: std::borrow::Cow<'static, str>,
    library: Option<String>,
    reason: Option<String>,
    message_only: bool,
}

impl SslError {
    pub(crate) fn new(
        kind: SslErrorKind,
        errno: i64,
        message: impl Into<std::borrow::Cow<'static, str>>,
        library: Option<String>,
        reason: Option<String>,
    ) -> Self {
        SslError {
            kind,
            errno,
            message: message.into(),
            library,
            reason,
            message_only: false,
        }
    }

    /// A plain `SSLError` with only a message, as CPython raises for
    /// configuration errors (`SSLError("No cipher can be selected.")`).
    pub(crate) fn plain(message: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        SslError {
            message_only: true,
            ..SslError::new(SslErrorKind::Ssl, 0, message, None, None)
        }
    }

    /// CPython's `_setSSLError(errstr)` with an empty error queue:
    /// `SSLError(0, errstr)`, `library` and `reason` `None`.
    pub(crate) fn text(message: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        SslError::new(SslErrorKind::Ssl, 0, message, None, None)
    }

    /// True when CPython raises this error with the message as its only
    /// argument (`SSLError('No cipher can be selected.')`, C's
    /// `PyErr_SetString`): in Python `args` is then `(message,)`, `errno`
    /// and `strerror` are `None`, the instance has no `library` or `reason`
    /// attribute, and `str(exc)` is the repr of `args`. False for the
    /// `SSLError(errno, strerror)` of OpenSSL failures, which always carry
    /// `library` and `reason` (possibly `None`).
    #[doc(alias = "args")]
    pub fn is_message_only(&self) -> bool {
        self.message_only
    }

    /// The subclass.
    pub fn kind(&self) -> SslErrorKind {
        self.kind
    }

    /// `args[0]` (`errno`): the `SSLErrorNumber` for I/O errors, OpenSSL's
    /// reason code for configuration errors, 0 where CPython sets none.
    pub fn errno(&self) -> i64 {
        self.errno
    }

    /// `SSLError.library`: OpenSSL's library mnemonic, such as `"SSL"`.
    pub fn library(&self) -> Option<&str> {
        self.library.as_deref()
    }

    /// `SSLError.reason`: OpenSSL's reason mnemonic, such as
    /// `"WRONG_VERSION_NUMBER"`.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// `SSLError.strerror`: the message (also what `Display` prints).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SslError {}

/// `ssl.SSLCertVerificationError` (a subclass of both `SSLError` and
/// `ValueError`); `ssl.CertificateError` is the same class.
#[derive(Clone, Debug, PartialEq, Eq)]
#[doc(alias = "SSLCertVerificationError")]
pub struct SslCertVerificationError {
    errno: i64,
    message: String,
    library: Option<String>,
    reason: Option<String>,
    verify_code: Option<i64>,
    verify_message: Option<String>,
}

/// `ssl.CertificateError`, an alias of [`SslCertVerificationError`] since
/// Python 3.7; the legacy [`match_hostname`](crate::match_hostname) raises it.
pub type CertificateError = SslCertVerificationError;

impl SslCertVerificationError {
    pub(crate) fn new(
        errno: i64,
        message: impl Into<String>,
        library: Option<String>,
        reason: Option<String>,
        verify_code: Option<i64>,
        verify_message: Option<String>,
    ) -> Self {
        SslCertVerificationError {
            errno,
            message: message.into(),
            library,
            reason,
            verify_code,
            verify_message,
        }
    }

    /// A `CertificateError(message)` as the legacy `match_hostname` raises
    /// it: no library, reason or verify code.
    #[allow(dead_code)]
    pub(crate) fn certificate_error(message: impl Into<String>) -> Self {
        Self::new(0, message, None, None, None, None)
    }

    /// True for a `CertificateError(message)` raised with the message as
    /// its only argument (the legacy `match_hostname`): no `errno`,
    /// `library`, `reason`, `verify_code` or `verify_message` in Python.
    /// False for handshake failures, which carry all of them.
    pub fn is_message_only(&self) -> bool {
        self.verify_code.is_none() && self.library.is_none() && self.reason.is_none()
    }

    /// `args[0]`: 1 (`SSL_ERROR_SSL`) for handshake failures.
    pub fn errno(&self) -> i64 {
        self.errno
    }

    /// `SSLError.library` (`"SSL"` for handshake failures).
    pub fn library(&self) -> Option<&str> {
        self.library.as_deref()
    }

    /// `SSLError.reason` (`"CERTIFICATE_VERIFY_FAILED"` for handshake
    /// failures).
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// `verify_code`: OpenSSL's `X509_V_ERR_*` number (62 hostname
    /// mismatch, 64 IP address mismatch, 10 expired, ...).
    pub fn verify_code(&self) -> Option<i64> {
        self.verify_code
    }

    /// `verify_message`: OpenSSL's text for the code, or CPython's own
    /// wording for codes 62 and 64.
    pub fn verify_message(&self) -> Option<&str> {
        self.verify_message.as_deref()
    }

    /// The whole message (what `Display` prints).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SslCertVerificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SslCertVerificationError {}

/// Python's `ValueError` (or a subclass CPython raises, such as
/// `binascii.Error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    message: String,
    class: PyClass,
}

impl ValueError {
    /// A `ValueError(message)`, e.g. for a password callback to raise.
    pub fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            class: PyClass::ValueError,
        }
    }

    /// An instance of a `ValueError` subclass
    /// ([`PyClass::BinasciiError`]).
    pub(crate) fn with_class(class: PyClass, message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            class,
        }
    }

    /// The Python class name (`"ValueError"`, or `"Error"` for
    /// `binascii.Error`).
    pub fn python_class(&self) -> &'static str {
        self.class.name()
    }

    /// The Python class ([`PyClass::ValueError`], or
    /// [`PyClass::BinasciiError`]).
    #[doc(alias = "__class__")]
    pub fn class(&self) -> PyClass {
        self.class
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

/// Python's `TypeError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    message: String,
}

impl TypeError {
    /// A `TypeError(message)`.
    pub fn new(message: impl Into<String>) -> Self {
        TypeError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TypeError {}

/// Python's `NotImplementedError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotImplementedError {
    message: String,
}

impl NotImplementedError {
    /// A `NotImplementedError(message)`.
    pub fn new(message: impl Into<String>) -> Self {
        NotImplementedError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for NotImplementedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NotImplementedError {}

/// Which of Python's Unicode errors a [`UnicodeError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnicodeErrorKind {
    /// `UnicodeError`.
    Unicode,
    /// `UnicodeEncodeError` (raised by the `idna` codec in 3.13).
    Encode,
    /// `UnicodeDecodeError`.
    Decode,
}

impl UnicodeErrorKind {
    /// The Python class.
    #[doc(alias = "__class__")]
    pub fn class(self) -> PyClass {
        match self {
            UnicodeErrorKind::Unicode => PyClass::UnicodeError,
            UnicodeErrorKind::Encode => PyClass::UnicodeEncodeError,
            UnicodeErrorKind::Decode => PyClass::UnicodeDecodeError,
        }
    }
}

/// Python's `UnicodeError`, `UnicodeEncodeError` or `UnicodeDecodeError`
/// (all subclasses of `ValueError`). Encode and decode errors carry the
/// five constructor arguments of Python's classes (`encoding`, `object`,
/// `start`, `end`, `reason`), from which the message is built as Python's
/// `str(exc)` builds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[doc(alias = "UnicodeEncodeError")]
#[doc(alias = "UnicodeDecodeError")]
pub struct UnicodeError {
    kind: UnicodeErrorKind,
    message: String,
    detail: Option<Box<UnicodeDetail>>,
}

/// The constructor arguments of an encode or decode error.
#[derive(Clone, Debug, PartialEq, Eq)]
struct UnicodeDetail {
    encoding: String,
    object: UnicodeObject,
    start: usize,
    end: usize,
    reason: String,
}

/// The `object` of a [`UnicodeError`]: the text that could not be encoded
/// (`UnicodeEncodeError`) or the bytes that could not be decoded
/// (`UnicodeDecodeError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnicodeObject {
    /// The `str` being encoded; `start` and `end` count characters.
    Str(String),
    /// The `bytes` being decoded; `start` and `end` count bytes.
    Bytes(Vec<u8>),
}

impl UnicodeError {
    /// A plain `UnicodeError(message)`, or an encode/decode error known only
    /// by its text.
    #[allow(dead_code)]
    pub(crate) fn new(kind: UnicodeErrorKind, message: impl Into<String>) -> Self {
        UnicodeError {
            kind,
            message: message.into(),
            detail: None,
        }
    }

    /// `UnicodeEncodeError(encoding, object, start, end, reason)`, with
    /// `start` and `end` in characters; the message is Python's.
    pub(crate) fn encode(
        encoding: &str,
        object: impl Into<String>,
        start: usize,
        end: usize,
        reason: impl Into<String>,
    ) -> Self {
        let object: String = object.into();
        let reason: String = reason.into();
        let message = match object.chars().nth(start) {
            Some(c) if end == start + 1 => {
                let mut esc = String::new();
                crate::pyfmt::push_escape(&mut esc, c);
                format!("'{encoding}' codec can't encode character '{esc}' in position {start}: {reason}")
            }
            _ => format!(
                "'{encoding}' codec can't encode characters in position {start}-{}: {reason}",
                end as i64 - 1
            ),
        };
        UnicodeError {
            kind: UnicodeErrorKind::Encode,
            message,
            detail: Some(Box::new(UnicodeDetail {
                encoding: encoding.to_string(),
                object: UnicodeObject::Str(object),
                start,
                end,
                reason,
            })),
        }
    }

    /// Python's strict `text.encode('ascii')` failure: the first run of
    /// non-ASCII characters, `ordinal not in range(128)`. `None` when the
    /// text is ASCII.
    pub(crate) fn ascii_encode(text: &str) -> Option<Self> {
        let chars: Vec<char> = text.chars().collect();
        let start = chars.iter().position(|c| !c.is_ascii())?;
        let end = chars[start..]
            .iter()
            .position(char::is_ascii)
            .map_or(chars.len(), |n| start + n);
        Some(UnicodeError::encode(
            "ascii",
            text,
            start,
            end,
            "ordinal not in range(128)",
        ))
    }

    /// `UnicodeDecodeError(encoding, object, start, end, reason)`, with
    /// `start` and `end` in bytes; the message is Python's.
    pub(crate) fn decode(
        encoding: &str,
        object: impl Into<Vec<u8>>,
        start: usize,
        end: usize,
        reason: impl Into<String>,
    ) -> Self {
        let object: Vec<u8> = object.into();
        let reason: String = reason.into();
        let message = match object.get(start) {
            Some(b) if end == start + 1 => {
                format!(
                    "'{encoding}' codec can't decode byte 0x{b:02x} in position {start}: {reason}"
                )
            }
            _ => format!(
                "'{encoding}' codec can't decode bytes in position {start}-{}: {reason}",
                end as i64 - 1
            ),
        };
        UnicodeError {
            kind: UnicodeErrorKind::Decode,
            message,
            detail: Some(Box::new(UnicodeDetail {
                encoding: encoding.to_string(),
                object: UnicodeObject::Bytes(object),
                start,
                end,
                reason,
            })),
        }
    }

    /// Python's strict `data.decode('utf-8')` failure, `None` when `data`
    /// is valid UTF-8.
    pub(crate) fn utf8_decode(data: &[u8]) -> Option<Self> {
        let e = std::str::from_utf8(data).err()?;
        let start = e.valid_up_to();
        let byte = data.get(start).copied().unwrap_or(0);
        let (end, reason) = match e.error_len() {
            None => (data.len(), "unexpected end of data"),
            Some(n) if (0xc2..=0xf4).contains(&byte) => (start + n, "invalid continuation byte"),
            Some(n) => (start + n, "invalid start byte"),
        };
        Some(UnicodeError::decode("utf-8", data, start, end, reason))
    }

    /// Which class.
    pub fn kind(&self) -> UnicodeErrorKind {
        self.kind
    }

    /// The Python class name.
    pub fn python_class(&self) -> &'static str {
        self.kind.class().name()
    }

    /// The message (`str(exc)`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `exc.encoding` (`"idna"`, `"ascii"`, `"utf-8"`), for encode and
    /// decode errors.
    pub fn encoding(&self) -> Option<&str> {
        self.detail.as_ref().map(|d| d.encoding.as_str())
    }

    /// `exc.object`: the text or bytes that failed, for encode and decode
    /// errors.
    pub fn object(&self) -> Option<&UnicodeObject> {
        self.detail.as_ref().map(|d| &d.object)
    }

    /// `exc.start`: the first failing position in [`object`](Self::object)
    /// (characters for text, bytes for bytes); 0 for a plain
    /// `UnicodeError`.
    pub fn start(&self) -> usize {
        self.detail.as_ref().map_or(0, |d| d.start)
    }

    /// `exc.end`: one past the last failing position; 0 for a plain
    /// `UnicodeError`.
    pub fn end(&self) -> usize {
        self.detail.as_ref().map_or(0, |d| d.end)
    }

    /// `exc.reason` (`"label empty"`, `"ordinal not in range(128)"`, ...),
    /// for encode and decode errors.
    pub fn reason(&self) -> Option<&str> {
        self.detail.as_ref().map(|d| d.reason.as_str())
    }
}

impl fmt::Display for UnicodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnicodeError {}

/// Python's `OSError` family: the class follows the errno as in Python
/// (`ENOENT` is `FileNotFoundError`, `ECONNRESET` `ConnectionResetError`, ...),
/// timeouts are `TimeoutError`.
#[derive(Debug)]
#[doc(alias = "OSError")]
pub struct OsError {
    class: PyClass,
    errno: Option<i32>,
    strerror: Option<String>,
    filename: Option<String>,
    message: Option<String>,
    source: Option<io::Error>,
}

impl OsError {
    /// An `OSError` built from an `io::Error`, as Python builds one from
    /// `errno`: `[Errno 2] No such file or directory`.
    pub(crate) fn from_io(e: io::Error) -> Self {
        match e.raw_os_error() {
            Some(errno) => OsError {
                class: class_for_errno(errno),
                errno: Some(errno),
                strerror: Some(strerror(errno)),
                filename: None,
                message: None,
                source: Some(e),
            },
            None => {
                let class = match e.kind() {
                    io::ErrorKind::TimedOut => PyClass::TimeoutError,
                    io::ErrorKind::NotFound => PyClass::FileNotFoundError,
                    io::ErrorKind::ConnectionReset => PyClass::ConnectionResetError,
                    io::ErrorKind::ConnectionAborted => PyClass::ConnectionAbortedError,
                    io::ErrorKind::ConnectionRefused => PyClass::ConnectionRefusedError,
                    io::ErrorKind::BrokenPipe => PyClass::BrokenPipeError,
                    io::ErrorKind::PermissionDenied => PyClass::PermissionError,
                    io::ErrorKind::WouldBlock => PyClass::BlockingIoError,
                    io::ErrorKind::Interrupted => PyClass::InterruptedError,
                    _ => PyClass::OsError,
                };
                OsError {
                    class,
                    errno: None,
                    strerror: None,
                    filename: None,
                    message: Some(e.to_string()),
                    source: Some(e),
                }
            }
        }
    }

    /// `OSError(errno, strerror(errno))`.
    pub(crate) fn from_errno(errno: i32) -> Self {
        OsError::from_io(io::Error::from_raw_os_error(errno))
    }

    /// `OSError(errno, strerror, filename)`: `[Errno 2] No such file or
    /// directory: 'name'`.
    pub(crate) fn with_filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// A `TimeoutError` with a single-argument message, as CPython raises
    /// for socket timeouts (`"The read operation timed out"`).
    pub(crate) fn timeout(message: impl Into<String>) -> Self {
        OsError {
            class: PyClass::TimeoutError,
            errno: None,
            strerror: None,
            filename: None,
            message: Some(message.into()),
            source: None,
        }
    }

    /// A plain `OSError(message)`.
    pub(crate) fn other(message: impl Into<String>) -> Self {
        OsError {
            class: PyClass::OsError,
            errno: None,
            strerror: None,
            filename: None,
            message: Some(message.into()),
            source: None,
        }
    }

    /// The Python class name: `"FileNotFoundError"`, `"TimeoutError"`, ...
    pub fn python_class(&self) -> &'static str {
        self.class.name()
    }

    /// The Python class ([`PyClass::OsError`] or one of its subclasses).
    #[doc(alias = "__class__")]
    pub fn class(&self) -> PyClass {
        self.class
    }

    /// `OSError.errno`.
    pub fn errno(&self) -> Option<i32> {
        self.errno
    }

    /// `OSError.strerror`.
    pub fn strerror(&self) -> Option<&str> {
        self.strerror.as_deref()
    }

    /// `OSError.filename`.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    fn io_kind(&self) -> io::ErrorKind {
        match self.class {
            PyClass::TimeoutError => io::ErrorKind::TimedOut,
            PyClass::FileNotFoundError => io::ErrorKind::NotFound,
            PyClass::ConnectionResetError => io::ErrorKind::ConnectionReset,
            PyClass::ConnectionAbortedError => io::ErrorKind::ConnectionAborted,
            PyClass::ConnectionRefusedError => io::ErrorKind::ConnectionRefused,
            PyClass::BrokenPipeError => io::ErrorKind::BrokenPipe,
            PyClass::PermissionError => io::ErrorKind::PermissionDenied,
            PyClass::BlockingIoError => io::ErrorKind::WouldBlock,
            PyClass::InterruptedError => io::ErrorKind::Interrupted,
            _ => io::ErrorKind::Other,
        }
    }
}

impl fmt::Display for OsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.errno, &self.strerror, &self.message) {
            (Some(errno), Some(strerror), _) => {
                write!(f, "[Errno {errno}] {strerror}")?;
                if let Some(name) = &self.filename {
                    write!(f, ": {}", crate::pyfmt::repr_str(name))?;
                }
                Ok(())
            }
            (_, _, Some(msg)) => f.write_str(msg),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for OsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|s| s as _)
    }
}

/// Python's `OSError` subclass for an errno (PEP 3151).
fn class_for_errno(errno: i32) -> PyClass {
    match errno {
        libc::ENOENT => PyClass::FileNotFoundError,
        libc::ETIMEDOUT => PyClass::TimeoutError,
        libc::ECONNRESET => PyClass::ConnectionResetError,
        libc::ECONNREFUSED => PyClass::ConnectionRefusedError,
        libc::ECONNABORTED => PyClass::ConnectionAbortedError,
        libc::EPIPE | libc::ESHUTDOWN => PyClass::BrokenPipeError,
        libc::EACCES | libc::EPERM => PyClass::PermissionError,
        libc::EISDIR => PyClass::IsADirectoryError,
        libc::ENOTDIR => PyClass::NotADirectoryError,
        libc::EEXIST => PyClass::FileExistsError,
        libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => PyClass::BlockingIoError,
        libc::EINTR => PyClass::InterruptedError,
        libc::ESRCH => PyClass::ProcessLookupError,
        libc::ECHILD => PyClass::ChildProcessError,
        _ => PyClass::OsError,
    }
}

/// The C library's text for an errno, as Python's `os.strerror`.
fn strerror(errno: i32) -> String {
    // `io::Error`'s Display is "<strerror> (os error N)".
    let text = io::Error::from_raw_os_error(errno).to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_texts_follow_python() {
        let e = Error::from(io::Error::from_raw_os_error(libc::ENOENT));
        assert_eq!(e.python_class(), "FileNotFoundError");
        assert_eq!(e.to_string(), "[Errno 2] No such file or directory");
        let e = OsError::from_errno(libc::ENOENT).with_filename("a'b");
        assert_eq!(
            e.to_string(),
            "[Errno 2] No such file or directory: \"a'b\""
        );
        let e = Error::from(OsError::timeout("The read operation timed out"));
        assert!(e.is_instance("OSError"));
        assert_eq!(e.to_string(), "The read operation timed out");
    }

    #[test]
    fn unicode_errors_carry_pythons_arguments() {
        let e = UnicodeError::ascii_encode("ab\u{e9}\u{e8}c").unwrap();
        assert_eq!(
            e.message(),
            "'ascii' codec can't encode characters in position 2-3: ordinal not in range(128)"
        );
        assert_eq!((e.start(), e.end()), (2, 4));
        assert_eq!(e.encoding(), Some("ascii"));
        assert_eq!(
            e.object(),
            Some(&UnicodeObject::Str("ab\u{e9}\u{e8}c".into()))
        );
        assert_eq!(e.reason(), Some("ordinal not in range(128)"));
        let e = UnicodeError::ascii_encode("\u{20ac}x").unwrap();
        assert_eq!(
            e.message(),
            "'ascii' codec can't encode character '\\u20ac' in position 0: ordinal not in range(128)"
        );
        assert!(UnicodeError::ascii_encode("abc").is_none());
        let e = UnicodeError::utf8_decode(b"ab\xe2\x82").unwrap();
        assert_eq!(
            e.message(),
            "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data"
        );
        assert_eq!(e.kind(), UnicodeErrorKind::Decode);
        let e = UnicodeError::utf8_decode(b"a\xffb").unwrap();
        assert_eq!(
            e.message(),
            "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"
        );
        assert_eq!(e.object(), Some(&UnicodeObject::Bytes(b"a\xffb".to_vec())));
        let e = UnicodeError::utf8_decode(b"\xf0\x90(").unwrap();
        assert_eq!(
            e.message(),
            "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"
        );
    }

    #[test]
    fn ssl_error_number_names() {
        assert_eq!(SslErrorNumber::WantRead.name(), "SSL_ERROR_WANT_READ");
        for (name, n) in SslErrorNumber::NAMES {
            assert_eq!(SslErrorNumber::from_value(*n as i64), Some(*n), "{name}");
        }
    }

    #[test]
    fn message_only_ssl_errors() {
        assert!(SslError::plain("No cipher can be selected.").is_message_only());
        let e = SslError::text("x");
        assert!(!e.is_message_only());
        assert_eq!((e.errno(), e.library(), e.reason()), (0, None, None));
        assert!(SslCertVerificationError::certificate_error("x").is_message_only());
    }

    #[test]
    fn hierarchy() {
        let e = Error::CertVerification(SslCertVerificationError::certificate_error("x"));
        assert!(e.is_instance("SSLError"));
        assert!(e.is_instance("OSError"));
        assert!(e.is_instance("ValueError"));
        assert!(!e.is_instance("TypeError"));
        let e = Error::Unicode(UnicodeError::new(UnicodeErrorKind::Encode, "x"));
        assert!(e.is_instance("ValueError"));
        let e = Error::Ssl(SslError::new(SslErrorKind::Eof, 8, "x", None, None));
        assert!(e.is_instance("SSLError") && e.is_instance("OSError"));
        assert!(e.is_instance(PyClass::SslEofError) && !e.is_instance(PyClass::ValueError));
        assert!(!e.is_want_read() && !e.is_want_write() && e.verify_code().is_none());
        assert_eq!(io::Error::from(e).kind(), io::ErrorKind::UnexpectedEof);
        let e = Error::Ssl(SslError::new(SslErrorKind::WantRead, 2, "x", None, None));
        assert!(e.is_want_read() && !e.is_want_write());
        let e = Error::Ssl(SslError::new(SslErrorKind::WantWrite, 3, "x", None, None));
        assert!(e.is_want_write() && !e.is_want_read());
        let e = Error::CertVerification(SslCertVerificationError::new(
            1,
            "x",
            None,
            None,
            Some(62),
            Some("Hostname mismatch".into()),
        ));
        assert_eq!(e.verify_code(), Some(62));
        assert_eq!(e.verify_message(), Some("Hostname mismatch"));
        assert!(e.is_instance(PyClass::SslError) && e.is_instance("ssl.CertificateError"));
        assert!(!e.is_instance("NoSuchError") && !e.is_instance("ssl.ValueError"));
        let e = Error::from(OsError::timeout("t"));
        assert!(e.is_instance(PyClass::TimeoutError) && e.is_instance("socket.timeout"));
        assert!(!e.is_instance(PyClass::SslError));
    }

    #[test]
    fn class_names_round_trip() {
        for c in PyClass::ALL {
            assert_eq!(PyClass::from_name(c.name()), Some(*c));
            let qualified = format!("{}.{}", c.module(), c.name());
            assert_eq!(PyClass::from_name(&qualified), Some(*c));
            // Parents come first in ALL.
            let at = |x: &PyClass| PyClass::ALL.iter().position(|y| y == x);
            assert!(c.bases().iter().all(|b| at(b) < at(c)), "{c}");
        }
        assert_eq!(PyClass::ALL.len(), 33);
    }
}
