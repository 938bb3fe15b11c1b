//! Python's `ssl` enumerations: `_SSLMethod` (the `PROTOCOL_*` constants),
//! `VerifyMode`, `TLSVersion`, `VerifyFlags`, `Options`, `Purpose`.

// `SSL_OP_*` are `u64` on OpenSSL 3 and `c_ulong` on 1.1.1: the casts are
// needed on some targets.
#![allow(clippy::unnecessary_cast)]

use std::fmt;

use openssl_sys as sys;

/// The protocol a context is created for: Python's `PROTOCOL_*` constants
/// (`ssl._SSLMethod`). Values are Python's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[doc(alias = "_SSLMethod")]
pub enum Protocol {
    /// `PROTOCOL_TLS` (alias `PROTOCOL_SSLv23`), deprecated in Python:
    /// either side, negotiating the highest version both support.
    #[doc(alias = "PROTOCOL_TLS")]
    #[doc(alias = "PROTOCOL_SSLv23")]
    Tls,
    /// `PROTOCOL_TLS_CLIENT`: client side, hostname checking and
    /// `CERT_REQUIRED` on by default.
    #[doc(alias = "PROTOCOL_TLS_CLIENT")]
    TlsClient,
    /// `PROTOCOL_TLS_SERVER`: server side.
    #[doc(alias = "PROTOCOL_TLS_SERVER")]
    TlsServer,
    /// `PROTOCOL_TLSv1` (deprecated): TLS 1.0 only.
    #[doc(alias = "PROTOCOL_TLSv1")]
    TlsV1,
    /// `PROTOCOL_TLSv1_1` (deprecated): TLS 1.1 only.
    #[doc(alias = "PROTOCOL_TLSv1_1")]
    TlsV1_1,
    /// `PROTOCOL_TLSv1_2` (deprecated): TLS 1.2 only.
    #[doc(alias = "PROTOCOL_TLSv1_2")]
    TlsV1_2,
}

impl Protocol {
    /// Python's integer value (`PROTOCOL_TLS_CLIENT == 16`).
    pub fn value(self) -> i32 {
        match self {
            Protocol::Tls => 2,
            Protocol::TlsV1 => 3,
            Protocol::TlsV1_1 => 4,
            Protocol::TlsV1_2 => 5,
            Protocol::TlsClient => 16,
            Protocol::TlsServer => 17,
        }
    }

    /// Python's name (`"PROTOCOL_TLS_CLIENT"`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tls => "PROTOCOL_TLS",
            Protocol::TlsV1 => "PROTOCOL_TLSv1",
            Protocol::TlsV1_1 => "PROTOCOL_TLSv1_1",
            Protocol::TlsV1_2 => "PROTOCOL_TLSv1_2",
            Protocol::TlsClient => "PROTOCOL_TLS_CLIENT",
            Protocol::TlsServer => "PROTOCOL_TLS_SERVER",
        }
    }

    /// The protocol with Python's name (`PROTOCOL_SSLv23` is `PROTOCOL_TLS`).
    pub fn from_name(name: &str) -> Option<Protocol> {
        Some(match name {
            "PROTOCOL_TLS" | "PROTOCOL_SSLv23" => Protocol::Tls,
            "PROTOCOL_TLSv1" => Protocol::TlsV1,
            "PROTOCOL_TLSv1_1" => Protocol::TlsV1_1,
            "PROTOCOL_TLSv1_2" => Protocol::TlsV1_2,
            "PROTOCOL_TLS_CLIENT" => Protocol::TlsClient,
            "PROTOCOL_TLS_SERVER" => Protocol::TlsServer,
            _ => return None,
        })
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether and how the peer's certificate is verified: Python's
/// `VerifyMode` (`CERT_NONE`, `CERT_OPTIONAL`, `CERT_REQUIRED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerifyMode {
    /// `CERT_NONE` (0): no verification (`SSL_VERIFY_NONE`).
    #[doc(alias = "CERT_NONE")]
    None,
    /// `CERT_OPTIONAL` (1): verify a certificate if one is sent
    /// (`SSL_VERIFY_PEER`).
    #[doc(alias = "CERT_OPTIONAL")]
    Optional,
    /// `CERT_REQUIRED` (2): a verified certificate is required
    /// (`SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT`).
    #[doc(alias = "CERT_REQUIRED")]
    Required,
}

impl VerifyMode {
    /// Python's value.
    pub fn value(self) -> i32 {
        match self {
            VerifyMode::None => 0,
            VerifyMode::Optional => 1,
            VerifyMode::Required => 2,
        }
    }

    /// Python's name (`"CERT_REQUIRED"`).
    pub fn name(self) -> &'static str {
        match self {
            VerifyMode::None => "CERT_NONE",
            VerifyMode::Optional => "CERT_OPTIONAL",
            VerifyMode::Required => "CERT_REQUIRED",
        }
    }

    /// The mode with Python's name.
    pub fn from_name(name: &str) -> Option<VerifyMode> {
        Some(match name {
            "CERT_NONE" => VerifyMode::None,
            "CERT_OPTIONAL" => VerifyMode::Optional,
            "CERT_REQUIRED" => VerifyMode::Required,
            _ => return None,
        })
    }

    pub(crate) fn to_openssl(self) -> libc::c_int {
        match self {
            VerifyMode::None => sys::SSL_VERIFY_NONE,
            VerifyMode::Optional => sys::SSL_VERIFY_PEER,
            VerifyMode::Required => sys::SSL_VERIFY_PEER | sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
        }
    }

    pub(crate) fn from_openssl(mode: libc::c_int) -> VerifyMode {
        let m = mode & (sys::SSL_VERIFY_PEER | sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
        if m == sys::SSL_VERIFY_PEER | sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT {
            VerifyMode::Required
        } else if m & sys::SSL_VERIFY_PEER != 0 {
            VerifyMode::Optional
        } else {
            VerifyMode::None
        }
    }
}

impl fmt::Display for VerifyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A protocol version bound: Python's `TLSVersion`.
///
/// Ordered as Python orders it, by value: `MINIMUM_SUPPORTED` (-2) <
/// `MAXIMUM_SUPPORTED` (-1) < `SSLv3` < ... < `TLSv1_3`, so
/// `TlsVersion::MaximumSupported < TlsVersion::TlsV1_2` holds, as
/// `TLSVersion.MAXIMUM_SUPPORTED < TLSVersion.TLSv1_2` does in Python.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "TLSVersion")]
pub enum TlsVersion {
    /// `MINIMUM_SUPPORTED` (-2): the lowest version OpenSSL supports.
    #[doc(alias = "MINIMUM_SUPPORTED")]
    MinimumSupported,
    /// `SSLv3` (0x300), deprecated.
    #[doc(alias = "SSLv3")]
    SslV3,
    /// `TLSv1` (0x301), deprecated.
    #[doc(alias = "TLSv1")]
    TlsV1,
    /// `TLSv1_1` (0x302), deprecated.
    #[doc(alias = "TLSv1_1")]
    TlsV1_1,
    /// `TLSv1_2` (0x303).
    #[doc(alias = "TLSv1_2")]
    TlsV1_2,
    /// `TLSv1_3` (0x304).
    #[doc(alias = "TLSv1_3")]
    TlsV1_3,
    /// `MAXIMUM_SUPPORTED` (-1): the highest version OpenSSL supports.
    #[doc(alias = "MAXIMUM_SUPPORTED")]
    MaximumSupported,
}

impl TlsVersion {
    /// Python's value (`TLSVersion.TLSv1_2 == 0x303`).
    pub fn value(self) -> i32 {
        match self {
            TlsVersion::MinimumSupported => -2,
            TlsVersion::SslV3 => 0x300,
            TlsVersion::TlsV1 => 0x301,
            TlsVersion::TlsV1_1 => 0x302,
            TlsVersion::TlsV1_2 => 0x303,
            TlsVersion::TlsV1_3 => 0x304,
            TlsVersion::MaximumSupported => -1,
        }
    }

    /// The version with Python's value.
    pub fn from_value(v: i32) -> Option<TlsVersion> {
        Some(match v {
            -2 => TlsVersion::MinimumSupported,
            0x300 => TlsVersion::SslV3,
            0x301 => TlsVersion::TlsV1,
            0x302 => TlsVersion::TlsV1_1,
            0x303 => TlsVersion::TlsV1_2,
            0x304 => TlsVersion::TlsV1_3,
            -1 => TlsVersion::MaximumSupported,
            _ => return None,
        })
    }

    /// Python's name (`"TLSv1_2"`).
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::MinimumSupported => "MINIMUM_SUPPORTED",
            TlsVersion::SslV3 => "SSLv3",
            TlsVersion::TlsV1 => "TLSv1",
            TlsVersion::TlsV1_1 => "TLSv1_1",
            TlsVersion::TlsV1_2 => "TLSv1_2",
            TlsVersion::TlsV1_3 => "TLSv1_3",
            TlsVersion::MaximumSupported => "MAXIMUM_SUPPORTED",
        }
    }

    /// The version with Python's name.
    pub fn from_name(name: &str) -> Option<TlsVersion> {
        [
            TlsVersion::MinimumSupported,
            TlsVersion::SslV3,
            TlsVersion::TlsV1,
            TlsVersion::TlsV1_1,
            TlsVersion::TlsV1_2,
            TlsVersion::TlsV1_3,
            TlsVersion::MaximumSupported,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }
}

impl PartialOrd for TlsVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TlsVersion {
    /// Python's order: by value.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value().cmp(&other.value())
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

bitflags::bitflags! {
    /// Certificate verification flags: Python's `VerifyFlags`
    /// (`X509_VERIFY_PARAM` flags). Unnamed bits are kept.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct VerifyFlags: u64 {
        /// `VERIFY_CRL_CHECK_LEAF`: check the leaf against a CRL.
        #[doc(alias = "VERIFY_CRL_CHECK_LEAF")]
        const CRL_CHECK_LEAF = 0x4;
        /// `VERIFY_CRL_CHECK_CHAIN`: check every certificate of the chain.
        #[doc(alias = "VERIFY_CRL_CHECK_CHAIN")]
        const CRL_CHECK_CHAIN = 0x4 | 0x8;
        /// `VERIFY_X509_STRICT`: strict RFC 5280 checks.
        #[doc(alias = "VERIFY_X509_STRICT")]
        const X509_STRICT = 0x20;
        /// `VERIFY_ALLOW_PROXY_CERTS`: accept proxy certificates.
        #[doc(alias = "VERIFY_ALLOW_PROXY_CERTS")]
        const ALLOW_PROXY_CERTS = 0x40;
        /// `VERIFY_X509_TRUSTED_FIRST`: prefer trusted certificates when
        /// building the chain (the default).
        #[doc(alias = "VERIFY_X509_TRUSTED_FIRST")]
        const X509_TRUSTED_FIRST = 0x8000;
        /// `VERIFY_X509_PARTIAL_CHAIN`: a trusted intermediate may end the
        /// chain.
        #[doc(alias = "VERIFY_X509_PARTIAL_CHAIN")]
        const X509_PARTIAL_CHAIN = 0x80000;
        const _ = !0;
    }
}

impl VerifyFlags {
    /// `VERIFY_DEFAULT` (0).
    #[doc(alias = "VERIFY_DEFAULT")]
    pub const DEFAULT: VerifyFlags = VerifyFlags::empty();

    /// Python's names, in the order of `ssl.VerifyFlags`.
    pub const NAMES: &'static [(&'static str, VerifyFlags)] = &[
        ("VERIFY_CRL_CHECK_LEAF", VerifyFlags::CRL_CHECK_LEAF),
        ("VERIFY_CRL_CHECK_CHAIN", VerifyFlags::CRL_CHECK_CHAIN),
        ("VERIFY_X509_STRICT", VerifyFlags::X509_STRICT),
        ("VERIFY_X509_TRUSTED_FIRST", VerifyFlags::X509_TRUSTED_FIRST),
        ("VERIFY_ALLOW_PROXY_CERTS", VerifyFlags::ALLOW_PROXY_CERTS),
        ("VERIFY_X509_PARTIAL_CHAIN", VerifyFlags::X509_PARTIAL_CHAIN),
    ];

    /// The flag with Python's name.
    pub fn from_python_name(name: &str) -> Option<VerifyFlags> {
        if name == "VERIFY_DEFAULT" {
            return Some(VerifyFlags::DEFAULT);
        }
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }
}

bitflags::bitflags! {
    /// Context options: Python's `Options` (`SSL_OP_*` of the linked
    /// OpenSSL). Unnamed bits are kept.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Options: u64 {
        /// `OP_NO_SSLv3`.
        #[doc(alias = "OP_NO_SSLv3")]
        const NO_SSLV3 = sys::SSL_OP_NO_SSLv3 as u64;
        /// `OP_NO_TLSv1` (deprecated in Python).
        #[doc(alias = "OP_NO_TLSv1")]
        const NO_TLSV1 = sys::SSL_OP_NO_TLSv1 as u64;
        /// `OP_NO_TLSv1_1` (deprecated in Python).
        #[doc(alias = "OP_NO_TLSv1_1")]
        const NO_TLSV1_1 = sys::SSL_OP_NO_TLSv1_1 as u64;
        /// `OP_NO_TLSv1_2` (deprecated in Python).
        #[doc(alias = "OP_NO_TLSv1_2")]
        const NO_TLSV1_2 = sys::SSL_OP_NO_TLSv1_2 as u64;
        /// `OP_NO_TLSv1_3` (deprecated in Python).
        #[doc(alias = "OP_NO_TLSv1_3")]
        const NO_TLSV1_3 = sys::SSL_OP_NO_TLSv1_3 as u64;
        /// `OP_NO_COMPRESSION`.
        #[doc(alias = "OP_NO_COMPRESSION")]
        const NO_COMPRESSION = sys::SSL_OP_NO_COMPRESSION as u64;
        /// `OP_CIPHER_SERVER_PREFERENCE`.
        #[doc(alias = "OP_CIPHER_SERVER_PREFERENCE")]
        const CIPHER_SERVER_PREFERENCE = sys::SSL_OP_CIPHER_SERVER_PREFERENCE as u64;
        /// `OP_NO_TICKET`.
        #[doc(alias = "OP_NO_TICKET")]
        const NO_TICKET = sys::SSL_OP_NO_TICKET as u64;
        /// `OP_NO_RENEGOTIATION`.
        #[doc(alias = "OP_NO_RENEGOTIATION")]
        const NO_RENEGOTIATION = sys::SSL_OP_NO_RENEGOTIATION as u64;
        /// `OP_ENABLE_MIDDLEBOX_COMPAT`.
        #[doc(alias = "OP_ENABLE_MIDDLEBOX_COMPAT")]
        const ENABLE_MIDDLEBOX_COMPAT = sys::SSL_OP_ENABLE_MIDDLEBOX_COMPAT as u64;
        /// `OP_IGNORE_UNEXPECTED_EOF` (OpenSSL 3): treat a missing
        /// close_notify as a clean EOF.
        #[doc(alias = "OP_IGNORE_UNEXPECTED_EOF")]
        const IGNORE_UNEXPECTED_EOF = 0x80;
        /// `OP_LEGACY_SERVER_CONNECT`.
        #[doc(alias = "OP_LEGACY_SERVER_CONNECT")]
        const LEGACY_SERVER_CONNECT = sys::SSL_OP_LEGACY_SERVER_CONNECT as u64;
        /// `OP_ENABLE_KTLS`.
        #[doc(alias = "OP_ENABLE_KTLS")]
        const ENABLE_KTLS = 0x8;
        const _ = !0;
    }
}

impl Options {
    /// `OP_ALL`: OpenSSL's bug workarounds (`SSL_OP_ALL` of the linked
    /// version) without `SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS`, as CPython
    /// defines it.
    #[doc(alias = "OP_ALL")]
    pub const ALL: Options = Options::from_bits_retain(
        (sys::SSL_OP_ALL as u64) & !(sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS as u64),
    );
    /// `OP_NO_SSLv2` (0 with OpenSSL 1.1+).
    #[doc(alias = "OP_NO_SSLv2")]
    pub const NO_SSLV2: Options = Options::from_bits_retain(sys::SSL_OP_NO_SSLv2 as u64);
    /// `OP_SINGLE_DH_USE` (0 with OpenSSL 1.1+).
    #[doc(alias = "OP_SINGLE_DH_USE")]
    pub const SINGLE_DH_USE: Options = Options::from_bits_retain(sys::SSL_OP_SINGLE_DH_USE as u64);
    /// `OP_SINGLE_ECDH_USE` (0 with OpenSSL 1.1+).
    #[doc(alias = "OP_SINGLE_ECDH_USE")]
    pub const SINGLE_ECDH_USE: Options =
        Options::from_bits_retain(sys::SSL_OP_SINGLE_ECDH_USE as u64);

    /// Python's names and values, in the order of `ssl.Options`.
    pub const NAMES: &'static [(&'static str, Options)] = &[
        ("OP_ALL", Options::ALL),
        ("OP_NO_SSLv2", Options::NO_SSLV2),
        ("OP_NO_SSLv3", Options::NO_SSLV3),
        ("OP_NO_TLSv1", Options::NO_TLSV1),
        ("OP_NO_TLSv1_1", Options::NO_TLSV1_1),
        ("OP_NO_TLSv1_2", Options::NO_TLSV1_2),
        ("OP_NO_TLSv1_3", Options::NO_TLSV1_3),
        ("OP_NO_COMPRESSION", Options::NO_COMPRESSION),
        (
            "OP_CIPHER_SERVER_PREFERENCE",
            Options::CIPHER_SERVER_PREFERENCE,
        ),
        ("OP_SINGLE_DH_USE", Options::SINGLE_DH_USE),
        ("OP_SINGLE_ECDH_USE", Options::SINGLE_ECDH_USE),
        ("OP_NO_TICKET", Options::NO_TICKET),
        ("OP_NO_RENEGOTIATION", Options::NO_RENEGOTIATION),
        (
            "OP_ENABLE_MIDDLEBOX_COMPAT",
            Options::ENABLE_MIDDLEBOX_COMPAT,
        ),
        ("OP_IGNORE_UNEXPECTED_EOF", Options::IGNORE_UNEXPECTED_EOF),
        ("OP_LEGACY_SERVER_CONNECT", Options::LEGACY_SERVER_CONNECT),
        ("OP_ENABLE_KTLS", Options::ENABLE_KTLS),
    ];

    /// The option with Python's name.
    pub fn from_python_name(name: &str) -> Option<Options> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }
}

/// What a default context is for: Python's `Purpose`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// `Purpose.SERVER_AUTH`: a client context that authenticates servers.
    #[doc(alias = "SERVER_AUTH")]
    ServerAuth,
    /// `Purpose.CLIENT_AUTH`: a server context that authenticates clients.
    #[doc(alias = "CLIENT_AUTH")]
    ClientAuth,
}

impl Purpose {
    /// The purpose's OID (`Purpose.SERVER_AUTH.oid`).
    pub fn oid(self) -> &'static str {
        match self {
            Purpose::ServerAuth => "1.3.6.1.5.5.7.3.1",
            Purpose::ClientAuth => "1.3.6.1.5.5.7.3.2",
        }
    }

    /// The purpose's OpenSSL NID (`Purpose.SERVER_AUTH.nid`: 129, and 130
    /// for `CLIENT_AUTH`).
    pub fn nid(self) -> i32 {
        match self {
            Purpose::ServerAuth => sys::NID_server_auth,
            Purpose::ClientAuth => sys::NID_client_auth,
        }
    }

    /// The purpose's OpenSSL short name (`Purpose.SERVER_AUTH.shortname`:
    /// `"serverAuth"`).
    pub fn shortname(self) -> String {
        crate::sys::asn1::nid2sn(self.nid()).unwrap_or_default()
    }

    /// The purpose's OpenSSL long name (`Purpose.SERVER_AUTH.longname`:
    /// `"TLS Web Server Authentication"`).
    pub fn longname(self) -> String {
        crate::sys::asn1::nid2ln(self.nid()).unwrap_or_default()
    }

    /// The purpose as an [`Asn1Object`](crate::Asn1Object) (Python's
    /// `Purpose` members are `_ASN1Object`s).
    pub fn asn1_object(self) -> crate::Asn1Object {
        crate::Asn1Object {
            nid: self.nid(),
            shortname: self.shortname(),
            longname: self.longname(),
            oid: self.oid().to_string(),
        }
    }
}

impl TryFrom<i64> for Protocol {
    type Error = crate::Error;

    /// The protocol with Python's value; CPython's `ValueError` for any
    /// other (`_SSLContext(99)`).
    fn try_from(v: i64) -> crate::Result<Protocol> {
        [
            Protocol::Tls,
            Protocol::TlsClient,
            Protocol::TlsServer,
            Protocol::TlsV1,
            Protocol::TlsV1_1,
            Protocol::TlsV1_2,
        ]
        .into_iter()
        .find(|p| i64::from(p.value()) == v)
        .ok_or_else(|| crate::Error::value(format!("invalid or unsupported protocol version {v}")))
    }
}

impl TryFrom<i64> for VerifyMode {
    type Error = crate::Error;

    /// The mode with Python's value; CPython's `ValueError` for any other
    /// (`ctx.verify_mode = 7`).
    fn try_from(v: i64) -> crate::Result<VerifyMode> {
        match v {
            0 => Ok(VerifyMode::None),
            1 => Ok(VerifyMode::Optional),
            2 => Ok(VerifyMode::Required),
            _ => Err(crate::Error::value("invalid value for verify_mode")),
        }
    }
}

impl TryFrom<i64> for TlsVersion {
    type Error = crate::Error;

    /// The version with Python's value; CPython's `ValueError` for any
    /// other (`ctx.minimum_version = 0x2a`).
    fn try_from(v: i64) -> crate::Result<TlsVersion> {
        i32::try_from(v)
            .ok()
            .and_then(TlsVersion::from_value)
            .ok_or_else(|| crate::Error::value(format!("Unsupported TLS/SSL version 0x{v:x}")))
    }
}

impl Protocol {
    /// The `DeprecationWarning` CPython emits when a context is created
    /// for this protocol (`"ssl.PROTOCOL_TLS is deprecated"`); `None` for
    /// `PROTOCOL_TLS_CLIENT` and `PROTOCOL_TLS_SERVER`. pyssl itself warns
    /// about nothing: this is for callers that relay Python's warnings.
    #[doc(alias = "DeprecationWarning")]
    pub fn deprecation(self) -> Option<&'static str> {
        match self {
            Protocol::Tls => Some("ssl.PROTOCOL_TLS is deprecated"),
            Protocol::TlsV1 => Some("ssl.PROTOCOL_TLSv1 is deprecated"),
            Protocol::TlsV1_1 => Some("ssl.PROTOCOL_TLSv1_1 is deprecated"),
            Protocol::TlsV1_2 => Some("ssl.PROTOCOL_TLSv1_2 is deprecated"),
            Protocol::TlsClient | Protocol::TlsServer => None,
        }
    }
}

impl TlsVersion {
    /// The `DeprecationWarning` CPython emits when this version is set as
    /// `minimum_version` or `maximum_version`
    /// (`"ssl.TLSVersion.TLSv1 is deprecated"`), for SSL 3.0, TLS 1.0
    /// and TLS 1.1.
    #[doc(alias = "DeprecationWarning")]
    pub fn deprecation(self) -> Option<&'static str> {
        match self {
            TlsVersion::SslV3 => Some("ssl.TLSVersion.SSLv3 is deprecated"),
            TlsVersion::TlsV1 => Some("ssl.TLSVersion.TLSv1 is deprecated"),
            TlsVersion::TlsV1_1 => Some("ssl.TLSVersion.TLSv1_1 is deprecated"),
            _ => None,
        }
    }
}

impl Options {
    /// The protocol-disabling options (`OP_NO_SSLv2` ... `OP_NO_TLSv1_3`)
    /// that Python deprecates in favour of `minimum_version` /
    /// `maximum_version`.
    pub const DEPRECATED: Options = Options::NO_SSLV2
        .union(Options::NO_SSLV3)
        .union(Options::NO_TLSV1)
        .union(Options::NO_TLSV1_1)
        .union(Options::NO_TLSV1_2)
        .union(Options::NO_TLSV1_3);

    /// The `DeprecationWarning` CPython emits when `options` changes from
    /// `old` to `new`: when the change sets one of [`Options::DEPRECATED`]
    /// that was not set before.
    #[doc(alias = "DeprecationWarning")]
    pub fn deprecation(old: Options, new: Options) -> Option<&'static str> {
        let set = new.difference(old);
        set.intersects(Options::DEPRECATED)
            .then_some("ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated")
    }
}
