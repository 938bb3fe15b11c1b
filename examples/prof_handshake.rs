//! Profiling driver (not part of the crate's API): N in-memory handshakes.
use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};
use pyssl::{MemoryBio, Protocol, SslContext};
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = TempDir::new("prof").unwrap();
    let root = CertificateAuthority::new("r").unwrap();
    let inter = root.intermediate("i").unwrap();
    let ca = dir.write("ca.pem", root.cert_pem()).unwrap();
    let (chain, key) = inter
        .issue(&LeafSpec::server("localhost"))
        .unwrap()
        .write_to(dir.path(), "l")
        .unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(Some(&ca), None, None).unwrap();
    cli.set_ecdh_curve("X25519").unwrap();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&chain, Some(&key), None).unwrap();
    srv.set_ecdh_curve("X25519").unwrap();
    for _ in 0..n {
        let b = || MemoryBio::new().unwrap();
        let (ci, co, si, so) = (b(), b(), b(), b());
        let mut c = cli.wrap_bio(&ci, &co, false, Some("localhost")).unwrap();
        let mut s = srv.wrap_bio(&si, &so, true, None).unwrap();
        let (mut cd, mut sd) = (false, false);
        while !(cd && sd) {
            if !cd {
                cd = c.do_handshake().is_ok();
            }
            if co.pending() > 0 {
                si.write(&co.read(None).unwrap()).unwrap();
            }
            if !sd {
                sd = s.do_handshake().is_ok();
            }
            if so.pending() > 0 {
                ci.write(&so.read(None).unwrap()).unwrap();
            }
        }
    }
}
