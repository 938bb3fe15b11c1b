//! Fault injection over loopback. Every case runs twice with the same fault
//! peer: once against pyssl, once against CPython 3.13's `ssl` (a
//! subprocess doing the same steps); the outcomes must agree — exception
//! class always, text too when both use the same OpenSSL.
//!
//! The peer closes after every TLS record in turn (both directions, through
//! a record-counting proxy in front of a real peer), sends garbage, a
//! truncated record, an oversized record, a fatal alert, plain HTTP, stalls
//! past the timeout, and resets the connection during the handshake and
//! mid-read. A summary of the cases goes to stderr (RELIABILITY.md).

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use pyssl::{Error, MemoryBio, Protocol, SslContext, WrapOptions};

use super::support::{pki, python313, require_cpython, run_python, same_openssl_as_cpython};

/// What the code under test ended with.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// No exception; the bytes its `recv(4)` returned.
    Ok(Vec<u8>),
    /// The exception's Python class and `str()` (without `_ssl.c:NNNN`).
    Err { class: String, text: String },
}

impl Outcome {
    fn of(r: Result<Vec<u8>, Error>) -> Outcome {
        match r {
            Ok(d) => Outcome::Ok(d),
            Err(e) => Outcome::Err {
                class: e.python_class().to_string(),
                text: e.to_string(),
            },
        }
    }

    fn from_json(line: &str) -> Outcome {
        let v: serde_json::Value = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("CPython printed {line:?}: {e}"));
        if let Some(hex) = v.get("ok").and_then(|h| h.as_str()) {
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            return Outcome::Ok(bytes);
        }
        Outcome::Err {
            class: v["class"].as_str().unwrap().to_string(),
            text: v["text"].as_str().unwrap().to_string(),
        }
    }

    fn is_err(&self) -> bool {
        matches!(self, Outcome::Err { .. })
    }

    fn summary(&self) -> String {
        match self {
            Outcome::Ok(d) => format!("ok {:?}", String::from_utf8_lossy(d)),
            Outcome::Err { class, text } => format!("{class}: {text}"),
        }
    }
}

/// Asserts pyssl's outcome is CPython's and returns it.
fn agree(case: &str, ours: Outcome, cpython: Outcome) -> Outcome {
    let same = if same_openssl_as_cpython() {
        ours == cpython
    } else {
        match (&ours, &cpython) {
            (Outcome::Err { class: a, .. }, Outcome::Err { class: b, .. }) => a == b,
            (a, b) => a == b,
        }
    };
    assert!(
        same,
        "{case}: pyssl {ours:?}, CPython {cpython:?} (same fault peer)"
    );
    eprintln!("fault {case:<44} {}", ours.summary());
    ours
}

const NORMALISE: &str = r#"
import json, re, socket, ssl, sys
def norm(s):
    return re.sub(r" \(_ssl\.c:\d+\)$", "", re.sub(r"^_ssl\.c:\d+: ", "", s))
def report(f):
    try:
        out = {"ok": f().hex()}
    except Exception as e:
        out = {"class": type(e).__name__, "text": norm(str(e))}
    print(json.dumps(out), flush=True)
"#;

const PY_CLIENT: &str = r#"
port, ca, timeout = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
def run():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(timeout)
    with ctx.wrap_socket(sock, server_hostname="localhost") as t:
        t.sendall(b"ping")
        return t.recv(4)
report(run)
"#;

const PY_SERVER: &str = r#"
cert, key, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
print(l.getsockname()[1], flush=True)
c, _ = l.accept()
c.settimeout(timeout)
def run():
    with ctx.wrap_socket(c, server_side=True) as t:
        data = t.recv(4)
        t.sendall(data)
        return data
report(run)
"#;

#[derive(Clone, Copy, Debug)]
enum Who {
    Pyssl,
    CPython,
}

const TIMEOUT: Duration = Duration::from_millis(300);
const PEER_TIMEOUT: Duration = Duration::from_secs(10);

/// The client under test: handshake with "localhost", send "ping", recv(4).
fn client_under_test(who: Who, port: u16) -> Outcome {
    match who {
        Who::Pyssl => Outcome::of((|| {
            let ctx = SslContext::new(Protocol::TlsClient)?;
            ctx.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))?;
            let sock = TcpStream::connect(("127.0.0.1", port))?;
            sock.set_read_timeout(Some(TIMEOUT))?;
            sock.set_write_timeout(Some(TIMEOUT))?;
            let t = ctx.wrap_socket(sock, WrapOptions::client("localhost"))?;
            t.sendall(b"ping")?;
            t.recv(4)
        })()),
        Who::CPython => Outcome::from_json(&run_python(
            &format!("{NORMALISE}{PY_CLIENT}"),
            &[
                &port.to_string(),
                pki().ca.to_str().expect("UTF-8 temp path"),
                &TIMEOUT.as_secs_f64().to_string(),
            ],
        )),
    }
}

/// The server under test: accept one connection, handshake, recv(4), echo
/// it. `peer` runs against its port; the outcome is the server's.
fn server_under_test(who: Who, peer: impl FnOnce(u16)) -> Outcome {
    let (cert, key) = &pki().leaf;
    match who {
        Who::Pyssl => {
            let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
            let port = l.local_addr().unwrap().port();
            let (cert, key) = (cert.clone(), key.clone());
            let h = thread::spawn(move || {
                Outcome::of((|| {
                    let ctx = SslContext::new(Protocol::TlsServer)?;
                    ctx.load_cert_chain(&cert, CertChainOptions::new().keyfile(&key))?;
                    let (s, _) = l.accept()?;
                    s.set_read_timeout(Some(TIMEOUT))?;
                    s.set_write_timeout(Some(TIMEOUT))?;
                    let t = ctx.wrap_socket(s, WrapOptions::server())?;
                    let data = t.recv(4)?;
                    t.sendall(&data)?;
                    Ok(data)
                })())
            });
            peer(port);
            h.join().unwrap()
        }
        Who::CPython => {
            let mut child = Command::new(python313())
                .arg("-c")
                .arg(format!("{NORMALISE}{PY_SERVER}"))
                .arg(cert)
                .arg(key)
                .arg(TIMEOUT.as_secs_f64().to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("run CPython");
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let port: u16 = lines.next().unwrap().unwrap().trim().parse().unwrap();
            peer(port);
            let line = lines.next().expect("CPython's outcome").unwrap();
            assert!(child.wait().unwrap().success());
            Outcome::from_json(&line)
        }
    }
}

/// A scripted peer on a loopback port, serving one connection.
fn peer_server(f: impl FnOnce(TcpStream) + Send + 'static) -> (u16, JoinHandle<()>) {
    let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(PEER_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(PEER_TIMEOUT)).unwrap();
        f(s)
    });
    (port, h)
}

fn peer_connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(PEER_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(PEER_TIMEOUT)).unwrap();
    s
}

/// Reads until the other side closes (or the peer timeout), so that what we
/// send is followed by a clean FIN, never a reset.
fn drain(s: &mut TcpStream) {
    let mut b = [0u8; 16384];
    while matches!(s.read(&mut b), Ok(n) if n > 0) {}
}

/// Sends `bytes`, half-closes, and waits for the other side to finish.
fn send_and_close(mut s: TcpStream, bytes: &[u8]) {
    let _ = s.write_all(bytes);
    let _ = s.shutdown(Shutdown::Write);
    drain(&mut s);
}

/// Waits (up to the peer timeout) until `s` has unread data, whether the
/// socket is blocking or not.
fn wait_readable(s: &TcpStream) {
    let mut b = [0u8; 1];
    for _ in 0..2000 {
        match s.peek(&mut b) {
            Ok(_) => return,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(5))
            }
            Err(_) => return,
        }
    }
}

/// One TLS record (header and body), or None at EOF.
fn read_record(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut rec = vec![0u8; 5];
    s.read_exact(&mut rec).ok()?;
    let len = u16::from_be_bytes([rec[3], rec[4]]) as usize;
    rec.resize(5 + len, 0);
    s.read_exact(&mut rec[5..]).ok()?;
    Some(rec)
}

/// Deterministic pseudo-random bytes (xorshift).
fn garbage(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn server_ctx() -> SslContext {
    let ctx = SslContext::new(Protocol::TlsServer).unwrap();
    ctx.load_cert_chain(
        &pki().leaf.0,
        CertChainOptions::new().keyfile(&pki().leaf.1),
    )
    .unwrap();
    ctx
}

fn client_ctx() -> SslContext {
    let ctx = SslContext::new(Protocol::TlsClient).unwrap();
    ctx.load_verify_locations(VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    ctx
}

/// A real pyssl echo server (the peer behind the proxy); its errors are the
/// fault's consequences, not under test.
fn real_server() -> (u16, JoinHandle<()>) {
    let ctx = server_ctx();
    peer_server(move |s| {
        if let Ok(t) = ctx.wrap_socket(s, WrapOptions::server()) {
            if let Ok(d) = t.recv(4) {
                let _ = t.sendall(&d);
            }
        }
    })
}

/// A real pyssl client (the peer behind the proxy).
fn real_client(port: u16) {
    if let Ok(t) = client_ctx().wrap_socket(peer_connect(port), WrapOptions::client("localhost")) {
        if t.sendall(b"ping").is_ok() {
            let _ = t.recv(4);
        }
    }
}

#[derive(Clone, Copy)]
enum Dir {
    /// Records from the server to the client are counted and cut.
    ToClient,
    /// Records from the client to the server are counted and cut.
    ToServer,
}

/// A proxy in front of `upstream` that forwards `after` TLS records in
/// direction `dir`, then half-closes towards their receiver (a clean EOF)
/// and keeps draining it; the other direction is copied untouched. Returns
/// the number of records it forwarded.
fn cutting_proxy(upstream: u16, dir: Dir, after: usize) -> (u16, JoinHandle<usize>) {
    let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (down, _) = l.accept().unwrap();
        let up = peer_connect(upstream);
        down.set_read_timeout(Some(PEER_TIMEOUT)).unwrap();
        let (mut src, mut dst) = match dir {
            Dir::ToClient => (up, down),
            Dir::ToServer => (down, up),
        };
        let (mut back_src, mut back_dst) = (dst.try_clone().unwrap(), src.try_clone().unwrap());
        let copier = thread::spawn(move || {
            let mut b = [0u8; 16384];
            while let Ok(n @ 1..) = back_src.read(&mut b) {
                let _ = back_dst.write_all(&b[..n]);
            }
            let _ = back_dst.shutdown(Shutdown::Write);
        });
        let mut passed = 0;
        while passed < after {
            let Some(rec) = read_record(&mut src) else {
                break;
            };
            if dst.write_all(&rec).is_err() {
                break;
            }
            passed += 1;
        }
        let _ = dst.shutdown(Shutdown::Write);
        let _ = src.shutdown(Shutdown::Both);
        copier.join().unwrap();
        passed
    });
    (port, h)
}

/// The bytes of a real ClientHello for "localhost".
fn client_hello() -> Vec<u8> {
    let (inc, out) = (MemoryBio::new().unwrap(), MemoryBio::new().unwrap());
    let mut o = client_ctx()
        .wrap_bio(&inc, &out, WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(
        o.do_handshake().unwrap_err().python_class(),
        "SSLWantReadError"
    );
    out.read(None).unwrap()
}

/// Cuts the connection after k = 0, 1, 2, ... records of one side until a
/// cut comes after the last record; at every k pyssl and CPython must agree.
/// `run(who, k)` returns the outcome and how many records the proxy passed.
fn cut_after_every_record(
    case: &str,
    min_records: usize,
    mut run: impl FnMut(Who, usize) -> (Outcome, usize),
) {
    for k in 0.. {
        let (ours, passed) = run(Who::Pyssl, k);
        let (cpython, _) = run(Who::CPython, k);
        let ours = agree(&format!("{case} after {k} records"), ours, cpython);
        if k == 0 {
            assert!(ours.is_err(), "{case} before any record, yet {ours:?}");
        }
        if passed < k {
            // Every record went through: a full exchange.
            assert_eq!(ours, Outcome::Ok(b"ping".to_vec()));
            assert!(k >= min_records, "{case}: too few records ({passed})");
            return;
        }
    }
}

#[test]
fn peer_closes_after_every_server_record() {
    require_cpython!();
    cut_after_every_record("client, server cut", 7, |who, k| {
        let (up, srv) = real_server();
        let (port, proxy) = cutting_proxy(up, Dir::ToClient, k);
        let outcome = client_under_test(who, port);
        let passed = proxy.join().unwrap();
        srv.join().unwrap();
        (outcome, passed)
    });
}

#[test]
fn peer_closes_after_every_client_record() {
    require_cpython!();
    cut_after_every_record("server, client cut", 4, |who, k| {
        let mut passed = 0;
        let outcome = server_under_test(who, |port| {
            let (pport, proxy) = cutting_proxy(port, Dir::ToServer, k);
            real_client(pport);
            passed = proxy.join().unwrap();
        });
        (outcome, passed)
    });
}

/// Runs a scripted server peer against both clients.
fn client_case(case: &str, script: fn(TcpStream)) -> Outcome {
    let mut results = Vec::new();
    for who in [Who::Pyssl, Who::CPython] {
        let (port, h) = peer_server(script);
        results.push(client_under_test(who, port));
        h.join().unwrap();
    }
    let cpython = results.pop().unwrap();
    agree(case, results.pop().unwrap(), cpython)
}

/// Runs a scripted client peer against both servers.
fn server_case(case: &str, script: fn(TcpStream)) -> Outcome {
    let mut results = Vec::new();
    for who in [Who::Pyssl, Who::CPython] {
        results.push(server_under_test(who, |port| script(peer_connect(port))));
    }
    let cpython = results.pop().unwrap();
    agree(case, results.pop().unwrap(), cpython)
}

/// A named scripted peer.
type Case = (&'static str, fn(TcpStream));

/// Reads the client's first flight (its ClientHello record).
fn take_hello(s: &mut TcpStream) {
    read_record(s).expect("a ClientHello");
}

#[test]
fn hostile_servers() {
    require_cpython!();
    let cases: [Case; 8] = [
        ("client, server closes at once", |s| send_and_close(s, b"")),
        ("client, garbage after ClientHello", |mut s| {
            take_hello(&mut s);
            send_and_close(s, &garbage(64, 7));
        }),
        ("client, handshake record of garbage", |mut s| {
            take_hello(&mut s);
            let mut rec = vec![0x16, 3, 3, 0, 64];
            rec.extend(garbage(64, 11));
            send_and_close(s, &rec);
        }),
        ("client, truncated record", |mut s| {
            take_hello(&mut s);
            let mut rec = vec![0x16, 3, 3, 0, 100];
            rec.extend([0u8; 10]);
            send_and_close(s, &rec);
        }),
        ("client, oversized record", |mut s| {
            take_hello(&mut s);
            let mut rec = vec![0x16, 3, 3, 0x48, 0x01];
            rec.extend([0u8; 100]);
            send_and_close(s, &rec);
        }),
        ("client, fatal alert", |mut s| {
            take_hello(&mut s);
            send_and_close(s, &[0x15, 3, 3, 0, 2, 2, 40]);
        }),
        ("client, plain HTTP response", |mut s| {
            take_hello(&mut s);
            send_and_close(s, b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }),
        ("client, server stalls in the handshake", |mut s| {
            take_hello(&mut s);
            drain(&mut s);
        }),
    ];
    for (case, script) in cases {
        let o = client_case(case, script);
        assert!(o.is_err(), "{case}: {o:?}");
    }
}

#[test]
fn faults_after_the_handshake() {
    require_cpython!();
    // The server stops answering: the client's recv times out.
    let o = client_case("client, server stalls after the handshake", |s| {
        if let Ok(t) = server_ctx().wrap_socket(s, WrapOptions::server()) {
            // Read on, never answer, until the client gives up and closes.
            while matches!(t.recv(1024), Ok(d) if !d.is_empty()) {}
        }
    });
    assert_eq!(
        o,
        Outcome::Err {
            class: "TimeoutError".into(),
            text: "The read operation timed out".into()
        }
    );
    // The server resets the connection while the client waits for data:
    // it closes with the client's data unread, so the kernel sends RST.
    let o = client_case("client, reset mid-read", |s| {
        let raw = s.try_clone().unwrap();
        if let Ok(t) = server_ctx().wrap_socket(s, WrapOptions::server()) {
            // The socket is non-blocking under a timeout (as CPython's):
            // wait for the client's record to be in the receive queue.
            wait_readable(&raw);
            drop(t);
            drop(raw);
        }
    });
    assert_eq!(
        o.summary(),
        "ConnectionResetError: [Errno 104] Connection reset by peer"
    );
    // Garbage instead of an application-data record.
    let o = client_case("client, garbage after the handshake", |s| {
        let raw = s.try_clone().unwrap();
        if let Ok(t) = server_ctx().wrap_socket(s, WrapOptions::server()) {
            wait_readable(&raw);
            let mut rec = vec![0x17, 3, 3, 0, 64];
            rec.extend(garbage(64, 3));
            send_and_close(raw, &rec);
            drop(t);
        }
    });
    assert!(o.is_err(), "{o:?}");
}

#[test]
fn hostile_clients() {
    require_cpython!();
    let cases: [Case; 7] = [
        ("server, client closes at once", |s| send_and_close(s, b"")),
        ("server, plain HTTP request", |s| {
            send_and_close(s, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        }),
        ("server, garbage", |s| send_and_close(s, &garbage(64, 5))),
        ("server, truncated ClientHello", |s| {
            let hello = client_hello();
            send_and_close(s, &hello[..hello.len() / 2]);
        }),
        ("server, SSLv2 hello", |s| {
            let mut v2 = vec![
                0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10,
            ];
            v2.extend(garbage(0x2e - 9, 9));
            send_and_close(s, &v2);
        }),
        ("server, client stalls before its hello", |mut s| {
            drain(&mut s)
        }),
        ("server, reset after the server's flight", |mut s| {
            s.write_all(&client_hello()).unwrap();
            wait_readable(&s);
        }),
    ];
    for (case, script) in cases {
        let o = server_case(case, script);
        assert!(o.is_err(), "{case}: {o:?}");
    }
}
