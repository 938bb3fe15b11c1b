//! pyssl's integration tests: one binary (one link against OpenSSL).
