//! Thread safety: contexts shared by threads that make connections while
//! other threads reconfigure the same contexts.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use pyssl::testing::EchoServer;
use pyssl::{
    MemoryBio, Options, Protocol, SslContext, SslObject, SslSession, SslSocket, TlsVersion,
    VerifyFlags, WrapOptions,
};

use super::support::pki;

#[test]
fn shared_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<SslContext>();
    send_sync::<SslSession>();
    send_sync::<MemoryBio>();
    send_sync::<SslSocket>();
    send_sync::<SslSocket<std::os::unix::net::UnixStream>>();
    send_sync::<pyssl::BorrowedSslSocket>();
    send::<SslObject>();
}

/// One in-memory handshake and a round trip between two shared contexts.
fn memory_handshake(cli: &SslContext, srv: &SslContext) -> Result<(), pyssl::Error> {
    let (ci, co, si, so) = (
        MemoryBio::new()?,
        MemoryBio::new()?,
        MemoryBio::new()?,
        MemoryBio::new()?,
    );
    let mut c = cli.wrap_bio(&ci, &co, WrapOptions::client("localhost"))?;
    let mut s = srv.wrap_bio(&si, &so, WrapOptions::server())?;
    let mut done = (false, false);
    for _ in 0..10 {
        if !done.0 {
            match c.do_handshake() {
                Ok(()) => done.0 = true,
                Err(e) if e.python_class() == "SSLWantReadError" => {}
                Err(e) => return Err(e),
            }
        }
        si.write(&co.read(None)?)?;
        if !done.1 {
            match s.do_handshake() {
                Ok(()) => done.1 = true,
                Err(e) if e.python_class() == "SSLWantReadError" => {}
                Err(e) => return Err(e),
            }
        }
        ci.write(&so.read(None)?)?;
        if done == (true, true) {
            break;
        }
    }
    assert_eq!(done, (true, true), "handshake did not finish");
    c.write(b"ping")?;
    si.write(&co.read(None)?)?;
    assert_eq!(s.recv(4)?, b"ping");
    Ok(())
}

#[test]
fn connections_while_other_threads_reconfigure() {
    let (cert, key) = pki().leaf.clone();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&cert, CertChainOptions::new().keyfile(&key))
        .unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    // TLS 1.2 connections keep a cipher list of their own after the
    // handshake (renegotiation would read the context's again).
    let cli12 = SslContext::new(Protocol::TlsClient).unwrap();
    cli12
        .load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    cli12.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    let echo = EchoServer::start(srv.clone()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let reconfigured = Arc::new(AtomicUsize::new(0));

    // Reconfiguration that keeps every connection possible: the same CA
    // and chain again, cipher lists (OpenSSL reads the context's list
    // during handshakes: set_ciphers must wait for them, see
    // HandshakeGate), bounds, options, flags, tickets, ALPN.
    let mutators: Vec<_> = (0..2)
        .map(|i| {
            let (cli, srv, stop, n) =
                (cli.clone(), srv.clone(), stop.clone(), reconfigured.clone());
            let cli12 = cli12.clone();
            let (cert, key) = (cert.clone(), key.clone());
            thread::spawn(move || {
                let mut k = 0u32;
                while !stop.load(Ordering::SeqCst) {
                    k += 1;
                    if i == 0 {
                        cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
                            .unwrap();
                        let list = if k % 2 == 0 {
                            "ECDHE+AESGCM"
                        } else {
                            "DEFAULT"
                        };
                        cli.set_ciphers(list).unwrap();
                        cli12.set_ciphers(list).unwrap();
                        srv.set_ciphers(list).unwrap();
                        let v = if k % 2 == 0 {
                            TlsVersion::TlsV1_2
                        } else {
                            TlsVersion::TlsV1_3
                        };
                        cli.set_minimum_version(v).unwrap();
                        cli.set_verify_flags(if k % 2 == 0 {
                            VerifyFlags::X509_TRUSTED_FIRST | VerifyFlags::X509_STRICT
                        } else {
                            VerifyFlags::X509_TRUSTED_FIRST
                        })
                        .unwrap();
                        assert_eq!(cli.get_ca_certs().unwrap().len(), 1);
                        assert_eq!(cli.cert_store_stats().x509_ca, 1);
                    } else {
                        srv.load_cert_chain(&cert, CertChainOptions::new().keyfile(&key))
                            .unwrap();
                        srv.set_num_tickets((k % 3) as usize).unwrap();
                        let o = srv.options();
                        srv.set_options(o ^ Options::NO_TICKET).unwrap();
                        srv.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
                    }
                    n.fetch_add(1, Ordering::SeqCst);
                    // Reconfigure often, not in a tight loop: a context
                    // that changes its cipher list without pause holds
                    // every new handshake step back while it parses.
                    thread::sleep(std::time::Duration::from_millis(1));
                }
            })
        })
        .collect();

    let workers: Vec<_> = (0..4)
        .map(|w| {
            // Worker 1 speaks TLS 1.2.
            let (cli, srv) = (
                if w == 1 { cli12.clone() } else { cli.clone() },
                srv.clone(),
            );
            let addr = echo.addr();
            thread::spawn(move || {
                for i in 0..150 {
                    if w == 0 && i % 3 == 0 {
                        let sock = std::net::TcpStream::connect(addr).unwrap();
                        sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                            .unwrap();
                        let t = cli
                            .wrap_socket(sock, WrapOptions::client("localhost"))
                            .unwrap_or_else(|e| panic!("TCP handshake {i}: {e}"));
                        t.sendall(b"echo").unwrap();
                        assert_eq!(t.recv(4).unwrap(), b"echo");
                    } else {
                        memory_handshake(&cli, &srv)
                            .unwrap_or_else(|e| panic!("worker {w}, handshake {i}: {e}"));
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("a worker failed");
    }
    stop.store(true, Ordering::SeqCst);
    for m in mutators {
        m.join().expect("a reconfiguring thread failed");
    }
    assert!(reconfigured.load(Ordering::SeqCst) > 10);
    let errors = echo.finish();
    assert!(errors.is_empty(), "{errors:?}");
}

/// The two-thread case: on each of several connections (both ends pyssl,
/// TLS 1.2 and 1.3), one thread reads while another writes, with a
/// third thread reconfiguring the shared contexts meanwhile. Run under a
/// race detector by `scripts/race.sh`.
#[test]
fn reader_and_writer_threads_on_shared_contexts() {
    let (cert, key) = pki().leaf.clone();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&cert, pyssl::CertChainOptions::new().keyfile(&key))
        .unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let listener = srv.wrap_socket(listener, WrapOptions::server()).unwrap();
    let per_way: usize = 1 << 20;
    let connections = 4;
    let stop = AtomicBool::new(false);
    // Each end: a writer thread sends `per_way` bytes of `tag` while this
    // thread reads the peer's; then a clean TLS shutdown.
    let duplex = |t: SslSocket, tag: u8, peer: u8| {
        thread::scope(|sc| {
            let t = &t;
            sc.spawn(move || {
                let chunk = vec![tag; 16 * 1024];
                let mut sent = 0;
                while sent < per_way {
                    sent += t.write(&chunk[..chunk.len().min(per_way - sent)]).unwrap();
                }
            });
            let mut got = 0;
            let mut buf = vec![0u8; 32 * 1024];
            while got < per_way {
                let n = t.read_into(&mut buf).unwrap();
                assert!(n > 0);
                assert!(buf[..n].iter().all(|b| *b == peer));
                got += n;
            }
        });
        t.unwrap().unwrap();
    };
    thread::scope(|sc| {
        sc.spawn(|| {
            let mut k = 0u32;
            while !stop.load(Ordering::SeqCst) {
                k += 1;
                srv.set_num_tickets((k % 3) as usize).unwrap();
                cli.set_ciphers(if k % 2 == 0 {
                    "ECDHE+AESGCM"
                } else {
                    "DEFAULT"
                })
                .unwrap();
                thread::sleep(std::time::Duration::from_millis(2));
            }
        });
        let server = sc.spawn(|| {
            thread::scope(|inner| {
                for _ in 0..connections {
                    let (t, _) = listener.accept().unwrap();
                    inner.spawn(move || duplex(t, b's', b'c'));
                }
            });
        });
        let clients: Vec<_> = (0..connections)
            .map(|i| {
                let cli = cli.clone();
                sc.spawn(move || {
                    let ctx = if i % 2 == 0 {
                        cli
                    } else {
                        let c12 = SslContext::new(Protocol::TlsClient).unwrap();
                        c12.load_verify_locations(
                            pyssl::VerifyLocationsOptions::new().cafile(&pki().ca),
                        )
                        .unwrap();
                        c12.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
                        c12
                    };
                    let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                    let t = ctx
                        .wrap_socket(tcp, WrapOptions::client("localhost"))
                        .unwrap();
                    duplex(t, b'c', b's');
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        server.join().unwrap();
        stop.store(true, Ordering::SeqCst);
    });
}
