//! Module-level constants and functions. Every value comes from pyssl.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::cert::peercert_to_py;
use crate::conv;
use crate::errors::PyResultExt;

const MODULE_DOC: &str =
    "Implementation module for SSL socket operations.  See the socket module\n\
for documentation.";

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.setattr("__doc__", MODULE_DOC)?;
    add_constants(m)?;
    m.add_function(wrap_pyfunction!(rand_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(rand_status, m)?)?;
    m.add_function(wrap_pyfunction!(rand_add, m)?)?;
    m.add_function(wrap_pyfunction!(get_default_verify_paths, m)?)?;
    m.add_function(wrap_pyfunction!(test_decode_cert, m)?)?;
    m.add_function(wrap_pyfunction!(txt2obj, m)?)?;
    m.add_function(wrap_pyfunction!(nid2obj, m)?)?;
    Ok(())
}

/// After every name is added: CPython's `_ssl` has no `__all__` (pyo3's
/// `add` keeps one).
pub(crate) fn finish(m: &Bound<'_, PyModule>) -> PyResult<()> {
    if m.hasattr("__all__")? {
        m.delattr("__all__")?;
    }
    Ok(())
}

fn add_constants(m: &Bound<'_, PyModule>) -> PyResult<()> {
    use pyssl::{
        AlertDescription, Options, Protocol, SslErrorNumber, TlsVersion, VerifyFlags, VerifyMode,
    };

    // SSL_ERROR_* (ssl.SSLErrorNumber).
    for (name, n) in SslErrorNumber::NAMES {
        m.add(*name, *n as i64)?;
    }
    // CERT_* (ssl.VerifyMode).
    for v in [VerifyMode::None, VerifyMode::Optional, VerifyMode::Required] {
        m.add(v.name(), v.value())?;
    }
    // PROTOCOL_* (ssl._SSLMethod); PROTOCOL_SSLv23 is PROTOCOL_TLS.
    for p in [
        Protocol::Tls,
        Protocol::TlsClient,
        Protocol::TlsServer,
        Protocol::TlsV1,
        Protocol::TlsV1_1,
        Protocol::TlsV1_2,
    ] {
        m.add(p.name(), p.value())?;
    }
    for alias in ["PROTOCOL_SSLv23"] {
        if let Some(p) = Protocol::from_name(alias) {
            m.add(alias, p.value())?;
        }
    }
    // PROTO_* (ssl.TLSVersion).
    for v in [
        TlsVersion::MinimumSupported,
        TlsVersion::SslV3,
        TlsVersion::TlsV1,
        TlsVersion::TlsV1_1,
        TlsVersion::TlsV1_2,
        TlsVersion::TlsV1_3,
        TlsVersion::MaximumSupported,
    ] {
        m.add(format!("PROTO_{}", v.name()), v.value())?;
    }
    // OP_* (ssl.Options).
    for (name, o) in Options::NAMES {
        m.add(*name, o.bits())?;
    }
    // VERIFY_* (ssl.VerifyFlags).
    m.add("VERIFY_DEFAULT", VerifyFlags::DEFAULT.bits())?;
    for (name, f) in VerifyFlags::NAMES {
        m.add(*name, f.bits())?;
    }
    // ALERT_DESCRIPTION_* (ssl.AlertDescription).
    for (name, a) in AlertDescription::NAMES {
        m.add(*name, a.0)?;
    }
    // HOSTFLAG_*.
    for (name, f) in [
        (
            "HOSTFLAG_ALWAYS_CHECK_SUBJECT",
            pyssl::HOSTFLAG_ALWAYS_CHECK_SUBJECT,
        ),
        (
            "HOSTFLAG_NEVER_CHECK_SUBJECT",
            pyssl::HOSTFLAG_NEVER_CHECK_SUBJECT,
        ),
        ("HOSTFLAG_NO_WILDCARDS", pyssl::HOSTFLAG_NO_WILDCARDS),
        (
            "HOSTFLAG_NO_PARTIAL_WILDCARDS",
            pyssl::HOSTFLAG_NO_PARTIAL_WILDCARDS,
        ),
        (
            "HOSTFLAG_MULTI_LABEL_WILDCARDS",
            pyssl::HOSTFLAG_MULTI_LABEL_WILDCARDS,
        ),
        (
            "HOSTFLAG_SINGLE_LABEL_SUBDOMAINS",
            pyssl::HOSTFLAG_SINGLE_LABEL_SUBDOMAINS,
        ),
    ] {
        m.add(name, f)?;
    }
    // ENCODING_* (Certificate.public_bytes).
    m.add("ENCODING_PEM", pyssl::Encoding::Pem.value())?;
    m.add("ENCODING_DER", pyssl::Encoding::Der.value())?;
    // HAS_*.
    for (name, on) in [
        ("HAS_SNI", pyssl::HAS_SNI),
        ("HAS_TLS_UNIQUE", pyssl::HAS_TLS_UNIQUE),
        ("HAS_ECDH", pyssl::HAS_ECDH),
        ("HAS_NPN", pyssl::HAS_NPN),
        ("HAS_ALPN", pyssl::HAS_ALPN),
        ("HAS_SSLv2", pyssl::HAS_SSLV2),
        ("HAS_SSLv3", pyssl::HAS_SSLV3),
        ("HAS_TLSv1", pyssl::HAS_TLSV1),
        ("HAS_TLSv1_1", pyssl::HAS_TLSV1_1),
        ("HAS_TLSv1_2", pyssl::HAS_TLSV1_2),
        ("HAS_TLSv1_3", pyssl::HAS_TLSV1_3),
        ("HAS_PSK", pyssl::HAS_PSK),
    ] {
        m.add(name, on)?;
    }
    // Versions.
    m.add("OPENSSL_VERSION_NUMBER", pyssl::openssl_version_number())?;
    m.add("OPENSSL_VERSION_INFO", pyssl::openssl_version_info())?;
    m.add("OPENSSL_VERSION", pyssl::openssl_version())?;
    m.add("_OPENSSL_API_VERSION", pyssl::openssl_api_version())?;
    m.add("_DEFAULT_CIPHERS", pyssl::DEFAULT_CIPHERS)?;
    Ok(())
}

/// Generate n cryptographically strong pseudo-random bytes.
#[pyfunction]
#[pyo3(name = "RAND_bytes", signature = (n, /), text_signature = "($module, n, /)")]
fn rand_bytes<'py>(py: Python<'py>, n: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let n = conv::c_int(n)?;
    // A negative count is refused by clinic-level checking in CPython.
    let n = usize::try_from(n).map_err(|_| PyValueError::new_err("num must be positive"))?;
    let data = py.detach(|| pyssl::rand_bytes(n)).py_err(py)?;
    Ok(PyBytes::new(py, &data))
}

/// Returns True if the OpenSSL PRNG has been seeded with enough data and False if not.
///
/// It is necessary to seed the PRNG with RAND_add() on some platforms before
/// using the ssl() function.
#[pyfunction]
#[pyo3(name = "RAND_status", text_signature = "($module, /)")]
fn rand_status() -> bool {
    pyssl::rand_status()
}

/// Mix string into the OpenSSL PRNG state.
///
/// entropy (a float) is a lower bound on the entropy contained in
/// string.  See RFC 4086.
#[pyfunction]
#[pyo3(
    name = "RAND_add",
    signature = (string, entropy, /),
    text_signature = "($module, string, entropy, /)"
)]
fn rand_add(py: Python<'_>, string: &Bound<'_, PyAny>, entropy: &Bound<'_, PyAny>) -> PyResult<()> {
    let data = conv::str_or_buffer(string)?;
    let entropy = conv::c_double(entropy)?;
    py.detach(|| pyssl::rand_add(&data, entropy));
    Ok(())
}

/// Return search paths and environment vars that are used by SSLContext's set_default_verify_paths() to load default CAs.
///
/// The values are 'cert_file_env', 'cert_file', 'cert_dir_env', 'cert_dir'.
#[pyfunction]
#[pyo3(text_signature = "($module, /)")]
fn get_default_verify_paths(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let p = pyssl::get_default_verify_paths();
    PyTuple::new(
        py,
        [
            p.openssl_cafile_env,
            p.openssl_cafile,
            p.openssl_capath_env,
            p.openssl_capath,
        ],
    )
}

#[pyfunction]
#[pyo3(
    name = "_test_decode_cert",
    signature = (path, /),
    text_signature = "($module, path, /)"
)]
fn test_decode_cert<'py>(py: Python<'py>, path: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let path = conv::fs_path(path)?;
    let cert = py
        .detach(|| pyssl::decode_pem_certificate_file(&path))
        .py_err(py)?;
    peercert_to_py(py, &cert)
}

/// `(nid, shortname, longname, oid)`.
fn asn1_tuple(py: Python<'_>, o: pyssl::Asn1Object) -> PyResult<Bound<'_, PyTuple>> {
    (o.nid, o.shortname, o.longname, o.oid).into_pyobject(py)
}

/// Lookup NID, short name, long name and OID of an ASN1_OBJECT.
///
/// By default objects are looked up by OID. With name=True short and
/// long name are also matched.
#[pyfunction]
#[pyo3(signature = (txt, name = None), text_signature = "($module, /, txt, name=False)")]
fn txt2obj<'py>(
    py: Python<'py>,
    txt: &Bound<'py, PyAny>,
    name: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let txt = conv::str_arg(txt, "txt2obj", "txt")?;
    let name = match name {
        Some(n) => n.is_truthy()?,
        None => false,
    };
    let o = pyssl::txt2obj(&txt, name).py_err(py)?;
    asn1_tuple(py, o)
}

/// Lookup NID, short name, long name and OID of an ASN1_OBJECT by NID.
#[pyfunction]
#[pyo3(signature = (nid, /), text_signature = "($module, nid, /)")]
fn nid2obj<'py>(py: Python<'py>, nid: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let nid = conv::c_int(nid)?;
    let o = pyssl::nid2obj(nid).py_err(py)?;
    asn1_tuple(py, o)
}
