//! `?` keeps pyssl's error through `std::io` and the tokio adapter: an
//! `io::Error` carrying a pyssl `Error` converts back to that same error
//! (class, verify code, text).

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::io::{BufRead, BufReader};

use pyssl::{Error, Protocol, SslContext, WrapOptions};

use super::support::{connect, pki, serve_one};

/// A server with a certificate from an unknown CA, and a client context
/// that trusts only the test root: every handshake fails verification.
fn rogue_server() -> (u16, std::thread::JoinHandle<()>) {
    let p = pki();
    let sctx = SslContext::new(Protocol::TlsServer).unwrap();
    sctx.load_cert_chain(&p.rogue.0, CertChainOptions::new().keyfile(&p.rogue.1))
        .unwrap();
    serve_one(move |s| {
        let _ = sctx.wrap_socket(s, WrapOptions::server());
    })
}

fn client_ctx() -> SslContext {
    let ctx = SslContext::new(Protocol::TlsClient).unwrap();
    ctx.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    ctx
}

fn assert_unknown_ca(e: Error) {
    assert_eq!(e.python_class(), "SSLCertVerificationError", "{e}");
    match &e {
        Error::CertVerification(v) => assert_eq!(v.verify_code(), Some(20)),
        other => panic!("not a verification error: {other:?}"),
    }
    assert!(e.to_string().contains("certificate verify failed"), "{e}");
}

fn through_bufreader() -> pyssl::Result<String> {
    let (port, h) = rogue_server();
    let tls = client_ctx().wrap_socket(
        connect(port),
        WrapOptions::client("localhost").do_handshake_on_connect(false),
    )?;
    let mut line = String::new();
    let r = BufReader::new(tls).read_line(&mut line);
    h.join().unwrap();
    r?;
    Ok(line)
}

fn through_io_copy() -> pyssl::Result<u64> {
    let (port, h) = rogue_server();
    let mut tls = client_ctx().wrap_socket(
        connect(port),
        WrapOptions::client("localhost").do_handshake_on_connect(false),
    )?;
    let r = std::io::copy(&mut tls, &mut std::io::sink());
    h.join().unwrap();
    Ok(r?)
}

#[test]
fn question_mark_through_bufreader_keeps_the_error() {
    assert_unknown_ca(through_bufreader().unwrap_err());
}

#[test]
fn question_mark_through_io_copy_keeps_the_error() {
    assert_unknown_ca(through_io_copy().unwrap_err());
}

#[test]
fn question_mark_through_the_tokio_adapter_keeps_the_error() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (port, h) = rogue_server();
    let r: pyssl::Result<()> = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        pyssl::tokio::connect(&client_ctx(), tcp, pyssl::WrapOptions::client("localhost")).await?;
        Ok(())
    });
    h.join().unwrap();
    assert_unknown_ca(r.unwrap_err());
}

#[test]
fn plain_io_errors_stay_os_errors() {
    let e: Error = std::io::Error::from(std::io::ErrorKind::ConnectionReset).into();
    assert_eq!(e.python_class(), "ConnectionResetError");
    // A pyssl OSError with a file name survives the round trip whole.
    let ctx = SslContext::new(Protocol::TlsClient).unwrap();
    let orig = ctx
        .load_verify_locations(
            VerifyLocationsOptions::new().cafile(std::path::Path::new("/nonexistent/ca.pem")),
        )
        .unwrap_err();
    let text = orig.to_string();
    let back: Error = std::io::Error::from(orig).into();
    assert_eq!(back.to_string(), text);
    assert_eq!(back.python_class(), "FileNotFoundError");
}
