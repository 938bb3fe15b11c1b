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
//! | `ctx.load_verify_locations(cafile=...)` | [`SslContext::load_verify_locations`] |
//! | `ctx.wrap_socket(sock, server_hostname=h)` | [`SslContext::wrap_socket`]`(sock, `[`WrapOptions::client`]`(h))` |
//! | `s.getpeercert()` / `getpeercert(True)` | [`SslSocket::getpeercert`] / [`SslSocket::getpeercert_der`] |
//! | `except ssl.SSLCertVerificationError as e` | [`Error::CertVerification`] |
//! | `except ssl.SSLError as e` | `Err(e) if e.`[`is_instance`](Error::is_instance)`(`[`PyClass::SslError`]`)` |
//! | `s.read(n)` | [`SslSocket::recv`] (`io::Read::read` keeps its meaning) |
//! | `ssl.create_default_context()` | [`create_default_context`] |
//!
//! ```no_run
//! use std::net::TcpStream;
//! use pyssl::{create_default_context, Purpose, WrapOptions};
//!
//! # fn main() -> pyssl::Result<()> {
//! let ctx = create_default_context(Purpose::ServerAuth, None, None, None)?;
//! let sock = TcpStream::connect(("127.0.0.1", 8443))?;
//! let mut tls = ctx.wrap_socket(sock, WrapOptions::client("localhost"))?;
//! println!("{:?} {:?}", tls.version(), tls.cipher());
//! tls.sendall(b"ping")?;
//! # Ok(())
//! # }
//! ```
//!
//! Errors: every fallible call returns [`Error`], whose variant and
//! [`Error::class`] (a [`PyClass`]) name the exception CPython raises in the
//! same situation, whose [`Error::is_instance`] is Python's `isinstance`
//! (so `except` clauses become `match` guards), and whose `Display` is
//! Python's `str(exc)` without the `(_ssl.c:NNNN)` suffix.

#![deny(unsafe_code)]
#![warn(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod asn1;
mod borrowed;
mod cert;
mod certificate;
mod context;
mod enums;
pub mod error;
mod hostname;
mod memorybio;
mod message;
mod object;
mod pure;
pub mod pyfmt;
mod session;
mod socket;
mod sys;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;
#[cfg(feature = "tokio")]
pub mod tokio;

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
    CertificateError, Error, ExceptionClass, OsError, PyClass, Result, SslCertVerificationError,
    SslError, SslErrorKind, SslErrorNumber, TypeError, UnicodeError, UnicodeErrorKind,
    UnicodeObject, ValueError,
};
pub use memorybio::MemoryBio;
pub use message::{
    ConnectionId, MessageDirection, TlsAlertType, TlsContentType, TlsMessage, TlsMessageKind,
    TlsMessageType,
};
pub use object::SslObject;
pub use pyfmt::PyRepr;
pub use session::SslSession;
pub use socket::{SslSocket, WrapOptions};
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

/// `_create_unverified_context(protocol)` (alias `_create_stdlib_context`):
/// a context that verifies nothing (`CERT_NONE`, no hostname check), as
/// `get_server_certificate` and CPython's stdlib clients use.
#[doc(alias = "_create_unverified_context")]
#[doc(alias = "_create_stdlib_context")]
pub fn create_unverified_context(protocol: Protocol) -> Result<SslContext> {
    let ctx = SslContext::new(protocol)?;
    ctx.set_check_hostname(false)?;
    ctx.set_verify_mode(VerifyMode::None)?;
    if let Some(f) = std::env::var_os("SSLKEYLOGFILE").filter(|f| !f.is_empty()) {
        ctx.set_keylog_filename(Some(std::path::Path::new(&f)))?;
    }
    Ok(ctx)
}

/// `get_server_certificate(addr, ssl_version, ca_certs, timeout)`: the
/// server's certificate, PEM. Verified against `ca_certs` when given
/// (without a hostname check, as in CPython), not verified otherwise; SNI
/// is sent for `host`.
pub fn get_server_certificate(
    addr: (&str, u16),
    ssl_version: Protocol,
    ca_certs: Option<&std::path::Path>,
    timeout: Option<std::time::Duration>,
) -> Result<String> {
    use std::net::ToSocketAddrs;
    let ctx = SslContext::new(ssl_version)?;
    ctx.set_check_hostname(false)?;
    match ca_certs {
        Some(ca) => {
            ctx.set_verify_mode(VerifyMode::Required)?;
            ctx.load_verify_locations(Some(ca), None, None)?;
        }
        None => ctx.set_verify_mode(VerifyMode::None)?,
    }
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
/// (read as OpenSSL's `PEM_read_bio_X509` reads), decoded as
/// `getpeercert()` does. `SSLError("Error decoding PEM-encoded file")`
/// when there is none.
pub fn decode_pem_certificate(pem: &str) -> Result<PeerCert> {
    let bad = || Error::Ssl(SslError::plain("Error decoding PEM-encoded file"));
    let der = pure::pem::pem_read_x509(pem).ok_or_else(bad)?;
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
pub fn decode_pem_certificate_file(path: &std::path::Path) -> Result<PeerCert> {
    let data = match std::fs::read(path) {
        Ok(data) => data,
        // `fopen` opens a directory; reading it then finds no certificate.
        Err(_) if path.is_dir() => Vec::new(),
        Err(_) => return Err(Error::Ssl(SslError::plain("Can't open file"))),
    };
    decode_pem_certificate(&String::from_utf8_lossy(&data))
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
