//! `BorrowedSslSocket`: TLS over descriptors pyssl does not own (a
//! socketpair, loopback TCP), the caller's timeout per call, and a reader
//! thread and a writer thread on one connection.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyssl::{BorrowedSslSocket, Error, SslContext, TlsVersion, VerifyMode, WrapOptions};

fn contexts(max: Option<TlsVersion>) -> (SslContext, SslContext) {
    let server = super::support::leaf_server_ctx();
    if let Some(v) = max {
        server.set_maximum_version(v).unwrap();
    }
    (server, super::support::ca_client_ctx())
}

/// A handshaken pair over a socketpair: (server, its stream, client, its stream).
fn pair(
    max: Option<TlsVersion>,
) -> (
    Arc<BorrowedSslSocket>,
    UnixStream,
    Arc<BorrowedSslSocket>,
    UnixStream,
) {
    let (sctx, cctx) = contexts(max);
    let (a, b) = UnixStream::pair().unwrap();
    let s = Arc::new(
        sctx.wrap_borrowed(a.as_fd(), WrapOptions::server())
            .unwrap(),
    );
    let c = Arc::new(
        cctx.wrap_borrowed(b.as_fd(), WrapOptions::client("localhost"))
            .unwrap(),
    );
    let s2 = s.clone();
    let a2 = a.try_clone().unwrap();
    let t = std::thread::spawn(move || s2.do_handshake(a2.as_fd(), None));
    c.do_handshake(b.as_fd(), None).unwrap();
    t.join().unwrap().unwrap();
    (s, a, c, b)
}

#[test]
fn socketpair_handshake_and_echo() {
    let (s, a, c, b) = pair(None);
    assert_eq!(c.version().as_deref(), Some("TLSv1.3"));
    assert_eq!(c.write(b.as_fd(), b"ping", None).unwrap(), 4);
    let mut buf = [0u8; 16];
    let n = s.read_into(a.as_fd(), &mut buf, None).unwrap();
    assert_eq!(&buf[..n], b"ping");
    assert!(c.getpeercert().unwrap().is_some());
    // The descriptors stay open and blocking after the TLS objects go
    // (client to server: the server's session tickets are still unread the
    // other way).
    drop((s, c));
    (&b).write_all(b"plain").unwrap();
    let mut got = [0u8; 5];
    (&a).read_exact(&mut got).unwrap();
    assert_eq!(&got, b"plain");
}

#[test]
fn timeout_is_the_callers_per_call() {
    let (_s, _a, c, b) = pair(None);
    let mut buf = [0u8; 8];
    // Zero: no wait, SSLWantReadError.
    let e = c
        .read_into(b.as_fd(), &mut buf, Some(Duration::ZERO))
        .unwrap_err();
    assert_eq!(e.python_class(), "SSLWantReadError", "{e}");
    // A timeout: TimeoutError with CPython's text, after about that long.
    let t0 = Instant::now();
    let e = c
        .read_into(b.as_fd(), &mut buf, Some(Duration::from_millis(100)))
        .unwrap_err();
    assert_eq!(e.python_class(), "TimeoutError", "{e}");
    assert_eq!(e.to_string(), "The read operation timed out");
    assert!(t0.elapsed() >= Duration::from_millis(90));
    // The descriptor's own mode was never changed (still blocking).
    assert!(b.set_nonblocking(false).is_ok());
}

#[test]
fn ragged_eof_is_sslerror_eof_and_clean_close_is_zero() {
    let (s, a, c, b) = pair(None);
    // Clean: the server's shutdown sends close_notify; the client reads 0.
    let s2 = s.clone();
    let a2 = a.try_clone().unwrap();
    let t = std::thread::spawn(move || s2.shutdown(a2.as_fd(), None));
    let mut buf = [0u8; 8];
    assert_eq!(c.read_into(b.as_fd(), &mut buf, None).unwrap(), 0);
    c.shutdown(b.as_fd(), None).unwrap();
    t.join().unwrap().unwrap();
    // Ragged: the peer's descriptor closes without close_notify.
    let (_s, a, c, b) = pair(None);
    drop(a);
    let e = c.read_into(b.as_fd(), &mut buf, None).unwrap_err();
    if pyssl::openssl_version_number() < 0x3020_0000 {
        assert_eq!(e.python_class(), "SSLEOFError", "{e}");
    }
}

/// A ragged EOF over TCP: pyssl's socket BIO (under both
/// `BorrowedSslSocket` and `SslSocket`) reports what CPython, on OpenSSL's
/// own socket BIO, reports with the same OpenSSL.
#[test]
fn ragged_eof_as_cpython_over_tcp() {
    use super::support::{connect, run_python, same_openssl_as_cpython, serve_one};
    super::support::require_cpython!();
    let dropping_server = || {
        let (sctx, _) = contexts(None);
        serve_one(move |s| {
            let t = sctx.wrap_socket(s, WrapOptions::server()).unwrap();
            drop(t); // no close_notify, as CPython's close()
        })
    };
    let outcome = |borrowed: bool| -> Error {
        let (_, cctx) = contexts(None);
        let (port, h) = dropping_server();
        let tcp = connect(port);
        let mut buf = [0u8; 8];
        if borrowed {
            let t = cctx
                .wrap_borrowed(tcp.as_fd(), WrapOptions::client("localhost"))
                .unwrap();
            t.do_handshake(tcp.as_fd(), None).unwrap();
            h.join().unwrap();
            t.read_into(tcp.as_fd(), &mut buf, None).unwrap_err()
        } else {
            let t = cctx
                .wrap_socket(
                    tcp,
                    WrapOptions::client("localhost").suppress_ragged_eofs(false),
                )
                .unwrap();
            h.join().unwrap();
            t.read_into(&mut buf).unwrap_err()
        }
    };
    let (borrowed, owned) = (outcome(true), outcome(false));
    assert_eq!(borrowed.python_class(), owned.python_class());
    assert_eq!(borrowed.to_string(), owned.to_string());
    if !same_openssl_as_cpython() {
        return;
    }
    let (port, h) = dropping_server();
    let py = run_python(
        r#"
import re, socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                    server_hostname="localhost", suppress_ragged_eofs=False)
try:
    s.recv(8)
except Exception as e:
    print(type(e).__name__, re.sub(r" \(_ssl\.c:\d+\)", "", str(e)))
"#,
        &[
            &port.to_string(),
            super::support::pki().ca.to_str().unwrap(),
        ],
    );
    h.join().unwrap();
    assert_eq!(format!("{} {owned}\n", owned.python_class()), py);
}

#[test]
fn wrong_host_fails_verification() {
    let (sctx, cctx) = contexts(None);
    let (a, b) = UnixStream::pair().unwrap();
    let s = sctx
        .wrap_borrowed(a.as_fd(), WrapOptions::server())
        .unwrap();
    let c = cctx
        .wrap_borrowed(b.as_fd(), WrapOptions::client("wrong.example"))
        .unwrap();
    std::thread::scope(|sc| {
        sc.spawn(|| {
            let _ = s.do_handshake(a.as_fd(), Some(Duration::from_secs(10)));
        });
        let e = c.do_handshake(b.as_fd(), None).unwrap_err();
        match e {
            Error::CertVerification(v) => assert_eq!(v.verify_code(), Some(62)),
            other => panic!("{other:?}"),
        }
        drop(b);
    });
    let _ = VerifyMode::Required;
}

/// A bound on every wait of the duplex test, so that a failure on one side
/// cannot leave the other waiting forever.
const LIMIT: Option<Duration> = Some(Duration::from_secs(60));

/// One thread blocked in reads while another writes, on both ends at
/// once: no deadlock, data intact.
fn duplex(max: Option<TlsVersion>, total: usize) {
    let (s, a, c, b) = pair(max);
    let pattern = |i: usize| (i % 251) as u8;
    let mut threads = Vec::new();
    for (tls, fd) in [
        (s.clone(), a.try_clone().unwrap()),
        (c.clone(), b.try_clone().unwrap()),
    ] {
        let (t1, f1) = (tls.clone(), fd.try_clone().unwrap());
        threads.push(std::thread::spawn(move || {
            let mut sent = 0;
            while sent < total {
                let n = (total - sent).min(65536);
                let data: Vec<u8> = (sent..sent + n).map(pattern).collect();
                let mut done = 0;
                while done < n {
                    done += t1.write(f1.as_fd(), &data[done..], LIMIT).unwrap();
                }
                sent += n;
            }
        }));
        threads.push(std::thread::spawn(move || {
            let mut got = 0;
            let mut buf = vec![0u8; 32768];
            while got < total {
                let n = tls.read_into(fd.as_fd(), &mut buf, LIMIT).unwrap();
                assert!(n > 0, "EOF after {got} bytes");
                for (i, &x) in buf[..n].iter().enumerate() {
                    assert_eq!(x, pattern(got + i), "byte {}", got + i);
                }
                got += n;
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn reader_and_writer_threads_tls13() {
    duplex(None, 16 << 20);
}

#[test]
fn reader_and_writer_threads_tls12() {
    duplex(Some(TlsVersion::TlsV1_2), 16 << 20);
}
