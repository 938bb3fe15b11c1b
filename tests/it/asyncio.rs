//! The tokio adapter: 200 concurrent loopback connections through
//! handshake and echo; errors arrive as pyssl errors (through `?` from
//! the handshake and from `AsyncRead`), compared with CPython 3.13;
//! `suppress_ragged_eofs` both ways, compared with CPython's `SSLSocket`;
//! `Ok(0)` after `shutdown()`; a session resumed through `WrapOptions`;
//! the transport taken back.

use std::sync::Arc;

use pyssl::tokio::TlsStream;
use pyssl::{CertChainOptions, Protocol, PyClass, SslContext, VerifyLocationsOptions, WrapOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::support::{pki, require_cpython};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_connections() {
    let p = pki();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&p.ca))
        .unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    const N: usize = 200;
    let server = tokio::spawn(async move {
        let mut tasks = Vec::new();
        for _ in 0..N {
            let (tcp, _) = listener.accept().await.unwrap();
            let srv = srv.clone();
            tasks.push(tokio::spawn(async move {
                let mut tls = pyssl::tokio::accept(&srv, tcp, pyssl::WrapOptions::server()).await?;
                let mut buf = vec![0u8; 1024];
                tls.read_exact(&mut buf).await?;
                tls.write_all(&buf).await?;
                tls.shutdown().await?;
                Ok::<_, std::io::Error>(())
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    });
    let cli = Arc::new(cli);
    let mut clients = Vec::new();
    for i in 0..N {
        let cli = cli.clone();
        clients.push(tokio::spawn(async move {
            let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
            let mut tls =
                pyssl::tokio::connect(&cli, tcp, pyssl::WrapOptions::client("localhost")).await?;
            assert_eq!(tls.ssl_object().version().as_deref(), Some("TLSv1.3"));
            let msg = vec![(i % 251) as u8; 1024];
            tls.write_all(&msg).await?;
            let mut back = vec![0u8; 1024];
            tls.read_exact(&mut back).await?;
            assert_eq!(back, msg);
            let mut rest = Vec::new();
            tls.read_to_end(&mut rest).await?;
            assert!(rest.is_empty());
            Ok::<_, std::io::Error>(())
        }));
    }
    for c in clients {
        c.await.unwrap().unwrap();
    }
    server.await.unwrap();
}

fn server_ctx() -> SslContext {
    let p = pki();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    srv
}

fn client_ctx() -> SslContext {
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    cli
}

/// A tokio listener on 127.0.0.1 whose every connection runs `serve`
/// (errors ignored: the peer under test is the client).
async fn tokio_server<F, Fut>(serve: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(serve(tcp));
        }
    });
    port
}

/// An error as the tests compare it: class, text (Python's `str(e)`
/// without the `(_ssl.c:NNNN)` suffix) and `verify_code`.
fn summary(e: &pyssl::Error) -> serde_json::Value {
    serde_json::json!([e.python_class(), e.to_string(), e.verify_code()])
}

/// CPython 3.13's client error for each case, in memory (an `SSLObject`
/// pair: what asyncio runs): `mismatch` (the right CA, the wrong name)
/// and `unknown_ca` (no trust anchors).
fn cpython_client_errors() -> serde_json::Value {
    let p = pki();
    let out = super::support::run_python(
        r#"
import json, re, ssl, sys
ca, cert, key = sys.argv[1:4]
def run(cafile, host):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cafile:
        c.load_verify_locations(cafile)
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(cert, key)
    ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
    a = c.wrap_bio(ci, co, server_hostname=host)
    b = s.wrap_bio(si, so, server_side=True)
    for _ in range(10):
        for obj, out, peer_in in ((a, co, si), (b, so, ci)):
            try:
                obj.do_handshake()
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError as e:
                if obj is a:
                    text = re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))
                    return [type(e).__name__, text, getattr(e, "verify_code", None)]
            peer_in.write(out.read())
    return None
print(json.dumps({"mismatch": run(ca, "wrong.example.org"), "unknown_ca": run(None, "localhost")}))
"#,
        &[
            p.ca.to_str().unwrap(),
            p.leaf.0.to_str().unwrap(),
            p.leaf.1.to_str().unwrap(),
        ],
    );
    serde_json::from_str(&out).unwrap()
}

/// A verification error survives `?`: from `connect` (the handshake's
/// `pyssl::Result`), and from a first read that runs the handshake
/// (`AsyncRead`'s `io::Error`, back into a `pyssl::Result` by `?`), with
/// CPython's class, text and `verify_code`; the server's error names the
/// alert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_errors_survive_question_mark_like_cpython() {
    require_cpython!();
    let py = cpython_client_errors();
    let server_errors = Arc::new(std::sync::Mutex::new(Vec::new()));
    let errors = server_errors.clone();
    let port = tokio_server(move |tcp| {
        let errors = errors.clone();
        async move {
            let r = pyssl::tokio::accept(&server_ctx(), tcp, WrapOptions::server()).await;
            errors.lock().unwrap().push(r.err().map(|e| e.to_string()));
        }
    })
    .await;
    let tcp = || tokio::net::TcpStream::connect(("127.0.0.1", port));
    let no_ca = SslContext::new(Protocol::TlsClient).unwrap();
    for (case, ctx, host) in [
        ("mismatch", client_ctx(), "wrong.example.org"),
        ("unknown_ca", no_ca, "localhost"),
    ] {
        // The handshake step.
        let via_connect: pyssl::Result<()> = async {
            pyssl::tokio::connect(&ctx, tcp().await?, WrapOptions::client(host)).await?;
            Ok(())
        }
        .await;
        let e = via_connect.unwrap_err();
        assert_eq!(summary(&e), py[case], "{case} via connect");
        assert!(matches!(e, pyssl::Error::CertVerification(_)));
        // The handshake run by the first read, through io::Error.
        let via_read: pyssl::Result<()> = async {
            let mut tls = TlsStream::new(&ctx, tcp().await?, WrapOptions::client(host))?;
            let mut buf = [0u8; 1];
            let n = tls.read(&mut buf).await?;
            panic!("read {n} bytes");
        }
        .await;
        let e = via_read.unwrap_err();
        assert_eq!(summary(&e), py[case], "{case} via read");
        assert!(e.is_instance(PyClass::SslCertVerificationError));
        // The server saw both handshakes fail on the client's alert.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let seen = loop {
            let seen = std::mem::take(&mut *server_errors.lock().unwrap());
            if seen.len() >= 2 || std::time::Instant::now() > deadline {
                break seen;
            }
            server_errors.lock().unwrap().extend(seen);
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        };
        let expected = if case == "mismatch" {
            format!(
                "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] {}",
                super::support::sslv3_alert("bad certificate")
            )
        } else {
            "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca".to_string()
        };
        assert_eq!(seen, vec![Some(expected.clone()), Some(expected)], "{case}");
    }
}

/// CPython 3.13's `SSLSocket` reading from a server that sends `hello`
/// and closes the TCP connection without close_notify, with
/// `suppress_ragged_eofs` on and off: `[data, None | [class, text]]`.
fn cpython_ragged(port: u16) -> serde_json::Value {
    let out = super::support::run_python(
        r#"
import json, re, socket, ssl, sys
ca, port = sys.argv[1], int(sys.argv[2])
out = []
for suppress in (True, False):
    c = ssl.create_default_context(cafile=ca)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        s = c.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=suppress)
        data = b""
        while len(data) < 5:
            data += s.recv(5 - len(data))
        try:
            r = s.recv(5)
            end = None if r == b"" else ["data", r.decode()]
        except ssl.SSLError as e:
            end = [type(e).__name__, re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))]
        out.append([data.decode(), end])
print(json.dumps(out))
"#,
        &[pki().ca.to_str().unwrap(), &port.to_string()],
    );
    serde_json::from_str(&out).unwrap()
}

/// A ragged EOF reads as end of stream with `suppress_ragged_eofs` (the
/// default) and fails with `SSLEOFError` without it, as CPython's
/// `SSLSocket` does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ragged_eof_follows_suppress_ragged_eofs_like_cpython() {
    require_cpython!();
    let port = tokio_server(|tcp| async move {
        let Ok(mut tls) = pyssl::tokio::accept(&server_ctx(), tcp, WrapOptions::server()).await
        else {
            return;
        };
        if tls.write_all(b"hello").await.is_err() || tls.flush().await.is_err() {
            return;
        }
        // The transport's write side closes; no close_notify.
        let mut tcp = tls.into_inner();
        let _ = tcp.shutdown().await;
        let _ = tcp.read_to_end(&mut Vec::new()).await;
    })
    .await;
    // An unnamed thread: CPython runs while the server answers.
    let python = std::thread::spawn(move || cpython_ragged(port));
    let py = tokio::task::spawn_blocking(move || python.join().unwrap())
        .await
        .unwrap();
    let mut ours = Vec::new();
    for suppress in [true, false] {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let opts = WrapOptions::client("localhost").suppress_ragged_eofs(suppress);
        let mut tls = pyssl::tokio::connect(&client_ctx(), tcp, opts)
            .await
            .unwrap();
        assert_eq!(tls.suppress_ragged_eofs(), suppress);
        let mut data = [0u8; 5];
        tls.read_exact(&mut data).await.unwrap();
        let mut buf = [0u8; 5];
        let end = match tls.read(&mut buf).await {
            Ok(0) => serde_json::Value::Null,
            Ok(n) => serde_json::json!(["data", String::from_utf8_lossy(&buf[..n])]),
            Err(e) => {
                let e = pyssl::Error::from(e);
                serde_json::json!([e.python_class(), e.to_string()])
            }
        };
        ours.push(serde_json::json!([String::from_utf8_lossy(&data), end]));
    }
    let ours = serde_json::Value::Array(ours);
    if super::support::same_openssl_as_cpython() {
        assert_eq!(ours, py);
    } else {
        assert_eq!(ours[0], py[0]);
        assert_eq!(ours[1][1][0], py[1][1][0]);
    }
    assert_eq!(ours[1][1][0], "SSLEOFError", "{ours}");
}

/// After `shutdown()` (our close_notify), the server still writes, then
/// closes with its own close_notify: the read that meets it returns
/// `Ok(0)`, and the transport comes back.
#[tokio::test]
async fn read_after_shutdown_ends_at_the_peers_close_notify() {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        let tls = server_ctx().wrap_socket(tcp, WrapOptions::server())?;
        // Our peer's close_notify: end of stream.
        assert_eq!(tls.recv(10)?, b"");
        tls.sendall(b"bye")?;
        tls.unwrap()?;
        Ok::<_, pyssl::Error>(())
    });
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut tls = TlsStream::new(&client_ctx(), tcp, WrapOptions::client("localhost")).unwrap();
    tls.handshake().await.unwrap();
    tls.handshake().await.unwrap();
    assert_eq!(tls.ssl_object().version().as_deref(), Some("TLSv1.3"));
    tls.get_mut().set_nodelay(true).unwrap();
    assert_eq!(tls.get_ref().peer_addr().unwrap().port(), port);
    tls.shutdown().await.unwrap();
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"bye");
    let mut buf = [0u8; 4];
    assert_eq!(tls.read(&mut buf).await.unwrap(), 0);
    let mut tcp = tls.into_inner();
    // The server is done: the bare transport reads its EOF.
    assert_eq!(tcp.read(&mut buf).await.unwrap(), 0);
    server.join().unwrap().unwrap();
}

/// A client resumes the session of its first connection by passing it in
/// `WrapOptions` (set before the handshake), on TLS 1.3 and TLS 1.2; a
/// server given a session is refused as `wrap_socket` refuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_resumed_through_wrap_options() {
    for max in [pyssl::TlsVersion::TlsV1_3, pyssl::TlsVersion::TlsV1_2] {
        let srv = server_ctx();
        srv.set_maximum_version(max).unwrap();
        let port = tokio_server(move |tcp| {
            let srv = srv.clone();
            async move {
                if let Ok(mut tls) = pyssl::tokio::accept(&srv, tcp, WrapOptions::server()).await {
                    let _ = tls.write_all(b"x").await;
                    let _ = tls.shutdown().await;
                }
            }
        })
        .await;
        let cli = client_ctx();
        let once = |session: Option<pyssl::SslSession>| {
            let cli = cli.clone();
            async move {
                let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
                let opts = WrapOptions::client("localhost").session(session);
                let mut tls = pyssl::tokio::connect(&cli, tcp, opts).await?;
                let mut rest = Vec::new();
                tls.read_to_end(&mut rest).await?;
                assert_eq!(rest, b"x");
                let reused = tls.ssl_object().session_reused();
                Ok::<_, pyssl::Error>((reused, tls.ssl_object().session()))
            }
        };
        let (reused, session) = once(None).await.unwrap();
        assert!(!reused, "{max:?}");
        let session = session.expect("a session after the first connection");
        let (reused, _) = once(Some(session.clone())).await.unwrap();
        assert!(reused, "{max:?}: the session was not resumed");
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let e = pyssl::tokio::accept(
            &server_ctx(),
            tcp,
            WrapOptions::new().session(Some(session)),
        )
        .await
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "session can only be specified in client mode"
        );
    }
}
