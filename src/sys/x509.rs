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
