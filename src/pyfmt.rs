//! Python's text formatting: `repr()` of the values pyssl returns
//! ([`PyRepr`]: what `print(repr(x))` shows in Python for the same value),
//! and `json.dumps()` of a `str`.
//!
//! ```
//! use pyssl::pyfmt::PyRepr;
//! use pyssl::CipherInfo;
//!
//! let c = CipherInfo::from(("TLS_AES_256_GCM_SHA384".to_string(), "TLSv1.3".to_string(), 256));
//! assert_eq!(Some(c).py_repr(), "('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)");
//! assert_eq!(None::<String>.py_repr(), "None");
//! assert_eq!(b"it's \x00\xff".py_repr(), r#"b"it's \x00\xff""#);
//! assert_eq!(vec![b"a".to_vec(), b"b".to_vec()].py_repr(), "[b'a', b'b']");
//! ```

use icu_properties::props::GeneralCategory;
use icu_properties::CodePointMapData;

use crate::cert::{DistinguishedName, GeneralName, PeerCert};

/// `repr(s)` for a Python `str`: single quotes unless the text contains a
/// single quote and no double quote; backslash escapes for the quote, `\\`,
/// `\t`, `\n`, `\r`; `\xNN`, `\uNNNN` or `\UNNNNNNNN` for characters that are
/// not printable (Python's `str.isprintable()`).
#[doc(alias = "repr")]
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => push_escape(&mut out, c),
        }
    }
    out.push(quote);
    out
}

/// A JSON string literal (what `json.dumps` prints for a str, with
/// non-ASCII characters escaped as `\uXXXX`).
#[doc(alias = "json.dumps")]
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python escapes a code point.
pub(crate) fn push_escape(out: &mut String, c: char) {
    let n = u32::from(c);
    if n < 0x100 {
        out.push_str(&format!("\\x{n:02x}"));
    } else if n < 0x10000 {
        out.push_str(&format!("\\u{n:04x}"));
    } else {
        out.push_str(&format!("\\U{n:08x}"));
    }
}

/// Python's `Py_UNICODE_ISPRINTABLE`: every character but those of the
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, except the ASCII space.
pub(crate) fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    !matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

/// `repr(b)` for Python `bytes`: `b'...'`, single quotes unless the bytes
/// contain a single quote and no double quote; `\\`, the quote, `\t`,
/// `\n`, `\r` escaped; other bytes outside `0x20..0x7f` as `\xNN`.
#[doc(alias = "repr")]
pub fn repr_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(char::from(c));
            }
            0x20..=0x7e => out.push(char::from(c)),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

/// Python's `repr()` of a value: what `print(repr(x))` (or `print(x)` for
/// anything but `str`) shows for the value CPython returns where pyssl
/// returns this one.
///
/// | Rust | Python | repr |
/// |---|---|---|
/// | `str`, `String` | `str` | `'TLSv1.3'` |
/// | `[u8]`, `Vec<u8>` | `bytes` | `b'\x16\x03'` |
/// | `Option<T>` | `None` or the value | `None` |
/// | `bool`, integers (not `u8`: a `u8` sequence is `bytes`) | `bool`, `int` | `True`, `256` |
/// | tuples | `tuple` | `(1, 'a')`, `(1,)` |
/// | `Vec<T>`, `[T]` | `list` | `[b'..', b'..']` |
/// | [`CipherInfo`](crate::CipherInfo) | `cipher()`'s tuple | `('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)` |
/// | [`PeerCert`] | `getpeercert()`'s dict | `{'subject': ((('commonName', 'localhost'),),), ...}` |
/// | [`GeneralName`] | a `subjectAltName` pair | `('DNS', 'localhost')` |
/// | [`Name`] (a [`DistinguishedName`]) | `subject` / `issuer` | `((('commonName', 'localhost'),),)` |
/// | [`Certificate`](crate::Certificate) | `_ssl.Certificate` | `<_ssl.Certificate 'CN=localhost'>` |
/// | [`SslSession`](crate::SslSession) | `SSLSession` | `<_ssl.SSLSession object at 0x...>` |
/// | [`CipherDetails`](crate::CipherDetails), [`CertStoreStats`](crate::CertStoreStats) | `dict` | `{'x509': 1, 'crl': 0, 'x509_ca': 1}` |
/// | [`Asn1Object`](crate::Asn1Object), [`DefaultVerifyPaths`](crate::DefaultVerifyPaths) | named tuples | `_ASN1Object(nid=13, ...)` |
/// | [`TlsVersion`](crate::TlsVersion), [`VerifyMode`](crate::VerifyMode), [`Protocol`](crate::Protocol), [`Purpose`](crate::Purpose) | enum members | `<TLSVersion.TLSv1_3: 772>` |
/// | [`PyClass`](crate::PyClass) | the exception class | `<class 'ssl.SSLError'>` |
///
/// A Rust `Vec` is a Python `list`, which is what every `Vec`-returning
/// method of pyssl returns in Python, but for
/// [`SslContext::session_stats`](crate::SslContext::session_stats) (a
/// `dict`: print it with [`Dict`]) and the tuples inside a [`PeerCert`]
/// (which its own repr prints as tuples; [`Name`] and [`Tuple`] print them
/// on their own).
#[doc(alias = "repr")]
#[doc(alias = "__repr__")]
pub trait PyRepr {
    /// `repr(self)` as Python prints it.
    fn py_repr(&self) -> String;
}

impl<T: PyRepr + ?Sized> PyRepr for &T {
    fn py_repr(&self) -> String {
        (**self).py_repr()
    }
}

impl<T: PyRepr + ?Sized> PyRepr for Box<T> {
    fn py_repr(&self) -> String {
        (**self).py_repr()
    }
}

impl PyRepr for str {
    fn py_repr(&self) -> String {
        repr_str(self)
    }
}

impl PyRepr for String {
    fn py_repr(&self) -> String {
        repr_str(self)
    }
}

impl PyRepr for [u8] {
    fn py_repr(&self) -> String {
        repr_bytes(self)
    }
}

impl<const N: usize> PyRepr for [u8; N] {
    fn py_repr(&self) -> String {
        repr_bytes(self)
    }
}

impl PyRepr for Vec<u8> {
    fn py_repr(&self) -> String {
        repr_bytes(self)
    }
}

impl PyRepr for bool {
    fn py_repr(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

macro_rules! int_repr {
    ($($t:ty)*) => {$(
        impl PyRepr for $t {
            fn py_repr(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_repr!(i8 i16 i32 i64 i128 isize u16 u32 u64 u128 usize);

impl<T: PyRepr> PyRepr for Option<T> {
    fn py_repr(&self) -> String {
        match self {
            Some(v) => v.py_repr(),
            None => "None".to_string(),
        }
    }
}

fn tuple_of(items: &[String]) -> String {
    match items {
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    }
}

macro_rules! tuple_repr {
    ($(($($n:tt $t:ident),+))*) => {$(
        impl<$($t: PyRepr),+> PyRepr for ($($t,)+) {
            fn py_repr(&self) -> String {
                tuple_of(&[$(self.$n.py_repr()),+])
            }
        }
    )*};
}
tuple_repr! {
    (0 A)
    (0 A, 1 B)
    (0 A, 1 B, 2 C)
    (0 A, 1 B, 2 C, 3 D)
    (0 A, 1 B, 2 C, 3 D, 4 E)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
}

impl<T: PyRepr> PyRepr for [T] {
    fn py_repr(&self) -> String {
        let items: Vec<String> = self.iter().map(PyRepr::py_repr).collect();
        format!("[{}]", items.join(", "))
    }
}

impl PyRepr for crate::cert::NameValue {
    /// `'text'`, or `b'bytes'` for a BIT STRING value (`None` when empty).
    fn py_repr(&self) -> String {
        match self {
            crate::cert::NameValue::Text(t) => repr_str(t),
            crate::cert::NameValue::Bytes(b) if b.is_empty() => "None".to_string(),
            crate::cert::NameValue::Bytes(b) => repr_bytes(b),
        }
    }
}

impl<T: PyRepr> PyRepr for Vec<T> {
    fn py_repr(&self) -> String {
        self.as_slice().py_repr()
    }
}

/// A sequence printed as a Python `tuple` (`(a, b)`, `(a,)`, `()`), where
/// a `Vec` stands for one: `Tuple(&cert.ocsp.unwrap())`.
#[derive(Clone, Copy, Debug)]
#[doc(alias = "tuple")]
pub struct Tuple<'a, T>(pub &'a [T]);

impl<T: PyRepr> PyRepr for Tuple<'_, T> {
    fn py_repr(&self) -> String {
        tuple_of(&self.0.iter().map(PyRepr::py_repr).collect::<Vec<_>>())
    }
}

/// Pairs printed as a Python `dict` (`{'a': 1, 'b': 2}`), for
/// [`SslContext::session_stats`](crate::SslContext::session_stats).
#[derive(Clone, Copy, Debug)]
#[doc(alias = "dict")]
pub struct Dict<'a, K, V>(pub &'a [(K, V)]);

impl<K: PyRepr, V: PyRepr> PyRepr for Dict<'_, K, V> {
    fn py_repr(&self) -> String {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{}: {}", k.py_repr(), v.py_repr()))
            .collect();
        format!("{{{}}}", items.join(", "))
    }
}

/// A [`DistinguishedName`] printed as `getpeercert()` holds it: a tuple of
/// RDNs, each a tuple of `(name, value)` pairs
/// (`((('countryName', 'US'),), (('commonName', 'localhost'),))`).
#[derive(Clone, Copy, Debug)]
#[doc(alias = "subject")]
#[doc(alias = "issuer")]
pub struct Name<'a>(pub &'a DistinguishedName);

impl PyRepr for Name<'_> {
    fn py_repr(&self) -> String {
        let rdns: Vec<String> = self.0.iter().map(|rdn| Tuple(rdn).py_repr()).collect();
        tuple_of(&rdns)
    }
}

impl PyRepr for GeneralName {
    /// The `subjectAltName` pair: `('DNS', 'localhost')`,
    /// `('DirName', ((('commonName', 'x'),),))`.
    fn py_repr(&self) -> String {
        let value = match self {
            GeneralName::DirName(n) => Name(n).py_repr(),
            other => repr_str(other.text().unwrap_or_default()),
        };
        tuple_of(&[repr_str(self.python_key()), value])
    }
}

impl PyRepr for PeerCert {
    /// [`PeerCert::python_repr`].
    fn py_repr(&self) -> String {
        self.python_repr()
    }
}

impl PyRepr for crate::CipherInfo {
    /// `cipher()`'s `(name, protocol, secret_bits)`.
    fn py_repr(&self) -> String {
        (&self.name, &self.protocol, self.secret_bits).py_repr()
    }
}

impl PyRepr for crate::Certificate {
    /// [`Certificate::python_repr`](crate::Certificate::python_repr):
    /// `<_ssl.Certificate 'CN=localhost,O=...'>`. Where CPython's repr
    /// raises (OpenSSL prints nothing for the subject, as for an empty
    /// one), this prints `<_ssl.Certificate ''>`.
    fn py_repr(&self) -> String {
        self.python_repr()
            .unwrap_or_else(|_| "<_ssl.Certificate ''>".to_string())
    }
}

impl PyRepr for crate::SslSession {
    /// Python's default object repr, `<_ssl.SSLSession object at 0x...>`,
    /// with the address of pyssl's session object (stable across clones,
    /// as Python's `id()` is for one object).
    fn py_repr(&self) -> String {
        format!(
            "<_ssl.SSLSession object at {:#x}>",
            std::sync::Arc::as_ptr(&self.inner) as usize
        )
    }
}

impl PyRepr for crate::CipherDetails {
    /// One dict of `get_ciphers()`, keys in CPython's order.
    fn py_repr(&self) -> String {
        format!(
            "{{'id': {}, 'name': {}, 'protocol': {}, 'description': {}, 'strength_bits': {}, \
             'alg_bits': {}, 'aead': {}, 'symmetric': {}, 'digest': {}, 'kea': {}, 'auth': {}}}",
            self.id,
            self.name.py_repr(),
            self.protocol.py_repr(),
            self.description.py_repr(),
            self.strength_bits,
            self.alg_bits,
            self.aead.py_repr(),
            self.symmetric.py_repr(),
            self.digest.py_repr(),
            self.kea.py_repr(),
            self.auth.py_repr(),
        )
    }
}

impl PyRepr for crate::CertStoreStats {
    /// `cert_store_stats()`: `{'x509': 1, 'crl': 0, 'x509_ca': 1}`.
    fn py_repr(&self) -> String {
        format!(
            "{{'x509': {}, 'crl': {}, 'x509_ca': {}}}",
            self.x509, self.crl, self.x509_ca
        )
    }
}

impl PyRepr for crate::Asn1Object {
    /// `_ASN1Object(nid=13, shortname='CN', longname='commonName',
    /// oid='2.5.4.3')`.
    fn py_repr(&self) -> String {
        format!(
            "_ASN1Object(nid={}, shortname={}, longname={}, oid={})",
            self.nid,
            self.shortname.py_repr(),
            self.longname.py_repr(),
            self.oid.py_repr()
        )
    }
}

impl PyRepr for crate::DefaultVerifyPaths {
    /// `DefaultVerifyPaths(cafile=..., capath=..., openssl_cafile_env=...,
    /// ...)`.
    fn py_repr(&self) -> String {
        format!(
            "DefaultVerifyPaths(cafile={}, capath={}, openssl_cafile_env={}, openssl_cafile={}, \
             openssl_capath_env={}, openssl_capath={})",
            self.cafile.py_repr(),
            self.capath.py_repr(),
            self.openssl_cafile_env.py_repr(),
            self.openssl_cafile.py_repr(),
            self.openssl_capath_env.py_repr(),
            self.openssl_capath.py_repr()
        )
    }
}

impl PyRepr for crate::TlsVersion {
    /// `<TLSVersion.TLSv1_3: 772>`.
    fn py_repr(&self) -> String {
        format!("<TLSVersion.{}: {}>", self.name(), self.value())
    }
}

impl PyRepr for crate::VerifyMode {
    /// `<VerifyMode.CERT_REQUIRED: 2>`.
    fn py_repr(&self) -> String {
        format!("<VerifyMode.{}: {}>", self.name(), self.value())
    }
}

impl PyRepr for crate::Protocol {
    /// `<_SSLMethod.PROTOCOL_TLS_CLIENT: 16>`.
    fn py_repr(&self) -> String {
        format!("<_SSLMethod.{}: {}>", self.name(), self.value())
    }
}

impl PyRepr for crate::Purpose {
    /// `<Purpose.SERVER_AUTH: _ASN1Object(nid=129, ...)>`.
    fn py_repr(&self) -> String {
        let name = match self {
            crate::Purpose::ServerAuth => "SERVER_AUTH",
            crate::Purpose::ClientAuth => "CLIENT_AUTH",
        };
        format!("<Purpose.{name}: {}>", self.asn1_object().py_repr())
    }
}

impl PyRepr for crate::PyClass {
    /// `<class 'ssl.SSLError'>`, `<class 'OSError'>` (builtins without
    /// their module), `<class 'binascii.Error'>`.
    fn py_repr(&self) -> String {
        match self.module() {
            "builtins" => format!("<class '{}'>", self.name()),
            m => format!("<class '{m}.{}'>", self.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::repr_str;

    #[test]
    fn repr_matches_python() {
        assert_eq!(repr_str("abc"), "'abc'");
        assert_eq!(repr_str("a'b"), "\"a'b\"");
        assert_eq!(repr_str("a'b\""), "'a\\'b\"'");
        assert_eq!(repr_str("a\0b"), "'a\\x00b'");
        assert_eq!(repr_str("pythön\u{200b}"), "'pythön\\u200b'");
        assert_eq!(repr_str("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(repr_str("\u{7f}\u{a0}"), "'\\x7f\\xa0'");
        assert_eq!(repr_str("\u{10ffff}"), "'\\U0010ffff'");
    }
}
