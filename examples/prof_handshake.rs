//! Profiling driver (not part of the crate's API): N in-memory handshakes,
//! or with `bulk MB` one handshake and MB mebibytes client -> server in
//! 16 KiB writes (the benchmark's bulk loop).
use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};
use pyssl::{CertChainOptions, VerifyLocationsOptions, WrapOptions};
use pyssl::{MemoryBio, Protocol, SslContext};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bulk = args.first().map(String::as_str) == Some("bulk");
    let hold = args.first().map(String::as_str) == Some("hold");
    let peercert = args.first().map(String::as_str) == Some("peercert");
    let mut held = Vec::new();
    let n: usize = args
        .get(usize::from(bulk || hold || peercert))
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
    cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&ca))
        .unwrap();
    cli.set_ecdh_curve("X25519").unwrap();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&chain, CertChainOptions::new().keyfile(&key))
        .unwrap();
    srv.set_ecdh_curve("X25519").unwrap();
    for _ in 0..if bulk || peercert { 1 } else { n } {
        let b = || MemoryBio::new().unwrap();
        let (ci, co, si, so) = (b(), b(), b(), b());
        let mut c = cli
            .wrap_bio(&ci, &co, WrapOptions::client("localhost"))
            .unwrap();
        let mut s = srv.wrap_bio(&si, &so, WrapOptions::server()).unwrap();
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
        if peercert {
            let t0 = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(c.getpeercert().unwrap());
            }
            println!("{:.0} calls/s", n as f64 / t0.elapsed().as_secs_f64());
            continue;
        }
        if hold {
            held.push((c, s, ci, co, si, so));
            continue;
        }
        if bulk {
            let chunk = vec![0x5au8; 16 * 1024];
            let mut buf = vec![0u8; 16 * 1024];
            let t0 = std::time::Instant::now();
            let total = n << 20;
            let mut sent = 0;
            while sent < total {
                sent += c.write(&chunk).unwrap();
                si.write(&co.read(None).unwrap()).unwrap();
                while s.read_into(&mut buf).is_ok() {}
            }
            let mbs = total as f64 / t0.elapsed().as_secs_f64() / 1e6;
            println!("{mbs:.1} MB/s");
        }
    }
    if hold {
        let kib: u64 = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|t| t.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(0, |pages| pages * 4);
        println!("{} pairs held, RSS {kib} KiB", held.len());
    }
}
