//! `getpeercert()`'s dict and `_ssl.Certificate`.

use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use crate::conv;
use crate::errors::PyResultExt;

/// A distinguished name as CPython's `_create_tuple_for_X509_NAME`: a
/// tuple of RDNs, each a tuple of `(name, value)` pairs.
fn name_to_py<'py>(
    py: Python<'py>,
    name: &pyssl::DistinguishedName,
) -> PyResult<Bound<'py, PyTuple>> {
    let rdns = name
        .iter()
        .map(|rdn| {
            let attrs = rdn
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        pyssl::NameValue::Text(t) => PyString::new(py, t).into_any(),
                        // CPython's "y#" of OpenSSL's NULL data: None.
                        pyssl::NameValue::Bytes(b) if b.is_empty() => py.None().into_bound(py),
                        pyssl::NameValue::Bytes(b) => PyBytes::new(py, b).into_any(),
                    };
                    PyTuple::new(py, [PyString::new(py, k).into_any(), value])
                })
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, attrs)
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, rdns)
}

/// `subjectAltName`: a tuple of `(type, value)` pairs; `DirName` values
/// are names.
fn general_names_to_py<'py>(
    py: Python<'py>,
    names: &[pyssl::GeneralName],
) -> PyResult<Bound<'py, PyTuple>> {
    let items = names
        .iter()
        .map(|g| {
            let key = PyString::new(py, g.python_key()).into_any();
            let value = match g {
                pyssl::GeneralName::DirName(n) => name_to_py(py, n)?.into_any(),
                other => PyString::new(py, other.text().unwrap_or_default()).into_any(),
            };
            PyTuple::new(py, [key, value])
        })
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, items)
}

fn strings_to_py<'py>(py: Python<'py>, v: &[String]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, v.iter().map(String::as_str))
}

/// A decoded certificate as the dict `getpeercert()` returns, keys in
/// CPython's insertion order; the empty `PeerCert` is `{}`.
pub(crate) fn peercert_to_py<'py>(
    py: Python<'py>,
    cert: &pyssl::PeerCert,
) -> PyResult<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    if let Some(n) = &cert.subject {
        d.set_item("subject", name_to_py(py, n)?)?;
    }
    if let Some(n) = &cert.issuer {
        d.set_item("issuer", name_to_py(py, n)?)?;
    }
    if let Some(v) = cert.version {
        d.set_item("version", v)?;
    }
    for (key, v) in [
        ("serialNumber", &cert.serial_number),
        ("notBefore", &cert.not_before),
        ("notAfter", &cert.not_after),
    ] {
        if let Some(v) = v {
            d.set_item(key, v)?;
        }
    }
    if let Some(sans) = &cert.subject_alt_name {
        d.set_item("subjectAltName", general_names_to_py(py, sans)?)?;
    }
    for (key, v) in [
        ("OCSP", &cert.ocsp),
        ("caIssuers", &cert.ca_issuers),
        ("crlDistributionPoints", &cert.crl_distribution_points),
    ] {
        if let Some(v) = v {
            d.set_item(key, strings_to_py(py, v)?)?;
        }
    }
    Ok(d.into_any())
}

// `_ssl.Certificate`: one certificate of a chain (no docstrings, as in
// CPython).
#[pyclass(name = "Certificate", module = "_ssl", frozen, immutable_type)]
pub(crate) struct PyCertificate {
    pub(crate) inner: pyssl::Certificate,
}

/// A `Certificate` over DER bytes (for chains and peer certificates).
#[allow(dead_code)]
pub(crate) fn new_certificate(py: Python<'_>, der: Vec<u8>) -> PyResult<Py<PyCertificate>> {
    let inner = pyssl::Certificate::from_der(&der).py_err(py)?;
    Py::new(py, PyCertificate { inner })
}

/// A `Certificate` over a pyssl certificate
/// (`SslSocket::get_verified_chain_certificates` and friends).
#[allow(dead_code)]
pub(crate) fn from_certificate(
    py: Python<'_>,
    inner: pyssl::Certificate,
) -> PyResult<Py<PyCertificate>> {
    Py::new(py, PyCertificate { inner })
}

#[pymethods]
impl PyCertificate {
    /// No public constructor, as in CPython (the type disallows
    /// instantiation).
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = None)]
    fn py_new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Err(crate::conv::cannot_create("_ssl.Certificate"))
    }

    #[pyo3(text_signature = "($self, /)")]
    fn get_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let info = self.inner.get_info().py_err(py)?;
        peercert_to_py(py, &info)
    }

    // `public_bytes(format=Encoding.PEM)`: `str` for PEM, `bytes` for DER.
    #[pyo3(signature = (format = None), text_signature = "($self, /, format=Encoding.PEM)")]
    fn public_bytes<'py>(
        &self,
        py: Python<'py>,
        format: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let encoding = match format {
            Some(f) => pyssl::Encoding::from_python(conv::c_int(f)?).py_err(py)?,
            None => pyssl::Encoding::default(),
        };
        let data = self.inner.public_bytes(encoding);
        if encoding.is_text() {
            // OpenSSL writes ASCII; CPython decodes with errors="error".
            Ok(PyString::new(py, &String::from_utf8_lossy(&data)).into_any())
        } else {
            Ok(PyBytes::new(py, &data).into_any())
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.python_repr().py_err(py)
    }

    fn __hash__(&self) -> isize {
        self.inner.python_hash() as isize
    }

    /// `==` / `!=` between certificates (`X509_cmp`); anything else is
    /// `NotImplemented`.
    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> Py<PyAny> {
        let py = other.py();
        let Ok(other) = other.cast::<PyCertificate>() else {
            return py.NotImplemented();
        };
        crate::conv::eq_only(py, self.inner == other.get().inner, op)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCertificate>()
}
