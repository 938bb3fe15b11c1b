//! The `testing` kit's loopback fixtures, and the module functions that
//! need a live server (`get_server_certificate`).

use super::support::pki;
use pyssl::{CertChainOptions, ServerCertificateOptions};

/// The `testing` echo-server fixture and `get_server_certificate`.
#[test]
fn echo_fixture_and_get_server_certificate() {
    use pyssl::testing::EchoServer;
    let p = pki();
    let srv = pyssl::SslContext::new(pyssl::Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&p.leaf.0, CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    let server = EchoServer::start(srv).unwrap();
    let port = server.addr().port();
    let pem = pyssl::get_server_certificate(
        ("127.0.0.1", port),
        ServerCertificateOptions::new().timeout(std::time::Duration::from_secs(5)),
    )
    .unwrap();
    let leaf_pem = std::fs::read_to_string(&p.leaf.0).unwrap();
    let first = &leaf_pem[..leaf_pem.find("-----END CERTIFICATE-----").unwrap() + 25];
    assert_eq!(pem.trim_end(), first.trim_end());
    // Verified against the right CA, then a wrong one.
    pyssl::get_server_certificate(
        ("127.0.0.1", port),
        ServerCertificateOptions::new().ca_certs(&p.ca),
    )
    .unwrap();
    let e = pyssl::get_server_certificate(
        ("127.0.0.1", port),
        ServerCertificateOptions::new()
            .ssl_version(pyssl::Protocol::TlsClient)
            .ca_certs(&p.selfsigned.0),
    )
    .unwrap_err();
    assert_eq!(e.cert_verification().unwrap().verify_code(), Some(20));
    let errors = server.finish();
    assert!(errors.iter().any(|e| e.is_ssl_error()), "{errors:?}");
    let alerts: Vec<_> = pyssl::AlertDescription::NAMES
        .iter()
        .map(|(_, a)| a.0)
        .collect();
    assert_eq!(alerts.len(), 27);
    assert_eq!(
        pyssl::AlertDescription(48).name(),
        Some("ALERT_DESCRIPTION_UNKNOWN_CA")
    );
    assert_eq!(
        pyssl::SslErrorNumber::from_value(8),
        Some(pyssl::SslErrorNumber::Eof)
    );
}
