//! Python's keyword arguments as options values.
//!
//! One convention for every function whose Python counterpart takes
//! keywords: the parameters Python requires stay positional Rust
//! arguments, the ones with defaults are an options value passed last. An
//! options value starts from Python's defaults (`new()` or `Default`) and
//! has one builder method per keyword, named after it; calling a method is
//! passing that keyword. Paths take `impl AsRef<Path>`, `cadata` a `&str`
//! (PEM, Python's `str`) or `&[u8]` (DER, Python's bytes), `password` a
//! `&str`, `&[u8]` or [`Password::Callback`]. Where Python's `None` is a
//! value of its own rather than the default (`cert_reqs=None`), the method
//! takes an `Option`.
//!
//! | Python | options value |
//! |---|---|
//! | `create_default_context(purpose, *, cafile, capath, cadata)` | [`DefaultContextOptions`] |
//! | `_create_unverified_context(protocol, *, cert_reqs, check_hostname, purpose, certfile, keyfile, cafile, capath, cadata)` | [`UnverifiedContextOptions`] |
//! | `ctx.load_verify_locations(cafile, capath, cadata)` | [`VerifyLocationsOptions`] |
//! | `ctx.load_cert_chain(certfile, keyfile, password)` | `certfile`, [`CertChainOptions`] |
//! | `ctx.wrap_socket(sock, server_side, do_handshake_on_connect, suppress_ragged_eofs, server_hostname, session)` | `sock`, [`WrapOptions`](crate::WrapOptions) |
//! | `ctx.wrap_bio(incoming, outgoing, server_side, server_hostname, session)` | `incoming`, `outgoing`, [`WrapOptions`](crate::WrapOptions) |
//! | `get_server_certificate(addr, ssl_version, ca_certs, timeout)` | `addr`, [`ServerCertificateOptions`] |
//! | `loop.create_connection(..., ssl=ctx, server_hostname=h)` | [`tokio::connect`](crate::tokio)`(ctx, io, WrapOptions::client(h))` |

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::context::{CaData, Password};
use crate::enums::{Protocol, Purpose, VerifyMode};

/// Python's truthiness of a path argument: `None` and `""` are false.
pub(crate) fn given(p: &Option<PathBuf>) -> bool {
    p.as_ref().is_some_and(|p| !p.as_os_str().is_empty())
}

/// Python's truthiness of `cadata`: `None`, `""` and `b""` are false.
pub(crate) fn cadata_given(c: &Option<CaData<'_>>) -> bool {
    match c {
        Some(CaData::Pem(s)) => !s.is_empty(),
        Some(CaData::Der(b)) => !b.is_empty(),
        None => false,
    }
}

/// The keyword arguments of `create_default_context(purpose=
/// Purpose.SERVER_AUTH, *, cafile=None, capath=None, cadata=None)`, for
/// [`create_default_context`](crate::create_default_context).
///
/// ```
/// use pyssl::{create_default_context, DefaultContextOptions, Purpose};
/// # fn main() -> pyssl::Result<()> {
/// let client = create_default_context(DefaultContextOptions::new())?;
/// let server = create_default_context(DefaultContextOptions::new().purpose(Purpose::ClientAuth))?;
/// # let _ = (client, server);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
#[doc(alias = "create_default_context")]
pub struct DefaultContextOptions<'a> {
    pub(crate) purpose: Purpose,
    pub(crate) cafile: Option<PathBuf>,
    pub(crate) capath: Option<PathBuf>,
    pub(crate) cadata: Option<CaData<'a>>,
}

impl Default for DefaultContextOptions<'_> {
    fn default() -> Self {
        DefaultContextOptions {
            purpose: Purpose::ServerAuth,
            cafile: None,
            capath: None,
            cadata: None,
        }
    }
}

impl<'a> DefaultContextOptions<'a> {
    /// Python's defaults: `Purpose.SERVER_AUTH`, no `cafile`, `capath` or
    /// `cadata` (the system's trust anchors).
    pub fn new() -> Self {
        Self::default()
    }

    /// `purpose`: [`Purpose::ServerAuth`] (a client context, the default)
    /// or [`Purpose::ClientAuth`] (a server context).
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// `cafile`: a PEM file of trust anchors.
    pub fn cafile(mut self, cafile: impl AsRef<Path>) -> Self {
        self.cafile = Some(cafile.as_ref().to_path_buf());
        self
    }

    /// `capath`: a hashed directory of trust anchors.
    pub fn capath(mut self, capath: impl AsRef<Path>) -> Self {
        self.capath = Some(capath.as_ref().to_path_buf());
        self
    }

    /// `cadata`: trust anchors as PEM text (`&str`) or DER bytes
    /// (`&[u8]`).
    pub fn cadata(mut self, cadata: impl Into<CaData<'a>>) -> Self {
        self.cadata = Some(cadata.into());
        self
    }
}

/// The keyword arguments of `_create_unverified_context(protocol=None, *,
/// cert_reqs=CERT_NONE, check_hostname=False, purpose=Purpose.SERVER_AUTH,
/// certfile=None, keyfile=None, cafile=None, capath=None, cadata=None)`
/// (alias `_create_stdlib_context`), for
/// [`create_unverified_context`](crate::create_unverified_context).
#[derive(Clone, Debug)]
#[doc(alias = "_create_unverified_context")]
#[doc(alias = "_create_stdlib_context")]
pub struct UnverifiedContextOptions<'a> {
    pub(crate) protocol: Option<Protocol>,
    pub(crate) cert_reqs: Option<VerifyMode>,
    pub(crate) check_hostname: bool,
    pub(crate) purpose: Purpose,
    pub(crate) certfile: Option<PathBuf>,
    pub(crate) keyfile: Option<PathBuf>,
    pub(crate) cafile: Option<PathBuf>,
    pub(crate) capath: Option<PathBuf>,
    pub(crate) cadata: Option<CaData<'a>>,
}

impl Default for UnverifiedContextOptions<'_> {
    fn default() -> Self {
        UnverifiedContextOptions {
            protocol: None,
            cert_reqs: Some(VerifyMode::None),
            check_hostname: false,
            purpose: Purpose::ServerAuth,
            certfile: None,
            keyfile: None,
            cafile: None,
            capath: None,
            cadata: None,
        }
    }
}

impl<'a> UnverifiedContextOptions<'a> {
    /// Python's defaults: the protocol of `purpose`, `CERT_NONE`, no
    /// hostname check, `Purpose.SERVER_AUTH`, no certificate, no trust
    /// anchors.
    pub fn new() -> Self {
        Self::default()
    }

    /// `protocol`: without it, `PROTOCOL_TLS_CLIENT` for
    /// [`Purpose::ServerAuth`] and `PROTOCOL_TLS_SERVER` for
    /// [`Purpose::ClientAuth`].
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// `cert_reqs`: the `verify_mode` to set (`CERT_NONE` by default);
    /// `None` keeps the protocol's own (`CERT_REQUIRED` for
    /// `PROTOCOL_TLS_CLIENT`).
    pub fn cert_reqs(mut self, cert_reqs: impl Into<Option<VerifyMode>>) -> Self {
        self.cert_reqs = cert_reqs.into();
        self
    }

    /// `check_hostname` (false by default).
    pub fn check_hostname(mut self, on: bool) -> Self {
        self.check_hostname = on;
        self
    }

    /// `purpose`: which protocol `protocol` defaults to, and which trust
    /// anchors `load_default_certs` loads.
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// `certfile`: this side's certificate chain (PEM), loaded with
    /// `load_cert_chain(certfile, keyfile)`.
    pub fn certfile(mut self, certfile: impl AsRef<Path>) -> Self {
        self.certfile = Some(certfile.as_ref().to_path_buf());
        self
    }

    /// `keyfile`: the private key of `certfile` (`ValueError("certfile
    /// must be specified")` without a `certfile`).
    pub fn keyfile(mut self, keyfile: impl AsRef<Path>) -> Self {
        self.keyfile = Some(keyfile.as_ref().to_path_buf());
        self
    }

    /// `cafile`: a PEM file of trust anchors.
    pub fn cafile(mut self, cafile: impl AsRef<Path>) -> Self {
        self.cafile = Some(cafile.as_ref().to_path_buf());
        self
    }

    /// `capath`: a hashed directory of trust anchors.
    pub fn capath(mut self, capath: impl AsRef<Path>) -> Self {
        self.capath = Some(capath.as_ref().to_path_buf());
        self
    }

    /// `cadata`: trust anchors as PEM text (`&str`) or DER bytes
    /// (`&[u8]`).
    pub fn cadata(mut self, cadata: impl Into<CaData<'a>>) -> Self {
        self.cadata = Some(cadata.into());
        self
    }
}

/// The arguments of `SSLContext.load_verify_locations(cafile=None,
/// capath=None, cadata=None)`, for
/// [`SslContext::load_verify_locations`](crate::SslContext::load_verify_locations).
/// At least one must be given (Python's `TypeError` otherwise).
///
/// ```no_run
/// use pyssl::{Protocol, SslContext, VerifyLocationsOptions};
/// # fn main() -> pyssl::Result<()> {
/// # let pem = "";
/// let ctx = SslContext::new(Protocol::TlsClient)?;
/// ctx.load_verify_locations(VerifyLocationsOptions::new().cafile("ca.pem"))?;
/// ctx.load_verify_locations(VerifyLocationsOptions::new().cadata(pem))?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
#[doc(alias = "load_verify_locations")]
pub struct VerifyLocationsOptions<'a> {
    pub(crate) cafile: Option<PathBuf>,
    pub(crate) capath: Option<PathBuf>,
    pub(crate) cadata: Option<CaData<'a>>,
}

impl<'a> VerifyLocationsOptions<'a> {
    /// Nothing given yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `cafile`: a PEM file of trust anchors.
    pub fn cafile(mut self, cafile: impl AsRef<Path>) -> Self {
        self.cafile = Some(cafile.as_ref().to_path_buf());
        self
    }

    /// `capath`: a hashed directory of trust anchors (read lazily, as
    /// OpenSSL does).
    pub fn capath(mut self, capath: impl AsRef<Path>) -> Self {
        self.capath = Some(capath.as_ref().to_path_buf());
        self
    }

    /// `cadata`: trust anchors as PEM text (`&str`) or DER bytes
    /// (`&[u8]`).
    pub fn cadata(mut self, cadata: impl Into<CaData<'a>>) -> Self {
        self.cadata = Some(cadata.into());
        self
    }
}

/// The keyword arguments of `SSLContext.load_cert_chain(certfile,
/// keyfile=None, password=None)` after `certfile`, for
/// [`SslContext::load_cert_chain`](crate::SslContext::load_cert_chain).
#[derive(Default)]
#[doc(alias = "load_cert_chain")]
pub struct CertChainOptions<'a> {
    pub(crate) keyfile: Option<PathBuf>,
    pub(crate) password: Option<Password<'a>>,
}

impl std::fmt::Debug for CertChainOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertChainOptions")
            .field("keyfile", &self.keyfile)
            .field("password", &self.password.as_ref().map(|_| ".."))
            .finish()
    }
}

impl<'a> CertChainOptions<'a> {
    /// Python's defaults: the key is in `certfile`, no password.
    pub fn new() -> Self {
        Self::default()
    }

    /// `keyfile`: the private key, when it is not in `certfile`.
    pub fn keyfile(mut self, keyfile: impl AsRef<Path>) -> Self {
        self.keyfile = Some(keyfile.as_ref().to_path_buf());
        self
    }

    /// `password`: of an encrypted key; a `&str`, `&[u8]` or a
    /// [`Password::Callback`].
    pub fn password(mut self, password: impl Into<Password<'a>>) -> Self {
        self.password = Some(password.into());
        self
    }
}

/// The keyword arguments of `get_server_certificate(addr,
/// ssl_version=PROTOCOL_TLS_CLIENT, ca_certs=None,
/// timeout=_GLOBAL_DEFAULT_TIMEOUT)` after `addr`, for
/// [`get_server_certificate`](crate::get_server_certificate).
#[derive(Clone, Debug)]
#[doc(alias = "get_server_certificate")]
pub struct ServerCertificateOptions {
    pub(crate) ssl_version: Protocol,
    pub(crate) ca_certs: Option<PathBuf>,
    pub(crate) timeout: Option<Duration>,
}

impl Default for ServerCertificateOptions {
    fn default() -> Self {
        ServerCertificateOptions {
            ssl_version: Protocol::TlsClient,
            ca_certs: None,
            timeout: None,
        }
    }
}

impl ServerCertificateOptions {
    /// Python's defaults: `PROTOCOL_TLS_CLIENT`, not verified, no timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// `ssl_version`: the protocol of the context.
    pub fn ssl_version(mut self, ssl_version: Protocol) -> Self {
        self.ssl_version = ssl_version;
        self
    }

    /// `ca_certs`: verify the server's certificate against this PEM file
    /// (`CERT_REQUIRED`, no hostname check, as in CPython).
    pub fn ca_certs(mut self, ca_certs: impl AsRef<Path>) -> Self {
        self.ca_certs = Some(ca_certs.as_ref().to_path_buf());
        self
    }

    /// `timeout`: for the connection and every later call (`None`, the
    /// default, blocks, as Python's global default timeout does).
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }
}
