//! `_ASN1Object`: OpenSSL's view of an object identifier, as CPython's
//! `_ssl.txt2obj` and `_ssl.nid2obj` report it.

use std::ffi::CString;

use crate::error::{Error, Result};
use crate::sys::asn1::{self as sys_asn1, Asn1Obj};

/// An ASN.1 object identifier as OpenSSL knows it: Python's
/// `ssl._ASN1Object` named tuple `(nid, shortname, longname, oid)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "_ASN1Object")]
pub struct Asn1Object {
    /// `nid`: OpenSSL's numeric identifier (`NID_*`).
    pub nid: i32,
    /// `shortname`: OpenSSL's short name (`"CN"`, `"serverAuth"`).
    pub shortname: String,
    /// `longname`: OpenSSL's long name (`"commonName"`, `"TLS Web Server
    /// Authentication"`).
    pub longname: String,
    /// `oid`: the dotted-decimal object identifier (`"2.5.4.3"`).
    pub oid: String,
}

impl Asn1Object {
    /// `ssl._ASN1Object.fromname(name)`: [`txt2obj`]`(name, true)`.
    #[doc(alias = "fromname")]
    pub fn from_name(name: &str) -> Result<Asn1Object> {
        txt2obj(name, true)
    }

    /// `ssl._ASN1Object.fromnid(nid)`: [`nid2obj`]`(nid)`.
    #[doc(alias = "fromnid")]
    pub fn from_nid(nid: i32) -> Result<Asn1Object> {
        nid2obj(nid)
    }
}

/// CPython's `asn1obj2py`: `ValueError("Unknown object")` for an object
/// without a NID, else the NID, its names and the dotted OID.
fn to_object(obj: &Asn1Obj) -> Result<Asn1Object> {
    let nid = obj.nid();
    if nid == 0 {
        return Err(Error::value("Unknown object"));
    }
    Ok(Asn1Object {
        nid,
        shortname: sys_asn1::nid2sn(nid).unwrap_or_default(),
        longname: sys_asn1::nid2ln(nid).unwrap_or_default(),
        oid: obj.oid_text()?,
    })
}

/// `_ssl.txt2obj(txt, name=False)`: the object for a dotted OID, or with
/// `name` also for an OpenSSL short or long name (`OBJ_txt2obj`).
///
/// Errors, as CPython's: `ValueError("embedded null character")` for a NUL
/// in `txt`; `ValueError("unknown object '...'")` (the text cut to 100
/// bytes) when OpenSSL cannot parse it; `ValueError("Unknown object")` for a
/// well-formed OID OpenSSL has no NID for (`"1.2.3.4"`).
#[doc(alias = "_ssl.txt2obj")]
pub fn txt2obj(txt: &str, name: bool) -> Result<Asn1Object> {
    let c = CString::new(txt).map_err(|_| Error::value("embedded null character"))?;
    match Asn1Obj::from_txt(&c, !name) {
        Some(obj) => to_object(&obj),
        None => {
            // PyUnicode_FromFormat's "%.100s": at most 100 bytes, a cut
            // UTF-8 sequence decoded with "replace".
            let bytes = &txt.as_bytes()[..txt.len().min(100)];
            Err(Error::value(format!(
                "unknown object '{}'",
                String::from_utf8_lossy(bytes)
            )))
        }
    }
}

/// `_ssl.nid2obj(nid)`: the object of an OpenSSL NID (`OBJ_nid2obj`).
///
/// Errors, as CPython's: `ValueError("NID must be positive.")` for
/// `nid < 0`; `ValueError("Unknown object")` for 0 (`NID_undef`);
/// `ValueError("unknown NID N")` for a NID OpenSSL does not have.
#[doc(alias = "_ssl.nid2obj")]
pub fn nid2obj(nid: i32) -> Result<Asn1Object> {
    if nid < 0 {
        return Err(Error::value("NID must be positive."));
    }
    match Asn1Obj::from_nid(nid) {
        Some(obj) => to_object(&obj),
        None => Err(Error::value(format!("unknown NID {nid}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_name() {
        let cn = txt2obj("2.5.4.3", false).unwrap();
        assert_eq!(
            cn,
            Asn1Object {
                nid: 13,
                shortname: "CN".into(),
                longname: "commonName".into(),
                oid: "2.5.4.3".into()
            }
        );
        assert_eq!(nid2obj(13).unwrap(), cn);
        assert_eq!(Asn1Object::from_name("commonName").unwrap(), cn);
        assert_eq!(
            txt2obj("CN", false).unwrap_err().to_string(),
            "unknown object 'CN'"
        );
    }
}
