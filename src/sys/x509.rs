//! Certificates and certificate stores: DER out of OpenSSL objects.

use openssl_sys as sys;

use super::ffi;

/// An object of a certificate store, as `cert_store_stats()` and
/// `get_ca_certs()` see it.
pub(crate) enum StoreObject {
    Cert { is_ca: bool, der: Vec<u8> },
    Crl,
}

/// `i2d_X509`.
///
/// # Safety
/// `x` must be a valid certificate.
pub(crate) unsafe fn to_der(x: *mut sys::X509) -> Option<Vec<u8>> {
    // SAFETY: valid certificate (caller); first call sizes, second writes
    // exactly that many bytes into the buffer.
    unsafe {
        let len = sys::i2d_X509(x, std::ptr::null_mut());
        let n = usize::try_from(len).ok().filter(|&n| n > 0)?;
        let mut buf = vec![0u8; n];
        let mut p = buf.as_mut_ptr();
        if sys::i2d_X509(x, &mut p) != len {
            return None;
        }
        Some(buf)
    }
}

/// `PEM_read_bio_X509` over `data` (CPython's `_test_decode_cert` reads
/// its file the same way): the first certificate's DER (`i2d_X509`), or
/// `None` when OpenSSL finds none. The error queue is cleared.
pub(crate) fn pem_read_first(data: &[u8]) -> Option<Vec<u8>> {
    super::init();
    let len = libc::c_int::try_from(data.len()).ok()?;
    // SAFETY: the BIO reads from `data`, which outlives it (freed below);
    // no password callback for certificates; the certificate is ours and
    // freed after i2d.
    let der = unsafe {
        let bio = sys::BIO_new_mem_buf(data.as_ptr().cast::<libc::c_void>(), len);
        if bio.is_null() {
            None
        } else {
            let x = sys::PEM_read_bio_X509(bio, std::ptr::null_mut(), None, std::ptr::null_mut());
            sys::BIO_free_all(bio);
            if x.is_null() {
                None
            } else {
                let der = to_der(x);
                sys::X509_free(x);
                der
            }
        }
    };
    super::err::clear();
    der
}

/// DER of every certificate of a `STACK_OF(X509)`.
///
/// # Safety
/// `sk` must be NULL or a valid stack of certificates.
pub(crate) unsafe fn stack_der(sk: *mut sys::stack_st_X509) -> Vec<Vec<u8>> {
    if sk.is_null() {
        return Vec::new();
    }
    // SAFETY: valid stack (caller); its elements are valid certificates.
    unsafe {
        let n = sys::OPENSSL_sk_num(sk.cast());
        (0..n)
            .filter_map(|i| to_der(sys::OPENSSL_sk_value(sk.cast(), i).cast()))
            .collect()
    }
}

/// Calls `f` for every object of the context's certificate store, under
/// the store's lock (lookups by directory add objects concurrently).
pub(crate) fn walk_store(ctx: *mut sys::SSL_CTX, mut f: impl FnMut(StoreObject)) {
    // SAFETY: valid SSL_CTX (callers pass their own); the store and its
    // object stack stay valid while the store lock is held.
    unsafe {
        let store = sys::SSL_CTX_get_cert_store(ctx);
        if store.is_null() {
            return;
        }
        ffi::X509_STORE_lock(store);
        let objs = sys::X509_STORE_get0_objects(store);
        let n = if objs.is_null() {
            0
        } else {
            sys::OPENSSL_sk_num(objs.cast())
        };
        let mut found = Vec::new();
        for i in 0..n {
            let obj = sys::OPENSSL_sk_value(objs.cast(), i).cast::<sys::X509_OBJECT>();
            match ffi::X509_OBJECT_get_type(obj) {
                ffi::X509_LU_X509 => {
                    let x = sys::X509_OBJECT_get0_X509(obj);
                    if !x.is_null() {
                        let is_ca = ffi::X509_check_ca(x) != 0;
                        found.push(StoreObject::Cert {
                            is_ca,
                            der: to_der(x).unwrap_or_default(),
                        });
                    }
                }
                ffi::X509_LU_CRL => found.push(StoreObject::Crl),
                _ => {}
            }
        }
        ffi::X509_STORE_unlock(store);
        found.into_iter().for_each(&mut f);
    }
}

/// `XN_FLAG_RFC2253` (`X509_NAME_print_ex` flags).
const XN_FLAG_RFC2253: libc::c_ulong = 0x0111_0317;

extern "C" {
    fn X509_NAME_print_ex(
        out: *mut sys::BIO,
        nm: *const sys::X509_NAME,
        indent: libc::c_int,
        flags: libc::c_ulong,
    ) -> libc::c_int;
    fn PEM_write_bio_X509_AUX(bp: *mut sys::BIO, x: *mut sys::X509) -> libc::c_int;
}

/// An owned reference to a parsed certificate (CPython's `X509 *` inside
/// `_ssl.Certificate`).
pub(crate) struct X509Cert(std::ptr::NonNull<sys::X509>);

// SAFETY: an X509 is reference-counted with atomic counts, and the calls
// made on it here are read-only (OpenSSL guards its lazily computed caches,
// such as the fingerprint X509_cmp uses, with the object's own lock), as
// rust-openssl's `X509` relies on too.
unsafe impl Send for X509Cert {}
// SAFETY: see `Send`.
unsafe impl Sync for X509Cert {}

impl Drop for X509Cert {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { sys::X509_free(self.0.as_ptr()) }
    }
}

impl Clone for X509Cert {
    fn clone(&self) -> Self {
        // SAFETY: valid certificate; the new handle owns the new reference.
        unsafe { sys::X509_up_ref(self.0.as_ptr()) };
        X509Cert(self.0)
    }
}

impl X509Cert {
    /// `d2i_X509` on `der`: the certificate and the number of bytes it
    /// took; an `SSLError` from OpenSSL's error queue when `der` does not
    /// start with a certificate.
    pub(crate) fn from_der(der: &[u8]) -> Result<(X509Cert, usize), crate::Error> {
        super::init();
        let len = libc::c_long::try_from(der.len()).map_err(|_| {
            crate::Error::Os(crate::error::OsError::other(
                "Certificate data is too long.",
            ))
        })?;
        let mut p = der.as_ptr();
        // SAFETY: OpenSSL reads at most `len` bytes from `p` and advances
        // it past the certificate it parsed; the result is ours.
        let x = unsafe { sys::d2i_X509(std::ptr::null_mut(), &mut p, len) };
        match std::ptr::NonNull::new(x) {
            Some(x) => {
                // SAFETY: `p` points into `der` (advanced by d2i_X509).
                let used = unsafe { p.offset_from(der.as_ptr()) };
                Ok((X509Cert(x), usize::try_from(used).unwrap_or(der.len())))
            }
            None => Err(crate::Error::Ssl(super::err::config_error())),
        }
    }

    /// `PEM_write_bio_X509` into a memory BIO: the bytes OpenSSL writes.
    /// A failure is CPython's `_setSSLError`.
    pub(crate) fn pem(&self) -> Result<Vec<u8>, crate::Error> {
        let mut bio = super::bio::MemBio::new()?;
        // SAFETY: valid BIO and certificate.
        if unsafe { sys::PEM_write_bio_X509(bio.as_ptr(), self.0.as_ptr()) } != 1 {
            return Err(crate::Error::Ssl(super::err::config_error()));
        }
        let n = bio.pending();
        Ok(bio.read_to_vec(n))
    }

    /// `PEM_write_bio_X509_AUX` into a memory BIO (a `TRUSTED CERTIFICATE`
    /// block with the trust settings). A failure is CPython's
    /// `_setSSLError`.
    pub(crate) fn pem_aux(&self) -> Result<Vec<u8>, crate::Error> {
        let mut bio = super::bio::MemBio::new()?;
        // SAFETY: valid BIO and certificate (only read by the writer).
        if unsafe { PEM_write_bio_X509_AUX(bio.as_ptr(), self.0.as_ptr()) } != 1 {
            return Err(crate::Error::Ssl(super::err::config_error()));
        }
        let n = bio.pending();
        Ok(bio.read_to_vec(n))
    }

    /// `X509_NAME_print_ex(subject, 0, XN_FLAG_RFC2253)`, as CPython's
    /// `certificate_repr` calls it: an `SSLError` (from the queue) when
    /// OpenSSL writes nothing.
    pub(crate) fn subject_rfc2253(&self) -> Result<String, crate::Error> {
        let mut bio = super::bio::MemBio::new()?;
        // SAFETY: valid BIO and certificate; the name belongs to the
        // certificate.
        let r = unsafe {
            X509_NAME_print_ex(
                bio.as_ptr(),
                sys::X509_get_subject_name(self.0.as_ptr()),
                0,
                XN_FLAG_RFC2253,
            )
        };
        if r <= 0 {
            return Err(crate::Error::Ssl(super::err::config_error()));
        }
        let n = bio.pending();
        // CPython: PyUnicode_DecodeUTF8(..., "strict").
        let bytes = bio.read_to_vec(n);
        match crate::error::UnicodeError::utf8_decode(&bytes) {
            Some(e) => Err(crate::Error::Unicode(e)),
            None => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }

    /// `X509_subject_name_hash`.
    pub(crate) fn subject_name_hash(&self) -> u64 {
        // SAFETY: valid certificate.
        #[allow(clippy::useless_conversion)]
        u64::from(unsafe { sys::X509_subject_name_hash(self.0.as_ptr()) })
    }

    /// `X509_cmp(self, other) == 0`.
    pub(crate) fn same_as(&self, other: &X509Cert) -> bool {
        // SAFETY: two valid certificates.
        unsafe { sys::X509_cmp(self.0.as_ptr(), other.0.as_ptr()) == 0 }
    }
}
