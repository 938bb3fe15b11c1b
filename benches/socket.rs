//! `SslSocket` bulk transfer over loopback TCP, against rust-openssl's
//! `SslStream<TcpStream>` ("raw") with the same configuration: TLS 1.3,
//! the leaf's ECDSA P-256 key, 16 KiB records one way (client to server),
//! a reader thread on the server.
//!
//! * Timed: `cargo bench --bench socket` (interleaved rounds of both).
//! * Instructions: `scripts/callgrind-socket.sh`, which runs one
//!   contestant under callgrind with `PYSSL_SOCKET_BENCH=pyssl|raw` and
//!   `PYSSL_SOCKET_RECORDS=N` and with N = 0, and reports
//!   (I(N) - I(0)) / N per record.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

use openssl::ssl::{Ssl, SslContextBuilder, SslFiletype, SslMethod, SslVerifyMode, SslVersion};
use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};
use pyssl::{Protocol, SslContext, TlsVersion, WrapOptions};

const RECORD: usize = 16 * 1024;

struct Files {
    _dir: TempDir,
    ca: std::path::PathBuf,
    chain: std::path::PathBuf,
    key: std::path::PathBuf,
}

fn files() -> Files {
    let dir = TempDir::new("pyssl-socket-bench").unwrap();
    let root = CertificateAuthority::new("bench root").unwrap();
    let leaf = root.issue(&LeafSpec::server("localhost")).unwrap();
    let (chain, key) = leaf.write_to(dir.path(), "leaf").unwrap();
    let ca = dir.write("ca.pem", root.cert_pem()).unwrap();
    Files {
        _dir: dir,
        ca,
        chain,
        key,
    }
}

/// One connection moving `records` records; returns the seconds the
/// transfer took (handshake excluded).
fn pyssl_run(f: &Files, records: usize) -> f64 {
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&f.chain, pyssl::CertChainOptions::new().keyfile(&f.key))
        .unwrap();
    srv.set_minimum_version(TlsVersion::TlsV1_3).unwrap();
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&f.ca))
        .unwrap();
    let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let t = srv.wrap_socket(s, WrapOptions::server()).unwrap();
        let mut buf = vec![0u8; RECORD];
        let mut got = 0;
        while got < records * RECORD {
            let n = t.read_into(&mut buf).unwrap();
            assert!(n > 0);
            got += n;
        }
        t.sendall(b"k").unwrap();
    });
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_nodelay(true).unwrap();
    let t = cli
        .wrap_socket(tcp, WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(t.cipher().unwrap().name, "TLS_AES_256_GCM_SHA384");
    let data = vec![7u8; RECORD];
    let t0 = Instant::now();
    for _ in 0..records {
        t.sendall(&data).unwrap();
    }
    assert_eq!(t.recv(1).unwrap(), b"k");
    let secs = t0.elapsed().as_secs_f64();
    server.join().unwrap();
    secs
}

fn raw_run(f: &Files, records: usize) -> f64 {
    // OpenSSL's defaults, as pyssl's contexts (TLS_AES_256_GCM_SHA384).
    let mut a = SslContextBuilder::new(SslMethod::tls_server()).unwrap();
    a.set_certificate_chain_file(&f.chain).unwrap();
    a.set_private_key_file(&f.key, SslFiletype::PEM).unwrap();
    a.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    let srv = a.build();
    let mut c = SslContextBuilder::new(SslMethod::tls_client()).unwrap();
    c.set_ca_file(&f.ca).unwrap();
    c.set_verify(SslVerifyMode::PEER);
    let cli = c.build();
    let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut t = Ssl::new(&srv).unwrap().accept(s).unwrap();
        let mut buf = vec![0u8; RECORD];
        let mut got = 0;
        while got < records * RECORD {
            let n = t.read(&mut buf).unwrap();
            assert!(n > 0);
            got += n;
        }
        t.write_all(b"k").unwrap();
    });
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_nodelay(true).unwrap();
    let mut ssl = Ssl::new(&cli).unwrap();
    ssl.set_hostname("localhost").unwrap();
    ssl.param_mut().set_host("localhost").unwrap();
    let mut t = ssl.connect(tcp).unwrap();
    assert_eq!(
        t.ssl().current_cipher().unwrap().name(),
        "TLS_AES_256_GCM_SHA384"
    );
    let data = vec![7u8; RECORD];
    let t0 = Instant::now();
    for _ in 0..records {
        t.write_all(&data).unwrap();
    }
    let mut k = [0u8; 1];
    t.read_exact(&mut k).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    server.join().unwrap();
    secs
}

fn main() {
    let f = files();
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` a
    // quick pass of both contestants only.
    let benching = std::env::args().any(|a| a == "--bench");
    if !benching && std::env::var_os("PYSSL_SOCKET_BENCH").is_none() {
        pyssl_run(&f, 16);
        raw_run(&f, 16);
        println!("socket bench: quick pass ok (run `cargo bench --bench socket`)");
        return;
    }
    let records = std::env::var("PYSSL_SOCKET_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok());
    match std::env::var("PYSSL_SOCKET_BENCH").as_deref() {
        Ok("pyssl") => {
            pyssl_run(&f, records.unwrap_or(4096));
        }
        Ok("raw") => {
            raw_run(&f, records.unwrap_or(4096));
        }
        _ => {
            let records = records.unwrap_or(8192);
            let rounds: usize = std::env::var("PYSSL_BENCH_ROUNDS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(5);
            let mb = (records * RECORD) as f64 / 1e6;
            let (mut p, mut r) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                p.push(mb / pyssl_run(&f, records));
                r.push(mb / raw_run(&f, records));
            }
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let (pm, rm) = (median(&mut p), median(&mut r));
            println!(
                "SslSocket over TCP, 16 KiB records one way, {rounds} interleaved rounds (median)"
            );
            println!(
                "pyssl {pm:8.1} MB/s   raw {rm:8.1} MB/s   pyssl / raw {:.3}",
                pm / rm
            );
        }
    }
}
