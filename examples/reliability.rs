//! Leak and soak runs for RELIABILITY.md.
//!
//! ```text
//! cargo run --release --example reliability -- leak [N]
//! cargo run --release --example reliability -- soak [CONNS] [SECS]
//! ```
//!
//! `leak` makes N handshakes (default 10,000) cycling through good
//! connections and every error path (unknown CA, expired certificate,
//! hostname mismatch, garbage from the peer, truncation, TCP loopback,
//! session resumption, context errors), checks each outcome's class, and
//! compares the open file descriptors before and after. Run it under
//! `valgrind --leak-check=full` for the bytes lost.
//!
//! `soak` keeps CONNS (default 1,000) loopback connections in flight on the
//! tokio adapter for SECS seconds (default 60): handshake and echo, a mix of
//! good and bad certificates; every failure must be the typed error its
//! certificate calls for, no connection may hang (a 30 s deadline each),
//! and the resident set size is sampled every second.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pyssl::testing::{self_signed, CertificateAuthority, LeafSpec, TempDir};
use pyssl::{
    CaData, Error, MemoryBio, Protocol, SslContext, SslObject, SslSession, ValueError, WrapOptions,
};

/// Certificates of one run.
struct Pki {
    _dir: TempDir,
    ca: PathBuf,
    good: (PathBuf, PathBuf),
    expired: (PathBuf, PathBuf),
    rogue: (PathBuf, PathBuf),
    other: (PathBuf, PathBuf),
    encrypted_key: PathBuf,
}

fn pki() -> Result<Pki, Error> {
    let dir = TempDir::new("pyssl-reliability")?;
    let root = CertificateAuthority::new("reliability root")?;
    let inter = root.intermediate("reliability intermediate")?;
    let ca = dir.write("ca.pem", root.cert_pem())?;
    let spec = || LeafSpec::server("localhost").ip("127.0.0.1".parse().unwrap());
    let good = inter.issue(&spec())?.write_to(dir.path(), "good")?;
    let expired = inter
        .issue(&spec().validity(-30, -1))?
        .write_to(dir.path(), "expired")?;
    let rogue = self_signed("localhost")?.write_to(dir.path(), "rogue")?;
    let other = inter
        .issue(&LeafSpec::server("other.example"))?
        .write_to(dir.path(), "other")?;
    // A key file that needs a password (the wrong-password path).
    let key = openssl::pkey::PKey::private_key_from_pem(&std::fs::read(&good.1)?)
        .map_err(|e| failure(e.to_string()))?;
    let pem = key
        .private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_128_cbc(), b"secret")
        .map_err(|e| failure(e.to_string()))?;
    let encrypted_key = dir.write("encrypted.key", pem)?;
    Ok(Pki {
        _dir: dir,
        ca,
        good,
        expired,
        rogue,
        other,
        encrypted_key,
    })
}

fn server(cert: &(PathBuf, PathBuf)) -> Result<SslContext, Error> {
    let s = SslContext::new(Protocol::TlsServer)?;
    s.load_cert_chain(&cert.0, CertChainOptions::new().keyfile(&cert.1))?;
    Ok(s)
}

fn client(p: &Pki) -> Result<SslContext, Error> {
    let c = SslContext::new(Protocol::TlsClient)?;
    c.load_verify_locations(VerifyLocationsOptions::new().cafile(&p.ca))?;
    Ok(c)
}

/// The class of an outcome, or "ok".
fn class(r: &Result<(), Error>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => class_of(e),
    }
}

fn class_of(e: &Error) -> String {
    match e.cert_verification().and_then(|v| v.verify_code()) {
        Some(code) => format!("{} {code}", e.python_class()),
        None => e.python_class().to_string(),
    }
}

fn failure(msg: impl Into<String>) -> Error {
    Error::from(ValueError::new(msg))
}

/// Pumps two SslObjects to the end of their handshakes; the client's result.
fn pump(
    c: &mut SslObject,
    s: &mut SslObject,
    bios: &[MemoryBio; 4],
) -> (Result<(), Error>, Result<(), Error>) {
    let [ci, co, si, so] = bios;
    let (mut rc, mut rs) = (Err(failure("not run")), Err(failure("not run")));
    for _ in 0..10 {
        rc = c.do_handshake();
        let _ = si.write(&co.read(None).unwrap_or_default());
        rs = s.do_handshake();
        let _ = ci.write(&so.read(None).unwrap_or_default());
        let want =
            |r: &Result<(), Error>| matches!(r, Err(e) if e.python_class() == "SSLWantReadError");
        if !want(&rc) && !want(&rs) {
            break;
        }
    }
    (rc, rs)
}

fn bios() -> [MemoryBio; 4] {
    [(); 4].map(|_| MemoryBio::new().expect("MemoryBio"))
}

/// One memory-BIO handshake between `cli` and `srv`; the client's outcome,
/// after a round trip and a clean unwrap when it succeeds.
fn memory(
    cli: &SslContext,
    srv: &SslContext,
    host: &str,
    session: Option<&SslSession>,
    keep: &mut Option<SslSession>,
) -> Result<(), Error> {
    let b = bios();
    let mut c = cli.wrap_bio(&b[0], &b[1], WrapOptions::client(host))?;
    if let Some(s) = session {
        c.set_session(s)?;
    }
    let mut s = srv.wrap_bio(&b[2], &b[3], WrapOptions::server())?;
    let (rc, _) = pump(&mut c, &mut s, &b);
    rc?;
    let cert = c.getpeercert()?.expect("a verified peer certificate");
    assert!(cert.subject_alt_name.is_some());
    // A resumed session is not verified again: OpenSSL keeps no chain.
    assert_eq!(c.get_verified_chain().is_empty(), c.session_reused());
    c.write(b"ping")?;
    b[2].write(&b[1].read(None)?)?;
    assert_eq!(s.recv(4)?, b"ping");
    s.write(b"pong")?;
    b[0].write(&b[3].read(None)?)?;
    assert_eq!(c.recv(4)?, b"pong");
    *keep = c.session();
    // Both sides unwrap (close_notify both ways).
    let _ = c.unwrap();
    b[2].write(&b[1].read(None)?)?;
    let _ = s.unwrap();
    b[0].write(&b[3].read(None)?)?;
    c.unwrap()
}

/// The server fed `bytes` instead of a ClientHello; its outcome.
fn garbage_to_server(srv: &SslContext, bytes: &[u8], eof: bool) -> Result<(), Error> {
    let b = bios();
    let mut s = srv.wrap_bio(&b[2], &b[3], WrapOptions::server())?;
    b[2].write(bytes)?;
    if eof {
        b[2].write_eof();
    }
    s.do_handshake()
}

fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn leak(n: usize) -> Result<bool, Error> {
    let p = pki()?;
    let cli = client(&p)?;
    let good = server(&p.good)?;
    let expired = server(&p.expired)?;
    let rogue = server(&p.rogue)?;
    let other = server(&p.other)?;
    let echo = pyssl::testing::EchoServer::start(server(&p.good)?)?;
    let mut session: Option<SslSession> = None;
    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut unexpected = 0usize;
    // Warm up (lazy OpenSSL initialisation opens nothing later).
    let mut keep = None;
    memory(&cli, &good, "localhost", None, &mut keep)?;
    let fds_before = fds();
    let t0 = Instant::now();
    for i in 0..n {
        let mut keep = None;
        let (case, outcome, want): (&str, Result<(), Error>, &str) = match i % 10 {
            0 => (
                "good",
                memory(&cli, &good, "localhost", None, &mut keep),
                "ok",
            ),
            1 => (
                "expired",
                memory(&cli, &expired, "localhost", None, &mut keep),
                "SSLCertVerificationError 10",
            ),
            2 => (
                "unknown CA",
                memory(&cli, &rogue, "localhost", None, &mut keep),
                "SSLCertVerificationError 18",
            ),
            3 => (
                "hostname mismatch",
                memory(&cli, &other, "localhost", None, &mut keep),
                "SSLCertVerificationError 62",
            ),
            4 => (
                "garbage",
                garbage_to_server(&good, b"\x16\x03\x01\x00\x05hello-garbage-garbage", false),
                "SSLError",
            ),
            5 => (
                "truncated hello",
                garbage_to_server(&good, b"\x16\x03\x01\x02\x00\x01\x00", true),
                "SSLEOFError",
            ),
            6 => {
                let r = (|| {
                    let sock = echo.connect()?;
                    sock.set_nodelay(true)?;
                    let t = cli.wrap_socket(sock, WrapOptions::client("localhost"))?;
                    t.sendall(b"tcp")?;
                    assert_eq!(t.recv(3)?, b"tcp");
                    let _ = t.getpeercert()?;
                    Ok(())
                })();
                ("tcp loopback", r, "ok")
            }
            7 => {
                let s = session.take();
                let r = memory(&cli, &good, "localhost", s.as_ref(), &mut keep);
                session = keep.take();
                ("resumption", r, "ok")
            }
            8 => {
                // Context error paths: wrong password, garbage cadata, a
                // missing file; each context is dropped at once.
                let ctx = SslContext::new(Protocol::TlsServer)?;
                let r1 = ctx.load_cert_chain(
                    &p.good.0,
                    CertChainOptions::new()
                        .keyfile(&p.encrypted_key)
                        .password("wrong"),
                );
                let c = SslContext::new(Protocol::TlsClient)?;
                let r2 = c.load_verify_locations(VerifyLocationsOptions::new().cadata(
                    CaData::Pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                ));
                let r3 = c.load_verify_locations(
                    VerifyLocationsOptions::new().cafile("/nonexistent/ca.pem"),
                );
                let ok = r1.is_err() && r2.is_err() && r3.is_err();
                (
                    "context errors",
                    if ok {
                        Ok(())
                    } else {
                        Err(failure("an error path passed"))
                    },
                    "ok",
                )
            }
            _ => (
                "client stops mid-handshake",
                {
                    let b = bios();
                    let mut c = cli.wrap_bio(&b[0], &b[1], WrapOptions::client("localhost"))?;
                    let _ = c.do_handshake();
                    let mut s = good.wrap_bio(&b[2], &b[3], WrapOptions::server())?;
                    b[2].write(&b[1].read(None)?)?;
                    let _ = s.do_handshake();
                    b[2].write_eof();
                    s.do_handshake()
                },
                "SSLEOFError",
            ),
        };
        let got = class(&outcome);
        if got != want {
            unexpected += 1;
            eprintln!("handshake {i} ({case}): expected {want}, got {got}: {outcome:?}");
        }
        *counts.entry((case, got)).or_default() += 1;
    }
    let elapsed = t0.elapsed();
    drop(session);
    let server_errors = echo.finish();
    let fds_after = fds();
    println!("leak run: {n} handshakes in {:.1} s", elapsed.as_secs_f64());
    for ((case, got), k) in &counts {
        println!("  {case:<28} {got:<32} {k}");
    }
    println!(
        "unexpected outcomes: {unexpected}; echo-server errors: {}",
        server_errors.len()
    );
    println!("open file descriptors: {fds_before} before, {fds_after} after");
    Ok(unexpected == 0 && server_errors.is_empty() && fds_after <= fds_before)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// How a soak connection is meant to end.
#[derive(Clone, Copy)]
enum Kind {
    Good,
    Expired,
    Rogue,
    Mismatch,
}

impl Kind {
    fn of(i: u64) -> Kind {
        match i % 8 {
            5 => Kind::Expired,
            6 => Kind::Rogue,
            7 => Kind::Mismatch,
            _ => Kind::Good,
        }
    }
    fn expected(self) -> &'static str {
        match self {
            Kind::Good => "ok",
            Kind::Expired => "SSLCertVerificationError 10",
            Kind::Rogue => "SSLCertVerificationError 18",
            Kind::Mismatch => "SSLCertVerificationError 62",
        }
    }
}

fn io_class(r: &std::io::Result<()>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => match e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
            Some(pe) => class_of(pe),
            None => format!("io::Error {:?}", e.kind()),
        },
    }
}

fn soak(conns: usize, secs: u64) -> Result<bool, Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let p = pki()?;
    let cli = Arc::new(client(&p)?);
    let servers = Arc::new([
        server(&p.good)?,
        server(&p.expired)?,
        server(&p.rogue)?,
        server(&p.other)?,
    ]);
    let outcomes: Arc<Mutex<BTreeMap<(String, String), u64>>> = Arc::default();
    let started = Arc::new(AtomicU64::new(0));
    let hangs = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let rss: Arc<Mutex<Vec<u64>>> = Arc::default();
    rt.block_on(async {
        // One listener per server certificate.
        let mut ports = Vec::new();
        for ctx in servers.iter() {
            let l = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            ports.push(l.local_addr()?.port());
            let ctx = ctx.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((tcp, _)) = l.accept().await else {
                        continue;
                    };
                    let ctx = ctx.clone();
                    tokio::spawn(async move {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let served = async {
                            let mut tls =
                                pyssl::tokio::accept(&ctx, tcp, pyssl::WrapOptions::server())
                                    .await?;
                            let mut buf = [0u8; 64];
                            let n = tls.read(&mut buf).await?;
                            tls.write_all(&buf[..n]).await?;
                            tls.shutdown().await
                        };
                        let _ = tokio::time::timeout(Duration::from_secs(30), served).await;
                    });
                }
            });
        }
        let sampler = {
            let rss = rss.clone();
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    rss.lock().unwrap().push(rss_kib());
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            })
        };
        let mut tasks = Vec::new();
        for _ in 0..conns {
            let (cli, outcomes, started, hangs, ports) = (
                cli.clone(),
                outcomes.clone(),
                started.clone(),
                hangs.clone(),
                ports.clone(),
            );
            tasks.push(tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                while Instant::now() < deadline {
                    let i = started.fetch_add(1, Ordering::SeqCst);
                    let kind = Kind::of(i);
                    let port = ports[kind as usize];
                    let one = async {
                        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
                        let mut tls = pyssl::tokio::connect(
                            &cli,
                            tcp,
                            pyssl::WrapOptions::client("localhost"),
                        )
                        .await?;
                        let msg = i.to_be_bytes();
                        tls.write_all(&msg).await?;
                        let mut back = [0u8; 8];
                        tls.read_exact(&mut back).await?;
                        assert_eq!(back, msg);
                        Ok::<(), std::io::Error>(())
                    };
                    let got = match tokio::time::timeout(Duration::from_secs(30), one).await {
                        Ok(r) => io_class(&r),
                        Err(_) => {
                            hangs.fetch_add(1, Ordering::SeqCst);
                            "hang".to_string()
                        }
                    };
                    *outcomes
                        .lock()
                        .unwrap()
                        .entry((kind.expected().to_string(), got))
                        .or_default() += 1;
                }
            }));
        }
        for t in tasks {
            t.await.map_err(|e| failure(e.to_string()))?;
        }
        sampler.await.map_err(|e| failure(e.to_string()))?;
        Ok::<(), Error>(())
    })?;
    let outcomes = outcomes.lock().unwrap();
    let total: u64 = outcomes.values().sum();
    let wrong: u64 = outcomes
        .iter()
        .filter(|((want, got), _)| want != got)
        .map(|(_, n)| n)
        .sum();
    let rss = rss.lock().unwrap();
    println!("soak run: {conns} concurrent connections for {secs} s: {total} connections");
    for ((want, got), n) in outcomes.iter() {
        println!("  expected {want:<30} got {got:<30} {n}");
    }
    let third = rss.len() / 3;
    let (early, late) = (
        rss.get(third).copied().unwrap_or(0),
        rss.last().copied().unwrap_or(0),
    );
    println!(
        "hangs: {}; unexpected outcomes: {wrong}; RSS KiB min {} max {} at 1/3 {early} at end {late}",
        hangs.load(Ordering::SeqCst),
        rss.iter().min().unwrap_or(&0),
        rss.iter().max().unwrap_or(&0),
    );
    // Memory is flat when the last two thirds add no more than 10%. Short
    // runs (CI's) may still be ramping up to CONNS at the first third, so
    // they report the figure without judging it.
    let flat = late <= early + early / 10;
    if secs < 60 {
        println!("memory flat: not judged (run shorter than 60 s)");
    } else {
        println!("memory flat: {flat}");
    }
    let flat = flat || secs < 60;
    Ok(wrong == 0 && hangs.load(Ordering::SeqCst) == 0 && flat)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let r = match args.first().map(String::as_str) {
        Some("leak") => leak(num(1, 10_000) as usize),
        Some("soak") => soak(num(1, 1000) as usize, num(2, 60)),
        _ => {
            eprintln!("usage: reliability leak [N] | soak [CONNS] [SECS]");
            return ExitCode::from(2);
        }
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("{}: {e}", e.python_class());
            ExitCode::FAILURE
        }
    }
}
