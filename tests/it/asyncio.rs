//! The tokio adapter: 200 concurrent loopback connections through
//! handshake and echo; verification errors arrive as pyssl errors.

use std::sync::Arc;

use pyssl::{Protocol, SslContext};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::support::pki;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_connections() {
    let p = pki();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, Some(&p.leaf.1), None)
        .unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(Some(&p.ca), None, None).unwrap();
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
                let mut tls = pyssl::tokio::accept(&srv, tcp).await?;
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
            let mut tls = pyssl::tokio::connect(&cli, Some("localhost"), tcp).await?;
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

#[tokio::test]
async fn verification_error_is_a_pyssl_error() {
    let p = pki();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, Some(&p.leaf.1), None)
        .unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(Some(&p.ca), None, None).unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        pyssl::tokio::accept(&srv, tcp).await.map(|_| ())
    });
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let e = pyssl::tokio::connect(&cli, Some("wrong.example.org"), tcp)
        .await
        .unwrap_err();
    let inner = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<pyssl::Error>())
        .unwrap();
    assert_eq!(inner.python_class(), "SSLCertVerificationError");
    assert_eq!(inner.cert_verification().unwrap().verify_code(), Some(62));
    let se = server.await.unwrap().unwrap_err();
    let inner = se
        .get_ref()
        .and_then(|i| i.downcast_ref::<pyssl::Error>())
        .unwrap();
    assert_eq!(
        inner.to_string(),
        format!(
            "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] {}",
            super::support::sslv3_alert("bad certificate")
        )
    );
}
