//! The certificate dictionary of `getpeercert()`, as typed Rust values.
//!
//! CPython decodes a certificate into a `dict` whose keys depend on what the
//! certificate holds. [`PeerCert`] has one field per key; a field is `None`
//! exactly when the key is absent from Python's dict, so a `PeerCert` can also
//! stand for a hand-written dict such as the ones passed to the legacy
//! [`match_hostname`](crate::match_hostname). `getpeercert()` on a connection
//! whose peer was not verified returns the empty dict, [`PeerCert::default`].

/// One attribute of a distinguished name: `(long name, value)`, for example
/// `("commonName", "localhost")`. The name is OpenSSL's long name for the
/// attribute type, or its dotted OID when OpenSSL has no name for it.
pub type NameAttribute = (String, NameValue);

/// The value of a name attribute: a `str` in Python, or `bytes` for a
/// BIT STRING value (`x500UniqueIdentifier`), as CPython's
/// `_create_tuple_for_attribute` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NameValue {
    /// A string type, decoded to text (`ASN1_STRING_to_UTF8`).
    Text(String),
    /// A BIT STRING: its bytes (unused trailing bits zero). An empty one
    /// is `None` in Python (CPython builds the value from OpenSSL's NULL
    /// data pointer); [`PyRepr`](crate::PyRepr) prints it so.
    Bytes(Vec<u8>),
}

impl NameValue {
    /// The text, `None` for a BIT STRING value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            NameValue::Text(t) => Some(t),
            NameValue::Bytes(_) => None,
        }
    }
}

impl From<&str> for NameValue {
    fn from(s: &str) -> Self {
        NameValue::Text(s.to_owned())
    }
}

impl From<String> for NameValue {
    fn from(s: String) -> Self {
        NameValue::Text(s)
    }
}

impl From<Vec<u8>> for NameValue {
    fn from(b: Vec<u8>) -> Self {
        NameValue::Bytes(b)
    }
}

impl PartialEq<str> for NameValue {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for NameValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl std::fmt::Display for NameValue {
    /// The text as is; bytes as Python's `bytes` repr.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameValue::Text(t) => f.write_str(t),
            NameValue::Bytes(b) => {
                f.write_str(&crate::PyRepr::py_repr(&NameValue::Bytes(b.clone())))
            }
        }
    }
}

/// One RelativeDistinguishedName: usually a single attribute, several for a
/// multi-valued RDN.
pub type Rdn = Vec<NameAttribute>;

/// A distinguished name: the RDNs in certificate order, as Python's tuple of
/// tuples.
pub type DistinguishedName = Vec<Rdn>;

/// The certificate as `getpeercert()` returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[doc(alias = "getpeercert")]
pub struct PeerCert {
    /// `subject`.
    pub subject: Option<DistinguishedName>,
    /// `issuer`.
    pub issuer: Option<DistinguishedName>,
    /// `version`: the X.509 version number (3 for v3 certificates).
    pub version: Option<i64>,
    /// `serialNumber`: upper-case hexadecimal, as OpenSSL prints it.
    #[doc(alias = "serialNumber")]
    pub serial_number: Option<String>,
    /// `notBefore`, in OpenSSL's print form (`"Jan  1 00:00:00 2020 GMT"`).
    #[doc(alias = "notBefore")]
    pub not_before: Option<String>,
    /// `notAfter`, in the same form.
    #[doc(alias = "notAfter")]
    pub not_after: Option<String>,
    /// `subjectAltName`: present when the certificate has the extension.
    #[doc(alias = "subjectAltName")]
    pub subject_alt_name: Option<Vec<GeneralName>>,
    /// `OCSP`: the OCSP responder URIs of the Authority Information Access
    /// extension.
    #[doc(alias = "OCSP")]
    pub ocsp: Option<Vec<String>>,
    /// `caIssuers`: the CA issuer URIs of the Authority Information Access
    /// extension.
    #[doc(alias = "caIssuers")]
    pub ca_issuers: Option<Vec<String>>,
    /// `crlDistributionPoints`: the full-name URIs of the CRL distribution
    /// points.
    #[doc(alias = "crlDistributionPoints")]
    pub crl_distribution_points: Option<Vec<String>>,
}

impl PeerCert {
    /// True for the empty dict (`{}`): what `getpeercert()` returns when
    /// the peer certificate was not verified.
    pub fn is_empty(&self) -> bool {
        *self == PeerCert::default()
    }
}

/// One entry of `subjectAltName`: Python's `(type, value)` pair.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[doc(alias = "subjectAltName")]
pub enum GeneralName {
    /// `("DNS", name)`.
    Dns(String),
    /// `("email", address)`.
    Email(String),
    /// `("URI", uri)`.
    Uri(String),
    /// `("IP Address", text)`: dotted quad for IPv4; for IPv6 eight
    /// upper-case hexadecimal groups without compression
    /// (`"2001:DB8:0:0:0:0:0:1"`), CPython's own form.
    IpAddress(String),
    /// `("DirName", name)`.
    DirName(DistinguishedName),
    /// `("Registered ID", oid)`: OpenSSL's name for the OID, or its dotted
    /// form.
    RegisteredId(String),
    /// Any other kind, as CPython shows it from OpenSSL's print form:
    /// `("othername", "<unsupported>")`, `("X400Name", "<unsupported>")`,
    /// `("EdiPartyName", "<unsupported>")`, or whatever a hand-written dict
    /// holds.
    Other(String, String),
}

impl GeneralName {
    /// The first element of Python's pair: `"DNS"`, `"IP Address"`, ...
    pub fn python_key(&self) -> &str {
        match self {
            GeneralName::Dns(_) => "DNS",
            GeneralName::Email(_) => "email",
            GeneralName::Uri(_) => "URI",
            GeneralName::IpAddress(_) => "IP Address",
            GeneralName::DirName(_) => "DirName",
            GeneralName::RegisteredId(_) => "Registered ID",
            GeneralName::Other(key, _) => key,
        }
    }

    /// The value as text, for every kind but `DirName`.
    pub fn text(&self) -> Option<&str> {
        match self {
            GeneralName::Dns(v)
            | GeneralName::Email(v)
            | GeneralName::Uri(v)
            | GeneralName::IpAddress(v)
            | GeneralName::RegisteredId(v)
            | GeneralName::Other(_, v) => Some(v),
            GeneralName::DirName(_) => None,
        }
    }

    /// Builds an entry from Python's `(key, value)` pair, for a textual
    /// value (the inverse of [`python_key`](Self::python_key) and
    /// [`text`](Self::text)).
    pub fn from_pair(key: &str, value: impl Into<String>) -> GeneralName {
        let value = value.into();
        match key {
            "DNS" => GeneralName::Dns(value),
            "email" => GeneralName::Email(value),
            "URI" => GeneralName::Uri(value),
            "IP Address" => GeneralName::IpAddress(value),
            "Registered ID" => GeneralName::RegisteredId(value),
            _ => GeneralName::Other(key.to_string(), value),
        }
    }
}

impl PeerCert {
    /// The dictionary as Python prints it (`repr(sock.getpeercert())`),
    /// keys in CPython's insertion order.
    #[doc(alias = "__repr__")]
    pub fn python_repr(&self) -> String {
        use crate::pyfmt::{repr_str, Name, PyRepr, Tuple};
        let mut parts: Vec<String> = Vec::new();
        if let Some(n) = &self.subject {
            parts.push(format!("'subject': {}", Name(n).py_repr()));
        }
        if let Some(n) = &self.issuer {
            parts.push(format!("'issuer': {}", Name(n).py_repr()));
        }
        if let Some(v) = self.version {
            parts.push(format!("'version': {v}"));
        }
        for (k, v) in [
            ("serialNumber", &self.serial_number),
            ("notBefore", &self.not_before),
            ("notAfter", &self.not_after),
        ] {
            if let Some(v) = v {
                parts.push(format!("'{k}': {}", repr_str(v)));
            }
        }
        if let Some(sans) = &self.subject_alt_name {
            parts.push(format!("'subjectAltName': {}", Tuple(sans).py_repr()));
        }
        for (k, v) in [
            ("OCSP", &self.ocsp),
            ("caIssuers", &self.ca_issuers),
            ("crlDistributionPoints", &self.crl_distribution_points),
        ] {
            if let Some(v) = v {
                parts.push(format!("'{k}': {}", Tuple(v).py_repr()));
            }
        }
        format!("{{{}}}", parts.join(", "))
    }
}

fn name_json(name: &DistinguishedName) -> String {
    let rdns: Vec<String> = name
        .iter()
        .map(|rdn| {
            let attrs: Vec<String> = rdn
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        NameValue::Text(t) => crate::pyfmt::json_str(t),
                        NameValue::Bytes(b) if b.is_empty() => "null".to_string(),
                        // JSON has no bytes: the byte values.
                        NameValue::Bytes(b) => format!(
                            "[{}]",
                            b.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
                        ),
                    };
                    format!("[{}, {value}]", crate::pyfmt::json_str(k))
                })
                .collect();
            format!("[{}]", attrs.join(", "))
        })
        .collect();
    format!("[{}]", rdns.join(", "))
}

impl PeerCert {
    /// The dictionary as `json.dumps(cert)` prints it in Python (tuples as
    /// arrays, keys in CPython's order).
    pub fn to_json(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let strs = |v: &[String]| {
            format!(
                "[{}]",
                v.iter()
                    .map(|s| crate::pyfmt::json_str(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if let Some(n) = &self.subject {
            parts.push(format!("\"subject\": {}", name_json(n)));
        }
        if let Some(n) = &self.issuer {
            parts.push(format!("\"issuer\": {}", name_json(n)));
        }
        if let Some(v) = self.version {
            parts.push(format!("\"version\": {v}"));
        }
        for (k, v) in [
            ("serialNumber", &self.serial_number),
            ("notBefore", &self.not_before),
            ("notAfter", &self.not_after),
        ] {
            if let Some(v) = v {
                parts.push(format!("\"{k}\": {}", crate::pyfmt::json_str(v)));
            }
        }
        if let Some(sans) = &self.subject_alt_name {
            let items: Vec<String> = sans
                .iter()
                .map(|g| {
                    let value = match g {
                        GeneralName::DirName(n) => name_json(n),
                        other => crate::pyfmt::json_str(other.text().unwrap_or_default()),
                    };
                    format!("[{}, {value}]", crate::pyfmt::json_str(g.python_key()))
                })
                .collect();
            parts.push(format!("\"subjectAltName\": [{}]", items.join(", ")));
        }
        for (k, v) in [
            ("OCSP", &self.ocsp),
            ("caIssuers", &self.ca_issuers),
            ("crlDistributionPoints", &self.crl_distribution_points),
        ] {
            if let Some(v) = v {
                parts.push(format!("\"{k}\": {}", strs(v)));
            }
        }
        format!("{{{}}}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_json_dumps() {
        let c = PeerCert {
            subject: Some(vec![vec![(
                "commonName".into(),
                "caf\u{e9} \"x\"\0".into(),
            )]]),
            subject_alt_name: Some(vec![GeneralName::DirName(vec![vec![(
                "commonName".into(),
                "d".into(),
            )]])]),
            ..PeerCert::default()
        };
        assert_eq!(
            c.to_json(),
            "{\"subject\": [[[\"commonName\", \"caf\\u00e9 \\\"x\\\"\\u0000\"]]], \
             \"subjectAltName\": [[\"DirName\", [[[\"commonName\", \"d\"]]]]]}"
        );
    }

    #[test]
    fn repr_is_pythons() {
        let c = PeerCert {
            subject: Some(vec![vec![("commonName".into(), "localhost".into())]]),
            version: Some(3),
            subject_alt_name: Some(vec![
                GeneralName::Dns("localhost".into()),
                GeneralName::IpAddress("127.0.0.1".into()),
            ]),
            ocsp: Some(vec!["http://o/".into()]),
            ..PeerCert::default()
        };
        assert_eq!(
            c.python_repr(),
            "{'subject': ((('commonName', 'localhost'),),), 'version': 3, \
             'subjectAltName': (('DNS', 'localhost'), ('IP Address', '127.0.0.1')), \
             'OCSP': ('http://o/',)}"
        );
        assert_eq!(PeerCert::default().python_repr(), "{}");
    }
}
