//! `MemoryBio`: Python's `ssl.MemoryBIO`, a byte buffer OpenSSL reads from
//! or writes to.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result, SslError};
use crate::sys::bio::MemBio;

/// An in-memory buffer between an [`SslObject`](crate::SslObject) and the
/// network (a BIO method of pyssl's own with `BIO_s_mem`'s semantics, on a
/// Rust buffer): Python's `ssl.MemoryBIO`.
///
/// A `MemoryBio` is a handle: clones share the same buffer (as a Python
/// object shared between the caller and the `SSLObject`).
#[derive(Clone)]
#[doc(alias = "MemoryBIO")]
pub struct MemoryBio {
    inner: Arc<Mutex<BioState>>,
}

pub(crate) struct BioState {
    pub(crate) bio: MemBio,
    eof_written: bool,
    /// Give the buffer's memory back the next time it is empty.
    pub(crate) trim_when_empty: bool,
}

impl BioState {
    /// Releases the buffer's memory if a trim is due and it is empty.
    pub(crate) fn trim_if_empty(&mut self) {
        if self.trim_when_empty && self.bio.pending() == 0 {
            self.bio.release_if_empty();
            self.trim_when_empty = false;
        }
    }
}

impl std::fmt::Debug for MemoryBio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryBio")
            .field("pending", &self.pending())
            .field("eof", &self.eof())
            .finish()
    }
}

impl MemoryBio {
    /// `MemoryBIO()`.
    #[doc(alias = "MemoryBIO")]
    pub fn new() -> Result<MemoryBio> {
        Ok(MemoryBio {
            inner: Arc::new(Mutex::new(BioState {
                bio: MemBio::new()?,
                eof_written: false,
                trim_when_empty: false,
            })),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, BioState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `pending`: bytes in the buffer.
    pub fn pending(&self) -> usize {
        self.lock().bio.pending()
    }

    /// `eof`: true once [`write_eof`](Self::write_eof) was called and the
    /// buffer is empty.
    pub fn eof(&self) -> bool {
        let st = self.lock();
        st.eof_written && st.bio.pending() == 0
    }

    /// `read(n=-1)`: up to `n` bytes (everything with `None`).
    pub fn read(&self, n: Option<usize>) -> Result<Vec<u8>> {
        let mut st = self.lock();
        let avail = st.bio.pending();
        let want = n.map_or(avail, |n| n.min(avail));
        let data = st.bio.read_to_vec(want);
        st.trim_if_empty();
        Ok(data)
    }

    /// `write(data)`: appends `data`, returning its length. After
    /// [`write_eof`](Self::write_eof) this is Python's
    /// `SSLError('cannot write() after write_eof()')`.
    pub fn write(&self, data: &[u8]) -> Result<usize> {
        let mut st = self.lock();
        if st.eof_written {
            return Err(Error::Ssl(SslError::plain(
                "cannot write() after write_eof()",
            )));
        }
        st.bio.write(data)
    }

    /// `read(len(buf))` into the caller's buffer: moves up to `buf.len()`
    /// pending bytes into `buf` (one copy, no allocation) and returns how
    /// many. An empty buffer gives 0, as `read()` gives `b""`.
    #[doc(alias = "read")]
    pub fn read_into(&self, buf: &mut [u8]) -> usize {
        let mut st = self.lock();
        let n = st.bio.read_into(buf);
        st.trim_if_empty();
        n
    }

    /// `write(data)` with an owned buffer: when this buffer is empty (the
    /// usual case when the caller drains it) `data`'s allocation becomes
    /// the buffer, without a copy; otherwise `data` is appended. Returns
    /// the number of bytes written. The same errors as
    /// [`write`](Self::write).
    #[doc(alias = "write")]
    pub fn write_vec(&self, data: Vec<u8>) -> Result<usize> {
        let mut st = self.lock();
        if st.eof_written {
            return Err(Error::Ssl(SslError::plain(
                "cannot write() after write_eof()",
            )));
        }
        let n = data.len();
        st.bio.write_vec(data);
        Ok(n)
    }

    /// `dest.write(self.read())` without copying the bytes: moves every
    /// pending byte of this buffer to the end of `dest` and returns how
    /// many. When `dest` is empty the two buffers trade their allocations
    /// (no copy, no allocation; the usual case between an `SslObject`'s
    /// outgoing buffer and its peer's incoming one), otherwise the bytes
    /// are appended. As in Python, writing to a `dest` after its
    /// [`write_eof`](Self::write_eof) is
    /// `SSLError('cannot write() after write_eof()')`, and then nothing is
    /// read from this buffer. The two buffers are never locked at the same
    /// time: a `write_eof` on `dest` from another thread while the bytes
    /// move fails the transfer after the read, as in Python. Moving a
    /// buffer to itself leaves it as it is.
    pub fn transfer_to(&self, dest: &MemoryBio) -> Result<usize> {
        if Arc::ptr_eq(&self.inner, &dest.inner) {
            let st = self.lock();
            if st.eof_written {
                return Err(Error::Ssl(SslError::plain(
                    "cannot write() after write_eof()",
                )));
            }
            return Ok(st.bio.pending());
        }
        let spare = {
            let mut d = dest.lock();
            if d.eof_written {
                return Err(Error::Ssl(SslError::plain(
                    "cannot write() after write_eof()",
                )));
            }
            d.bio.take_spare()
        };
        let (data, spare) = {
            let mut st = self.lock();
            if st.bio.pending() == 0 {
                (Vec::new(), Some(spare))
            } else {
                let data = st.bio.take_all(spare);
                st.trim_if_empty();
                (data, None)
            }
        };
        let n = data.len();
        let mut d = dest.lock();
        if d.eof_written {
            // `write_eof()` came in between: as `dest.write(self.read())`
            // in Python, the bytes were read and the write fails.
            return Err(Error::Ssl(SslError::plain(
                "cannot write() after write_eof()",
            )));
        }
        match spare {
            None => d.bio.write_vec(data),
            Some(spare) => d.bio.give_spare(spare),
        }
        Ok(n)
    }

    /// `write_eof()`: no more data will come; once the buffer is drained
    /// reads see EOF.
    pub fn write_eof(&self) {
        let mut st = self.lock();
        st.eof_written = true;
        st.bio.write_eof();
    }
}
