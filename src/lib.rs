//! # pyssl: Python's `ssl` module for Rust, on OpenSSL
//!
//! pyssl gives Rust programs the observable behaviour of CPython 3.13's
//! `ssl` module: the same defaults, the same `check_hostname` /
//! `verify_mode` rules, the same hostname handling (IDNA 2003 A-labels, no
//! SNI for IP literals, the check done by OpenSSL during the handshake), the
//! same exception classes, `library`/`reason` mnemonics, verify codes and
//! message texts.
//!
//! | Python | pyssl |
//! |---|---|
//! | `ssl.SSLContext(PROTOCOL_TLS_CLIENT)` | [`SslContext::new`]`(`[`Protocol::TlsClient`]`)` |
//! | `ctx.verify_mode = CERT_NONE` | [`SslContext::set_verify_mode`]`(`[`VerifyMode::None`]`)` |
//! | `ctx.load_verify_locations(cafile=f)` | [`SslContext::load_verify_locations`]`(`[`VerifyLocationsOptions::new`]`().cafile(f))` |
//! | `ctx.load_cert_chain(c, keyfile=k)` | [`SslContext::load_cert_chain`]`(c, `[`CertChainOptions::new`]`().keyfile(k))` |
//! | `ctx.wrap_socket(sock, server_hostname=h)` | [`SslContext::wrap_socket`]`(sock, `[`WrapOptions::client`]`(h))` |
//! | `ctx.wrap_bio(i, o, server_side=True)` | [`SslContext::wrap_bio`]`(&i, &o, `[`WrapOptions::server`]`())` |
//! | `s.getpeercert()` / `getpeercert(True)` | [`SslSocket::getpeercert`] / [`SslSocket::getpeercert_der`] |
//! | `except ssl.SSLCertVerificationError as e` | [`Error::CertVerification`] |
//! | `except ssl.SSLError as e` | `Err(e) if e.`[`is_instance`](Error::is_instance)`(`[`PyClass::SslError`]`)` |
//! | `s.read(n)` | [`SslSocket::recv`] (`io::Read::read` keeps its meaning) |
//! | `ssl.create_default_context(cafile=f)` | [`create_default_context`]`(`[`DefaultContextOptions::new`]`().cafile(f))` |
//! | `ssl._create_unverified_context()` | [`create_unverified_context`]`(`[`UnverifiedContextOptions::new`]`())` |
//! | `ssl.get_server_certificate(addr, ca_certs=f)` | [`get_server_certificate`]`(addr, `[`ServerCertificateOptions::new`]`().ca_certs(f))` |
//!
//! ```no_run
//! use std::net::TcpStream;
//! use pyssl::{create_default_context, DefaultContextOptions, WrapOptions};
//!
//! # fn main() -> pyssl::Result<()> {
//! let ctx = create_default_context(DefaultContextOptions::new())?;
//! let sock = TcpStream::connect(("127.0.0.1", 8443))?;
//! let tls = ctx.wrap_socket(sock, WrapOptions::client("localhost"))?;
//! println!("{:?} {:?}", tls.version(), tls.cipher());
//! tls.sendall(b"ping")?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Keyword arguments
//!
//! One convention for every function whose Python counterpart takes
//! keywords: the parameters Python requires stay positional Rust
//! arguments; the ones with defaults are one options value, passed last.
//! An options value starts from Python's defaults (`new()`, or
//! `Default`) and has one builder method per keyword, named after it;
//! calling the method is passing the keyword. Paths take
//! `impl AsRef<Path>`, `cadata` a `&str` (PEM: Python's `str`) or a
//! `&[u8]` (DER: Python's bytes), `password` a `&str`, a `&[u8]` or a
//! [`Password::Callback`]. Where Python's `None` is a value of its own
//! rather than the default (`cert_reqs=None`, `server_hostname=None`,
//! `session=None`), the method takes an `Option`.
//!
//! | Python | Rust |
//! |---|---|
//! | `create_default_context(purpose, *, cafile, capath, cadata)` | [`create_default_context`]`(`[`DefaultContextOptions`]`)` |
//! | `_create_unverified_context(protocol, *, cert_reqs, check_hostname, purpose, certfile, keyfile, cafile, capath, cadata)` | [`create_unverified_context`]`(`[`UnverifiedContextOptions`]`)` |
//! | `ctx.load_verify_locations(cafile, capath, cadata)` | [`SslContext::load_verify_locations`]`(`[`VerifyLocationsOptions`]`)` |
//! | `ctx.load_cert_chain(certfile, keyfile, password)` | [`SslContext::load_cert_chain`]`(certfile, `[`CertChainOptions`]`)` |
//! | `ctx.wrap_socket(sock, server_side, do_handshake_on_connect, suppress_ragged_eofs, server_hostname, session)` | [`SslContext::wrap_socket`]`(sock, `[`WrapOptions`]`)` |
//! | `ctx.wrap_bio(incoming, outgoing, server_side, server_hostname, session)` | [`SslContext::wrap_bio`]`(&incoming, &outgoing, `[`WrapOptions`]`)` |
//! | `get_server_certificate(addr, ssl_version, ca_certs, timeout)` | [`get_server_certificate`]`(addr, `[`ServerCertificateOptions`]`)` |
//! | asyncio's `open_connection(..., ssl=ctx, server_hostname=h)` | `tokio::connect(&ctx, io, WrapOptions::client(h))` (feature `tokio`) |
//!
//! ```no_run
//! use pyssl::{
//!     create_default_context, CertChainOptions, DefaultContextOptions, Purpose, SslContext,
//!     Protocol, VerifyLocationsOptions,
//! };
//! # fn main() -> pyssl::Result<()> {
//! // ssl.create_default_context(cafile="ca.pem")
//! let client = create_default_context(DefaultContextOptions::new().cafile("ca.pem"))?;
//! // ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
//! let server = create_default_context(DefaultContextOptions::new().purpose(Purpose::ClientAuth))?;
//! // server.load_cert_chain("cert.pem", keyfile="key.pem", password="secret")
//! server.load_cert_chain("cert.pem", CertChainOptions::new().keyfile("key.pem").password("secret"))?;
//! // ctx.load_verify_locations(cadata=pem_text)
//! let ctx = SslContext::new(Protocol::TlsClient)?;
//! # let pem_text = String::new();
//! ctx.load_verify_locations(VerifyLocationsOptions::new().cadata(&pem_text))?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! Errors: every fallible call returns [`Error`], whose variant and
//! [`Error::class`] (a [`PyClass`]) name the exception CPython raises in the
//! same situation, whose [`Error::is_instance`] is Python's `isinstance`
//! (so `except` clauses become `match` guards), and whose `Display` is
//! Python's `str(exc)` without the `(_ssl.c:NNNN)` suffix.
//!
//! Every public item whose Python name differs from its Rust name carries
//! `#[doc(alias = "...")]` with the Python name, so rustdoc's search finds
//! `SSLContext`, `_create_unverified_context`, `CERT_REQUIRED`, ...

#![deny(unsafe_code)]
#![warn(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod asn1;
mod borrowed;
mod cert;
mod certificate;
mod context;
mod duplex;
mod enums;
pub mod error;
mod hostname;
mod memorybio;
mod message;
mod object;
mod options;
mod pure;
pub mod pyfmt;
mod session;
mod socket;
mod stream;
mod sys;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;
#[cfg(feature = "tokio")]
pub mod tokio;

/// The README's Rust examples, compiled (and run where they need no
/// network peer) by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}

pub use asn1::{nid2obj, txt2obj, Asn1Object};
pub use borrowed::BorrowedSslSocket;
pub use cert::{DistinguishedName, GeneralName, NameAttribute, NameValue, PeerCert, Rdn};
pub use certificate::{Certificate, Encoding};
pub use context::{
    create_default_context, AlertDescription, CaData, CertStoreStats, CipherDetails, Password,
    PskError, SniConnection, SniRequest, SslContext, DEFAULT_CIPHERS,
};
pub use enums::{Options, Protocol, Purpose, TlsVersion, VerifyFlags, VerifyMode};
pub use error::{
    CertificateError, Error, ExceptionClass, NotImplementedError, OsError, PyClass, Result,
    SslCertVerificationError, SslError, SslErrorKind, SslErrorNumber, TypeError, UnicodeError,
    UnicodeErrorKind, UnicodeObject, ValueError,
};
pub use memorybio::MemoryBio;
pub use message::{
    ConnectionId, MessageDirection, TlsAlertType, TlsContentType, TlsMessage, TlsMessageKind,
    TlsMessageType,
};
pub use object::SslObject;
pub use options::{
    CertChainOptions, DefaultContextOptions, ServerCertificateOptions, UnverifiedContextOptions,
    VerifyLocationsOptions,
};
pub use pyfmt::PyRepr;
pub use session::SslSession;
pub use socket::{SslSocket, StreamSocket, UnwrapError, WrapOptions};
/// The socket address type of [`SslSocket`]'s address methods
/// (`getpeername`, `connect`, `accept`), re-exported from `socket2`.
pub use socket2::SockAddr;
pub use stream::SslStream;
pub use tls::CipherInfo;

/// `HAS_SNI`: Server Name Indication is supported.
pub const HAS_SNI: bool = true;
/// `HAS_ALPN`: ALPN is supported.
pub const HAS_ALPN: bool = true;
/// `HAS_NPN`: NPN is not supported (CPython dropped it in 3.10).
pub const HAS_NPN: bool = false;
/// `HAS_ECDH`: elliptic-curve Diffie-Hellman key exchange is available.
pub const HAS_ECDH: bool = cfg!(has_ecdh);
/// `HAS_NEVER_CHECK_COMMON_NAME`: `hostname_checks_common_name` can be
/// turned off.
pub const HAS_NEVER_CHECK_COMMON_NAME: bool = cfg!(has_never_check_common_name);
/// `HAS_SSLv2`: never with OpenSSL 1.1+.
#[doc(alias = "HAS_SSLv2")]
pub const HAS_SSLV2: bool = false;
/// `HAS_SSLv3`: the linked OpenSSL was built with SSL 3.0.
#[doc(alias = "HAS_SSLv3")]
pub const HAS_SSLV3: bool = cfg!(has_sslv3);
/// `HAS_TLSv1`: the linked OpenSSL was built with TLS 1.0 (usable only at a
/// low security level).
#[doc(alias = "HAS_TLSv1")]
pub const HAS_TLSV1: bool = cfg!(has_tlsv1);
/// `HAS_TLSv1_1`: the linked OpenSSL was built with TLS 1.1.
#[doc(alias = "HAS_TLSv1_1")]
pub const HAS_TLSV1_1: bool = cfg!(has_tlsv1_1);
/// `HAS_TLSv1_2`: the linked OpenSSL was built with TLS 1.2.
#[doc(alias = "HAS_TLSv1_2")]
pub const HAS_TLSV1_2: bool = cfg!(has_tlsv1_2);
/// `HAS_TLSv1_3`: the linked OpenSSL was built with TLS 1.3.
#[doc(alias = "HAS_TLSv1_3")]
pub const HAS_TLSV1_3: bool = cfg!(has_tlsv1_3);
/// `HAS_PSK`: TLS pre-shared keys are available (the linked OpenSSL was
/// built without `OPENSSL_NO_PSK`).
pub const HAS_PSK: bool = cfg!(has_psk);
/// `HAS_TLS_UNIQUE`: the `tls-unique` channel binding is supported (always,
/// as in CPython 3.13).
pub const HAS_TLS_UNIQUE: bool = true;
/// `HAS_PHA` (Python 3.14): TLS 1.3 post-handshake authentication is
/// available.
pub const HAS_PHA: bool = cfg!(has_tlsv1_3);

/// `HOSTFLAG_ALWAYS_CHECK_SUBJECT` (`X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT`):
/// a flag of [`SslContext::host_flags`].
pub const HOSTFLAG_ALWAYS_CHECK_SUBJECT: u32 = openssl_sys::X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT;
/// `HOSTFLAG_NO_WILDCARDS` (`X509_CHECK_FLAG_NO_WILDCARDS`).
pub const HOSTFLAG_NO_WILDCARDS: u32 = openssl_sys::X509_CHECK_FLAG_NO_WILDCARDS;
/// `HOSTFLAG_NO_PARTIAL_WILDCARDS` (`X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`):
/// set on every new context, as CPython does.
pub const HOSTFLAG_NO_PARTIAL_WILDCARDS: u32 = openssl_sys::X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
/// `HOSTFLAG_MULTI_LABEL_WILDCARDS` (`X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS`).
pub const HOSTFLAG_MULTI_LABEL_WILDCARDS: u32 = openssl_sys::X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS;
/// `HOSTFLAG_SINGLE_LABEL_SUBDOMAINS`
/// (`X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS`).
pub const HOSTFLAG_SINGLE_LABEL_SUBDOMAINS: u32 =
    openssl_sys::X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS;
/// `HOSTFLAG_NEVER_CHECK_SUBJECT` (`X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`):
/// what `hostname_checks_common_name = False` sets.
pub const HOSTFLAG_NEVER_CHECK_SUBJECT: u32 = openssl_sys::X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;

/// The lowest version `MINIMUM_SUPPORTED` stands for when it is given as a
/// maximum (CPython's `PY_PROTO_MINIMUM_AVAILABLE`).
pub(crate) const MINIMUM_AVAILABLE: TlsVersion = if HAS_SSLV3 {
    TlsVersion::SslV3
} else if HAS_TLSV1 {
    TlsVersion::TlsV1
} else if HAS_TLSV1_1 {
    TlsVersion::TlsV1_1
} else if HAS_TLSV1_2 {
    TlsVersion::TlsV1_2
} else {
    TlsVersion::TlsV1_3
};

/// The highest version `MAXIMUM_SUPPORTED` stands for when it is given as a
/// minimum (CPython's `PY_PROTO_MAXIMUM_AVAILABLE`).
pub(crate) const MAXIMUM_AVAILABLE: TlsVersion = if HAS_TLSV1_3 {
    TlsVersion::TlsV1_3
} else if HAS_TLSV1_2 {
    TlsVersion::TlsV1_2
} else if HAS_TLSV1_1 {
    TlsVersion::TlsV1_1
} else {
    TlsVersion::TlsV1
};

/// `CHANNEL_BINDING_TYPES`.
pub const CHANNEL_BINDING_TYPES: &[&str] = &["tls-unique"];

/// `PEM_HEADER`.
pub const PEM_HEADER: &str = "-----BEGIN CERTIFICATE-----";
/// `PEM_FOOTER`.
pub const PEM_FOOTER: &str = "-----END CERTIFICATE-----";

/// `OPENSSL_VERSION`: the linked library's version text, e.g.
/// `"OpenSSL 3.0.19 27 Jan 2026"`.
#[doc(alias = "OPENSSL_VERSION")]
pub fn openssl_version() -> String {
    sys::misc::version_text()
}

/// `OPENSSL_VERSION_NUMBER`: the linked library's version number
/// (`0x30000130` for 3.0.19).
#[doc(alias = "OPENSSL_VERSION_NUMBER")]
pub fn openssl_version_number() -> u64 {
    sys::misc::version_number()
}

/// `OPENSSL_VERSION_INFO`: `(major, minor, fix, patch, status)` parsed from
/// the number as CPython does (on 3.x the "fix" slot is 0).
#[doc(alias = "OPENSSL_VERSION_INFO")]
pub fn openssl_version_info() -> (u32, u32, u32, u32, u32) {
    parse_openssl_version(openssl_version_number())
}

/// `_OPENSSL_API_VERSION`: the version of the OpenSSL headers pyssl was
/// built against, as the tuple of [`openssl_version_info`] (CPython parses
/// the `OPENSSL_VERSION_NUMBER` macro where `OPENSSL_VERSION_INFO` parses
/// the library's `OpenSSL_version_num()`).
#[doc(alias = "_OPENSSL_API_VERSION")]
pub fn openssl_api_version() -> (u32, u32, u32, u32, u32) {
    parse_openssl_version(OPENSSL_HEADER_VERSION)
}

/// The headers' `OPENSSL_VERSION_NUMBER`, from the build script.
const OPENSSL_HEADER_VERSION: u64 = parse_hex(env!("PYSSL_OPENSSL_HEADER_VERSION"));

const fn parse_hex(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0u64;
    while i < b.len() {
        let d = match b[i] {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => 0,
        };
        n = n * 16 + d as u64;
        i += 1;
    }
    n
}

/// CPython's `parse_openssl_version`: `(major, minor, fix, patch, status)`.
fn parse_openssl_version(n: u64) -> (u32, u32, u32, u32, u32) {
    let status = (n & 0xF) as u32;
    let patch = ((n >> 4) & 0xFF) as u32;
    let fix = ((n >> 12) & 0xFF) as u32;
    let minor = ((n >> 20) & 0xFF) as u32;
    let major = ((n >> 28) & 0xF) as u32;
    (major, minor, fix, patch, status)
}

/// `DER_cert_to_PEM_cert(der_cert_bytes)`: base64 in 64-character lines
/// between the PEM header and footer. The input is not validated.
#[doc(alias = "DER_cert_to_PEM_cert")]
pub fn der_cert_to_pem_cert(der: &[u8]) -> String {
    pure::pem::der_cert_to_pem_cert(der)
}

/// `PEM_cert_to_DER_cert(pem_cert_string)`: the DER bytes of a PEM
/// certificate; `ValueError` when the header or footer is missing.
#[doc(alias = "PEM_cert_to_DER_cert")]
pub fn pem_cert_to_der_cert(pem: &str) -> Result<Vec<u8>> {
    pure::pem::pem_cert_to_der_cert(pem)
}

/// `cert_time_to_seconds(cert_time)`: seconds since the epoch for a
/// certificate time such as `"Jan  5 09:34:43 2018 GMT"` (locale-free).
pub fn cert_time_to_seconds(cert_time: &str) -> Result<i64> {
    pure::certtime::cert_time_to_seconds(cert_time)
}

/// The legacy `match_hostname(cert, hostname)` (removed from Python in
/// 3.12), in its final 3.7–3.11 form: checks a `getpeercert()` value
/// against a hostname by RFC 6125 rules, raising `CertificateError`
/// ([`SslCertVerificationError`]) with Python's messages. Connections do
/// not use it: OpenSSL checks names during the handshake.
pub fn match_hostname(cert: &PeerCert, hostname: &str) -> Result<()> {
    pure::match_hostname::match_hostname(cert, hostname)
}

/// Decodes a DER certificate into the value `getpeercert()` would return
/// for it (CPython's `_ssl._test_decode_cert`, without the file).
#[doc(alias = "_test_decode_cert")]
pub fn decode_certificate(der: &[u8]) -> Result<PeerCert> {
    pure::x509::decode_certificate(der)
}

/// What [`get_default_verify_paths`] returns: Python's
/// `DefaultVerifyPaths` named tuple.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultVerifyPaths {
    /// `cafile`: the CA file in use (the environment variable's value, else
    /// OpenSSL's default), `None` unless it is a file.
    pub cafile: Option<String>,
    /// `capath`: the CA directory in use, `None` unless it is a directory.
    pub capath: Option<String>,
    /// `openssl_cafile_env`: `"SSL_CERT_FILE"`.
    pub openssl_cafile_env: String,
    /// `openssl_cafile`: OpenSSL's compiled-in CA file.
    pub openssl_cafile: String,
    /// `openssl_capath_env`: `"SSL_CERT_DIR"`.
    pub openssl_capath_env: String,
    /// `openssl_capath`: OpenSSL's compiled-in CA directory.
    pub openssl_capath: String,
}

/// `get_default_verify_paths()`: where OpenSSL looks for trust anchors; the
/// `SSL_CERT_FILE` / `SSL_CERT_DIR` environment variables take precedence,
/// as in CPython.
pub fn get_default_verify_paths() -> DefaultVerifyPaths {
    let (file_env, file, dir_env, dir) = sys::misc::default_verify_paths();
    let var = |k: &str| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned());
    let cafile = var(&file_env).unwrap_or_else(|| file.clone());
    let capath = var(&dir_env).unwrap_or_else(|| dir.clone());
    DefaultVerifyPaths {
        cafile: std::path::Path::new(&cafile)
            .is_file()
            .then_some(cafile.clone()),
        capath: std::path::Path::new(&capath)
            .is_dir()
            .then_some(capath.clone()),
        openssl_cafile_env: file_env,
        openssl_cafile: file,
        openssl_capath_env: dir_env,
        openssl_capath: dir,
    }
}

/// `RAND_bytes(n)`: `n` cryptographically strong random bytes.
#[doc(alias = "RAND_bytes")]
pub fn rand_bytes(n: usize) -> Result<Vec<u8>> {
    sys::misc::rand_bytes(n)
}

/// `RAND_status()`: whether the generator is seeded.
#[doc(alias = "RAND_status")]
pub fn rand_status() -> bool {
    sys::misc::rand_status()
}

/// `RAND_add(bytes, entropy)`: mixes `data` into the generator.
#[doc(alias = "RAND_add")]
pub fn rand_add(data: &[u8], entropy: f64) {
    sys::misc::rand_add(data, entropy)
}

/// `_create_unverified_context(protocol=None, *, cert_reqs=CERT_NONE,
/// check_hostname=False, purpose=Purpose.SERVER_AUTH, certfile=None,
/// keyfile=None, cafile=None, capath=None, cadata=None)` (alias
/// `_create_stdlib_context`), the keywords being
/// [`UnverifiedContextOptions`]: by default a context that verifies nothing
/// (`CERT_NONE`, no hostname check), as `get_server_certificate` and
/// CPython's stdlib clients use. As in CPython 3.13: the protocol of the
/// purpose unless given, `check_hostname` set before `verify_mode` (so
/// `check_hostname(true)` with `CERT_NONE` is CPython's `ValueError`),
/// `load_cert_chain(certfile, keyfile)`, then the given trust anchors or
/// the system's when verification is on, and `keylog_filename` from
/// `SSLKEYLOGFILE` (as [`create_default_context`]).
///
/// ```no_run
/// use pyssl::{create_unverified_context, UnverifiedContextOptions, VerifyMode};
/// # fn main() -> pyssl::Result<()> {
/// let plain = create_unverified_context(UnverifiedContextOptions::new())?;
/// let checked = create_unverified_context(
///     UnverifiedContextOptions::new().cert_reqs(VerifyMode::Required).cafile("ca.pem"),
/// )?;
/// # let _ = (plain, checked);
/// # Ok(())
/// # }
/// ```
#[doc(alias = "_create_unverified_context")]
#[doc(alias = "_create_stdlib_context")]
pub fn create_unverified_context(options: UnverifiedContextOptions<'_>) -> Result<SslContext> {
    let UnverifiedContextOptions {
        protocol,
        cert_reqs,
        check_hostname,
        purpose,
        certfile,
        keyfile,
        cafile,
        capath,
        cadata,
    } = options;
    let protocol = protocol.unwrap_or(match purpose {
        Purpose::ServerAuth => Protocol::TlsClient,
        Purpose::ClientAuth => Protocol::TlsServer,
    });
    let ctx = SslContext::new(protocol)?;
    ctx.set_check_hostname(check_hostname)?;
    if let Some(mode) = cert_reqs {
        ctx.set_verify_mode(mode)?;
    }
    if check_hostname {
        ctx.set_check_hostname(true)?;
    }
    let (cert_given, key_given) = (options::given(&certfile), options::given(&keyfile));
    if key_given && !cert_given {
        return Err(Error::value("certfile must be specified"));
    }
    if cert_given || key_given {
        let mut chain = CertChainOptions::new();
        chain.keyfile = keyfile;
        ctx.load_cert_chain(certfile.unwrap_or_default(), chain)?;
    }
    context::load_ca_or_default(&ctx, purpose, cafile, capath, cadata)?;
    context::keylog_from_environment(&ctx)?;
    Ok(ctx)
}

/// `get_server_certificate(addr, ssl_version=PROTOCOL_TLS_CLIENT,
/// ca_certs=None, timeout=...)` (the keywords are
/// [`ServerCertificateOptions`]): the server's certificate, PEM. As in
/// CPython 3.13 the context is `_create_unverified_context(ssl_version,
/// cert_reqs=CERT_REQUIRED if ca_certs else CERT_NONE, cafile=ca_certs)`
/// (so `SSLKEYLOGFILE` applies), verified against `ca_certs` without a
/// hostname check when given; SNI is sent for `host`; `timeout` bounds
/// the connection and the handshake.
///
/// ```no_run
/// use pyssl::{get_server_certificate, ServerCertificateOptions};
/// # fn main() -> pyssl::Result<()> {
/// let pem = get_server_certificate(("localhost", 8443), ServerCertificateOptions::new())?;
/// # let _ = pem;
/// # Ok(())
/// # }
/// ```
pub fn get_server_certificate(
    addr: (&str, u16),
    options: ServerCertificateOptions,
) -> Result<String> {
    use std::net::ToSocketAddrs;
    let ServerCertificateOptions {
        ssl_version,
        ca_certs,
        timeout,
    } = options;
    let mut ctx_options = UnverifiedContextOptions::new().protocol(ssl_version);
    if let Some(ca) = ca_certs {
        ctx_options = ctx_options.cert_reqs(VerifyMode::Required).cafile(ca);
    }
    let ctx = create_unverified_context(ctx_options)?;
    let (host, port) = addr;
    let mut last = None;
    let mut sock = None;
    for a in (host, port).to_socket_addrs()? {
        let r = match timeout {
            Some(t) => std::net::TcpStream::connect_timeout(&a, t),
            None => std::net::TcpStream::connect(a),
        };
        match r {
            Ok(s) => {
                sock = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let sock = match (sock, last) {
        (Some(s), _) => s,
        (None, Some(e)) => return Err(e.into()),
        (None, None) => {
            return Err(Error::Os(OsError::other(
                "getaddrinfo returns an empty list",
            )))
        }
    };
    sock.set_read_timeout(timeout)?;
    sock.set_write_timeout(timeout)?;
    let tls = ctx.wrap_socket(sock, WrapOptions::client(host))?;
    let der = tls.getpeercert_der()?.unwrap_or_default();
    Ok(der_cert_to_pem_cert(&der))
}

/// The linked OpenSSL's text for a certificate verification code
/// (`X509_verify_cert_error_string`): what `verify_message` holds for every
/// code but 62 and 64, which CPython words itself.
#[doc(alias = "X509_verify_cert_error_string")]
pub fn verify_code_message(code: i64) -> Option<String> {
    sys::err::verify_error_text(code)
}

/// CPython's `_ssl._test_decode_cert` on a PEM text: the first certificate
/// (read by OpenSSL's `PEM_read_bio_X509`), decoded as `getpeercert()`
/// does. `SSLError("Error decoding PEM-encoded file")` when there is none.
pub fn decode_pem_certificate(pem: &str) -> Result<PeerCert> {
    decode_pem_bytes(pem.as_bytes())
}

fn decode_pem_bytes(pem: &[u8]) -> Result<PeerCert> {
    let bad = || Error::Ssl(SslError::plain("Error decoding PEM-encoded file"));
    let der = sys::x509::pem_read_first(pem).ok_or_else(bad)?;
    match pure::x509::decode_certificate(&der) {
        Err(e) if pure::x509::is_malformed(&e) => Err(bad()),
        other => other,
    }
}

/// `server_hostname` as CPython stores and sends it:
/// `hostname.encode('idna').decode('ascii')` (IDNA 2003 with nameprep on
/// Unicode 3.2; ASCII labels keep their case). Errors are Python's
/// `UnicodeEncodeError`s.
#[doc(alias = "_encode_hostname")]
pub fn encode_hostname(hostname: &str) -> Result<String> {
    hostname::encode(hostname)
}

/// CPython's `_ssl._test_decode_cert(path)`: the first certificate of a PEM
/// file, decoded as `getpeercert()` does. `SSLError("Can't open file")`
/// when the file cannot be opened (CPython's message, whatever the cause),
/// otherwise as [`decode_pem_certificate`].
#[doc(alias = "_test_decode_cert")]
pub fn decode_pem_certificate_file(path: impl AsRef<std::path::Path>) -> Result<PeerCert> {
    let path = path.as_ref();
    let data = match std::fs::read(path) {
        Ok(data) => data,
        // `fopen` opens a directory; reading it then finds no certificate.
        Err(_) if path.is_dir() => Vec::new(),
        Err(_) => return Err(Error::Ssl(SslError::plain("Can't open file"))),
    };
    decode_pem_bytes(&data)
}

#[cfg(test)]
mod glue_api_tests {
    use super::*;

    #[test]
    fn api_version_is_the_headers() {
        let (major, ..) = openssl_api_version();
        assert_eq!(u64::from(major), OPENSSL_HEADER_VERSION >> 28);
        const { assert!(OPENSSL_HEADER_VERSION >= 0x1010_1000) };
        assert_eq!(parse_hex("30000130"), 0x3000_0130);
        assert_eq!(parse_openssl_version(0x3000_0130), (3, 0, 0, 19, 0));
    }

    #[test]
    fn decode_pem_certificate_file_errors() {
        let e =
            decode_pem_certificate_file(std::path::Path::new("/nonexistent/x.pem")).unwrap_err();
        assert_eq!(e.to_string(), "Can't open file");
        assert!(matches!(&e, Error::Ssl(s) if s.is_message_only()));
        let e = decode_pem_certificate_file(std::path::Path::new("/")).unwrap_err();
        assert_eq!(e.to_string(), "Error decoding PEM-encoded file");
    }
}
