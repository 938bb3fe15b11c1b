//! OpenSSL symbols that openssl-sys does not declare, and the macros of the
//! C headers that are `*_ctrl` calls. openssl-sys already emits the link
//! lines for libssl and libcrypto, so these resolve against the same library.

#![allow(
    non_camel_case_types,
    non_snake_case,
    dead_code,
    clashing_extern_declarations
)]

use libc::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void};
use openssl_sys::{
    pem_password_cb, stack_st_SSL_CIPHER, ASN1_OCTET_STRING, BIO, SSL, SSL_CTX, SSL_SESSION,
    X509_OBJECT, X509_STORE_CTX,
};

/// `int (*verify_callback)(int, X509_STORE_CTX *)`.
pub(crate) type VerifyCallback = Option<unsafe extern "C" fn(c_int, *mut X509_STORE_CTX) -> c_int>;

extern "C" {
    pub(crate) fn SSL_get1_session(ssl: *const SSL) -> *mut SSL_SESSION;
    /// `const SSL_SESSION *` on 3.x, non-const on 1.1.1 (the same ABI).
    pub(crate) fn SSL_SESSION_dup(src: *mut SSL_SESSION) -> *mut SSL_SESSION;
    pub(crate) fn SSL_set_session_id_context(
        ssl: *mut SSL,
        sid_ctx: *const c_uchar,
        sid_ctx_len: c_uint,
    ) -> c_int;
    pub(crate) fn BIO_up_ref(bio: *mut BIO) -> c_int;
    pub(crate) fn BIO_free(bio: *mut BIO) -> c_int;
    pub(crate) fn a2i_IPADDRESS(ipasc: *const c_char) -> *mut ASN1_OCTET_STRING;
    pub(crate) fn ASN1_OCTET_STRING_free(a: *mut ASN1_OCTET_STRING);
    pub(crate) fn SSL_get_verify_callback(ssl: *const SSL) -> VerifyCallback;
    pub(crate) fn SSL_CTX_get_verify_callback(ctx: *const SSL_CTX) -> VerifyCallback;
    pub(crate) fn SSL_set_verify(ssl: *mut SSL, mode: c_int, cb: VerifyCallback);
    pub(crate) fn SSL_get_verify_mode(ssl: *const SSL) -> c_int;
    pub(crate) fn SSL_CTX_set_default_passwd_cb(ctx: *mut SSL_CTX, cb: pem_password_cb);
    pub(crate) fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut SSL_CTX, u: *mut c_void);
    pub(crate) fn SSL_CTX_get_ciphers(ctx: *const SSL_CTX) -> *mut stack_st_SSL_CIPHER;
    pub(crate) fn SSL_get_ciphers(ssl: *const SSL) -> *mut stack_st_SSL_CIPHER;
    pub(crate) fn SSL_get_client_ciphers(ssl: *const SSL) -> *mut stack_st_SSL_CIPHER;
    pub(crate) fn SSL_set_post_handshake_auth(ssl: *mut SSL, val: c_int);
    pub(crate) fn SSL_verify_client_post_handshake(ssl: *mut SSL) -> c_int;
    pub(crate) fn X509_OBJECT_get_type(obj: *const X509_OBJECT) -> c_int;
    pub(crate) fn X509_check_ca(x: *mut openssl_sys::X509) -> c_int;
    pub(crate) fn X509_STORE_add_crl(
        store: *mut openssl_sys::X509_STORE,
        crl: *mut openssl_sys::X509_CRL,
    ) -> c_int;
    pub(crate) fn OpenSSL_version(t: c_int) -> *const c_char;
    pub(crate) fn SSL_CIPHER_get_id(c: *const openssl_sys::SSL_CIPHER) -> u32;
    pub(crate) fn SSL_CIPHER_is_aead(c: *const openssl_sys::SSL_CIPHER) -> c_int;
    pub(crate) fn SSL_CIPHER_get_cipher_nid(c: *const openssl_sys::SSL_CIPHER) -> c_int;
    pub(crate) fn SSL_CIPHER_get_digest_nid(c: *const openssl_sys::SSL_CIPHER) -> c_int;
    pub(crate) fn SSL_CIPHER_get_kx_nid(c: *const openssl_sys::SSL_CIPHER) -> c_int;
    pub(crate) fn SSL_CIPHER_get_auth_nid(c: *const openssl_sys::SSL_CIPHER) -> c_int;
    pub(crate) fn SSL_CIPHER_description(
        c: *const openssl_sys::SSL_CIPHER,
        buf: *mut c_char,
        size: c_int,
    ) -> *mut c_char;
    pub(crate) fn SSL_SESSION_has_ticket(s: *const SSL_SESSION) -> c_int;
    pub(crate) fn SSL_SESSION_get_ticket_lifetime_hint(s: *const SSL_SESSION) -> c_ulong;
    pub(crate) fn SSL_get_shared_ciphers(
        ssl: *const SSL,
        buf: *mut c_char,
        size: c_int,
    ) -> *mut c_char;
    pub(crate) fn SSL_get_peer_finished(ssl: *const SSL, buf: *mut c_void, count: usize) -> usize;
    pub(crate) fn SSL_in_init(ssl: *const SSL) -> c_int;
    pub(crate) fn SSL_is_init_finished(ssl: *const SSL) -> c_int;
    pub(crate) fn SSL_CTX_set_keylog_callback(
        ctx: *mut SSL_CTX,
        cb: Option<unsafe extern "C" fn(*const SSL, *const c_char)>,
    );
    pub(crate) fn SSL_CTX_set_msg_callback(ctx: *mut SSL_CTX, cb: MsgCallback);
    pub(crate) fn SSL_set_msg_callback(ssl: *mut SSL, cb: MsgCallback);
    pub(crate) fn X509_VERIFY_PARAM_get_hostflags(
        param: *const openssl_sys::X509_VERIFY_PARAM,
    ) -> c_uint;
    pub(crate) fn SSL_select_next_proto(
        out: *mut *mut c_uchar,
        outlen: *mut c_uchar,
        server: *const c_uchar,
        server_len: c_uint,
        client: *const c_uchar,
        client_len: c_uint,
    ) -> c_int;
}

/// `void (*cb)(int write_p, int version, int content_type, const void *buf,
/// size_t len, SSL *ssl, void *arg)` of `SSL_CTX_set_msg_callback`.
pub(crate) type MsgCallback =
    Option<unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut SSL, *mut c_void)>;

/// `OPENSSL_VERSION` selector of `OpenSSL_version`.
pub(crate) const OPENSSL_VERSION: c_int = 0;

// Values of header macros implemented through the ctrl functions.
pub(crate) const SSL_CTRL_MODE: c_int = 33;
pub(crate) const SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: c_long = 0x2;
pub(crate) const SSL_MODE_AUTO_RETRY: c_long = 0x4;
pub(crate) const SSL_MODE_RELEASE_BUFFERS: c_long = 0x10;
pub(crate) const SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
pub(crate) const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
pub(crate) const SSL_CTRL_GET_MIN_PROTO_VERSION: c_int = 130;
pub(crate) const SSL_CTRL_GET_MAX_PROTO_VERSION: c_int = 131;
pub(crate) const SSL_TLSEXT_ERR_OK: c_int = 0;
pub(crate) const SSL_TLSEXT_ERR_ALERT_FATAL: c_int = 2;
pub(crate) const SSL_TLSEXT_ERR_NOACK: c_int = 3;
pub(crate) const X509_LU_X509: c_int = 1;
pub(crate) const X509_LU_CRL: c_int = 2;
pub(crate) const SSL_SENT_SHUTDOWN: c_int = 1;
pub(crate) const SSL_RECEIVED_SHUTDOWN: c_int = 2;
pub(crate) const SSL_CTRL_SET_GROUPS: c_int = 91;
pub(crate) const BIO_CTRL_PENDING: c_int = 10;
pub(crate) const BIO_CTRL_DUP: c_int = 12;

/// `BIO_NOCLOSE`: the fd BIO leaves the descriptor open.
pub(crate) const BIO_NOCLOSE: c_int = 0;

extern "C" {
    pub(crate) fn BIO_new_fd(fd: c_int, close_flag: c_int) -> *mut BIO;
    pub(crate) fn PEM_read_bio_DHparams(
        bio: *mut BIO,
        out: *mut *mut openssl_sys::DH,
        cb: pem_password_cb,
        u: *mut c_void,
    ) -> *mut openssl_sys::DH;
    pub(crate) fn DH_free(dh: *mut openssl_sys::DH);
}

extern "C" {
    pub(crate) fn X509_STORE_lock(store: *mut openssl_sys::X509_STORE) -> c_int;
    pub(crate) fn X509_STORE_unlock(store: *mut openssl_sys::X509_STORE) -> c_int;
    pub(crate) fn X509_get_default_cert_file() -> *const c_char;
    pub(crate) fn X509_get_default_cert_dir() -> *const c_char;
    pub(crate) fn X509_get_default_cert_file_env() -> *const c_char;
    pub(crate) fn X509_get_default_cert_dir_env() -> *const c_char;
}

/// The ALPN selection callback type.
pub(crate) type AlpnSelectCb = unsafe extern "C" fn(
    *mut SSL,
    *mut *const c_uchar,
    *mut c_uchar,
    *const c_uchar,
    c_uint,
    *mut c_void,
) -> c_int;

extern "C" {
    #[link_name = "SSL_CTX_set_alpn_select_cb"]
    pub(crate) fn set_alpn_select_cb(ctx: *mut SSL_CTX, cb: Option<AlpnSelectCb>, arg: *mut c_void);
    #[link_name = "SSL_CTX_set_verify"]
    pub(crate) fn SSL_CTX_set_verify_raw(ctx: *mut SSL_CTX, mode: c_int, cb: VerifyCallback);
}

/// `SSL_psk_client_cb_func`: `(ssl, hint, identity, max_identity_len, psk,
/// max_psk_len) -> psk_len`.
#[cfg(has_psk)]
pub(crate) type PskClientCb = unsafe extern "C" fn(
    *mut SSL,
    *const c_char,
    *mut c_char,
    c_uint,
    *mut c_uchar,
    c_uint,
) -> c_uint;

/// `SSL_psk_server_cb_func`: `(ssl, identity, psk, max_psk_len) -> psk_len`.
#[cfg(has_psk)]
pub(crate) type PskServerCb =
    unsafe extern "C" fn(*mut SSL, *const c_char, *mut c_uchar, c_uint) -> c_uint;

#[cfg(has_psk)]
extern "C" {
    #[link_name = "SSL_CTX_set_psk_client_callback"]
    pub(crate) fn set_psk_client_callback(ctx: *mut SSL_CTX, cb: Option<PskClientCb>);
    #[link_name = "SSL_CTX_set_psk_server_callback"]
    pub(crate) fn set_psk_server_callback(ctx: *mut SSL_CTX, cb: Option<PskServerCb>);
    pub(crate) fn SSL_CTX_use_psk_identity_hint(ctx: *mut SSL_CTX, hint: *const c_char) -> c_int;
}
