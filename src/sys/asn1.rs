//! ASN.1 object identifiers: `OBJ_txt2obj`, `OBJ_nid2obj` and the lookups
//! CPython's `_ssl.txt2obj` / `_ssl.nid2obj` make on their result.

use std::ffi::CStr;

use libc::c_int;
use openssl_sys as sys;

use crate::error::Error;

/// An owned `ASN1_OBJECT` (freed on drop; `ASN1_OBJECT_free` leaves
/// OpenSSL's static built-in objects alone).
pub(crate) struct Asn1Obj(*mut sys::ASN1_OBJECT);

impl Drop for Asn1Obj {
    fn drop(&mut self) {
        // SAFETY: we own the object (from OBJ_txt2obj / OBJ_nid2obj); it is
        // freed once. Static objects are not freed by ASN1_OBJECT_free.
        unsafe { sys::ASN1_OBJECT_free(self.0) }
    }
}

impl Asn1Obj {
    /// `OBJ_txt2obj(txt, no_name)`; `None` (the error queue cleared) when
    /// OpenSSL does not know the text.
    pub(crate) fn from_txt(txt: &CStr, no_name: bool) -> Option<Asn1Obj> {
        super::init();
        // SAFETY: NUL-terminated input; a non-NULL result is ours to free.
        let p = unsafe { sys::OBJ_txt2obj(txt.as_ptr(), c_int::from(no_name)) };
        if p.is_null() {
            super::err::clear();
            None
        } else {
            Some(Asn1Obj(p))
        }
    }

    /// `OBJ_nid2obj(nid)`; `None` (the error queue cleared) for an unknown
    /// NID.
    pub(crate) fn from_nid(nid: c_int) -> Option<Asn1Obj> {
        super::init();
        // SAFETY: integer argument; a non-NULL result is ours to free.
        let p = unsafe { sys::OBJ_nid2obj(nid) };
        if p.is_null() {
            super::err::clear();
            None
        } else {
            Some(Asn1Obj(p))
        }
    }

    /// `OBJ_obj2nid`: `NID_undef` (0) for an object OpenSSL has no NID for.
    pub(crate) fn nid(&self) -> c_int {
        // SAFETY: valid object (owned by self).
        unsafe { sys::OBJ_obj2nid(self.0) }
    }

    /// `OBJ_obj2txt(..., no_name=1)`: the dotted OID, sized by a first call
    /// as CPython's `_asn1obj2py` does for long ones. A failure is CPython's
    /// `_setSSLError`: an `SSLError` from the error queue.
    pub(crate) fn oid_text(&self) -> Result<String, Error> {
        // SAFETY: valid object; a NULL buffer of size 0 only computes the
        // length (without the NUL).
        let len = unsafe { sys::OBJ_obj2txt(std::ptr::null_mut(), 0, self.0, 1) };
        let Ok(n) = usize::try_from(len) else {
            return Err(Error::Ssl(super::err::config_error()));
        };
        let mut buf = vec![0u8; n + 1];
        let size = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
        // SAFETY: OpenSSL writes at most `size` bytes (NUL included) into
        // the buffer of that size.
        let len = unsafe { sys::OBJ_obj2txt(buf.as_mut_ptr().cast(), size, self.0, 1) };
        let Ok(n) = usize::try_from(len) else {
            return Err(Error::Ssl(super::err::config_error()));
        };
        buf.truncate(n.min(buf.len() - 1));
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
}

/// `OBJ_nid2sn`.
pub(crate) fn nid2sn(nid: c_int) -> Option<String> {
    super::init();
    // SAFETY: returns NULL or a static NUL-terminated string of OpenSSL's
    // object table (or of an object added with OBJ_create, never removed).
    let s = unsafe { super::cstr_to_string(sys::OBJ_nid2sn(nid)) };
    if s.is_none() {
        super::err::clear();
    }
    s
}

/// `OBJ_nid2ln`.
pub(crate) fn nid2ln(nid: c_int) -> Option<String> {
    super::init();
    // SAFETY: as for OBJ_nid2sn.
    let s = unsafe { super::cstr_to_string(sys::OBJ_nid2ln(nid)) };
    if s.is_none() {
        super::err::clear();
    }
    s
}
