//! The memory BIO under `MemoryBio`: a BIO method of pyssl's own that
//! behaves as `BIO_s_mem` does for CPython's `MemoryBIO`, on a Rust buffer.

use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use libc::{c_int, c_long, c_void};
use openssl_sys as sys;

use super::err;
use super::ffi;
use crate::error::Error;

/// `BIO_eof(bio)`.
pub(crate) fn bio_eof(bio: *mut sys::BIO) -> bool {
    // SAFETY: callers pass a live BIO; BIO_CTRL_EOF takes no pointer.
    unsafe { sys::BIO_ctrl(bio, sys::BIO_CTRL_EOF, 0, std::ptr::null_mut()) != 0 }
}

/// A transport an OpenSSL call may read from or write to directly,
/// without the bytes passing through a [`MemBio`]'s buffer (the tokio
/// adapter's async stream, polled with the task's context during the
/// call). See [`with_direct`].
pub(crate) trait DirectIo {
    /// Reads into `buf`: `Some(n)` with `n` bytes initialised (`Some(0)`
    /// at the end of the stream), `None` when nothing can be read now
    /// (the transport would block, failed or panicked: the implementation
    /// keeps which).
    fn read(&mut self, buf: &mut [MaybeUninit<u8>]) -> Option<usize>;
    /// Writes from `buf`: `Some(n)` for `n > 0` bytes taken, `None` when
    /// nothing can be written now (would block, failed or panicked).
    fn write(&mut self, buf: &[u8]) -> Option<usize>;
    /// The write failed for good (not "would block"): OpenSSL's bytes are
    /// dropped rather than kept for a later flush.
    fn write_failed(&self) -> bool;
}

/// The transport of the OpenSSL call in progress, lifetime erased: set
/// only inside [`with_direct`], which clears it before the borrow ends.
type DirectPtr = NonNull<dyn DirectIo + 'static>;

/// The buffer behind a [`MemBio`]: bytes `data[start..]` are pending.
#[derive(Default)]
struct Buffer {
    data: Vec<u8>,
    start: usize,
    /// `write_eof()` was called: an empty buffer reads as EOF.
    eof: bool,
    /// While set (inside [`with_direct`]): an empty buffer reads from this
    /// transport, and writes go to it while nothing is buffered.
    direct: Option<DirectPtr>,
}

impl Buffer {
    fn pending(&self) -> usize {
        self.data.len() - self.start
    }

    /// Drops the consumed prefix once it is at least half the buffer
    /// (amortised: a buffer read in pieces while written to stays bounded).
    fn compact(&mut self) {
        if self.start > 0 && self.start >= self.data.len() / 2 {
            self.data.drain(..self.start);
            self.start = 0;
        }
    }

    /// Copies up to `out.len()` pending bytes into `out`.
    fn take_into(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.pending());
        out[..n].copy_from_slice(&self.data[self.start..self.start + n]);
        self.start += n;
        if self.start == self.data.len() {
            // Empty: reuse the allocation from the front.
            self.data.clear();
            self.start = 0;
        }
        n
    }
}

/// pyssl's memory BIO method: `BIO_s_mem`'s behaviour as CPython's
/// `MemoryBIO` uses it (an empty buffer asks to retry until `write_eof`,
/// then reads as EOF; `BIO_CTRL_EOF` answers "empty", which OpenSSL's
/// record layer needs to report an unexpected EOF), on a Rust buffer:
/// no zero-filling on growth and `read()` of everything moves the buffer
/// out instead of copying it.
fn method() -> *mut sys::BIO_METHOD {
    static METHOD: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *METHOD.get_or_init(|| {
        // SAFETY: creates a method table that lives for the process (never
        // freed); the callbacks below match OpenSSL's signatures.
        unsafe {
            let m = sys::BIO_meth_new(sys::BIO_TYPE_NONE, c"pyssl memory".as_ptr());
            if !m.is_null() {
                sys::BIO_meth_set_write__fixed_rust(m, Some(bio_write));
                sys::BIO_meth_set_read__fixed_rust(m, Some(bio_read));
                sys::BIO_meth_set_ctrl__fixed_rust(m, Some(bio_ctrl));
                sys::BIO_meth_set_create__fixed_rust(m, Some(bio_create));
                sys::BIO_meth_set_destroy__fixed_rust(m, Some(bio_destroy));
            }
            m as usize
        }
    }) as *mut sys::BIO_METHOD
}

/// The buffer of one of our BIOs.
///
/// # Safety
/// `bio` must be a live BIO of [`method`] and nothing else may use its
/// buffer for the lifetime of the returned reference (OpenSSL calls the
/// callbacks only from calls pyssl makes while holding the `MemoryBio`'s
/// lock, and `MemBio` methods take `&mut self` or only read).
unsafe fn buffer<'a>(bio: *mut sys::BIO) -> Option<&'a mut Buffer> {
    // SAFETY: per the contract, the data pointer is null or our Box.
    unsafe { sys::BIO_get_data(bio).cast::<Buffer>().as_mut() }
}

unsafe extern "C" fn bio_create(bio: *mut sys::BIO) -> c_int {
    let data = Box::into_raw(Box::<Buffer>::default());
    // SAFETY: `bio` is the BIO OpenSSL is creating; it owns the Box from
    // now on (freed in `bio_destroy`).
    unsafe {
        sys::BIO_set_data(bio, data.cast::<c_void>());
        sys::BIO_set_init(bio, 1);
    }
    1
}

unsafe extern "C" fn bio_destroy(bio: *mut sys::BIO) -> c_int {
    if bio.is_null() {
        return 0;
    }
    // SAFETY: `bio` is being freed by OpenSSL (last reference); its data
    // pointer is the Box from `bio_create`, taken back exactly once.
    unsafe {
        let data = sys::BIO_get_data(bio).cast::<Buffer>();
        if !data.is_null() {
            drop(Box::from_raw(data));
        }
        sys::BIO_set_data(bio, std::ptr::null_mut());
        sys::BIO_set_init(bio, 0);
    }
    1
}

unsafe extern "C" fn bio_write(bio: *mut sys::BIO, buf: *const libc::c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes a live BIO of ours and `len` readable bytes.
    unsafe {
        sys::BIO_clear_retry_flags(bio);
        let Some(b) = buffer(bio) else { return -1 };
        let Ok(n) = usize::try_from(len) else {
            return -1;
        };
        if n == 0 {
            return 0;
        }
        let data = std::slice::from_raw_parts(buf.cast::<u8>(), n);
        if let (Some(io), 0) = (b.direct, b.pending()) {
            // SAFETY: `direct` is set only inside `with_direct`, whose
            // borrow of the transport outlives this call; OpenSSL calls one
            // callback at a time, so this is the only reference in use.
            let io = &mut *io.as_ptr();
            match catch_unwind(AssertUnwindSafe(|| io.write(data))) {
                Ok(Some(w)) if w > 0 => return c_int::try_from(w.min(n)).unwrap_or(len),
                // Failed: the stream is broken, the caller reports it.
                Ok(_) if io.write_failed() => return len,
                Err(_) => return len,
                // Would block: keep the bytes for the caller's flush.
                Ok(_) => {}
            }
        }
        b.compact();
        b.data.extend_from_slice(data);
    }
    len
}

unsafe extern "C" fn bio_read(bio: *mut sys::BIO, buf: *mut libc::c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes a live BIO of ours and `len` writable bytes.
    unsafe {
        sys::BIO_clear_retry_flags(bio);
        let Some(b) = buffer(bio) else { return -1 };
        let Ok(n) = usize::try_from(len) else {
            return -1;
        };
        if b.pending() == 0 {
            if b.eof {
                return 0;
            }
            if let Some(io) = b.direct {
                let out = std::slice::from_raw_parts_mut(buf.cast::<MaybeUninit<u8>>(), n);
                // SAFETY: as in `bio_write`: the transport's borrow outlives
                // this call and no other reference to it is in use.
                let io = &mut *io.as_ptr();
                match catch_unwind(AssertUnwindSafe(|| io.read(out))) {
                    Ok(Some(0)) => {
                        // The end of the stream: as after `write_eof()`.
                        b.eof = true;
                        return 0;
                    }
                    Ok(Some(r)) => return c_int::try_from(r.min(n)).unwrap_or(len),
                    Ok(None) | Err(_) => {}
                }
            }
            sys::BIO_set_retry_read(bio);
            return -1;
        }
        let out = std::slice::from_raw_parts_mut(buf.cast::<u8>(), n);
        c_int::try_from(b.take_into(out)).unwrap_or(c_int::MAX)
    }
}

unsafe extern "C" fn bio_ctrl(
    bio: *mut sys::BIO,
    cmd: c_int,
    _num: c_long,
    _ptr: *mut c_void,
) -> c_long {
    // SAFETY: OpenSSL passes a live BIO of ours.
    let pending = || unsafe { buffer(bio) }.map_or(0, |b| b.pending());
    match cmd {
        ffi::BIO_CTRL_PENDING => c_long::try_from(pending()).unwrap_or(c_long::MAX),
        // Like BIO_s_mem: "at EOF" means "empty" (the retry flag of the
        // read tells OpenSSL whether more may come).
        sys::BIO_CTRL_EOF => c_long::from(pending() == 0),
        sys::BIO_CTRL_FLUSH | ffi::BIO_CTRL_DUP => 1,
        _ => 0,
    }
}

/// An owned reference to one of pyssl's memory BIOs (see [`method`]).
pub(crate) struct MemBio {
    ptr: NonNull<sys::BIO>,
}

// SAFETY: the BIO and its buffer are plain memory guarded by the owner's
// exclusive access (`&mut self` for every mutation, the `MemoryBio` lock
// around every OpenSSL call that may use it); the reference count is
// atomic.
unsafe impl Send for MemBio {}

impl Drop for MemBio {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { ffi::BIO_free(self.ptr.as_ptr()) };
    }
}

impl MemBio {
    /// A new, empty buffer that asks to retry when read empty.
    pub(crate) fn new() -> Result<MemBio, Error> {
        super::init();
        let m = method();
        if m.is_null() {
            return Err(Error::Ssl(err::config_error()));
        }
        // SAFETY: a valid method table; BIO_new calls `bio_create`.
        let p = unsafe { sys::BIO_new(m) };
        let ptr = NonNull::new(p).ok_or_else(|| Error::Ssl(err::config_error()))?;
        Ok(MemBio { ptr })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::BIO {
        self.ptr.as_ptr()
    }

    fn buf(&self) -> &Buffer {
        // SAFETY: our live BIO; shared access while `&self` is held, and
        // OpenSSL only uses the buffer from calls made under the
        // `MemoryBio` lock, which the caller holds.
        unsafe { buffer(self.as_ptr()) }.expect("pyssl memory BIO without its buffer")
    }

    fn buf_mut(&mut self) -> &mut Buffer {
        // SAFETY: as in `buf`, with exclusive access through `&mut self`.
        unsafe { buffer(self.as_ptr()) }.expect("pyssl memory BIO without its buffer")
    }

    /// The pending bytes (`BIO_ctrl_pending`).
    pub(crate) fn pending(&self) -> usize {
        self.buf().pending()
    }

    /// Gives the buffer's memory back once it is empty (an idle connection
    /// should not carry the capacity of its handshake flights).
    pub(crate) fn release_if_empty(&mut self) {
        let b = self.buf_mut();
        if b.pending() == 0 {
            b.data = Vec::new();
            b.start = 0;
        }
    }

    /// Reads up to `want` bytes. Taking everything moves the buffer out.
    pub(crate) fn read_to_vec(&mut self, want: usize) -> Vec<u8> {
        let b = self.buf_mut();
        let want = want.min(b.pending());
        if b.start == 0 && want == b.data.len() {
            return std::mem::take(&mut b.data);
        }
        let mut v = vec![0u8; want];
        b.take_into(&mut v);
        v
    }

    /// Copies up to `out.len()` pending bytes into `out`.
    pub(crate) fn read_into(&mut self, out: &mut [u8]) -> usize {
        self.buf_mut().take_into(out)
    }

    /// The buffer's allocation when it is empty (to hand to another
    /// buffer in [`take_all`](Self::take_all)), else an empty `Vec`.
    pub(crate) fn take_spare(&mut self) -> Vec<u8> {
        let b = self.buf_mut();
        if b.pending() == 0 {
            b.start = 0;
            let mut v = std::mem::take(&mut b.data);
            v.clear();
            v
        } else {
            Vec::new()
        }
    }

    /// Takes every pending byte, without copying when nothing was read
    /// from the front yet; `spare` becomes the buffer's allocation.
    pub(crate) fn take_all(&mut self, spare: Vec<u8>) -> Vec<u8> {
        let b = self.buf_mut();
        let mut out = std::mem::replace(&mut b.data, spare);
        b.data.clear();
        out.drain(..b.start);
        b.start = 0;
        out
    }

    /// Appends `data`, adopting its allocation when the buffer is empty
    /// (no copy; the buffer's previous, empty allocation is dropped);
    /// otherwise copies it.
    pub(crate) fn write_vec(&mut self, data: Vec<u8>) {
        let b = self.buf_mut();
        if b.pending() == 0 {
            b.start = 0;
            b.data = data;
        } else {
            b.compact();
            b.data.extend_from_slice(&data);
        }
    }

    /// Gives an empty buffer back an allocation [`take_spare`](Self::take_spare)
    /// took (when it is still empty and has none).
    pub(crate) fn give_spare(&mut self, mut spare: Vec<u8>) {
        let b = self.buf_mut();
        if b.pending() == 0 && b.data.capacity() == 0 {
            spare.clear();
            b.start = 0;
            b.data = spare;
        }
    }

    /// Appends `data`; returns the number of bytes written.
    pub(crate) fn write(&mut self, data: &[u8]) -> Result<usize, Error> {
        let b = self.buf_mut();
        b.compact();
        b.data.extend_from_slice(data);
        Ok(data.len())
    }

    /// From now on an empty buffer means EOF.
    pub(crate) fn write_eof(&mut self) {
        self.buf_mut().eof = true;
    }

    /// The pending bytes, in place (for writing them out without taking
    /// them; [`consume`](Self::consume) then drops what was written).
    #[cfg(feature = "tokio")]
    pub(crate) fn pending_slice(&self) -> &[u8] {
        let b = self.buf();
        &b.data[b.start..]
    }

    /// Drops the first `n` pending bytes.
    #[cfg(feature = "tokio")]
    pub(crate) fn consume(&mut self, n: usize) {
        let b = self.buf_mut();
        b.start += n.min(b.pending());
        if b.start == b.data.len() {
            b.data.clear();
            b.start = 0;
        }
    }
}

/// Runs `f` (OpenSSL calls on a connection whose read BIO is `incoming` and
/// write BIO is `outgoing`) with `io` as both buffers' direct transport:
/// while `incoming` is empty, OpenSSL's reads read from `io` straight into
/// OpenSSL's record buffer, and while `outgoing` is empty its writes go
/// straight to `io`; what `io` cannot take now is buffered in `outgoing` as
/// without a transport. Without `io` this is `f()`. The transport is
/// cleared before returning, also when `f` panics.
pub(crate) fn with_direct<R>(
    incoming: &mut MemBio,
    outgoing: &mut MemBio,
    io: Option<&mut dyn DirectIo>,
    f: impl FnOnce() -> R,
) -> R {
    let Some(io) = io else { return f() };
    struct Clear<'a>(&'a mut MemBio, &'a mut MemBio);
    impl Drop for Clear<'_> {
        fn drop(&mut self) {
            self.0.buf_mut().direct = None;
            self.1.buf_mut().direct = None;
        }
    }
    let ptr: NonNull<dyn DirectIo + '_> = NonNull::from(io);
    // SAFETY: only the trait object's lifetime bound changes (same layout);
    // the pointer is stored in the two buffers and `Clear` removes it from
    // both before this function returns or unwinds, so it is never used
    // after the borrow of `io` ends.
    let ptr: DirectPtr = unsafe {
        std::mem::transmute::<NonNull<dyn DirectIo + '_>, NonNull<dyn DirectIo + 'static>>(ptr)
    };
    incoming.buf_mut().direct = Some(ptr);
    outgoing.buf_mut().direct = Some(ptr);
    let _clear = Clear(incoming, outgoing);
    f()
}

/// What a [`SockBio`] knows between calls: the descriptor of the call in
/// progress and whether a read met the end of the stream.
struct SockState {
    fd: c_int,
    eof: bool,
}

/// pyssl's socket BIO method: OpenSSL's socket BIO (`BIO_s_socket`) with
/// two differences. The descriptor is given anew before every call (it
/// is borrowed, never closed), and every `recv`/`send` is non-blocking
/// per call (`MSG_DONTWAIT`) whatever the descriptor's own mode, so an
/// OpenSSL call never waits on the socket: the caller waits, outside its
/// locks. `MSG_NOSIGNAL` turns SIGPIPE into `EPIPE` (what CPython sees,
/// since Python ignores SIGPIPE). Retry flags, the end-of-stream flag
/// and `BIO_CTRL_EOF` are the socket BIO's, per OpenSSL version.
fn sock_method() -> *mut sys::BIO_METHOD {
    static METHOD: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *METHOD.get_or_init(|| {
        // SAFETY: creates a method table that lives for the process (never
        // freed); the callbacks below match OpenSSL's signatures.
        unsafe {
            let m = sys::BIO_meth_new(sys::BIO_TYPE_NONE, c"pyssl socket".as_ptr());
            if !m.is_null() {
                sys::BIO_meth_set_write__fixed_rust(m, Some(sock_write));
                sys::BIO_meth_set_read__fixed_rust(m, Some(sock_read));
                sys::BIO_meth_set_ctrl__fixed_rust(m, Some(sock_ctrl));
                sys::BIO_meth_set_create__fixed_rust(m, Some(sock_create));
                sys::BIO_meth_set_destroy__fixed_rust(m, Some(sock_destroy));
            }
            m as usize
        }
    }) as *mut sys::BIO_METHOD
}

/// The state of one of our socket BIOs.
///
/// # Safety
/// `bio` must be a live BIO of [`sock_method`], used by one thread at a
/// time (the owner's connection lock is held around every OpenSSL call).
unsafe fn sock_state<'a>(bio: *mut sys::BIO) -> Option<&'a mut SockState> {
    // SAFETY: per the contract, the data pointer is null or our Box.
    unsafe { sys::BIO_get_data(bio).cast::<SockState>().as_mut() }
}

unsafe extern "C" fn sock_create(bio: *mut sys::BIO) -> c_int {
    let data = Box::into_raw(Box::new(SockState { fd: -1, eof: false }));
    // SAFETY: `bio` is the BIO OpenSSL is creating; it owns the Box from
    // now on (freed in `sock_destroy`).
    unsafe {
        sys::BIO_set_data(bio, data.cast::<c_void>());
        sys::BIO_set_init(bio, 1);
    }
    1
}

unsafe extern "C" fn sock_destroy(bio: *mut sys::BIO) -> c_int {
    if bio.is_null() {
        return 0;
    }
    // SAFETY: `bio` is being freed by OpenSSL (last reference); its data
    // pointer is the Box from `sock_create`, taken back exactly once.
    unsafe {
        let data = sys::BIO_get_data(bio).cast::<SockState>();
        if !data.is_null() {
            drop(Box::from_raw(data));
        }
        sys::BIO_set_data(bio, std::ptr::null_mut());
        sys::BIO_set_init(bio, 0);
    }
    1
}

/// `BIO_sock_should_retry` after a `recv`/`send` that returned `ret`:
/// OpenSSL's list of non-fatal socket errors.
fn sock_should_retry(ret: isize) -> bool {
    if ret != 0 && ret != -1 {
        return false;
    }
    matches!(
        super::errno(),
        libc::EWOULDBLOCK
            | libc::ENOTCONN
            | libc::EINTR
            | libc::EPROTO
            | libc::EINPROGRESS
            | libc::EALREADY
    )
}

unsafe extern "C" fn sock_read(bio: *mut sys::BIO, buf: *mut libc::c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes a live BIO of ours and `len` writable bytes.
    unsafe {
        let Some(st) = sock_state(bio) else { return -1 };
        if buf.is_null() {
            return 0;
        }
        let n = usize::try_from(len).unwrap_or(0);
        super::set_errno(0);
        let ret = libc::recv(st.fd, buf.cast::<c_void>(), n, libc::MSG_DONTWAIT);
        sys::BIO_clear_retry_flags(bio);
        if ret <= 0 {
            if sock_should_retry(ret) {
                sys::BIO_set_retry_read(bio);
            } else if ret == 0 {
                st.eof = true;
            }
        }
        c_int::try_from(ret).unwrap_or(-1)
    }
}

unsafe extern "C" fn sock_write(bio: *mut sys::BIO, buf: *const libc::c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL passes a live BIO of ours and `len` readable bytes.
    unsafe {
        let Some(st) = sock_state(bio) else { return -1 };
        let n = usize::try_from(len).unwrap_or(0);
        super::set_errno(0);
        let ret = libc::send(
            st.fd,
            buf.cast::<c_void>(),
            n,
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        );
        sys::BIO_clear_retry_flags(bio);
        if ret <= 0 && sock_should_retry(ret) {
            sys::BIO_set_retry_write(bio);
        }
        c_int::try_from(ret).unwrap_or(-1)
    }
}

unsafe extern "C" fn sock_ctrl(
    bio: *mut sys::BIO,
    cmd: c_int,
    _num: c_long,
    _ptr: *mut c_void,
) -> c_long {
    // SAFETY: OpenSSL passes a live BIO of ours.
    let eof = unsafe { sock_state(bio) }.is_some_and(|s| s.eof);
    match cmd {
        // OpenSSL 3's socket BIO reports the end of the stream it met,
        // which makes the record layer report an unexpected EOF; 1.1.1's
        // answers 0 (the EOF is then a syscall error with errno 0).
        sys::BIO_CTRL_EOF => c_long::from(cfg!(ossl300) && eof),
        sys::BIO_CTRL_FLUSH | ffi::BIO_CTRL_DUP => 1,
        _ => 0,
    }
}

/// An owned reference to one of pyssl's socket BIOs (see [`sock_method`]).
pub(crate) struct SockBio {
    ptr: NonNull<sys::BIO>,
}

// SAFETY: the BIO's state is plain data used only under the owning
// connection's lock; the reference count is atomic.
unsafe impl Send for SockBio {}

impl Drop for SockBio {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { ffi::BIO_free(self.ptr.as_ptr()) };
    }
}

impl SockBio {
    /// A socket BIO with no descriptor yet.
    pub(crate) fn new() -> Result<SockBio, Error> {
        super::init();
        let m = sock_method();
        if m.is_null() {
            return Err(Error::Ssl(err::config_error()));
        }
        // SAFETY: a valid method table; BIO_new calls `sock_create`.
        let p = unsafe { sys::BIO_new(m) };
        let ptr = NonNull::new(p).ok_or_else(|| Error::Ssl(err::config_error()))?;
        Ok(SockBio { ptr })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::BIO {
        self.ptr.as_ptr()
    }

    /// The descriptor the next OpenSSL calls use. The caller holds the
    /// connection's lock and keeps `fd` open until those calls return.
    pub(crate) fn set_fd(&mut self, fd: std::os::fd::BorrowedFd<'_>) {
        use std::os::fd::AsRawFd;
        // SAFETY: our live BIO, exclusively borrowed through `&mut self`.
        if let Some(st) = unsafe { sock_state(self.as_ptr()) } {
            st.fd = fd.as_raw_fd();
        }
    }
}
