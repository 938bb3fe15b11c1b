//! `pyssl`: what Python's `ssl` would say, from the command line.
//!
//! * `pyssl demo` — loopback demonstration with generated certificates;
//! * `pyssl probe HOST[:PORT]` — connect as `create_default_context()`
//!   would and print what Python reports (or raises);
//! * `pyssl decode FILE.pem` — a certificate as `getpeercert()` shows it.
//!
//! Exit codes: 0 success, 1 the TLS operation failed (the Python exception
//! is printed), 2 usage or I/O errors.

use pyssl::{CertChainOptions, DefaultContextOptions};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::{Parser, Subcommand};
use pyssl::testing::{CertificateAuthority, Leaf, LeafSpec, TempDir};
use pyssl::{Error, Protocol, PyRepr, SslContext, SslSocket, TlsVersion, VerifyMode, WrapOptions};

#[derive(Parser)]
#[command(
    name = "pyssl",
    version,
    about = "Python's ssl module semantics, from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Loopback demo: a verified connection, then a hostname mismatch, an
    /// expired certificate and an unknown CA, with CPython's exact errors.
    Demo,
    /// Connect to HOST[:PORT] (default port 443) with
    /// create_default_context() semantics and print what Python reports.
    Probe {
        /// HOST or HOST:PORT ([v6]:PORT for IPv6).
        target: String,
        /// Trust anchors (PEM file) instead of the system's.
        #[arg(long)]
        cafile: Option<PathBuf>,
        /// Trust anchors (hashed directory).
        #[arg(long)]
        capath: Option<PathBuf>,
        /// server_hostname to send and check (default: HOST).
        #[arg(long)]
        servername: Option<String>,
        /// check_hostname = False, verify_mode = CERT_NONE.
        #[arg(long)]
        no_verify: bool,
        /// minimum_version: TLSv1_2, TLSv1_3, ...
        #[arg(long)]
        min_version: Option<String>,
        /// Print JSON instead of Python's repr.
        #[arg(long)]
        json: bool,
        /// Timeout in seconds.
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
    },
    /// Decode a PEM certificate as getpeercert() would show it.
    Decode {
        /// The PEM file (its first certificate is decoded).
        file: PathBuf,
        /// Print JSON instead of Python's repr.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo => match demo() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pyssl demo: {}: {e}", e.python_class());
                ExitCode::from(2)
            }
        },
        Command::Probe {
            target,
            cafile,
            capath,
            servername,
            no_verify,
            min_version,
            json,
            timeout,
        } => probe(ProbeArgs {
            target,
            cafile,
            capath,
            servername,
            no_verify,
            min_version,
            json,
            timeout,
        }),
        Command::Decode { file, json } => decode(&file, json),
    }
}

fn error_json(e: &Error) -> String {
    format!(
        "{{\"type\": {}, \"message\": {}, \"library\": {}, \"reason\": {}, \"verify_code\": {}, \"verify_message\": {}}}",
        json_opt(Some(e.python_class())),
        json_opt(Some(&e.to_string())),
        json_opt(e.library()),
        json_opt(e.reason()),
        e.verify_code().map_or("null".into(), |c| c.to_string()),
        json_opt(e.verify_message()),
    )
}

fn json_opt(s: Option<&str>) -> String {
    s.map_or("null".into(), pyssl::pyfmt::json_str)
}

struct ProbeArgs {
    target: String,
    cafile: Option<PathBuf>,
    capath: Option<PathBuf>,
    servername: Option<String>,
    no_verify: bool,
    min_version: Option<String>,
    json: bool,
    timeout: f64,
}

fn split_target(t: &str) -> (String, u16) {
    if let Some(rest) = t.strip_prefix('[') {
        if let Some((h, p)) = rest.split_once("]:") {
            return (h.to_string(), p.parse().unwrap_or(443));
        }
        return (rest.trim_end_matches(']').to_string(), 443);
    }
    match t.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h.to_string(), p.parse().unwrap_or(443)),
        _ => (t.to_string(), 443),
    }
}

fn probe(a: ProbeArgs) -> ExitCode {
    let (host, port) = split_target(&a.target);
    let fail = |e: Error, json: bool| {
        if json {
            println!("{{\"error\": {}}}", error_json(&e));
        } else {
            println!("{}: {e}", e.python_class());
        }
        ExitCode::from(1)
    };
    let mut opts = DefaultContextOptions::new();
    if let Some(f) = &a.cafile {
        opts = opts.cafile(f);
    }
    if let Some(d) = &a.capath {
        opts = opts.capath(d);
    }
    let ctx = match pyssl::create_default_context(opts) {
        Ok(c) => c,
        Err(e) => return fail(e, a.json),
    };
    if a.no_verify {
        if let Err(e) = ctx
            .set_check_hostname(false)
            .and_then(|()| ctx.set_verify_mode(VerifyMode::None))
        {
            return fail(e, a.json);
        }
    }
    if let Some(v) = &a.min_version {
        match TlsVersion::from_name(v) {
            Some(v) => {
                if let Err(e) = ctx.set_minimum_version(v) {
                    return fail(e, a.json);
                }
            }
            None => {
                eprintln!("pyssl probe: unknown version {v:?}");
                return ExitCode::from(2);
            }
        }
    }
    let timeout = Duration::from_secs_f64(a.timeout.max(0.001));
    eprintln!("connecting to {host}:{port} ...");
    let addrs = match (host.as_str(), port).to_socket_addrs() {
        Ok(a) => a.collect::<Vec<_>>(),
        Err(e) => return fail(e.into(), a.json),
    };
    let mut sock = None;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                sock = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(sock) = sock else {
        let e = last.unwrap_or_else(|| std::io::Error::other("no address"));
        return fail(e.into(), a.json);
    };
    let _ = sock.set_read_timeout(Some(timeout));
    let _ = sock.set_write_timeout(Some(timeout));
    let name = a.servername.clone().unwrap_or(host.clone());
    eprintln!("handshake with server_hostname={} ...", name.py_repr());
    let tls = match ctx.wrap_socket(sock, WrapOptions::client(&name)) {
        Ok(t) => t,
        Err(e) => return fail(e, a.json),
    };
    report(&tls, a.json)
}

fn report(tls: &SslSocket, json: bool) -> ExitCode {
    let cert = match tls.getpeercert() {
        Ok(c) => c,
        Err(e) => {
            println!("{}: {e}", e.python_class());
            return ExitCode::from(1);
        }
    };
    let cipher = tls.cipher();
    if json {
        println!(
            "{{\"server_hostname\": {}, \"version\": {}, \"cipher\": {}, \"peercert\": {}}}",
            json_opt(tls.server_hostname()),
            json_opt(tls.version().as_deref()),
            cipher.map_or("null".into(), |c| format!(
                "[{}, {}, {}]",
                json_opt(Some(&c.name)),
                json_opt(Some(&c.protocol)),
                c.secret_bits
            )),
            cert.map_or("null".into(), |c| c.to_json())
        );
    } else {
        println!("server_hostname: {}", tls.server_hostname().py_repr());
        println!("version: {}", tls.version().py_repr());
        println!("cipher: {}", cipher.py_repr());
        println!("getpeercert: {}", cert.py_repr());
    }
    ExitCode::SUCCESS
}

fn decode(file: &PathBuf, json: bool) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            let e = Error::from(e);
            println!("{}: {e}", e.python_class());
            return ExitCode::from(2);
        }
    };
    match pyssl::decode_pem_certificate(&text) {
        Ok(c) if json => {
            println!("{}", c.to_json());
            ExitCode::SUCCESS
        }
        Ok(c) => {
            println!("{}", c.py_repr());
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}: {e}", e.python_class());
            ExitCode::from(1)
        }
    }
}

// ---------------------------------------------------------------------------
// demo

fn serve(ctx: SslContext) -> pyssl::Result<(u16, thread::JoinHandle<()>)> {
    let l = TcpListener::bind(("127.0.0.1", 0))?;
    let port = l.local_addr()?.port();
    let h = thread::spawn(move || {
        if let Ok((s, _)) = l.accept() {
            if let Ok(t) = ctx.wrap_socket(s, WrapOptions::server()) {
                if let Ok(d) = t.recv(1024) {
                    let _ = t.sendall(&d);
                }
                let _ = t.unwrap();
            }
        }
    });
    Ok((port, h))
}

fn server_ctx(dir: &TempDir, leaf: &Leaf, name: &str) -> pyssl::Result<SslContext> {
    let (cert, key) = leaf.write_to(dir.path(), name)?;
    let ctx = SslContext::new(Protocol::TlsServer)?;
    ctx.load_cert_chain(&cert, CertChainOptions::new().keyfile(&key))?;
    Ok(ctx)
}

fn demo() -> pyssl::Result<()> {
    let dir = TempDir::new("pyssl-demo")?;
    let root = CertificateAuthority::new("pyssl demo root CA")?;
    let inter = root.intermediate("pyssl demo intermediate")?;
    let ca = dir.write("ca.pem", root.cert_pem())?;
    let localhost = || LeafSpec::server("localhost").ip("127.0.0.1".parse().expect("IP literal"));
    let good = inter.issue(&localhost())?;
    let expired = inter.issue(&localhost().validity(-30, -1))?;
    let rogue = CertificateAuthority::new("unknown CA")?.issue(&localhost())?;
    let client = pyssl::create_default_context(DefaultContextOptions::new().cafile(&ca))?;
    println!("pyssl demo on {}, loopback only", pyssl::openssl_version());
    println!("client: create_default_context(cafile=<generated root CA>)");
    println!();
    println!("1. verified connection, server_hostname='localhost'");
    let (port, h) = serve(server_ctx(&dir, &good, "good")?)?;
    let tls = client.wrap_socket(
        TcpStream::connect(("127.0.0.1", port))?,
        WrapOptions::client("localhost"),
    )?;
    report(&tls, false);
    tls.sendall(b"ping")?;
    println!("echo: {}", tls.recv(4)?.py_repr());
    drop(tls);
    let _ = h.join();
    let cases = [
        ("2. hostname mismatch", &good, "good2", "wrong.example.org"),
        ("3. expired certificate", &expired, "expired", "localhost"),
        ("4. unknown CA", &rogue, "rogue", "localhost"),
    ];
    for (title, leaf, name, host) in cases {
        println!();
        println!("{title}, server_hostname={}", host.py_repr());
        let (port, h) = serve(server_ctx(&dir, leaf, name)?)?;
        match client.wrap_socket(
            TcpStream::connect(("127.0.0.1", port))?,
            WrapOptions::client(host),
        ) {
            Ok(_) => println!("unexpectedly verified"),
            Err(e) => {
                println!("{}: {e}", e.python_class());
                if e.is_instance(pyssl::PyClass::SslCertVerificationError) {
                    println!(
                        "  verify_code={} verify_message={} library={} reason={}",
                        e.verify_code().py_repr(),
                        e.verify_message().py_repr(),
                        e.library().py_repr(),
                        e.reason().py_repr()
                    );
                }
            }
        }
        let _ = h.join();
    }
    Ok(())
}
