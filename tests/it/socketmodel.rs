//! Python's socket model on `SslSocket`: any stream socket (Unix, a
//! socketpair, raw descriptors, listeners), lazy wrapping and connecting,
//! a reader and a writer thread on one connection, `shutdown(how)`,
//! `unwrap`/`detach`, and `SslStream` over any `Read + Write` (TLS inside
//! TLS). Peers: pyssl itself, CPython 3.13, `openssl s_client`.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pyssl::{Error, PyClass, PyRepr, SockAddr, SslSocket, SslStream, TlsVersion, WrapOptions};
use socket2::{Domain, Socket, Type};

use super::support::{
    ca_client_ctx as client_ctx, leaf_server_ctx as server_ctx, pki, python313, require_cpython,
    run_python,
};

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let p = dir.join(format!("{name}-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

/// A deterministic byte stream (xorshift), so that both ends can check
/// what arrived without keeping it.
struct Pattern(u64);

impl Pattern {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            let b = self.0.to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
    }
}

#[test]
fn unix_socket_echo_pyssl_both_sides() {
    let path = temp_path("echo");
    let listener = UnixListener::bind(&path).unwrap();
    let srv = server_ctx()
        .wrap_socket(listener, WrapOptions::server())
        .unwrap();
    let h = std::thread::spawn(move || {
        let (t, addr) = srv.accept().unwrap();
        assert!(addr.is_unix());
        let got = t.recv(100).unwrap();
        t.sendall(&got.to_ascii_uppercase()).unwrap();
        // `unwrap` gives back what `accept` yields for a Unix listener.
        let mut plain: UnixStream = t.unwrap().unwrap();
        plain.write_all(b"after").unwrap();
    });
    let sock = UnixStream::connect(&path).unwrap();
    let t = client_ctx()
        .wrap_socket(sock, WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(t.version().as_deref(), Some("TLSv1.3"));
    assert_eq!(t.getpeername().unwrap().as_pathname(), Some(path.as_path()));
    t.sendall(b"over a unix socket").unwrap();
    assert_eq!(t.recv(100).unwrap(), b"OVER A UNIX SOCKET");
    let mut plain: UnixStream = t.unwrap().unwrap();
    let mut rest = Vec::new();
    plain.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"after");
    h.join().unwrap();
    let _ = std::fs::remove_file(&path);
}

#[test]
fn unix_socket_against_cpython() {
    require_cpython!();
    let p = pki();
    // CPython server on a Unix socket, pyssl client.
    let path = temp_path("cpython");
    let code = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(sys.argv[1]); l.listen()
print("ready", flush=True)
with ctx.wrap_socket(l, server_side=True) as sl:
    c, addr = sl.accept()
    data = c.recv(100)
    c.sendall(data.upper())
    print(c.version(), c.cipher()[0], flush=True)
    c.unwrap().close()
"#;
    let mut child = Command::new(python313())
        .arg("-c")
        .arg(code)
        .arg(&path)
        .arg(&p.leaf.0)
        .arg(&p.leaf.1)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let t = client_ctx()
        .wrap_socket(
            UnixStream::connect(&path).unwrap(),
            WrapOptions::client("localhost"),
        )
        .unwrap();
    t.sendall(b"hello cpython").unwrap();
    assert_eq!(t.recv(100).unwrap(), b"HELLO CPYTHON");
    let plain = t.unwrap().unwrap();
    drop(plain);
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "TLSv1.3 TLS_AES_256_GCM_SHA384");
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_file(&path);

    // pyssl server on a Unix socket, CPython client.
    let path = temp_path("cpython-client");
    let srv = server_ctx()
        .wrap_socket(UnixListener::bind(&path).unwrap(), WrapOptions::server())
        .unwrap();
    let h = std::thread::spawn(move || {
        let (t, _) = srv.accept().unwrap();
        let got = t.recv(100).unwrap();
        t.sendall(&got.to_ascii_uppercase()).unwrap();
        t.unwrap().unwrap();
    });
    let out = run_python(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
with ctx.wrap_socket(s, server_hostname="localhost") as t:
    t.connect(sys.argv[1])
    t.sendall(b"from cpython")
    print(t.recv(100).decode(), t.version())
    t.unwrap()
"#,
        &[path.to_str().unwrap(), p.ca.to_str().unwrap()],
    );
    assert_eq!(out.trim(), "FROM CPYTHON TLSv1.3");
    h.join().unwrap();
    let _ = std::fs::remove_file(&path);
}

#[test]
fn socketpair_and_raw_descriptors() {
    let (a, b) = UnixStream::pair().unwrap();
    // One end as an `OwnedFd`, the other as a `socket2::Socket`.
    let a = OwnedFd::from(a);
    let b = Socket::from(OwnedFd::from(b));
    let h = std::thread::spawn(move || {
        let t = server_ctx().wrap_socket(a, WrapOptions::server()).unwrap();
        let got = t.recv(10).unwrap();
        t.sendall(&got).unwrap();
        let fd: OwnedFd = t.unwrap().unwrap();
        fd
    });
    let t = client_ctx()
        .wrap_socket(b, WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(t.fileno(), t.as_fd().as_raw_fd());
    t.sendall(b"pair").unwrap();
    assert_eq!(t.recv(10).unwrap(), b"pair");
    let sock: Socket = t.unwrap().unwrap();
    assert_eq!(sock.r#type().unwrap(), Type::STREAM);
    drop(h.join().unwrap());
}

#[test]
fn only_stream_sockets_are_supported() {
    require_cpython!();
    let py = run_python(
        r#"
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for fam in (socket.AF_INET, socket.AF_UNIX):
    try:
        ctx.wrap_socket(socket.socket(fam, socket.SOCK_DGRAM))
    except Exception as e:
        print(type(e).__name__, e)
"#,
        &[],
    );
    let ctx = client_ctx();
    ctx.set_check_hostname(false).unwrap();
    let udp = OwnedFd::from(UdpSocket::bind(("127.0.0.1", 0)).unwrap());
    let (d, _) = std::os::unix::net::UnixDatagram::pair().unwrap();
    let mut ours = String::new();
    for fd in [udp, OwnedFd::from(d)] {
        let e = ctx.wrap_socket(fd, WrapOptions::new()).unwrap_err();
        assert!(matches!(e, Error::NotImplemented(_)));
        assert!(e.is_instance(PyClass::RuntimeError));
        ours += &format!("{} {e}\n", e.python_class());
    }
    assert_eq!(ours, py);
}

/// What CPython's `SSLSocket` does before it is connected, line for line
/// with pyssl (descriptor numbers aside).
#[test]
fn unconnected_socket_as_cpython() {
    require_cpython!();
    let py = run_python(
        r#"
import socket, ssl, re
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
# A socket made from a descriptor, as a Rust socket is: proto from the kernel.
s = ctx.wrap_socket(socket.socket(fileno=socket.socket().detach()))
ops = [("unwrap", lambda: s.unwrap()), ("recv", lambda: s.recv(10)),
       ("read", lambda: s.read(10)), ("send", lambda: s.send(b"x")),
       ("write", lambda: s.write(b"x")), ("getpeercert", lambda: s.getpeercert()),
       ("do_handshake", lambda: s.do_handshake()), ("cipher", lambda: s.cipher()),
       ("version", lambda: s.version()), ("pending", lambda: s.pending()),
       ("verify_client_post_handshake", lambda: s.verify_client_post_handshake()),
       ("getpeername", lambda: s.getpeername()), ("getblocking", lambda: s.getblocking())]
for name, f in ops:
    try:
        r = f()
        print(name, "ok", r)
    except Exception as e:
        print(name, type(e).__name__, re.sub(r"fd=\d+", "fd=N", str(e)))
"#,
        &[],
    );
    let ctx = client_ctx();
    ctx.set_check_hostname(false).unwrap();
    ctx.set_verify_mode(pyssl::VerifyMode::None).unwrap();
    let fresh = || {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        ctx.wrap_socket(s, WrapOptions::new()).unwrap()
    };
    let s = fresh();
    let show = |name: &str, r: Result<String, Error>| match r {
        Ok(v) => format!("{name} ok {v}\n"),
        Err(e) => {
            let text = e.to_string();
            let text = match text.find("fd=") {
                Some(i) => {
                    let end = i + 3 + text[i + 3..].find(',').unwrap();
                    format!("{}fd=N{}", &text[..i], &text[end..])
                }
                None => text,
            };
            format!("{name} {} {text}\n", e.python_class())
        }
    };
    let mut ours = String::new();
    ours += &show(
        "unwrap",
        fresh().unwrap().map(|_| "".into()).map_err(Error::from),
    );
    ours += &show("recv", s.recv(10).map(|v| format!("{v:?}")));
    ours += &show("read", s.read_into(&mut [0; 10]).map(|n| n.to_string()));
    ours += &show("send", s.send(b"x").map(|n| n.to_string()));
    ours += &show("write", s.write(b"x").map(|n| n.to_string()));
    ours += &show(
        "getpeercert",
        s.getpeercert().map(|c| format!("{:?}", c.is_some())),
    );
    ours += &show("do_handshake", s.do_handshake().map(|()| "None".into()));
    ours += &show("cipher", Ok(s.cipher().py_repr()));
    ours += &show("version", Ok(s.version().py_repr()));
    ours += &show("pending", Ok(s.pending().to_string()));
    ours += &show(
        "verify_client_post_handshake",
        s.verify_client_post_handshake().map(|()| "None".into()),
    );
    ours += &show("getpeername", s.getpeername().map(|_| "addr".into()));
    ours += &show(
        "getblocking",
        Ok(if s.getblocking() { "True" } else { "False" }.into()),
    );
    assert_eq!(ours, py);
}

#[test]
fn lazy_connect_and_connect_ex_as_cpython() {
    require_cpython!();
    // A refused port: CPython's errno, then its error on a second try.
    let refused = super::support::free_port();
    let py = run_python(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context()
s = ctx.wrap_socket(socket.socket(), server_hostname="localhost")
print(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except Exception as e:
    print(type(e).__name__, e)
s2 = ctx.wrap_socket(socket.socket(), server_hostname="localhost")
try:
    s2.connect(("127.0.0.1", int(sys.argv[1])))
except Exception as e:
    print(type(e).__name__, e)
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
s3 = srv.wrap_socket(socket.socket(), server_side=True)
try:
    s3.connect(("127.0.0.1", int(sys.argv[1])))
except Exception as e:
    print(type(e).__name__, e)
"#,
        &[&refused.to_string()],
    );
    let addr: SockAddr = std::net::SocketAddr::from(([127, 0, 0, 1], refused)).into();
    let unconnected = || Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let ctx = client_ctx();
    let mut ours = String::new();
    let mut s = ctx
        .wrap_socket(unconnected(), WrapOptions::client("localhost"))
        .unwrap();
    ours += &format!("{}\n", s.connect_ex(addr.clone()).unwrap());
    let e = s.connect(addr.clone()).unwrap_err();
    ours += &format!("{} {e}\n", e.python_class());
    let mut s2 = ctx
        .wrap_socket(unconnected(), WrapOptions::client("localhost"))
        .unwrap();
    let e = s2.connect(addr.clone()).unwrap_err();
    ours += &format!("{} {e}\n", e.python_class());
    let mut s3 = server_ctx()
        .wrap_socket(unconnected(), WrapOptions::server())
        .unwrap();
    let e = s3.connect(addr.clone()).unwrap_err();
    ours += &format!("{} {e}\n", e.python_class());
    assert_eq!(ours, py);

    // A real server: connect() performs the handshake
    // (do_handshake_on_connect), and the session given at wrap time is
    // used then.
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let srv = server_ctx()
        .wrap_socket(listener, WrapOptions::server())
        .unwrap();
    let h = std::thread::spawn(move || {
        for _ in 0..3 {
            let (t, _) = srv.accept().unwrap();
            let got = t.recv(10).unwrap();
            t.sendall(&got).unwrap();
            let _ = t.unwrap();
        }
    });
    let to = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut c = ctx
        .wrap_socket(unconnected(), WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(c.version(), None);
    assert_eq!(c.connection_id(), None);
    c.connect(to).unwrap();
    assert_eq!(c.version().as_deref(), Some("TLSv1.3"));
    c.sendall(b"lazy").unwrap();
    assert_eq!(c.recv(10).unwrap(), b"lazy");
    let session = c.session().unwrap();
    c.unwrap().unwrap();

    // connect_ex on a non-blocking socket: EINPROGRESS, then the
    // handshake driven by the caller, resuming the earlier session.
    let mut c = ctx
        .wrap_socket(
            unconnected(),
            WrapOptions::client("localhost")
                .do_handshake_on_connect(false)
                .session(Some(session)),
        )
        .unwrap();
    c.setblocking(false).unwrap();
    assert_eq!(c.connect_ex(to).unwrap(), libc::EINPROGRESS);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match c.do_handshake() {
            Ok(()) => break,
            Err(e) if e.class() == PyClass::OsError || e.is_want_read() => {
                assert!(Instant::now() < deadline, "handshake stuck: {e}");
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("{e}"),
        }
    }
    c.setblocking(true).unwrap();
    c.sendall(b"nb").unwrap();
    assert_eq!(c.recv(10).unwrap(), b"nb");
    assert!(c.session_reused());
    c.unwrap().unwrap();

    // do_handshake(block=True) on a non-blocking socket.
    let mut c = ctx
        .wrap_socket(
            TcpStream::connect(to).map(Socket::from).unwrap(),
            WrapOptions::client("localhost").do_handshake_on_connect(false),
        )
        .unwrap();
    c.setblocking(false).unwrap();
    c.do_handshake_blocking().unwrap();
    assert!(!c.getblocking());
    c.setblocking(true).unwrap();
    c.sendall(b"blk").unwrap();
    assert_eq!(c.recv(10).unwrap(), b"blk");
    // The connection is established; a second connect is refused.
    let e = c.connect(to).unwrap_err();
    assert_eq!(
        e.to_string(),
        "attempt to connect already-connected SSLSocket!"
    );
    c.unwrap().unwrap();
    h.join().unwrap();
}

/// One thread reads while another writes on the same connection, both
/// ends, `total` bytes each way, with the data checked.
fn duplex_transfer(version: TlsVersion, total: usize) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let sctx = server_ctx();
    sctx.set_maximum_version(version).unwrap();
    let srv = sctx.wrap_socket(listener, WrapOptions::server()).unwrap();
    let run = move |t: SslSocket<TcpStream>, seed_out: u64, seed_in: u64| {
        // A deadlock becomes a TimeoutError instead of a hung test.
        t.settimeout(Some(Duration::from_secs(60))).unwrap();
        std::thread::scope(|sc| {
            let t = &t;
            let writer = sc.spawn(move || {
                let mut p = Pattern(seed_out);
                let mut buf = vec![0u8; 64 * 1024];
                let mut sent = 0;
                while sent < total {
                    let n = buf.len().min(total - sent);
                    p.fill(&mut buf[..n]);
                    t.sendall(&buf[..n]).unwrap();
                    sent += n;
                }
            });
            let mut p = Pattern(seed_in);
            let mut want = vec![0u8; 64 * 1024];
            let mut got = vec![0u8; 64 * 1024];
            let mut received = 0;
            while received < total {
                let n = t.read_into(&mut got).unwrap();
                assert!(n > 0, "early end of stream at {received}");
                p.fill(&mut want[..n]);
                assert!(got[..n] == want[..n], "corrupt data at {received}");
                received += n;
            }
            writer.join().unwrap();
        });
        t
    };
    let h = std::thread::spawn(move || {
        let (t, _) = srv.accept().unwrap();
        let t = run(t, 2, 1);
        t.unwrap().unwrap();
    });
    let c = client_ctx()
        .wrap_socket(
            TcpStream::connect(("127.0.0.1", port)).unwrap(),
            WrapOptions::client("localhost"),
        )
        .unwrap();
    let expected = match version {
        TlsVersion::TlsV1_2 => "TLSv1.2",
        _ => "TLSv1.3",
    };
    assert_eq!(c.version().as_deref(), Some(expected));
    let c = run(c, 1, 2);
    c.unwrap().unwrap();
    h.join().unwrap();
}

#[test]
fn reader_and_writer_threads_100_mib_each_way_tls13() {
    duplex_transfer(TlsVersion::TlsV1_3, 100 << 20);
}

#[test]
fn reader_and_writer_threads_100_mib_each_way_tls12() {
    duplex_transfer(TlsVersion::TlsV1_2, 100 << 20);
}

/// TLS 1.3 key updates (`openssl s_client`'s `K` command: update and
/// request the peer's) arriving while pyssl's writer thread sends.
#[test]
fn key_updates_during_writes() {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let srv = server_ctx()
        .wrap_socket(listener, WrapOptions::server())
        .unwrap();
    let mut child = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-tls1_3", "-servername", "localhost"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (t, _) = srv.accept().unwrap();
    t.settimeout(Some(Duration::from_secs(30))).unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut n = 0usize;
        let mut buf = [0u8; 65536];
        while let Ok(k) = stdout.read(&mut buf) {
            if k == 0 {
                break;
            }
            n += k;
        }
        n
    });
    let mut stderr = child.stderr.take().unwrap();
    let errs = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut stdin = child.stdin.take().unwrap();
    let lines = 40;
    let k_as_data = std::thread::scope(|sc| {
        let t = &t;
        let writer = sc.spawn(move || {
            let chunk = vec![b'w'; 16 * 1024];
            let mut sent = 0usize;
            while sent < 16 << 20 {
                t.sendall(&chunk).unwrap();
                sent += chunk.len();
            }
            sent
        });
        sc.spawn(move || {
            // One line per read of s_client's, so that "K" is a command.
            for i in 0..lines {
                writeln!(stdin, "line {i}").unwrap();
                std::thread::sleep(Duration::from_millis(10));
                if i % 4 == 0 {
                    writeln!(stdin, "K").unwrap();
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            writeln!(stdin, "done").unwrap();
            // s_client stays until its stdin closes.
            std::thread::sleep(Duration::from_millis(200));
            drop(stdin);
        });
        let mut got = Vec::new();
        while !got.ends_with(b"done\n") {
            let b = t.recv(4096).unwrap();
            assert!(!b.is_empty(), "early EOF after {got:?}");
            got.extend_from_slice(&b);
        }
        let text = String::from_utf8(got).unwrap();
        // A "K" that s_client read together with other input is data.
        let k_as_data = text.lines().filter(|l| *l == "K").count();
        let data: String = text
            .lines()
            .filter(|l| *l != "K")
            .map(|l| format!("{l}\n"))
            .collect();
        // s_client handles a read that starts with "K" as the command
        // and drops the rest of that read: under load the line after a
        // "K" can be lost on s_client's side, never any other line.
        let got: Vec<&str> = data.lines().collect();
        assert_eq!(got.last(), Some(&"done"));
        let mut next = 0;
        for l in &got[..got.len() - 1] {
            let i: usize = l.strip_prefix("line ").unwrap().parse().unwrap();
            while next < i {
                assert!(next > 0 && (next - 1) % 4 == 0, "line {next} lost: {data}");
                next += 1;
            }
            assert_eq!(i, next, "{data}");
            next += 1;
        }
        assert_eq!(writer.join().unwrap(), 16 << 20);
        k_as_data
    });
    child.wait().unwrap();
    let printed = drain.join().unwrap();
    assert!(printed >= 16 << 20, "s_client printed {printed} bytes");
    let errs = errs.join().unwrap();
    let updates = errs.matches("KEYUPDATE").count();
    assert_eq!(updates + k_as_data, lines / 4, "{errs}");
    assert!(updates >= 1, "s_client sent no key update: {errs}");
}

#[test]
fn wrapped_listener_serves_50_clients() {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let srv = server_ctx()
        .wrap_socket(listener, WrapOptions::server())
        .unwrap();
    assert_eq!(srv.version(), None);
    let clients = 50;
    std::thread::scope(|sc| {
        let srv = &srv;
        // Two threads accept on the same wrapped listener.
        for _ in 0..2 {
            sc.spawn(move || loop {
                let (t, addr) = srv.accept().unwrap();
                assert!(addr.as_socket().unwrap().ip().is_loopback());
                let got = t.recv(64).unwrap();
                if got == b"stop" {
                    return;
                }
                t.sendall(&got).unwrap();
                t.unwrap().unwrap();
            });
        }
        let ctx = client_ctx();
        let handles: Vec<_> = (0..clients)
            .map(|i| {
                let ctx = ctx.clone();
                sc.spawn(move || {
                    let t = ctx
                        .wrap_socket(
                            TcpStream::connect(("127.0.0.1", port)).unwrap(),
                            WrapOptions::client("localhost"),
                        )
                        .unwrap();
                    let msg = format!("client {i}");
                    t.sendall(msg.as_bytes()).unwrap();
                    assert_eq!(t.recv(64).unwrap(), msg.as_bytes());
                    t.unwrap().unwrap();
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        for _ in 0..2 {
            let t = ctx
                .wrap_socket(
                    TcpStream::connect(("127.0.0.1", port)).unwrap(),
                    WrapOptions::client("localhost"),
                )
                .unwrap();
            t.sendall(b"stop").unwrap();
        }
    });
}

/// `shutdown(how)` from another thread wakes a reader blocked in `recv`;
/// afterwards `recv` is the plain socket's and `read` fails, as in Python.
#[test]
fn shutdown_how_wakes_a_blocked_reader() {
    let (port, h) = super::support::serve_one(|s| {
        let t = server_ctx().wrap_socket(s, WrapOptions::server()).unwrap();
        // Hold the connection open without sending.
        let _ = t.recv(10);
    });
    let t = client_ctx()
        .wrap_socket(
            super::support::connect(port),
            WrapOptions::client("localhost"),
        )
        .unwrap();
    t.settimeout(None).unwrap();
    std::thread::scope(|sc| {
        let t = &t;
        let reader = sc.spawn(move || t.recv(10));
        std::thread::sleep(Duration::from_millis(100));
        t.shutdown(Shutdown::Read).unwrap();
        // The blocked read ends as an EOF (suppress_ragged_eofs).
        assert_eq!(reader.join().unwrap().unwrap(), b"");
    });
    assert_eq!(t.version(), None);
    assert_eq!(t.recv(10).unwrap(), b"");
    let e = t.read_into(&mut [0; 4]).unwrap_err();
    assert_eq!(e.to_string(), "Read on closed or unwrapped SSL socket.");
    let e = t.write(b"x").unwrap_err();
    assert_eq!(e.to_string(), "Write on closed or unwrapped SSL socket.");
    t.shutdown(Shutdown::Write).unwrap();
    h.join().unwrap();
}

/// Python's `makefile()` pair: a buffered reader on one thread and a
/// buffered writer on another, over one connection.
#[test]
fn buffered_reader_and_writer_on_two_threads() {
    let (port, h) = super::support::serve_one(|s| {
        let t = server_ctx().wrap_socket(s, WrapOptions::server()).unwrap();
        let mut r = BufReader::new(&t);
        let mut line = String::new();
        let mut n = 0;
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line.is_empty() || line == "bye\n" {
                break;
            }
            (&t).write_all(line.to_uppercase().as_bytes()).unwrap();
            n += 1;
        }
        n
    });
    let t = client_ctx()
        .wrap_socket(
            super::support::connect(port),
            WrapOptions::client("localhost"),
        )
        .unwrap();
    std::thread::scope(|sc| {
        let t = &t;
        sc.spawn(move || {
            let mut w = BufWriter::new(t);
            for i in 0..1000 {
                writeln!(w, "line {i}").unwrap();
            }
            w.flush().unwrap();
        });
        let r = BufReader::new(t);
        for (i, line) in r.lines().take(1000).enumerate() {
            assert_eq!(line.unwrap(), format!("LINE {i}"));
        }
    });
    (&t).write_all(b"bye\n").unwrap();
    assert_eq!(h.join().unwrap(), 1000);
}

#[test]
fn socket_surface() {
    let (port, h) = super::support::serve_one(|s| {
        let t = server_ctx().wrap_socket(s, WrapOptions::server()).unwrap();
        let got = t.recv(10).unwrap();
        t.sendall(&got).unwrap();
        // `detach`: the socket back without a close_notify.
        let plain = t.detach();
        drop(plain);
    });
    let sock = super::support::connect(port);
    let local = sock.local_addr().unwrap();
    let t = client_ctx()
        .wrap_socket(sock, WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(t.getsockname().unwrap().as_socket(), Some(local));
    assert_eq!(t.getpeername().unwrap().as_socket().unwrap().port(), port);
    // serve_one's 10 s read timeout is the socket's initial timeout.
    assert_eq!(t.gettimeout(), Some(Duration::from_secs(10)));
    assert!(t.getblocking());
    t.setblocking(false).unwrap();
    assert!(!t.getblocking());
    assert_eq!(t.gettimeout(), Some(Duration::ZERO));
    let e = t.recv(10).unwrap_err();
    assert!(e.is_want_read(), "{e}");
    t.settimeout(None).unwrap();
    assert!(t.getblocking());
    t.sendall(b"surface").unwrap();
    assert_eq!(t.recv(10).unwrap(), b"surface");
    let repr = t.py_repr();
    assert!(
        repr.starts_with(&format!("<ssl.SSLSocket fd={}, family=2, type=1, proto=6, laddr=('127.0.0.1', {}), raddr=('127.0.0.1', {port})>", t.fileno(), local.port())),
        "{repr}"
    );
    // The peer detached without close_notify: a ragged EOF, suppressed.
    assert_eq!(t.recv(10).unwrap(), b"");
    // unwrap on a connection whose peer is gone: the error and the socket.
    let err = t.unwrap().unwrap_err();
    assert!(
        err.error().class() != PyClass::ValueError,
        "{}",
        err.error()
    );
    let t = err.into_socket();
    let _plain: TcpStream = t.detach();
    h.join().unwrap();
}

/// TLS inside TLS: an outer `SslSocket` carries an inner `SslStream`
/// (a proxy tunnel's shape), whose transport is `&SslSocket`.
#[test]
fn tls_inside_tls_over_the_stream() {
    let (port, h) = super::support::serve_one(|s| {
        let outer = server_ctx().wrap_socket(s, WrapOptions::server()).unwrap();
        let inner_ctx = server_ctx();
        inner_ctx.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
        let mut inner = inner_ctx
            .wrap_stream(&outer, WrapOptions::server())
            .unwrap();
        let got = inner.recv(100).unwrap();
        inner.sendall(&got.to_ascii_uppercase()).unwrap();
        let outer_again = inner.unwrap().unwrap();
        outer_again.sendall(b"outer again").unwrap();
        outer.unwrap().unwrap();
    });
    let outer = client_ctx()
        .wrap_socket(
            super::support::connect(port),
            WrapOptions::client("localhost"),
        )
        .unwrap();
    let mut inner: SslStream<&SslSocket> = client_ctx()
        .wrap_stream(&outer, WrapOptions::client("localhost"))
        .unwrap();
    assert_eq!(outer.version().as_deref(), Some("TLSv1.3"));
    assert_eq!(inner.ssl_object().version().as_deref(), Some("TLSv1.2"));
    assert!(inner.ssl_object().getpeercert().unwrap().is_some());
    inner.write_all(b"tunnelled").unwrap();
    let mut buf = [0u8; 9];
    inner.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"TUNNELLED");
    let outer_again = inner.unwrap().unwrap();
    assert_eq!(outer_again.recv(100).unwrap(), b"outer again");
    outer.unwrap().unwrap();
    h.join().unwrap();
}

/// `SslStream` reports what `SslSocket` reports: verification failures,
/// a ragged EOF (suppressed or `SSLEOFError`), a clean close.
#[test]
fn stream_errors_are_sslsockets() {
    for suppress in [true, false] {
        let (a, b) = UnixStream::pair().unwrap();
        let h = std::thread::spawn(move || {
            let t = server_ctx().wrap_socket(a, WrapOptions::server()).unwrap();
            t.sendall(b"x").unwrap();
            // Gone without close_notify.
            drop(t.detach());
        });
        let mut s = client_ctx()
            .wrap_stream(
                b,
                WrapOptions::client("localhost").suppress_ragged_eofs(suppress),
            )
            .unwrap();
        assert_eq!(s.recv(10).unwrap(), b"x");
        match s.recv(10) {
            Ok(v) => {
                assert!(suppress);
                assert_eq!(v, b"");
            }
            Err(e) => {
                assert!(!suppress);
                assert_eq!(e.to_string(), super::support::eof_message());
            }
        }
        h.join().unwrap();
    }
    // A wrong host name: the same verification error as over a socket.
    let (a, b) = UnixStream::pair().unwrap();
    let h = std::thread::spawn(move || {
        server_ctx()
            .wrap_socket(a, WrapOptions::server())
            .unwrap_err()
            .to_string()
    });
    let e = client_ctx()
        .wrap_stream(b, WrapOptions::client("wrong.example"))
        .unwrap_err();
    assert_eq!(e.verify_code(), Some(62));
    assert!(
        e.to_string().starts_with(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch"
        ),
        "{e}"
    );
    // The server saw the client's alert.
    let seen = h.join().unwrap();
    assert!(seen.starts_with("[SSL: "), "{seen}");
    assert!(
        seen.ends_with(&super::support::sslv3_alert("bad certificate")),
        "{seen}"
    );
}

/// `sendfile(file, offset, count)` over TLS: CPython's send loop, its
/// checks, and the file position it leaves.
#[test]
fn sendfile_over_tls() {
    use std::io::{Seek, SeekFrom};
    let (a, b) = UnixStream::pair().unwrap();
    let h = std::thread::spawn(move || {
        let t = server_ctx().wrap_socket(a, WrapOptions::server()).unwrap();
        let mut got = Vec::new();
        while got.len() < 30_000 {
            let b = t.recv(65536).unwrap();
            assert!(!b.is_empty());
            got.extend_from_slice(&b);
        }
        got
    });
    let t = client_ctx()
        .wrap_socket(b, WrapOptions::client("localhost"))
        .unwrap();
    let content: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let mut file = std::io::Cursor::new(content.clone());
    let e = t.sendfile(&mut file, 0, Some(0)).unwrap_err();
    assert_eq!(e.to_string(), "count must be a positive integer (got 0)");
    assert_eq!(t.sendfile(&mut file, 10_000, Some(20_000)).unwrap(), 20_000);
    assert_eq!(file.stream_position().unwrap(), 30_000);
    file.seek(SeekFrom::Start(0)).unwrap();
    assert_eq!(t.sendfile(&mut file, 30_000, None).unwrap(), 10_000);
    assert_eq!(file.stream_position().unwrap(), 40_000);
    t.setblocking(false).unwrap();
    let e = t.sendfile(&mut file, 0, None).unwrap_err();
    assert_eq!(e.to_string(), "non-blocking sockets are not supported");
    let got = h.join().unwrap();
    assert_eq!(got[..20_000], content[10_000..30_000]);
    assert_eq!(got[20_000..], content[30_000..]);
}

/// `connect()` with a timeout on a listener whose accept queue is full (its
/// SYNs go unanswered): `TimeoutError('timed out')`, and `connect_ex` gives
/// EWOULDBLOCK, as CPython does on the same listener.
#[test]
fn connect_timeout_is_timeout_error_and_connect_ex_ewouldblock() {
    require_cpython!();
    let l = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    l.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    l.listen(0).unwrap();
    let port = l.local_addr().unwrap().as_socket().unwrap().port();
    let to = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut fill = Vec::new();
    for _ in 0..4 {
        let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        s.set_nonblocking(true).unwrap();
        let _ = s.connect(&to.into());
        fill.push(s);
    }
    std::thread::sleep(Duration::from_millis(200));
    let py = run_python(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context()
s = ctx.wrap_socket(socket.socket(), server_hostname="localhost")
s.settimeout(0.3)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    print("connected")
except Exception as e:
    print(type(e).__name__, e)
s = ctx.wrap_socket(socket.socket(), server_hostname="localhost")
s.settimeout(0.3)
print(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))
"#,
        &[&port.to_string()],
    );
    let ctx = client_ctx();
    let unconnected = || Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let mut ours = String::new();
    let mut s = ctx
        .wrap_socket(unconnected(), WrapOptions::client("localhost"))
        .unwrap();
    s.settimeout(Some(Duration::from_millis(300))).unwrap();
    match s.connect(to) {
        Ok(()) => ours += "connected\n",
        Err(e) => ours += &format!("{} {e}\n", e.python_class()),
    }
    let mut s = ctx
        .wrap_socket(unconnected(), WrapOptions::client("localhost"))
        .unwrap();
    s.settimeout(Some(Duration::from_millis(300))).unwrap();
    ours += &format!("{}\n", s.connect_ex(to).unwrap());
    assert_eq!(ours, py);
    assert_eq!(ours, "TimeoutError timed out\n11\n");
    drop(fill);
}
