//! `SslSocket` over loopback TCP against rust-openssl's
//! `SslStream<TcpStream>` ("raw") with the same configuration: TLS 1.3,
//! OpenSSL's default suite (TLS_AES_256_GCM_SHA384), the leaf's ECDSA
//! P-256 key, verification and the hostname check on the client.
//!
//! Workloads, each with 1 and with 100 concurrent connections (a client
//! thread and a server thread per connection):
//! * **bulk**: 16 KiB records one way (client to server), read by the
//!   server thread in 16 KiB reads; MB/s over all connections, timed from
//!   the moment every handshake is done.
//! * **handshake**: full handshakes (connect, handshake, one byte back from
//!   the server, close); handshakes/s over all connections.
//!
//! * Timed: `cargo bench --bench socket`: interleaved rounds (pyssl, raw,
//!   pyssl, raw, ...), one warm-up round, then `PYSSL_BENCH_ROUNDS`
//!   (default 5) of each measurement; the median, min–max, and pyssl ÷ raw
//!   per round and its median (above 1: pyssl faster).
//!   `PYSSL_BENCH_ONLY=bulk1,bulk100,hs1,hs100` selects measurements.
//! * Instructions: `scripts/callgrind-socket.sh`, which runs one contestant
//!   under callgrind with `PYSSL_SOCKET_BENCH=pyssl|raw`,
//!   `PYSSL_SOCKET_WORK=bulk|handshake` and `PYSSL_SOCKET_N=N` (records,
//!   or handshakes) and with N = 0, one connection, and reports
//!   (I(N) - I(0)) / N.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Barrier};
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

/// One contestant: its server and client contexts, and how it serves and
/// drives one connection.
trait Contestant: Send + Sync + 'static {
    /// Server side of a bulk connection: reads `bytes`, answers one byte.
    fn serve_bulk(&self, s: TcpStream, bytes: usize);
    /// Client side of a bulk connection: the handshake, `start.wait()`,
    /// `records` records, then the byte.
    fn drive_bulk(&self, s: TcpStream, records: usize, start: &Barrier);
    /// Server side of a handshake: handshake, one byte, close.
    fn serve_handshake(&self, s: TcpStream);
    /// Client side of a handshake: handshake, read the byte, close.
    fn drive_handshake(&self, s: TcpStream);
}

struct Pyssl {
    srv: SslContext,
    cli: SslContext,
}

impl Pyssl {
    fn new(f: &Files) -> Pyssl {
        let srv = SslContext::new(Protocol::TlsServer).unwrap();
        srv.load_cert_chain(&f.chain, pyssl::CertChainOptions::new().keyfile(&f.key))
            .unwrap();
        srv.set_minimum_version(TlsVersion::TlsV1_3).unwrap();
        let cli = SslContext::new(Protocol::TlsClient).unwrap();
        cli.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&f.ca))
            .unwrap();
        Pyssl { srv, cli }
    }
}

impl Contestant for Pyssl {
    fn serve_bulk(&self, s: TcpStream, bytes: usize) {
        let t = self.srv.wrap_socket(s, WrapOptions::server()).unwrap();
        let mut buf = vec![0u8; RECORD];
        let mut got = 0;
        while got < bytes {
            let n = t.read_into(&mut buf).unwrap();
            assert!(n > 0);
            got += n;
        }
        t.sendall(b"k").unwrap();
    }

    fn drive_bulk(&self, tcp: TcpStream, records: usize, start: &Barrier) {
        tcp.set_nodelay(true).unwrap();
        let t = self
            .cli
            .wrap_socket(tcp, WrapOptions::client("localhost"))
            .unwrap();
        assert_eq!(t.cipher().unwrap().name, "TLS_AES_256_GCM_SHA384");
        start.wait();
        let data = vec![7u8; RECORD];
        for _ in 0..records {
            t.sendall(&data).unwrap();
        }
        assert_eq!(t.recv(1).unwrap(), b"k");
    }

    fn serve_handshake(&self, s: TcpStream) {
        s.set_nodelay(true).unwrap();
        let t = self.srv.wrap_socket(s, WrapOptions::server()).unwrap();
        t.sendall(b"k").unwrap();
    }

    fn drive_handshake(&self, tcp: TcpStream) {
        tcp.set_nodelay(true).unwrap();
        let t = self
            .cli
            .wrap_socket(tcp, WrapOptions::client("localhost"))
            .unwrap();
        assert_eq!(t.recv(1).unwrap(), b"k");
    }
}

struct Raw {
    srv: openssl::ssl::SslContext,
    cli: openssl::ssl::SslContext,
}

impl Raw {
    fn new(f: &Files) -> Raw {
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
        Raw { srv, cli }
    }

    fn connect(&self, tcp: TcpStream) -> openssl::ssl::SslStream<TcpStream> {
        let mut ssl = Ssl::new(&self.cli).unwrap();
        ssl.set_hostname("localhost").unwrap();
        ssl.param_mut().set_host("localhost").unwrap();
        ssl.connect(tcp).unwrap()
    }

    fn accept(&self, s: TcpStream) -> openssl::ssl::SslStream<TcpStream> {
        Ssl::new(&self.srv).unwrap().accept(s).unwrap()
    }
}

impl Contestant for Raw {
    fn serve_bulk(&self, s: TcpStream, bytes: usize) {
        let mut t = self.accept(s);
        let mut buf = vec![0u8; RECORD];
        let mut got = 0;
        while got < bytes {
            let n = t.read(&mut buf).unwrap();
            assert!(n > 0);
            got += n;
        }
        t.write_all(b"k").unwrap();
    }

    fn drive_bulk(&self, tcp: TcpStream, records: usize, start: &Barrier) {
        tcp.set_nodelay(true).unwrap();
        let mut t = self.connect(tcp);
        assert_eq!(
            t.ssl().current_cipher().unwrap().name(),
            "TLS_AES_256_GCM_SHA384"
        );
        start.wait();
        let data = vec![7u8; RECORD];
        for _ in 0..records {
            t.write_all(&data).unwrap();
        }
        let mut k = [0u8; 1];
        t.read_exact(&mut k).unwrap();
    }

    fn serve_handshake(&self, s: TcpStream) {
        s.set_nodelay(true).unwrap();
        let mut t = self.accept(s);
        t.write_all(b"k").unwrap();
    }

    fn drive_handshake(&self, tcp: TcpStream) {
        tcp.set_nodelay(true).unwrap();
        let mut t = self.connect(tcp);
        let mut k = [0u8; 1];
        t.read_exact(&mut k).unwrap();
    }
}

/// `conns` connections at once, each moving `records` records; the
/// seconds from the moment every handshake is done to the last answer.
fn bulk(c: &Arc<dyn Contestant>, conns: usize, records: usize) -> f64 {
    let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let sc = c.clone();
    let server = std::thread::spawn(move || {
        let mut threads = Vec::new();
        for _ in 0..conns {
            let (s, _) = l.accept().unwrap();
            let sc = sc.clone();
            threads.push(std::thread::spawn(move || {
                sc.serve_bulk(s, records * RECORD)
            }));
        }
        for t in threads {
            t.join().unwrap();
        }
    });
    let start = Arc::new(Barrier::new(conns + 1));
    let clients: Vec<_> = (0..conns)
        .map(|_| {
            let (c, start) = (c.clone(), start.clone());
            std::thread::spawn(move || {
                let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
                c.drive_bulk(tcp, records, &start)
            })
        })
        .collect();
    start.wait();
    let t0 = Instant::now();
    for t in clients {
        t.join().unwrap();
    }
    let secs = t0.elapsed().as_secs_f64();
    server.join().unwrap();
    secs
}

/// `conns` client threads each doing `each` handshakes one after the
/// other; the seconds they took.
fn handshakes(c: &Arc<dyn Contestant>, conns: usize, each: usize) -> f64 {
    let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let sc = c.clone();
    let total = conns * each;
    let server = std::thread::spawn(move || {
        let mut threads = Vec::new();
        for _ in 0..total {
            let (s, _) = l.accept().unwrap();
            let sc = sc.clone();
            threads.push(std::thread::spawn(move || sc.serve_handshake(s)));
            if threads.len() > 2 * conns {
                threads.remove(0).join().unwrap();
            }
        }
        for t in threads {
            t.join().unwrap();
        }
    });
    let t0 = Instant::now();
    let clients: Vec<_> = (0..conns)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                for _ in 0..each {
                    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    c.drive_handshake(tcp);
                }
            })
        })
        .collect();
    for t in clients {
        t.join().unwrap();
    }
    let secs = t0.elapsed().as_secs_f64();
    server.join().unwrap();
    secs
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let f = files();
    let pyssl: Arc<dyn Contestant> = Arc::new(Pyssl::new(&f));
    let raw: Arc<dyn Contestant> = Arc::new(Raw::new(&f));
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` a
    // quick pass of both contestants only.
    let benching = std::env::args().any(|a| a == "--bench");
    let who = std::env::var("PYSSL_SOCKET_BENCH").ok();
    if !benching && who.is_none() {
        for c in [&pyssl, &raw] {
            bulk(c, 1, 16);
            bulk(c, 4, 4);
            handshakes(c, 1, 2);
            handshakes(c, 4, 2);
        }
        println!("socket bench: quick pass ok (run `cargo bench --bench socket`)");
        return;
    }
    if let Some(who) = who {
        // Counting mode: one contestant, one connection, N units.
        let c = match who.as_str() {
            "pyssl" => &pyssl,
            "raw" => &raw,
            other => panic!("PYSSL_SOCKET_BENCH={other}: pyssl or raw"),
        };
        let n = env_usize("PYSSL_SOCKET_N").unwrap_or(1000);
        match std::env::var("PYSSL_SOCKET_WORK").as_deref() {
            Ok("handshake") => {
                // One handshake warms up (and is counted in both runs).
                handshakes(c, 1, 1 + n);
            }
            _ => {
                bulk(c, 1, n);
            }
        }
        return;
    }
    let rounds = env_usize("PYSSL_BENCH_ROUNDS").unwrap_or(5);
    let only = std::env::var("PYSSL_BENCH_ONLY").ok();
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|w| w == name))
    };
    // (name, what is counted, run: contestant -> units per second)
    type Run = Box<dyn Fn(&Arc<dyn Contestant>) -> f64>;
    let records = env_usize("PYSSL_SOCKET_RECORDS").unwrap_or(32768);
    let hs = env_usize("PYSSL_SOCKET_HANDSHAKES").unwrap_or(400);
    let measurements: Vec<(&str, &str, Run)> = vec![
        (
            "bulk1",
            "MB/s, 1 connection",
            Box::new(move |c| (records * RECORD) as f64 / 1e6 / bulk(c, 1, records)),
        ),
        (
            "bulk100",
            "MB/s, 100 connections",
            Box::new(move |c| {
                let each = records / 100;
                (100 * each * RECORD) as f64 / 1e6 / bulk(c, 100, each)
            }),
        ),
        (
            "hs1",
            "handshakes/s, 1 connection at a time",
            Box::new(move |c| hs as f64 / handshakes(c, 1, hs)),
        ),
        (
            "hs100",
            "handshakes/s, 100 concurrent",
            Box::new(move |c| {
                let each = (hs / 100).max(2);
                (100 * each) as f64 / handshakes(c, 100, each)
            }),
        ),
    ];
    println!(
        "SslSocket vs raw SslStream over loopback TCP: {rounds} interleaved rounds after a warm-up"
    );
    for (name, unit, run) in &measurements {
        if !wanted(name) {
            continue;
        }
        run(&pyssl);
        run(&raw);
        let (mut p, mut r) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            p.push(run(&pyssl));
            r.push(run(&raw));
        }
        let ratios: Vec<f64> = p.iter().zip(&r).map(|(a, b)| a / b).collect();
        let fmt = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(0.0, f64::max);
            format!("{:9.1} ({lo:.1}–{hi:.1})", median(v))
        };
        println!("{name:8} {unit}");
        println!("    pyssl {}   raw {}", fmt(&p), fmt(&r));
        println!(
            "    pyssl ÷ raw {:.3}; per round {}",
            median(&ratios),
            ratios
                .iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
