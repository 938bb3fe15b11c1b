//! OpenSSL's memory BIO (`BIO_s_mem`), the engine under `MemoryBio`.

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

/// An owned reference to a `BIO_s_mem` that reports "retry" when empty
/// (until [`MemBio::write_eof`]).
pub(crate) struct MemBio {
    ptr: NonNull<sys::BIO>,
}

// SAFETY: a BIO is plain memory guarded by the owner's exclusive access
// (`&mut self` for every mutation); the reference count is atomic.
unsafe impl Send for MemBio {}

impl Drop for MemBio {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { ffi::BIO_free(self.ptr.as_ptr()) };
    }
}

impl MemBio {
    /// `BIO_new(BIO_s_mem())` with `BIO_set_mem_eof_return(bio, -1)`.
    pub(crate) fn new() -> Result<MemBio, Error> {
        super::init();
        // SAFETY: BIO_s_mem returns a static method table.
        let p = unsafe { sys::BIO_new(sys::BIO_s_mem()) };
        let ptr = NonNull::new(p).ok_or_else(|| Error::Ssl(err::config_error()))?;
        // SAFETY: valid BIO; sets the value read returns when empty.
        unsafe {
            sys::BIO_ctrl(
                ptr.as_ptr(),
                ffi::BIO_C_SET_BUF_MEM_EOF_RETURN,
                -1,
                std::ptr::null_mut(),
            )
        };
        Ok(MemBio { ptr })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::BIO {
        self.ptr.as_ptr()
    }

    /// `BIO_ctrl_pending`.
    pub(crate) fn pending(&self) -> usize {
        // SAFETY: valid BIO.
        let n = unsafe {
            sys::BIO_ctrl(
                self.as_ptr(),
                ffi::BIO_CTRL_PENDING,
                0,
                std::ptr::null_mut(),
            )
        };
        usize::try_from(n).unwrap_or(0)
    }

    /// Hands the buffer's memory back once it is empty. A memory BIO keeps
    /// the capacity of the largest burst it ever held (a handshake flight,
    /// a 16 KiB record), so an idle connection would otherwise carry
    /// kilobytes of dead buffer for its lifetime. The EOF behaviour (the
    /// BIO's own field) is untouched.
    pub(crate) fn release_if_empty(&mut self) {
        if self.pending() != 0 {
            return;
        }
        let mut bm: *mut ffi::BUF_MEM = std::ptr::null_mut();
        // SAFETY: valid BIO; BIO_get_mem_ptr stores the BUF_MEM pointer
        // into `bm`.
        unsafe {
            sys::BIO_ctrl(
                self.as_ptr(),
                ffi::BIO_C_GET_BUF_MEM_PTR,
                0,
                (&mut bm as *mut *mut ffi::BUF_MEM).cast::<c_void>(),
            )
        };
        // SAFETY: a non-null BUF_MEM of this BIO, read only.
        if bm.is_null() || unsafe { (*bm).max } == 0 {
            return;
        }
        // SAFETY: plain allocation; NULL on failure (then keep the old one).
        let fresh = unsafe { ffi::BUF_MEM_new() };
        if fresh.is_null() {
            err::clear();
            return;
        }
        // SAFETY: valid BIO and a new, empty BUF_MEM whose ownership passes
        // to the BIO (BIO_CLOSE); the BIO frees the old buffer it owned.
        unsafe {
            sys::BIO_ctrl(
                self.as_ptr(),
                ffi::BIO_C_SET_BUF_MEM,
                ffi::BIO_CLOSE,
                fresh.cast::<c_void>(),
            )
        };
    }

    /// Reads up to `want` bytes into a new vector, without zeroing it first
    /// (the bulk path of `MemoryBIO.read()`).
    pub(crate) fn read_to_vec(&mut self, want: usize) -> Vec<u8> {
        let want = want.min(c_int::MAX as usize);
        let mut v = Vec::with_capacity(want);
        if want == 0 {
            return v;
        }
        // SAFETY: valid BIO; OpenSSL writes at most `want` bytes into the
        // vector's spare capacity, which holds at least `want` bytes.
        let n = unsafe {
            sys::BIO_read(
                self.as_ptr(),
                v.spare_capacity_mut().as_mut_ptr().cast::<c_void>(),
                want as c_int,
            )
        };
        if n < 0 {
            // Empty buffer with retry semantics (or EOF after write_eof).
            err::clear();
            return v;
        }
        let n = usize::try_from(n).unwrap_or(0).min(want);
        // SAFETY: BIO_read initialised exactly the first `n` bytes.
        unsafe { v.set_len(n) };
        v
    }

    /// Appends `data`; returns the number of bytes written.
    pub(crate) fn write(&mut self, data: &[u8]) -> Result<usize, Error> {
        let mut done = 0usize;
        while done < data.len() {
            let chunk = &data[done..];
            let len = c_int::try_from(chunk.len()).unwrap_or(c_int::MAX);
            // SAFETY: valid BIO; OpenSSL copies `len` bytes from chunk.
            let n = unsafe { sys::BIO_write(self.as_ptr(), chunk.as_ptr().cast::<c_void>(), len) };
            if n <= 0 {
                return Err(Error::Ssl(err::config_error()));
            }
            done += usize::try_from(n).unwrap_or(0);
        }
        Ok(done)
    }

    /// From now on an empty buffer means EOF (`BIO_set_mem_eof_return(0)`).
    pub(crate) fn write_eof(&mut self) {
        // SAFETY: valid BIO.
        unsafe {
            sys::BIO_ctrl(
                self.as_ptr(),
                ffi::BIO_C_SET_BUF_MEM_EOF_RETURN,
                c_long::from(0),
                std::ptr::null_mut(),
            )
        };
    }
}
