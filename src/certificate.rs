//! `Certificate`: CPython's `_ssl.Certificate`, the items of
//! `SSLSocket._sslobj.get_verified_chain()` / `get_unverified_chain()`.

use std::fmt;
use std::hash::{Hash, Hasher};

use crate::cert::PeerCert;
use crate::error::{Error, Result};
use crate::sys::x509::X509Cert;

/// The encodings of [`Certificate::public_bytes`]: Python's
/// `_ssl.ENCODING_PEM` (1) and `_ssl.ENCODING_DER` (2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[doc(alias = "ENCODING_PEM")]
#[doc(alias = "ENCODING_DER")]
pub enum Encoding {
    /// `ENCODING_PEM` (1, OpenSSL's `X509_FILETYPE_PEM`): the base64 text
    /// `PEM_write_bio_X509` writes. The default, as in Python.
    #[default]
    #[doc(alias = "ENCODING_PEM")]
    Pem = 1,
    /// `ENCODING_DER` (2, `X509_FILETYPE_ASN1`): the DER bytes.
    #[doc(alias = "ENCODING_DER")]
    Der = 2,
    /// CPython's private `PY_SSL_ENCODING_PEM_AUX` (`0x101`, no Python
    /// constant): the `TRUSTED CERTIFICATE` text `PEM_write_bio_X509_AUX`
    /// writes.
    #[doc(alias = "PY_SSL_ENCODING_PEM_AUX")]
    PemAux = 0x101,
}

impl Encoding {
    /// The value of the Python constant (`_ssl.ENCODING_PEM` is 1,
    /// `_ssl.ENCODING_DER` 2).
    pub fn value(self) -> i32 {
        self as i32
    }

    /// The encoding of a Python constant's value; `None` for any other
    /// (where CPython's `public_bytes` raises `ValueError("Unsupported
    /// format")`).
    pub fn from_value(v: i32) -> Option<Encoding> {
        match v {
            1 => Some(Encoding::Pem),
            2 => Some(Encoding::Der),
            0x101 => Some(Encoding::PemAux),
            _ => None,
        }
    }

    /// [`from_value`](Self::from_value) with CPython's error for any other
    /// value: `ValueError("Unsupported format")`.
    #[doc(alias = "public_bytes")]
    pub fn from_python(v: i32) -> Result<Encoding> {
        Encoding::from_value(v).ok_or_else(|| Error::value("Unsupported format"))
    }

    /// Whether `public_bytes` returns text (`str` in Python: PEM and
    /// PEM_AUX) rather than bytes (DER).
    pub fn is_text(self) -> bool {
        !matches!(self, Encoding::Der)
    }
}

/// A parsed X.509 certificate: CPython 3.13's `_ssl.Certificate`.
///
/// Equality is OpenSSL's `X509_cmp` (as CPython's `==`), and [`Hash`]
/// feeds [`Certificate::python_hash`] (`X509_subject_name_hash`, what
/// Python's `hash()` returns). `Clone` shares the parsed certificate.
///
/// Build one from the DER items of
/// [`SslSocket::get_verified_chain`](crate::SslSocket::get_verified_chain)
/// or take them ready-made from
/// [`SslSocket::get_verified_chain_certificates`](crate::SslSocket::get_verified_chain_certificates).
#[derive(Clone)]
#[doc(alias = "_ssl.Certificate")]
pub struct Certificate {
    x509: X509Cert,
    der: Vec<u8>,
}

impl Certificate {
    /// Parses one DER-encoded certificate (`d2i_X509`).
    ///
    /// Errors: an `SSLError` with OpenSSL's library, reason and text (as
    /// CPython raises for a failed OpenSSL call) when `der` does not start
    /// with a certificate; pyssl's own `ValueError("trailing data after the
    /// certificate")` when bytes follow it (CPython builds certificates
    /// only from OpenSSL's own objects, so it has no such case).
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let (x509, used) = X509Cert::from_der(der)?;
        if used != der.len() {
            return Err(Error::value("trailing data after the certificate"));
        }
        Ok(Certificate {
            x509,
            der: der.to_vec(),
        })
    }

    /// The certificate's DER bytes (`public_bytes(ENCODING_DER)`).
    #[doc(alias = "public_bytes")]
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `get_info()`: the certificate as `getpeercert()` shows it (the same
    /// decoder).
    pub fn get_info(&self) -> Result<PeerCert> {
        crate::pure::x509::decode_certificate(&self.der)
    }

    /// `public_bytes(format=ENCODING_PEM)`: PEM exactly as OpenSSL's
    /// `PEM_write_bio_X509` writes it (what Python returns as a `str`), or
    /// the DER bytes.
    pub fn public_bytes(&self, encoding: Encoding) -> Vec<u8> {
        match encoding {
            Encoding::Der => self.der.clone(),
            // PEM_write_bio_X509 fails only when memory runs out; the pure
            // encoder writes the same lines.
            Encoding::Pem => self
                .x509
                .pem()
                .unwrap_or_else(|_| crate::pure::pem::der_cert_to_pem_cert(&self.der).into()),
            // As for PEM: only an allocation failure can make it fail.
            Encoding::PemAux => self.x509.pem_aux().unwrap_or_default(),
        }
    }

    /// `hash(cert)`: `X509_subject_name_hash` of the certificate, as
    /// CPython's `certificate_hash` computes it (-1, Python's error value,
    /// becomes -2).
    #[doc(alias = "__hash__")]
    pub fn python_hash(&self) -> i64 {
        // CPython casts the unsigned long to Py_hash_t.
        let h = self.x509.subject_name_hash() as i64;
        if h == -1 {
            -2
        } else {
            h
        }
    }

    /// `repr(cert)`: `<_ssl.Certificate 'CN=...,O=...'>`, the subject as
    /// OpenSSL prints it in RFC 2253 form (most specific attribute first,
    /// non-ASCII bytes escaped). Like CPython's, it fails (an `SSLError`)
    /// when OpenSSL prints nothing, e.g. for an empty subject.
    #[doc(alias = "__repr__")]
    pub fn python_repr(&self) -> Result<String> {
        Ok(format!(
            "<_ssl.Certificate '{}'>",
            self.x509.subject_rfc2253()?
        ))
    }
}

impl PartialEq for Certificate {
    /// CPython's `certificate_richcompare`: `X509_cmp(a, b) == 0`.
    fn eq(&self, other: &Certificate) -> bool {
        self.x509.same_as(&other.x509)
    }
}

impl Eq for Certificate {}

impl Hash for Certificate {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_i64(self.python_hash());
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = self.x509.subject_rfc2253().unwrap_or_default();
        f.debug_struct("Certificate")
            .field("subject", &subject)
            .field("der_len", &self.der.len())
            .finish()
    }
}
