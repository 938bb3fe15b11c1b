//! pyssl ↔ pyssl over loopback TCP and memory BIOs, with generated
//! certificates: success, every verification failure, timeouts,
//! non-blocking mode, EOFs, garbage and vanishing peers.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use pyssl::{
    Error, GeneralName, MemoryBio, Protocol, SslContext, SslErrorKind, SslSocket, WrapOptions,
};

use super::support::{connect, pki, serve_one};

fn server_ctx(cert: &(std::path::PathBuf, std::path::PathBuf)) -> SslContext {
    let s = SslContext::new(Protocol::TlsServer).unwrap();
    s.load_cert_chain(&cert.0, CertChainOptions::new().keyfile(&cert.1))
        .unwrap();
    s
}

fn client_ctx() -> SslContext {
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    c.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    c
}

/// A server that handshakes, echoes one read, and reports its outcome.
fn echo_server(ctx: SslContext) -> (u16, std::thread::JoinHandle<Result<Vec<u8>, Error>>) {
    serve_one(move |s| {
        let t = ctx.wrap_socket(s, WrapOptions::server())?;
        let data = t.recv(1024)?;
        t.sendall(&data)?;
        Ok(data)
    })
}

fn client(port: u16, host: &str) -> Result<SslSocket, Error> {
    client_ctx().wrap_socket(connect(port), WrapOptions::client(host))
}

#[test]
fn verified_connection_reports_like_python() {
    let (port, h) = echo_server(server_ctx(&pki().leaf));
    let c = client(port, "localhost").unwrap();
    assert_eq!(c.version().as_deref(), Some("TLSv1.3"));
    let cipher = c.cipher().unwrap();
    assert_eq!(cipher.name, "TLS_AES_256_GCM_SHA384");
    assert_eq!(cipher.secret_bits, 256);
    let cert = c.getpeercert().unwrap().unwrap();
    assert_eq!(
        cert.subject.as_ref().unwrap().last().unwrap()[0],
        ("commonName".to_string(), "localhost".into())
    );
    assert_eq!(
        cert.subject_alt_name.unwrap(),
        vec![
            GeneralName::Dns("localhost".into()),
            GeneralName::IpAddress("127.0.0.1".into()),
            GeneralName::IpAddress("0:0:0:0:0:0:0:1".into()),
        ]
    );
    assert_eq!(c.get_verified_chain().len(), 3);
    assert_eq!(c.get_unverified_chain().len(), 2);
    assert!(c.get_channel_binding("tls-unique").unwrap().is_some());
    c.sendall(b"ping").unwrap();
    assert_eq!(c.recv(4).unwrap(), b"ping");
    assert_eq!(h.join().unwrap().unwrap(), b"ping");
}

fn failure(cert: &(std::path::PathBuf, std::path::PathBuf), host: &str) -> Error {
    let (port, h) = echo_server(server_ctx(cert));
    let e = client(port, host).unwrap_err();
    let server = h.join().unwrap().unwrap_err();
    assert!(server.is_ssl_error(), "server side: {server}");
    e
}

#[test]
fn verification_failures_carry_codes_and_texts() {
    let p = pki();
    let cases: Vec<(&(std::path::PathBuf, std::path::PathBuf), &str, i64, String)> = vec![
        (
            &p.leaf,
            "wrong.example.org",
            62,
            "Hostname mismatch, certificate is not valid for 'wrong.example.org'.".into(),
        ),
        (
            &p.leaf,
            "127.0.0.2",
            64,
            "IP address mismatch, certificate is not valid for '127.0.0.2'.".into(),
        ),
        (
            &p.expired,
            "localhost",
            10,
            "certificate has expired".into(),
        ),
        (
            &p.notyet,
            "localhost",
            9,
            "certificate is not yet valid".into(),
        ),
        (
            &p.rogue,
            "localhost",
            20,
            "unable to get local issuer certificate".into(),
        ),
        (
            &p.selfsigned,
            "localhost",
            18,
            // OpenSSL 1.1.1 spells it without the hyphen.
            if super::support::ossl3() {
                "self-signed certificate".into()
            } else {
                "self signed certificate".into()
            },
        ),
    ];
    for (cert, host, code, msg) in cases {
        let e = failure(cert, host);
        assert_eq!(e.python_class(), "SSLCertVerificationError", "{host}");
        assert!(e.is_instance("ValueError") && e.is_instance("OSError"));
        let v = e.cert_verification().unwrap();
        assert_eq!(v.verify_code(), Some(code));
        // Exact texts for 3.0 and 1.1.1; other versions: the library's own.
        let known = pyssl::openssl_version_number() < 0x3010_0000;
        let msg = if known || code == 62 || code == 64 {
            msg
        } else {
            super::support::verify_text(code)
        };
        assert_eq!(v.verify_message(), Some(msg.as_str()));
        assert_eq!(
            e.to_string(),
            format!("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {msg}")
        );
        assert_eq!(e.library(), Some("SSL"));
        assert_eq!(e.reason(), Some("CERTIFICATE_VERIFY_FAILED"));
    }
}

#[test]
fn ip_literals_send_no_sni_and_check_ip_sans() {
    let srv = server_ctx(&pki().leaf);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Some("unset".to_string())));
    let s2 = seen.clone();
    srv.set_sni_callback(Some(move |r: &mut pyssl::SniRequest<'_, '_>| {
        *s2.lock().unwrap() = r.server_name().map(str::to_string);
        Ok(())
    }))
    .unwrap();
    for host in ["127.0.0.1", "::1", "127.000.000.001"] {
        let (port, h) = echo_server(srv.clone());
        if host == "127.000.000.001" && !super::support::leading_zero_ipv4_is_ip() {
            // A DNS name for this OpenSSL: sent as SNI, no IP SAN matches.
            let e = client(port, host).unwrap_err();
            assert_eq!(e.cert_verification().unwrap().verify_code(), Some(62));
            let _ = h.join();
            assert_eq!(seen.lock().unwrap().as_deref(), Some(host));
            continue;
        }
        let c = client(port, host).unwrap();
        c.sendall(b"x").unwrap();
        assert_eq!(c.recv(1).unwrap(), b"x");
        h.join().unwrap().unwrap();
        assert_eq!(*seen.lock().unwrap(), None, "{host} sent SNI");
    }
}

#[test]
fn sni_callback_alert_aborts_and_panic_is_an_error() {
    let srv = server_ctx(&pki().leaf);
    srv.set_sni_callback(Some(|_: &mut pyssl::SniRequest<'_, '_>| {
        Err(pyssl::AlertDescription::UNRECOGNIZED_NAME)
    }))
    .unwrap();
    let (port, h) = echo_server(srv);
    let e = client(port, "localhost").unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: TLSV1_UNRECOGNIZED_NAME] tlsv1 unrecognized name"
    );
    let se = h.join().unwrap().unwrap_err();
    assert_eq!(se.to_string(), "[SSL: CALLBACK_FAILED] callback failed");

    let srv = server_ctx(&pki().leaf);
    srv.set_sni_callback(Some(|_: &mut pyssl::SniRequest<'_, '_>| -> Result<(), _> {
        panic!("callback bug")
    }))
    .unwrap();
    let (port, h) = serve_one(move |s| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = srv.wrap_socket(s, WrapOptions::server());
        }))
        .is_err()
    });
    let e = client(port, "localhost").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] {}",
            super::support::sslv3_alert("handshake failure")
        )
    );
    assert!(
        h.join().unwrap(),
        "the panic is resumed after OpenSSL returns"
    );
}

#[test]
fn handshake_timeout_is_a_timeout_error() {
    let (port, h) = serve_one(|mut s| {
        // Read the ClientHello and say nothing until the client gives up.
        let mut b = [0u8; 4096];
        while matches!(s.read(&mut b), Ok(n) if n > 0) {}
    });
    let sock = connect(port);
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let e = client_ctx()
        .wrap_socket(sock, WrapOptions::client("localhost"))
        .unwrap_err();
    assert_eq!(e.python_class(), "TimeoutError");
    assert_eq!(e.to_string(), "The handshake operation timed out");
    drop(e);
    h.join().unwrap();
}

#[test]
fn non_blocking_socket_raises_want_read() {
    // A silent server: the first handshake step must want to read.
    let (port, h) = serve_one(|mut s| {
        let mut b = [0u8; 4096];
        while matches!(s.read(&mut b), Ok(n) if n > 0) {}
    });
    let sock = connect(port);
    sock.set_nonblocking(true).unwrap();
    let e = client_ctx()
        .wrap_socket(sock.try_clone().unwrap(), WrapOptions::client("localhost"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "do_handshake_on_connect should not be specified for non-blocking sockets"
    );
    let c = client_ctx()
        .wrap_socket(
            sock,
            WrapOptions::client("localhost").do_handshake_on_connect(false),
        )
        .unwrap();
    assert_eq!(c.gettimeout(), Some(Duration::ZERO));
    let e = c.do_handshake().unwrap_err();
    assert_eq!(e.ssl_kind(), Some(SslErrorKind::WantRead));
    assert_eq!(e.python_class(), "SSLWantReadError");
    assert_eq!(e.to_string(), "The operation did not complete (read)");
    drop(c);
    h.join().unwrap();

    // Against a real server: retry until done, then io::Read reports
    // WouldBlock while no application data is there.
    let (port, h) = echo_server(server_ctx(&pki().leaf));
    let sock = connect(port);
    sock.set_nonblocking(true).unwrap();
    let mut c = client_ctx()
        .wrap_socket(
            sock,
            WrapOptions::client("localhost").do_handshake_on_connect(false),
        )
        .unwrap();
    loop {
        match c.do_handshake() {
            Ok(()) => break,
            Err(e) if e.ssl_kind() == Some(SslErrorKind::WantRead) => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("{e}"),
        }
    }
    let mut buf = [0u8; 4];
    let err = Read::read(&mut c, &mut buf).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    c.setblocking(true).unwrap();
    c.write_all(b"ping").unwrap();
    c.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
    h.join().unwrap().unwrap();
}

#[test]
fn ragged_eof_and_close_notify() {
    // The server closes the TCP connection without close_notify.
    let srv = server_ctx(&pki().leaf);
    for suppress in [true, false] {
        let srv = srv.clone();
        let (port, h) = serve_one(move |s| {
            let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
            drop(t);
        });
        let c = client_ctx()
            .wrap_socket(
                connect(port),
                WrapOptions::client("localhost").suppress_ragged_eofs(suppress),
            )
            .unwrap();
        h.join().unwrap();
        let r = c.recv(10);
        if suppress {
            assert_eq!(r.unwrap(), b"");
        } else {
            let e = r.unwrap_err();
            assert_eq!(e.python_class(), "SSLEOFError");
            assert_eq!(e.to_string(), super::support::eof_message());
            assert_eq!(e.ssl_kind(), Some(SslErrorKind::Eof));
        }
    }
    // Clean shutdown: unwrap on both sides, then plain text.
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
        let mut plain = t.unwrap().unwrap();
        plain.write_all(b"clear").unwrap();
    });
    let c = client(port, "localhost").unwrap();
    assert_eq!(c.recv(10).unwrap(), b"");
    assert_eq!(c.recv(10).unwrap(), b"");
    let mut plain = c.unwrap().unwrap();
    let mut buf = [0u8; 5];
    plain.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"clear");
    h.join().unwrap();
}

#[test]
fn garbage_and_vanishing_peers_are_typed_errors() {
    // Plain HTTP from the "server".
    let (port, h) = serve_one(|mut s| {
        // The whole ClientHello is read: unread bytes at close would make
        // the kernel send a reset that can overtake the response.
        let mut b = [0u8; 16384];
        let _ = s.read(&mut b);
        let _ = s.write_all(b"HTTP/1.0 400 Bad Request\r\n\r\n");
        std::thread::sleep(std::time::Duration::from_millis(50));
    });
    let e = client(port, "localhost").unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: WRONG_VERSION_NUMBER] wrong version number"
    );
    h.join().unwrap();
    // The server reads the ClientHello and closes.
    let (port, h) = serve_one(|mut s| {
        let mut b = [0u8; 4096];
        let _ = s.read(&mut b);
    });
    let e = client(port, "localhost").unwrap_err();
    assert!(
        matches!(e.python_class(), "SSLEOFError" | "ConnectionResetError"),
        "{}: {e}",
        e.python_class()
    );
    h.join().unwrap();
    // The client vanishes before the handshake: the server sees EOF.
    let srv = server_ctx(&pki().leaf);
    let (port, h) = serve_one(move |s| srv.wrap_socket(s, WrapOptions::server()).map(|_| ()));
    drop(TcpStream::connect(("127.0.0.1", port)).unwrap());
    let e = h.join().unwrap().unwrap_err();
    assert!(
        matches!(e.python_class(), "SSLEOFError" | "ConnectionResetError"),
        "{e}"
    );
    // Random bytes to a server.
    let srv = server_ctx(&pki().leaf);
    let (port, h) = serve_one(move |s| srv.wrap_socket(s, WrapOptions::server()).map(|_| ()));
    let mut raw = connect(port);
    raw.write_all(&[0x16, 0x03, 0x01, 0xff, 0xff, 1, 2, 3, 4])
        .unwrap();
    // The server may already have rejected the record and closed.
    let _ = raw.write_all(&[0u8; 64]);
    drop(raw);
    let e = h.join().unwrap().unwrap_err();
    assert!(e.is_ssl_error() || e.is_instance("OSError"), "{e}");
}

#[test]
fn memory_bio_pair() {
    let srv = server_ctx(&pki().leaf);
    let cli = client_ctx();
    let (ci, co, si, so) = (
        MemoryBio::new().unwrap(),
        MemoryBio::new().unwrap(),
        MemoryBio::new().unwrap(),
        MemoryBio::new().unwrap(),
    );
    let mut c = cli
        .wrap_bio(&ci, &co, WrapOptions::client("localhost"))
        .unwrap();
    let mut s = srv.wrap_bio(&si, &so, WrapOptions::server()).unwrap();
    let e = c.recv(1).unwrap_err();
    assert_eq!(e.python_class(), "SSLWantReadError");
    let mut done = (false, false);
    for _ in 0..10 {
        if !done.0 {
            done.0 = c.do_handshake().is_ok();
        }
        si.write(&co.read(None).unwrap()).unwrap();
        if !done.1 {
            done.1 = s.do_handshake().is_ok();
        }
        ci.write(&so.read(None).unwrap()).unwrap();
        if done == (true, true) {
            break;
        }
    }
    assert_eq!(done, (true, true));
    c.write(b"hello").unwrap();
    si.write(&co.read(None).unwrap()).unwrap();
    assert_eq!(s.recv(5).unwrap(), b"hello");
    // Truncation: EOF without close_notify.
    si.write_eof();
    let e = s.recv(5).unwrap_err();
    assert_eq!(e.python_class(), "SSLEOFError");
    let e = si.write(b"x").unwrap_err();
    assert_eq!(e.to_string(), "cannot write() after write_eof()");
    let _ = Path::new(".");
}

#[test]
fn session_resumption() {
    let srv = server_ctx(&pki().leaf);
    let cli = client_ctx();
    let (port, h) = echo_server(srv.clone());
    let mut c = cli
        .wrap_socket(connect(port), WrapOptions::client("localhost"))
        .unwrap();
    c.sendall(b"one").unwrap();
    assert_eq!(c.recv(3).unwrap(), b"one");
    h.join().unwrap().unwrap();
    assert!(!c.session_reused());
    let session = c.session().expect("a session after the handshake");
    assert!(session.has_ticket());
    let e = c.set_session(&session).unwrap_err();
    assert_eq!(e.to_string(), "Cannot set session after handshake.");
    let other = client_ctx();
    let (port, h) = echo_server(srv.clone());
    let e = other
        .wrap_socket(
            connect(port),
            WrapOptions::client("localhost").session(Some(session.clone())),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "Session refers to a different SSLContext.");
    drop(e);
    let _ = h.join();
    let (port, h) = echo_server(srv);
    let c2 = cli
        .wrap_socket(
            connect(port),
            WrapOptions::client("localhost").session(Some(session)),
        )
        .unwrap();
    c2.sendall(b"two").unwrap();
    assert_eq!(c2.recv(3).unwrap(), b"two");
    assert!(c2.session_reused());
    h.join().unwrap().unwrap();
}

/// A single-threaded non-blocking echo server serving several clients
/// round-robin: want-read surfaces as `WouldBlock` through `io::Read`.
#[test]
fn non_blocking_echo_server() {
    use std::net::TcpListener;
    const CLIENTS: usize = 8;
    let srv = server_ctx(&pki().leaf);
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut conns: Vec<(SslSocket, bool, Vec<u8>)> = Vec::new();
        for _ in 0..CLIENTS {
            let (s, _) = listener.accept().unwrap();
            s.set_nonblocking(true).unwrap();
            let t = srv
                .wrap_socket(s, WrapOptions::server().do_handshake_on_connect(false))
                .unwrap();
            conns.push((t, false, Vec::new()));
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut done = 0;
        while done < CLIENTS {
            assert!(std::time::Instant::now() < deadline, "echo server stalled");
            let mut progressed = false;
            for (t, shaken, got) in conns.iter_mut() {
                if !*shaken {
                    match t.do_handshake() {
                        Ok(()) => {
                            *shaken = true;
                            progressed = true;
                        }
                        Err(e) if e.ssl_kind() == Some(SslErrorKind::WantRead) => {}
                        Err(e) => panic!("server handshake: {e}"),
                    }
                    continue;
                }
                if got.len() == 6 {
                    continue;
                }
                let mut buf = [0u8; 64];
                match Read::read(t, &mut buf) {
                    Ok(n) => {
                        got.extend_from_slice(&buf[..n]);
                        progressed = true;
                        if got.len() == 6 {
                            t.setblocking(true).unwrap();
                            t.sendall(got).unwrap();
                            done += 1;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("server read: {e}"),
                }
            }
            if !progressed {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            std::thread::spawn(move || {
                let mut c = client(port, "localhost").unwrap();
                let msg = format!("msg-{i:02}");
                c.sendall(msg.as_bytes()).unwrap();
                let mut back = [0u8; 6];
                c.read_exact(&mut back).unwrap();
                assert_eq!(&back, msg.as_bytes());
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    server.join().unwrap();
}

#[test]
fn ignore_unexpected_eof_option() {
    let srv = server_ctx(&pki().leaf);
    let cli = client_ctx();
    cli.set_options(cli.options() | pyssl::Options::IGNORE_UNEXPECTED_EOF)
        .unwrap();
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
        drop(t);
    });
    let c = cli
        .wrap_socket(
            connect(port),
            WrapOptions::client("localhost").suppress_ragged_eofs(false),
        )
        .unwrap();
    h.join().unwrap();
    if super::support::ossl3() {
        // With OP_IGNORE_UNEXPECTED_EOF a ragged EOF reads as a clean close.
        assert_eq!(c.recv(10).unwrap(), b"");
    } else {
        // OpenSSL 1.1.1 has no such option: the EOF is an error.
        let e = c.recv(10).unwrap_err();
        assert_eq!(e.to_string(), super::support::eof_message());
    }
}

/// `use std::io::Read` code works on an `SslSocket`: `tls.read(&mut buf)`
/// is `io::Read::read` (Python's `read(len)` is `recv`), and `tls.write(b)?`
/// in an `io::Result` function compiles; Python's names stay available.
#[test]
fn io_read_is_not_shadowed() {
    fn exchange(tls: &mut SslSocket) -> std::io::Result<Vec<u8>> {
        let mut got = Vec::new();
        let mut buf = [0u8; 3];
        assert_eq!(tls.write(b"pi")?, 2);
        tls.write_all(b"ng")?;
        while got.len() < 4 {
            let n = tls.read(&mut buf)?;
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        Ok(got)
    }
    let srv = server_ctx(&pki().leaf);
    let (port, h) = serve_one(move |s| {
        let t = srv.wrap_socket(s, WrapOptions::server())?;
        let mut got = Vec::new();
        while got.len() < 4 {
            let mut b = [0u8; 8];
            let n = t.recv_into(&mut b)?;
            assert!(n > 0);
            got.extend_from_slice(&b[..n]);
        }
        t.sendall(&got)?;
        let more = t.recv(16)?;
        t.send(&more)?;
        Ok::<_, Error>(got)
    });
    let mut c = client(port, "localhost").unwrap();
    assert_eq!(exchange(&mut c).unwrap(), b"ping");
    c.sendall(b"xyz").unwrap();
    assert_eq!(c.recv(16).unwrap(), b"xyz");
    assert_eq!(h.join().unwrap().unwrap(), b"ping");
}
