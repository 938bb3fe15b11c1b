//! pyssl against raw rust-openssl and CPython 3.13's `ssl`, interleaved.
//!
//! `cargo bench` (release build). Each measurement runs the contestants in
//! turn (A B C A B C ...) for `ROUNDS` rounds after a warm-up round, and
//! prints the median, min–max and the median of the per-round ratios.
//! Set `PYSSL_BENCH_ROUNDS` / `PYSSL_BENCH_SECS` to change the defaults
//! (5 rounds of 1 s). CPython runs as a subprocess timing its own loop
//! (`$PYSSL_PYTHON313` or pyenv's 3.13).
//!
//! `PYSSL_BENCH_INSTR=1 cargo bench --bench compare` counts instructions
//! instead (`scripts/bench-instructions.sh`): for each workload and
//! contestant it runs this binary (or CPython) under
//! `valgrind --tool=callgrind` twice, doing the workload once as a
//! warm-up and then `N` and `0` more times, and prints
//! (I(N) − I(0)) / N, the instructions of one iteration with setup,
//! warm-up and teardown cancelled out. `PYSSL_BENCH_INSTR_SCALE` multiplies
//! every `N` (default 1).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use openssl::ssl::{
    HandshakeError, MidHandshakeSslStream, Ssl, SslContext as RawCtx, SslContextBuilder,
    SslFiletype, SslMethod, SslMode, SslSession as RawSession, SslStream, SslVerifyMode,
    SslVersion,
};
use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};
use pyssl::{MemoryBio, Protocol, SslContext, SslObject, WrapOptions};

const HOST: &str = "localhost";

fn rounds() -> usize {
    std::env::var("PYSSL_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

fn secs() -> f64 {
    std::env::var("PYSSL_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0)
}

struct Files {
    _dir: Option<TempDir>,
    ca: PathBuf,
    chain: PathBuf,
    key: PathBuf,
}

fn files() -> Files {
    let dir = TempDir::new("pyssl-bench").expect("temp dir");
    let root = CertificateAuthority::new("bench root").unwrap();
    let inter = root.intermediate("bench intermediate").unwrap();
    let ca = dir.write("ca.pem", root.cert_pem()).unwrap();
    let (chain, key) = inter
        .issue(&LeafSpec::server(HOST))
        .unwrap()
        .write_to(dir.path(), "leaf")
        .unwrap();
    Files {
        _dir: Some(dir),
        ca,
        chain,
        key,
    }
}

/// The files a parent process made (`PYSSL_BENCH_FILES`, in count mode).
fn files_from(spec: &str) -> Files {
    let mut it = spec.split('\n').map(PathBuf::from);
    let mut next = || it.next().expect("PYSSL_BENCH_FILES: ca, chain, key");
    Files {
        _dir: None,
        ca: next(),
        chain: next(),
        key: next(),
    }
}

// ---------------------------------------------------------------------------
// pyssl

struct Py {
    cli: SslContext,
    srv: SslContext,
}

fn py_contexts(f: &Files) -> Py {
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&f.ca))
        .unwrap();
    cli.set_ecdh_curve("X25519").unwrap();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&f.chain, pyssl::CertChainOptions::new().keyfile(&f.key))
        .unwrap();
    srv.set_ecdh_curve("X25519").unwrap();
    Py { cli, srv }
}

struct PyPair {
    c: SslObject,
    s: SslObject,
    ci: MemoryBio,
    co: MemoryBio,
    si: MemoryBio,
    so: MemoryBio,
}

/// `to.write(from.read())` without the copy: the buffers trade places.
fn pump(from: &MemoryBio, to: &MemoryBio) {
    from.transfer_to(to).unwrap();
}

fn py_pair(p: &Py, session: Option<&pyssl::SslSession>) -> PyPair {
    let b = || MemoryBio::new().unwrap();
    let (ci, co, si, so) = (b(), b(), b(), b());
    let mut c = p.cli.wrap_bio(&ci, &co, WrapOptions::client(HOST)).unwrap();
    if let Some(s) = session {
        c.set_session(s).unwrap();
    }
    let s = p.srv.wrap_bio(&si, &so, WrapOptions::server()).unwrap();
    PyPair {
        c,
        s,
        ci,
        co,
        si,
        so,
    }
}

fn py_handshake(x: &mut PyPair) {
    let (mut cd, mut sd) = (false, false);
    while !(cd && sd) {
        if !cd {
            cd = x.c.do_handshake().is_ok();
        }
        pump(&x.co, &x.si);
        if !sd {
            sd = x.s.do_handshake().is_ok();
        }
        pump(&x.so, &x.ci);
    }
}

// ---------------------------------------------------------------------------
// raw rust-openssl over an in-memory pipe (VecDeque slice copies)

#[derive(Clone, Debug)]
struct Pipe {
    rx: Rc<RefCell<VecDeque<u8>>>,
    tx: Rc<RefCell<VecDeque<u8>>>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut rx = self.rx.borrow_mut();
        if rx.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        rx.read(buf)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tx.borrow_mut().extend(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn pipes() -> (Pipe, Pipe) {
    let a = Rc::new(RefCell::new(VecDeque::new()));
    let b = Rc::new(RefCell::new(VecDeque::new()));
    (
        Pipe {
            rx: a.clone(),
            tx: b.clone(),
        },
        Pipe { rx: b, tx: a },
    )
}

struct Raw {
    cli: RawCtx,
    srv: RawCtx,
}

fn raw_contexts(f: &Files) -> Raw {
    let mut c = SslContextBuilder::new(SslMethod::tls_client()).unwrap();
    c.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    c.set_ca_file(&f.ca).unwrap();
    c.set_groups_list("X25519").unwrap();
    c.set_min_proto_version(Some(SslVersion::TLS1_2)).unwrap();
    c.set_cipher_list(pyssl::DEFAULT_CIPHERS).unwrap();
    // CPython (so pyssl) sets SSL_MODE_RELEASE_BUFFERS: the record buffers
    // are freed when idle and allocated again per record (about 600
    // instructions per 16 KiB record written and read).
    c.set_mode(SslMode::RELEASE_BUFFERS);
    let mut s = SslContextBuilder::new(SslMethod::tls_server()).unwrap();
    s.set_certificate_chain_file(&f.chain).unwrap();
    s.set_private_key_file(&f.key, SslFiletype::PEM).unwrap();
    s.set_groups_list("X25519").unwrap();
    s.set_min_proto_version(Some(SslVersion::TLS1_2)).unwrap();
    s.set_cipher_list(pyssl::DEFAULT_CIPHERS).unwrap();
    s.set_mode(SslMode::RELEASE_BUFFERS);
    Raw {
        cli: c.build(),
        srv: s.build(),
    }
}

fn raw_client_ssl(r: &Raw, session: Option<&RawSession>) -> Ssl {
    let mut ssl = Ssl::new(&r.cli).unwrap();
    ssl.set_hostname(HOST).unwrap();
    ssl.param_mut().set_host(HOST).unwrap();
    if let Some(s) = session {
        // SAFETY: the session comes from a connection of the same context.
        unsafe { ssl.set_session(s).unwrap() };
    }
    ssl
}

enum Hs<S> {
    Done(SslStream<S>),
    Mid(MidHandshakeSslStream<S>),
}

fn step<S: Read + Write + std::fmt::Debug>(r: Result<SslStream<S>, HandshakeError<S>>) -> Hs<S> {
    match r {
        Ok(s) => Hs::Done(s),
        Err(HandshakeError::WouldBlock(m)) => Hs::Mid(m),
        Err(e) => panic!("raw handshake: {e}"),
    }
}

fn raw_handshake(r: &Raw, session: Option<&RawSession>) -> (SslStream<Pipe>, SslStream<Pipe>) {
    let (cp, sp) = pipes();
    let mut c = step(raw_client_ssl(r, session).connect(cp));
    let mut s = step(Ssl::new(&r.srv).unwrap().accept(sp));
    loop {
        c = match c {
            Hs::Mid(m) => step(m.handshake()),
            done => done,
        };
        s = match s {
            Hs::Mid(m) => step(m.handshake()),
            done => done,
        };
        if let (Hs::Done(_), Hs::Done(_)) = (&c, &s) {
            break;
        }
    }
    match (c, s) {
        (Hs::Done(c), Hs::Done(s)) => (c, s),
        _ => unreachable!(),
    }
}

// ---------------------------------------------------------------------------
// CPython

fn python313() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PYSSL_PYTHON313") {
        return Some(PathBuf::from(p));
    }
    let out = Command::new("pyenv")
        .args(["prefix", "3.13"])
        .output()
        .ok()?;
    let p = Path::new(String::from_utf8_lossy(&out.stdout).trim()).join("bin/python3");
    p.exists().then_some(p)
}

const PY_BENCH: &str = r#"
import socket, ssl, sys, threading, time
kind, secs, ca, chain, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
cli = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); cli.load_verify_locations(ca); cli.set_ecdh_curve("X25519")
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); srv.load_cert_chain(chain, key); srv.set_ecdh_curve("X25519")
def pair(session=None):
    ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cli.wrap_bio(ci, co, server_hostname="localhost", session=session)
    s = srv.wrap_bio(si, so, server_side=True)
    return c, s, ci, co, si, so
def hs(c, s, ci, co, si, so):
    cd = sd = False
    while not (cd and sd):
        if not cd:
            try: c.do_handshake(); cd = True
            except ssl.SSLWantReadError: pass
        if co.pending: si.write(co.read())
        if not sd:
            try: s.do_handshake(); sd = True
            except ssl.SSLWantReadError: pass
        if so.pending: ci.write(so.read())
def timed(f):
    # "nN": count mode, a warm-up then N iterations (under callgrind).
    if secs.startswith("n"):
        f()
        for _ in range(int(secs[1:])): f()
        return 0.0
    n = 0; t0 = time.perf_counter()
    while time.perf_counter() - t0 < float(secs):
        f(); n += 1
    return n / (time.perf_counter() - t0)
if kind == "mem":
    print(timed(lambda: hs(*pair())))
elif kind == "resumed":
    p = pair(); hs(*p)
    try: p[0].read(1)
    except ssl.SSLWantReadError: pass
    sess = p[0].session
    def one():
        q = pair(sess); hs(*q)
        assert q[0].session_reused
    print(timed(one))
elif kind == "tcp":
    l = socket.create_server(("127.0.0.1", 0)); port = l.getsockname()[1]
    def serve():
        while True:
            conn, _ = l.accept()
            try:
                t = srv.wrap_socket(conn, server_side=True)
                t.recv(1); t.close()
            except OSError:
                pass
    threading.Thread(target=serve, daemon=True).start()
    def one():
        with cli.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost") as t:
            t.sendall(b"x")
    print(timed(one))
elif kind == "bulk":
    c, s, ci, co, si, so = p = pair(); hs(*p)
    chunk = b"x" * 16384; buf = bytearray(16384)
    def record():
        c.write(chunk)
        si.write(co.read())
        while True:
            try: s.read(16384, buf)
            except ssl.SSLWantReadError: break
    print(timed(record))
elif kind == "getpeercert":
    p = pair(); hs(*p); c = p[0]
    print(timed(lambda: c.getpeercert()))
"#;

fn cpython(kind: &str, f: &Files) -> Option<f64> {
    let py = python313()?;
    let out = Command::new(py)
        .arg("-c")
        .arg(PY_BENCH)
        .arg(kind)
        .arg(secs().to_string())
        .arg(&f.ca)
        .arg(&f.chain)
        .arg(&f.key)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn cpython_legacy_match(n: usize) -> Option<f64> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import ssl, time, warnings\nwarnings.simplefilter('ignore')\n\
             cert = {{'subject': ((('commonName', 'example.com'),),), 'subjectAltName': \
             (('DNS', 'example.com'), ('DNS', '*.example.org'), ('IP Address', '127.0.0.1'))}}\n\
             t0 = time.perf_counter()\nfor _ in range({n}): ssl.match_hostname(cert, 'www.example.org')\n\
             print({n} / (time.perf_counter() - t0))"
        ))
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

// ---------------------------------------------------------------------------
// measurement

/// Runs `f` repeatedly for the configured time; returns operations/s.
fn timed(mut f: impl FnMut()) -> f64 {
    let d = Duration::from_secs_f64(secs());
    let t0 = Instant::now();
    let mut n = 0u64;
    while t0.elapsed() < d {
        f();
        n += 1;
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

type Contestant<'a> = (&'a str, Box<dyn FnMut() -> Option<f64> + 'a>);

/// Interleaves the contestants for warm-up + `rounds()` rounds and prints a
/// table row per contestant: median, min–max, and the first contestant's
/// result divided by this one's, per round and its median.
fn compare(title: &str, unit: &str, mut cs: Vec<Contestant<'_>>) {
    for (_, f) in cs.iter_mut() {
        let _ = f(); // warm-up
    }
    let mut results: Vec<Vec<f64>> = vec![Vec::new(); cs.len()];
    for _ in 0..rounds() {
        for (i, (_, f)) in cs.iter_mut().enumerate() {
            if let Some(v) = f() {
                results[i].push(v);
            }
        }
    }
    println!("\n{title} ({unit}, {} rounds)", rounds());
    println!(
        "  {:<18} {:>12} {:>25}   {:>9}   per-round {} ÷ this",
        "contestant", "median", "min – max", "median", cs[0].0
    );
    let first = results[0].clone();
    for (i, (name, _)) in cs.iter().enumerate() {
        let r = &results[i];
        if r.is_empty() {
            println!("  {name:<18} {:>12}", "n/a");
            continue;
        }
        let ratios: Vec<f64> = first.iter().zip(r).map(|(a, b)| a / b).collect();
        let (lo, hi) = r
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
        let per_round: Vec<String> = ratios.iter().map(|x| format!("{x:.2}")).collect();
        println!(
            "  {name:<18} {:>12.1} {:>12.1} – {:<10.1}   {:>9.3}   {}",
            median(r.clone()),
            lo,
            hi,
            median(ratios.clone()),
            per_round.join(" ")
        );
    }
}

/// Bytes malloc has handed out and not taken back (`mallinfo2`): unlike
/// RSS, it does not depend on which contestant reuses the other's freed
/// memory.
fn heap_kib() -> u64 {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let m = unsafe { libc::mallinfo2() };
    m.uordblks as u64 / 1024
}

// ---------------------------------------------------------------------------
// workloads: one iteration each, for the timed and the counting mode

/// The workloads: (name, what one iteration is, instruction-count `N`,
/// CPython script kind, timed unit and the factor from iterations/s to it).
const WORKLOADS: &[(&str, &str, u64, &str, &str, f64)] = &[
    (
        "full",
        "full TLS 1.3 handshake pair, memory BIOs",
        40,
        "mem",
        "handshakes/s",
        1.0,
    ),
    (
        "resumed",
        "resumed TLS 1.3 handshake pair, one session (raw: closed cleanly), memory BIOs",
        80,
        "resumed",
        "handshakes/s",
        1.0,
    ),
    (
        "tcp",
        "full TLS 1.3 handshake, loopback TCP (client and server thread)",
        30,
        "tcp",
        "handshakes/s",
        1.0,
    ),
    (
        "bulk",
        "one 16 KiB record written and read, memory BIOs, TLS_AES_256_GCM_SHA384",
        2000,
        "bulk",
        "MB/s",
        16384.0 / 1e6,
    ),
    (
        "getpeercert",
        "getpeercert() on an established connection",
        2000,
        "getpeercert",
        "calls/s",
        1.0,
    ),
];

type Iteration<'a> = Box<dyn FnMut() + 'a>;

/// pyssl's iteration of `kind` (state made here, outside the iteration).
fn py_workload<'a>(kind: &str, py: &'a Py) -> Iteration<'a> {
    match kind {
        "full" => Box::new(move || {
            let mut x = py_pair(py, None);
            py_handshake(&mut x);
        }),
        "resumed" => {
            let mut first = py_pair(py, None);
            py_handshake(&mut first);
            let _ = first.c.recv(1); // the tickets
            let session = first.c.session().expect("session");
            Box::new(move || {
                let mut x = py_pair(py, Some(&session));
                py_handshake(&mut x);
                // Dropped without a shutdown: pyssl's session stays
                // resumable anyway (Python's `unwrap()` here would also
                // process the server's new tickets, work raw skips).
                assert!(x.c.session_reused());
            })
        }
        "tcp" => {
            let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
            let port = l.local_addr().unwrap().port();
            let srv = py.srv.clone();
            thread::spawn(move || {
                for s in l.incoming().flatten() {
                    if let Ok(t) = srv.wrap_socket(s, WrapOptions::server()) {
                        let _ = t.recv(1);
                    }
                }
            });
            Box::new(move || {
                let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let t = py.cli.wrap_socket(s, WrapOptions::client(HOST)).unwrap();
                t.sendall(b"x").unwrap();
            })
        }
        "bulk" => {
            let mut x = py_pair(py, None);
            py_handshake(&mut x);
            assert_eq!(x.c.cipher().unwrap().name, "TLS_AES_256_GCM_SHA384");
            let chunk = vec![0x5au8; 16 * 1024];
            let mut buf = vec![0u8; 16 * 1024];
            Box::new(move || {
                assert_eq!(x.c.write(&chunk).unwrap(), chunk.len());
                pump(&x.co, &x.si);
                while x.s.read_into(&mut buf).is_ok() {}
            })
        }
        "getpeercert" => {
            let mut x = py_pair(py, None);
            py_handshake(&mut x);
            Box::new(move || {
                let _ = x.c.getpeercert().unwrap();
            })
        }
        _ => panic!("unknown workload {kind}"),
    }
}

/// Raw rust-openssl's iteration of `kind`, `None` where it has none.
fn raw_workload<'a>(kind: &str, raw: &'a Raw) -> Option<Iteration<'a>> {
    Some(match kind {
        "full" => Box::new(move || {
            let _ = raw_handshake(raw, None);
        }),
        "resumed" => {
            // One session object for every connection, as raw code keeps
            // it: it stays resumable as long as each connection using it
            // ends with a close_notify (OpenSSL marks the session of a
            // connection freed without one not resumable).
            let (mut c, mut s) = raw_handshake(raw, None);
            s.ssl_write(b"x").unwrap();
            let mut b = [0u8; 1];
            c.ssl_read(&mut b).unwrap(); // the tickets, then the byte
            let session = c.ssl().session().expect("raw session").to_owned();
            let _ = c.shutdown();
            Box::new(move || {
                let (mut c, _s) = raw_handshake(raw, Some(&session));
                assert!(c.ssl().session_reused());
                let _ = c.shutdown();
            })
        }
        "tcp" => {
            let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
            let port = l.local_addr().unwrap().port();
            let srv = raw.srv.clone();
            thread::spawn(move || {
                for s in l.incoming().flatten() {
                    if let Ok(mut t) = Ssl::new(&srv).unwrap().accept(s) {
                        let mut b = [0u8; 1];
                        let _ = t.ssl_read(&mut b);
                    }
                }
            });
            Box::new(move || {
                let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let mut t = raw_client_ssl(raw, None).connect(s).unwrap();
                t.ssl_write(b"x").unwrap();
            })
        }
        "bulk" => {
            let (mut c, mut s) = raw_handshake(raw, None);
            let chunk = vec![0x5au8; 16 * 1024];
            let mut buf = vec![0u8; 16 * 1024];
            Box::new(move || {
                assert_eq!(c.ssl_write(&chunk).unwrap(), chunk.len());
                while s.ssl_read(&mut buf).is_ok() {}
            })
        }
        _ => return None,
    })
}

/// Count mode, in the child under callgrind: `kind contestant n`.
fn count_child(spec: &str) {
    let mut it = spec.split_whitespace();
    let (kind, who) = (it.next().unwrap(), it.next().unwrap());
    let n: u64 = it.next().unwrap().parse().unwrap();
    let f = files_from(&std::env::var("PYSSL_BENCH_FILES").expect("PYSSL_BENCH_FILES"));
    let py = py_contexts(&f);
    let raw = raw_contexts(&f);
    let mut one = match who {
        "pyssl" => py_workload(kind, &py),
        _ => raw_workload(kind, &raw).expect("workload"),
    };
    one(); // warm-up, in both runs
    for _ in 0..n {
        one();
    }
}

/// Instructions callgrind counted for `cmd` (every thread). With
/// `PYSSL_BENCH_KEEP=DIR` the profile stays there as `NAME.callgrind`
/// (for `callgrind_annotate`).
fn callgrind(cmd: Command, name: &str) -> Option<u64> {
    let keep = std::env::var_os("PYSSL_BENCH_KEEP").map(PathBuf::from);
    let out = match &keep {
        Some(dir) => dir.join(format!("{name}.callgrind")),
        None => std::env::temp_dir().join(format!("pyssl-bench-{}.callgrind", std::process::id())),
    };
    let mut vg = Command::new("valgrind");
    vg.arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            vg.env(k, v);
        }
    }
    let st = vg
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    if !st.success() {
        return None;
    }
    let text = std::fs::read_to_string(&out).ok()?;
    if keep.is_none() {
        let _ = std::fs::remove_file(&out);
    }
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// (I(N) − I(0)) / N for one contestant of one workload.
fn per_iteration(name: &str, n: u64, run: impl Fn(u64) -> Option<Command>) -> Option<f64> {
    let hi = callgrind(run(n)?, &format!("{name}-{n}"))?;
    let lo = callgrind(run(0)?, &format!("{name}-0"))?;
    Some((hi as f64 - lo as f64) / n as f64)
}

fn fmt_instr(x: Option<f64>) -> String {
    match x {
        Some(v) if v >= 1e6 => format!("{:.3} M", v / 1e6),
        Some(v) => format!("{:.1} k", v / 1e3),
        None => "n/a".into(),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.3}", a / b),
        _ => "".into(),
    }
}

/// Count mode, in the parent: the table.
fn count_all(f: &Files) {
    let scale: f64 = std::env::var("PYSSL_BENCH_INSTR_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    let only = std::env::var("PYSSL_BENCH_ONLY").ok();
    let exe = std::env::current_exe().unwrap();
    let files = format!(
        "{}\n{}\n{}",
        f.ca.display(),
        f.chain.display(),
        f.key.display()
    );
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    println!(
        "instructions per iteration, callgrind (I(N) - I(0)) / N, on {}{}",
        pyssl::openssl_version(),
        if tunables.is_empty() {
            String::new()
        } else {
            format!(", GLIBC_TUNABLES={tunables}")
        }
    );
    println!("| workload | N | raw rust-openssl | pyssl | CPython 3.13 | pyssl ÷ raw | pyssl ÷ CPython |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for &(kind, what, n, pykind, _, _) in WORKLOADS {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|x| x == kind))
        {
            continue;
        }
        let n = ((n as f64 * scale).round() as u64).max(1);
        let ours = |who: &'static str| {
            let (exe, files) = (exe.clone(), files.clone());
            move |k: u64| {
                let mut c = Command::new(&exe);
                c.arg("--bench")
                    .env("PYSSL_BENCH_ONE", format!("{kind} {who} {k}"))
                    .env("PYSSL_BENCH_FILES", &files);
                Some(c)
            }
        };
        let py = per_iteration(&format!("{kind}-pyssl"), n, ours("pyssl"));
        let raw = if kind == "getpeercert" {
            None
        } else {
            per_iteration(&format!("{kind}-raw"), n, ours("raw"))
        };
        let cpy = per_iteration(&format!("{kind}-cpython"), n, |k| {
            let mut c = Command::new(python313()?);
            c.arg("-c")
                .arg(PY_BENCH)
                .arg(pykind)
                .arg(format!("n{k}"))
                .arg(&f.ca)
                .arg(&f.chain)
                .arg(&f.key);
            Some(c)
        });
        println!(
            "| {what} | {n} | {} | {} | {} | {} | {} |",
            fmt_instr(raw),
            fmt_instr(py),
            fmt_instr(cpy),
            ratio(py, raw),
            ratio(py, cpy)
        );
    }
}

fn main() {
    if let Ok(spec) = std::env::var("PYSSL_BENCH_ONE") {
        count_child(&spec);
        return;
    }
    // `cargo test --all-targets` runs bench binaries without `--bench`:
    // build-check only there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmarks run with `cargo bench`");
        return;
    }
    let f = files();
    if std::env::var_os("PYSSL_BENCH_INSTR").is_some_and(|v| v == "1") {
        count_all(&f);
        return;
    }
    let py = py_contexts(&f);
    let raw = raw_contexts(&f);
    println!("pyssl benchmarks on {}", pyssl::openssl_version());

    let only = std::env::var("PYSSL_BENCH_ONLY").ok();
    for &(kind, what, _, pykind, unit, factor) in WORKLOADS {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|x| x == kind))
        {
            continue;
        }
        let mut ours = py_workload(kind, &py);
        let mut theirs = raw_workload(kind, &raw);
        let f = &f;
        let mut cs: Vec<Contestant<'_>> =
            vec![("pyssl", Box::new(move || Some(timed(&mut ours) * factor)))];
        if let Some(t) = theirs.as_mut() {
            cs.push((
                "raw rust-openssl",
                Box::new(move || Some(timed(&mut *t) * factor)),
            ));
        }
        cs.push((
            "CPython 3.13",
            Box::new(move || cpython(pykind, f).map(|v| v * factor)),
        ));
        compare(what, unit, cs);
        if kind == "bulk" {
            bulk_ceiling();
        }
    }

    // Memory per established idle connection.
    const CONNS: usize = 1000;
    let before = heap_kib();
    let mut keep = Vec::with_capacity(CONNS);
    for _ in 0..CONNS {
        let mut x = py_pair(&py, None);
        py_handshake(&mut x);
        keep.push(x);
    }
    let py_kib = (heap_kib() - before) as f64 / CONNS as f64;
    drop(keep);
    let before = heap_kib();
    let mut keep = Vec::with_capacity(CONNS);
    for _ in 0..CONNS {
        keep.push(raw_handshake(&raw, None));
    }
    let raw_kib = (heap_kib() - before) as f64 / CONNS as f64;
    drop(keep);
    println!(
        "\nmemory per established idle connection pair (malloc in use, over {CONNS}): pyssl {py_kib:.1} KiB, raw rust-openssl {raw_kib:.1} KiB, difference {:.1} KiB",
        py_kib - raw_kib
    );

    // Handshakes on 2 threads vs 1.
    let py_arc = Arc::new(py_contexts(&f));
    let run_threads = |n: usize| {
        let t0 = Instant::now();
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let p = py_arc.clone();
                thread::spawn(move || {
                    timed(|| {
                        let mut x = py_pair(&p, None);
                        py_handshake(&mut x);
                    })
                })
            })
            .collect();
        let total: f64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        let _ = t0;
        total
    };
    compare(
        "pyssl handshakes, 2 threads vs 1 (memory BIOs)",
        "handshakes/s",
        vec![
            ("1 thread", Box::new(|| Some(run_threads(1)))),
            ("2 threads", Box::new(|| Some(run_threads(2)))),
        ],
    );

    let cert = pyssl::PeerCert {
        subject: Some(vec![vec![("commonName".into(), "example.com".into())]]),
        subject_alt_name: Some(vec![
            pyssl::GeneralName::Dns("example.com".into()),
            pyssl::GeneralName::Dns("*.example.org".into()),
            pyssl::GeneralName::IpAddress("127.0.0.1".into()),
        ]),
        ..Default::default()
    };
    compare(
        "legacy match_hostname",
        "calls/s",
        vec![
            (
                "pyssl",
                Box::new(|| {
                    Some(timed(|| {
                        pyssl::match_hostname(&cert, "www.example.org").unwrap();
                    }))
                }),
            ),
            ("CPython 3.11", Box::new(|| cpython_legacy_match(200_000))),
        ],
    );
}

/// `openssl speed` for AES-256-GCM on 16 KiB: the bulk ceiling.
fn bulk_ceiling() {
    if let Ok(out) = Command::new("openssl")
        .args([
            "speed",
            "-evp",
            "aes-256-gcm",
            "-bytes",
            "16384",
            "-seconds",
            "2",
        ])
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        if let Some(line) = text.lines().find(|l| l.starts_with("AES-256-GCM")) {
            if let Some(v) = line.split_whitespace().last() {
                let kbs: f64 = v.trim_end_matches('k').parse().unwrap_or(0.0);
                println!(
                    "  ceiling: openssl speed {:.1} MB/s one way; encrypt+decrypt on one core: {:.1} MB/s",
                    kbs * 1000.0 / 1e6,
                    kbs * 1000.0 / 2e6
                );
            }
        }
    }
}
