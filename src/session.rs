//! `SslSession`: Python's `ssl.SSLSession`, a TLS session to resume.

use std::sync::Arc;

use crate::sys::conn::Session;

/// A TLS session a client can resume on a later connection
/// (`WrapOptions::session`, [`SslSocket::set_session`](crate::SslSocket::set_session)):
/// Python's `ssl.SSLSession`. Cheap to clone.
#[derive(Clone)]
#[doc(alias = "SSLSession")]
pub struct SslSession {
    pub(crate) inner: Arc<Session>,
}

impl std::fmt::Debug for SslSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslSession")
            .field("id", &self.id())
            .field("has_ticket", &self.has_ticket())
            .finish_non_exhaustive()
    }
}

impl PartialEq for SslSession {
    /// Sessions are equal when their ids are (as in Python).
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl SslSession {
    /// `id`: the session id.
    pub fn id(&self) -> Vec<u8> {
        self.inner.id()
    }

    /// `time`: when the session was established, in seconds since the
    /// epoch.
    pub fn time(&self) -> i64 {
        self.inner.time()
    }

    /// `timeout`: the session's lifetime in seconds.
    pub fn timeout(&self) -> i64 {
        self.inner.timeout()
    }

    /// `ticket_lifetime_hint`: the server's hint for the ticket lifetime.
    pub fn ticket_lifetime_hint(&self) -> u64 {
        self.inner.ticket_lifetime_hint()
    }

    /// `has_ticket`: whether the session holds a ticket.
    pub fn has_ticket(&self) -> bool {
        self.inner.has_ticket()
    }
}
