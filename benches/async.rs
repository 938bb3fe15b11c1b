//! Async TLS over loopback TCP on tokio: `pyssl::tokio` against
//! `tokio-openssl` (rust-openssl's `SslStream` on the same OpenSSL) and,
//! for reference, `tokio-rustls` (rustls on ring).
//!
//! The contestants are configured alike: TLS 1.3 only,
//! TLS_AES_256_GCM_SHA384, X25519, an ECDSA P-256 leaf issued at run time
//! by a root the client trusts ([`pyssl::testing`], as `benches/socket.rs`
//! does), the client verifying the chain and the host name `localhost`.
//! The two OpenSSL contexts are set up as `benches/compare.rs`'s raw one
//! mirrors pyssl's: CPython's cipher string and `SSL_MODE_RELEASE_BUFFERS`
//! (which CPython, so pyssl, sets). Client and server are tasks of one
//! process, over `tokio::net` with `TCP_NODELAY`.
//!
//! Workloads, each with 1 and with 100 concurrent connections:
//!
//! * `handshake`: a connection's life. The client task connects and
//!   handshakes while a task of its own accepts and handshakes the server
//!   side; the client writes one byte, the server answers one (so both
//!   handshakes are complete and the session tickets read), the client
//!   sends close_notify and closes, the server reads to the end and
//!   closes. With 100 connections, 100 client tasks do this in a loop.
//!   Unit: handshakes/s.
//! * `bulk`: the connections are made first (not timed); then each client
//!   writes 16 KiB chunks with `write_all` and at the end sends
//!   close_notify, and each server reads with a 16 KiB buffer until that
//!   end. With 100 connections, each moves its share. Unit: MB/s of
//!   plaintext, all connections together.
//!
//! Modes:
//!
//! * Timed, `cargo bench --bench async`: a tokio multi-thread runtime with
//!   2 workers. Each workload runs the contestants in turn (A B C A B C
//!   ...) for one warm-up round and `PYSSL_BENCH_ROUNDS` rounds (default
//!   5) of `PYSSL_BENCH_SECS` seconds (default 1), and prints per
//!   contestant the median, min–max, and pyssl's result ÷ this one's per
//!   round and its median (> 1: pyssl faster).
//! * Instructions, `scripts/callgrind-async.sh`: with
//!   `PYSSL_ASYNC_BENCH=pyssl|tokio-openssl|rustls`,
//!   `PYSSL_ASYNC_WORK=handshake|bulk` and `PYSSL_ASYNC_N=N` the binary
//!   does one workload a counted number of times: N handshakes (after
//!   two checked warm-up connections), or N MiB on one connection (after
//!   the same two and one warm-up MiB), so that (I(N) − I(0)) / N under
//!   callgrind is one handshake or one MiB. `PYSSL_ASYNC_CONNS` (default 1) spreads the work over that
//!   many connections; `PYSSL_ASYNC_RT=current|multi` picks a
//!   current-thread runtime (the default: its counts repeat best) or the
//!   2-worker one.
//! * Without `--bench` or `PYSSL_ASYNC_BENCH` (`cargo test --all-targets`):
//!   a quick pass of every contestant and workload.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openssl::ssl::{
    Ssl, SslContext as RawCtx, SslContextBuilder, SslFiletype, SslMethod, SslMode, SslVerifyMode,
    SslVersion,
};
use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};
use pyssl::{Protocol, SslContext, TlsVersion, WrapOptions};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio_rustls::rustls;

const HOST: &str = "localhost";
const CHUNK: usize = 16 * 1024;
const MIB: u64 = 1024 * 1024;

// ---------------------------------------------------------------------------
// certificates

/// A root CA and a leaf for `localhost` it issued (ECDSA P-256), as PEM
/// files for the OpenSSL contestants and DER for rustls.
struct Certs {
    _dir: TempDir,
    ca: std::path::PathBuf,
    chain: std::path::PathBuf,
    key: std::path::PathBuf,
    ca_der: Vec<u8>,
    leaf_der: Vec<u8>,
    key_pkcs8_der: Vec<u8>,
}

fn certs() -> Certs {
    let dir = TempDir::new("pyssl-async-bench").unwrap();
    let root = CertificateAuthority::new("bench root").unwrap();
    let leaf = root.issue(&LeafSpec::server(HOST)).unwrap();
    let (chain, key) = leaf.write_to(dir.path(), "leaf").unwrap();
    let ca = dir.write("ca.pem", root.cert_pem()).unwrap();
    let key_pkcs8_der = openssl::pkey::PKey::private_key_from_pem(leaf.key_pem().as_bytes())
        .and_then(|k| k.private_key_to_pkcs8())
        .unwrap();
    Certs {
        _dir: dir,
        ca,
        chain,
        key,
        ca_der: root.cert_der(),
        leaf_der: leaf.cert_der(),
        key_pkcs8_der,
    }
}

// ---------------------------------------------------------------------------
// contestants

/// A TLS implementation's client and server ends over a `TcpStream`.
trait Tls: Send + Sync + 'static {
    type Client: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    type Server: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// The client's handshake, verifying the server as `localhost`.
    fn connect(&self, tcp: TcpStream) -> impl Future<Output = Self::Client> + Send;
    /// The server's handshake.
    fn accept(&self, tcp: TcpStream) -> impl Future<Output = Self::Server> + Send;
    /// The negotiated version and cipher suite, in OpenSSL's names, and
    /// whether the session was resumed.
    fn negotiated(c: &Self::Client) -> (String, String, bool);
}

/// `pyssl::tokio` over pyssl's `SslContext`s.
struct Pyssl {
    cli: SslContext,
    srv: SslContext,
}

fn pyssl_contestant(c: &Certs) -> Pyssl {
    let cli = SslContext::new(Protocol::TlsClient).unwrap();
    cli.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&c.ca))
        .unwrap();
    cli.set_ecdh_curve("X25519").unwrap();
    cli.set_minimum_version(TlsVersion::TlsV1_3).unwrap();
    let srv = SslContext::new(Protocol::TlsServer).unwrap();
    srv.load_cert_chain(&c.chain, pyssl::CertChainOptions::new().keyfile(&c.key))
        .unwrap();
    srv.set_ecdh_curve("X25519").unwrap();
    srv.set_minimum_version(TlsVersion::TlsV1_3).unwrap();
    Pyssl { cli, srv }
}

impl Tls for Pyssl {
    type Client = pyssl::tokio::TlsStream<TcpStream>;
    type Server = pyssl::tokio::TlsStream<TcpStream>;
    async fn connect(&self, tcp: TcpStream) -> Self::Client {
        pyssl::tokio::connect(&self.cli, tcp, WrapOptions::client(HOST))
            .await
            .expect("pyssl connect")
    }
    async fn accept(&self, tcp: TcpStream) -> Self::Server {
        pyssl::tokio::accept(&self.srv, tcp, WrapOptions::server())
            .await
            .expect("pyssl accept")
    }
    fn negotiated(c: &Self::Client) -> (String, String, bool) {
        let o = c.ssl_object();
        (
            o.version().unwrap(),
            o.cipher().unwrap().name,
            o.session_reused(),
        )
    }
}

/// `tokio-openssl`'s `SslStream` over rust-openssl contexts set up as
/// pyssl's are.
struct TokioOpenssl {
    cli: RawCtx,
    srv: RawCtx,
}

fn tokio_openssl_contestant(c: &Certs) -> TokioOpenssl {
    let mut b = SslContextBuilder::new(SslMethod::tls_client()).unwrap();
    b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    b.set_ca_file(&c.ca).unwrap();
    b.set_groups_list("X25519").unwrap();
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    b.set_cipher_list(pyssl::DEFAULT_CIPHERS).unwrap();
    b.set_mode(SslMode::RELEASE_BUFFERS);
    let cli = b.build();
    let mut b = SslContextBuilder::new(SslMethod::tls_server()).unwrap();
    b.set_certificate_chain_file(&c.chain).unwrap();
    b.set_private_key_file(&c.key, SslFiletype::PEM).unwrap();
    b.set_groups_list("X25519").unwrap();
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
    b.set_cipher_list(pyssl::DEFAULT_CIPHERS).unwrap();
    b.set_mode(SslMode::RELEASE_BUFFERS);
    TokioOpenssl {
        cli,
        srv: b.build(),
    }
}

impl Tls for TokioOpenssl {
    type Client = tokio_openssl::SslStream<TcpStream>;
    type Server = tokio_openssl::SslStream<TcpStream>;
    async fn connect(&self, tcp: TcpStream) -> Self::Client {
        let mut ssl = Ssl::new(&self.cli).unwrap();
        ssl.set_hostname(HOST).unwrap();
        ssl.param_mut().set_host(HOST).unwrap();
        let mut s = tokio_openssl::SslStream::new(ssl, tcp).unwrap();
        Pin::new(&mut s)
            .connect()
            .await
            .expect("tokio-openssl connect");
        s
    }
    async fn accept(&self, tcp: TcpStream) -> Self::Server {
        let ssl = Ssl::new(&self.srv).unwrap();
        let mut s = tokio_openssl::SslStream::new(ssl, tcp).unwrap();
        Pin::new(&mut s)
            .accept()
            .await
            .expect("tokio-openssl accept");
        s
    }
    fn negotiated(c: &Self::Client) -> (String, String, bool) {
        let ssl = c.ssl();
        (
            ssl.version_str().to_string(),
            ssl.current_cipher().unwrap().name().to_string(),
            ssl.session_reused(),
        )
    }
}

/// `tokio-rustls` on rustls with ring, restricted to the same suite and
/// group, the client without session resumption (as the OpenSSL clients,
/// which are given no session: every handshake is a full one).
struct Rustls {
    cli: tokio_rustls::TlsConnector,
    srv: tokio_rustls::TlsAcceptor,
}

fn rustls_contestant(c: &Certs) -> Rustls {
    use rustls::crypto::ring as provider;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = Arc::new(rustls::crypto::CryptoProvider {
        cipher_suites: vec![provider::cipher_suite::TLS13_AES_256_GCM_SHA384],
        kx_groups: vec![provider::kx_group::X25519],
        ..provider::default_provider()
    });
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(c.ca_der.clone())).unwrap();
    let mut cli = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cli.resumption = rustls::client::Resumption::disabled();
    let srv = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(c.leaf_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.key_pkcs8_der.clone())),
        )
        .unwrap();
    Rustls {
        cli: Arc::new(cli).into(),
        srv: Arc::new(srv).into(),
    }
}

impl Tls for Rustls {
    type Client = tokio_rustls::client::TlsStream<TcpStream>;
    type Server = tokio_rustls::server::TlsStream<TcpStream>;
    async fn connect(&self, tcp: TcpStream) -> Self::Client {
        let name = rustls::pki_types::ServerName::try_from(HOST).unwrap();
        self.cli.connect(name, tcp).await.expect("rustls connect")
    }
    async fn accept(&self, tcp: TcpStream) -> Self::Server {
        self.srv.accept(tcp).await.expect("rustls accept")
    }
    fn negotiated(c: &Self::Client) -> (String, String, bool) {
        let conn = c.get_ref().1;
        let version = match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
            v => format!("{v:?}"),
        };
        let suite = match conn.negotiated_cipher_suite().map(|s| s.suite()) {
            Some(rustls::CipherSuite::TLS13_AES_256_GCM_SHA384) => {
                "TLS_AES_256_GCM_SHA384".to_string()
            }
            s => format!("{s:?}"),
        };
        let resumed = conn.handshake_kind() != Some(rustls::HandshakeKind::Full);
        (version, suite, resumed)
    }
}

// ---------------------------------------------------------------------------
// workloads

/// Where a client's loop ends: after a number of iterations, or at a
/// deadline.
#[derive(Clone, Copy)]
enum Stop {
    After(u64),
    At(Instant),
}

impl Stop {
    /// The `i`-th of `n` equal shares of this budget.
    fn share(self, i: usize, n: usize) -> Stop {
        match self {
            Stop::After(k) => {
                let (q, r) = (k / n as u64, k % n as u64);
                Stop::After(q + u64::from((i as u64) < r))
            }
            at => at,
        }
    }

    /// Whether iteration `done` (counting from 0) is to run.
    fn go(self, done: u64) -> bool {
        match self {
            Stop::After(k) => done < k,
            Stop::At(t) => Instant::now() < t,
        }
    }
}

/// A loopback listener and its address.
async fn listener() -> (Arc<TcpListener>, SocketAddr) {
    let l = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = l.local_addr().unwrap();
    (Arc::new(l), addr)
}

/// A connection to `addr`: the client's end after its handshake, and a
/// task of its own that accepts the next connection on `l` (with many
/// clients, not necessarily this one's), handshakes and hands its end to
/// `serve`.
async fn pair<T: Tls, F: Future + Send + 'static>(
    t: &Arc<T>,
    l: &Arc<TcpListener>,
    addr: SocketAddr,
    serve: impl FnOnce(T::Server) -> F + Send + 'static,
) -> (T::Client, tokio::task::JoinHandle<F::Output>)
where
    F::Output: Send,
{
    let (t2, l2) = (t.clone(), l.clone());
    let server = tokio::spawn(async move {
        let (tcp, _) = l2.accept().await.unwrap();
        tcp.set_nodelay(true).unwrap();
        serve(t2.accept(tcp).await).await
    });
    let tcp = TcpStream::connect(addr).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    (t.connect(tcp).await, server)
}

/// One connection's life (the `handshake` workload's iteration).
async fn one_handshake<T: Tls>(t: &Arc<T>, l: &Arc<TcpListener>, addr: SocketAddr) {
    let (mut c, server) = pair(t, l, addr, |mut s| async move {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).await.unwrap();
        s.write_all(&b).await.unwrap();
        s.flush().await.unwrap();
        let mut rest = [0u8; 16];
        assert_eq!(s.read(&mut rest).await.unwrap(), 0, "server: end of stream");
    })
    .await;
    c.write_all(b"x").await.unwrap();
    c.flush().await.unwrap();
    let mut b = [0u8; 1];
    c.read_exact(&mut b).await.unwrap();
    c.shutdown().await.unwrap();
    drop(c);
    server.await.unwrap();
}

/// `conns` clients doing handshakes until `stop` (each its share);
/// returns how many were done.
async fn handshakes<T: Tls>(t: Arc<T>, conns: usize, stop: Stop) -> u64 {
    let (l, addr) = listener().await;
    let clients: Vec<_> = (0..conns)
        .map(|i| {
            let (t, l) = (t.clone(), l.clone());
            let stop = stop.share(i, conns);
            tokio::spawn(async move {
                let mut done = 0;
                while stop.go(done) {
                    one_handshake(&t, &l, addr).await;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for c in clients {
        total += c.await.unwrap();
    }
    total
}

/// `conns` connections made first, then each client writing 16 KiB
/// chunks until `stop` (each its share of chunks), then close_notify;
/// each server reads until then. Returns the plaintext bytes the servers
/// read and the seconds from the first write to the last read.
async fn bulk<T: Tls>(t: Arc<T>, conns: usize, stop: Stop) -> (u64, f64) {
    let (l, addr) = listener().await;
    let mut ends = Vec::with_capacity(conns);
    for _ in 0..conns {
        let (c, s) = pair(&t, &l, addr, |s| async move { s }).await;
        ends.push((c, s.await.unwrap()));
    }
    let t0 = Instant::now();
    let mut servers = Vec::with_capacity(conns);
    let mut clients = Vec::with_capacity(conns);
    for (i, (mut c, mut s)) in ends.into_iter().enumerate() {
        let stop = stop.share(i, conns);
        servers.push(tokio::spawn(async move {
            let mut buf = vec![0u8; CHUNK];
            let mut got = 0u64;
            loop {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    return got;
                }
                got += n as u64;
            }
        }));
        clients.push(tokio::spawn(async move {
            let chunk = vec![0x5au8; CHUNK];
            let mut sent = 0u64;
            while stop.go(sent / CHUNK as u64) {
                c.write_all(&chunk).await.unwrap();
                sent += CHUNK as u64;
            }
            c.shutdown().await.unwrap();
            (sent, c)
        }));
    }
    // The clients stay open until their servers have read everything: a
    // client closed with unread data (the session tickets it never read)
    // resets the connection, and the server's last records with it.
    let mut sent = 0;
    let mut open = Vec::with_capacity(conns);
    for c in clients {
        let (n, c) = c.await.unwrap();
        sent += n;
        open.push(c);
    }
    let mut got = 0;
    for s in servers {
        got += s.await.unwrap();
    }
    let secs = t0.elapsed().as_secs_f64();
    drop(open);
    assert_eq!(got, sent, "bulk: bytes read");
    (got, secs)
}

/// Two connections, each checked for the negotiated parameters: TLS 1.3,
/// TLS_AES_256_GCM_SHA384, and a full handshake (the second too: no
/// contestant resumes the first one's session, whose tickets the client
/// read with the server's byte).
async fn check<T: Tls>(t: &Arc<T>, name: &str) {
    let (l, addr) = listener().await;
    for _ in 0..2 {
        let (mut c, s) = pair(t, &l, addr, |mut s| async move {
            s.write_all(b"k").await.unwrap();
            s.flush().await.unwrap();
            s
        })
        .await;
        let mut b = [0u8; 1];
        c.read_exact(&mut b).await.unwrap();
        let _s = s.await.unwrap();
        let (version, cipher, resumed) = T::negotiated(&c);
        assert_eq!(
            (version.as_str(), cipher.as_str(), resumed),
            ("TLSv1.3", "TLS_AES_256_GCM_SHA384", false),
            "{name}: negotiated"
        );
    }
}

// ---------------------------------------------------------------------------
// modes

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn multi_thread() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Instruction mode: `work` done `n` times (handshakes, or MiB) by `t`
/// over `conns` connections, after a checked handshake and, for `bulk`, a
/// warm-up MiB.
fn count<T: Tls>(rt: &Runtime, t: T, name: &str, work: &str, n: u64, conns: usize) {
    let t = Arc::new(t);
    rt.block_on(async {
        check(&t, name).await;
        match work {
            "handshake" => {
                assert_eq!(handshakes(t.clone(), conns, Stop::After(n)).await, n);
            }
            "bulk" => {
                let chunks = (n + 1) * (MIB / CHUNK as u64);
                let (bytes, _) = bulk(t.clone(), conns, Stop::After(chunks)).await;
                assert_eq!(bytes, (n + 1) * MIB);
            }
            _ => panic!("PYSSL_ASYNC_WORK: handshake or bulk, not {work}"),
        }
    });
}

/// Quick mode: a little of every workload for `t`.
fn quick<T: Tls>(rt: &Runtime, t: T, name: &str) {
    let t = Arc::new(t);
    rt.block_on(async {
        check(&t, name).await;
        for conns in [1, 4] {
            assert_eq!(handshakes(t.clone(), conns, Stop::After(4)).await, 4);
            let chunks = MIB / CHUNK as u64;
            assert_eq!(bulk(t.clone(), conns, Stop::After(chunks)).await.0, MIB);
        }
    });
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
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

type Round<'a> = Box<dyn FnMut() -> f64 + 'a>;

/// Interleaves the contestants for a warm-up round and `rounds` rounds and
/// prints a row per contestant: median, min–max, and the first
/// contestant's result ÷ this one's, its median and per round.
fn compare(title: &str, unit: &str, rounds: usize, mut cs: Vec<(&str, Round<'_>)>) {
    for (_, f) in cs.iter_mut() {
        f();
    }
    let mut results = vec![Vec::new(); cs.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in cs.iter_mut().enumerate() {
            results[i].push(f());
        }
    }
    println!("\n{title} ({unit}, {rounds} rounds)");
    println!(
        "  {:<14} {:>10} {:>23}   {:>7}   per-round {} ÷ this",
        "contestant", "median", "min – max", "median", cs[0].0
    );
    for (i, (name, _)) in cs.iter().enumerate() {
        let r = &results[i];
        let ratios: Vec<f64> = results[0].iter().zip(r).map(|(a, b)| a / b).collect();
        let lo = r.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let per_round: Vec<String> = ratios.iter().map(|x| format!("{x:.2}")).collect();
        println!(
            "  {name:<14} {:>10.1} {:>10.1} – {:<10.1}   {:>7.3}   {}",
            median(r.clone()),
            lo,
            hi,
            median(ratios),
            per_round.join(" ")
        );
    }
}

/// Timed mode: every workload, 1 and 100 connections, on a 2-worker
/// runtime.
fn timed(c: &Certs) {
    let rounds = env("PYSSL_BENCH_ROUNDS").unwrap_or(5);
    let secs = Duration::from_secs_f64(env("PYSSL_BENCH_SECS").unwrap_or(1.0));
    let rt = multi_thread();
    let py = Arc::new(pyssl_contestant(c));
    let to = Arc::new(tokio_openssl_contestant(c));
    let rl = Arc::new(rustls_contestant(c));
    rt.block_on(async {
        check(&py, "pyssl").await;
        check(&to, "tokio-openssl").await;
        check(&rl, "rustls").await;
    });
    println!(
        "async TLS over loopback TCP, tokio 2 workers, {}; TLS 1.3, TLS_AES_256_GCM_SHA384, X25519, ECDSA P-256",
        pyssl::openssl_version()
    );
    fn hs<'a, T: Tls>(rt: &'a Runtime, t: &Arc<T>, conns: usize, secs: Duration) -> Round<'a> {
        let t = t.clone();
        Box::new(move || {
            let t0 = Instant::now();
            let n = rt.block_on(handshakes(t.clone(), conns, Stop::At(t0 + secs)));
            n as f64 / t0.elapsed().as_secs_f64()
        })
    }
    fn bk<'a, T: Tls>(rt: &'a Runtime, t: &Arc<T>, conns: usize, secs: Duration) -> Round<'a> {
        let t = t.clone();
        Box::new(move || {
            let (bytes, s) = rt.block_on(bulk(t.clone(), conns, Stop::At(Instant::now() + secs)));
            bytes as f64 / s / 1e6
        })
    }
    let conns_name = |n: usize| match n {
        1 => "1 connection".to_string(),
        n => format!("{n} concurrent connections"),
    };
    for conns in [1, 100] {
        compare(
            &format!("handshake, {}", conns_name(conns)),
            "handshakes/s",
            rounds,
            vec![
                ("pyssl", hs(&rt, &py, conns, secs)),
                ("tokio-openssl", hs(&rt, &to, conns, secs)),
                ("rustls", hs(&rt, &rl, conns, secs)),
            ],
        );
    }
    for conns in [1, 100] {
        compare(
            &format!("bulk, 16 KiB writes, {}", conns_name(conns)),
            "MB/s",
            rounds,
            vec![
                ("pyssl", bk(&rt, &py, conns, secs)),
                ("tokio-openssl", bk(&rt, &to, conns, secs)),
                ("rustls", bk(&rt, &rl, conns, secs)),
            ],
        );
    }
}

fn main() {
    let c = certs();
    if let Ok(who) = std::env::var("PYSSL_ASYNC_BENCH") {
        let work = std::env::var("PYSSL_ASYNC_WORK").unwrap_or_else(|_| "handshake".into());
        let n: u64 = env("PYSSL_ASYNC_N").expect("PYSSL_ASYNC_N");
        let conns: usize = env("PYSSL_ASYNC_CONNS").unwrap_or(1);
        let rt = match std::env::var("PYSSL_ASYNC_RT").as_deref() {
            Ok("multi") => multi_thread(),
            Ok("current") | Err(_) => current_thread(),
            Ok(other) => panic!("PYSSL_ASYNC_RT: current or multi, not {other}"),
        };
        match who.as_str() {
            "pyssl" => count(&rt, pyssl_contestant(&c), &who, &work, n, conns),
            "tokio-openssl" => count(&rt, tokio_openssl_contestant(&c), &who, &work, n, conns),
            "rustls" => count(&rt, rustls_contestant(&c), &who, &work, n, conns),
            _ => panic!("PYSSL_ASYNC_BENCH: pyssl, tokio-openssl or rustls, not {who}"),
        }
        return;
    }
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` a
    // quick pass of every contestant only.
    if !std::env::args().any(|a| a == "--bench") {
        let rt = multi_thread();
        quick(&rt, pyssl_contestant(&c), "pyssl");
        quick(&rt, tokio_openssl_contestant(&c), "tokio-openssl");
        quick(&rt, rustls_contestant(&c), "rustls");
        println!("async bench: quick pass ok (run `cargo bench --bench async`)");
        return;
    }
    timed(&c);
}
