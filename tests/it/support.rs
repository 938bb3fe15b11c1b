//! Shared helpers: generated PKI, CPython discovery, loopback servers.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use pyssl::testing::{self_signed, CertificateAuthority, LeafSpec, TempDir};

/// Files of a PKI generated once per test run.
pub(crate) struct Pki {
    _dir: TempDir,
    /// Root CA certificate.
    pub(crate) ca: PathBuf,
    /// localhost / 127.0.0.1 / ::1, issued by an intermediate (chain file).
    pub(crate) leaf: (PathBuf, PathBuf),
    /// Expired leaf for localhost.
    pub(crate) expired: (PathBuf, PathBuf),
    /// Not yet valid leaf for localhost.
    pub(crate) notyet: (PathBuf, PathBuf),
    /// Self-signed localhost certificate.
    pub(crate) selfsigned: (PathBuf, PathBuf),
    /// localhost leaf from an unknown CA.
    pub(crate) rogue: (PathBuf, PathBuf),
    /// Client certificate issued by the intermediate.
    pub(crate) client: (PathBuf, PathBuf),
    /// A leaf for `other.example` only (SNI tests).
    pub(crate) other: (PathBuf, PathBuf),
}

pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        // The PKI lives for the whole run (a static is never dropped), so it goes
        // under cargo's per-target temp dir rather than /tmp.
        let dir = TempDir::new_in(Path::new(env!("CARGO_TARGET_TMPDIR")), "pki").expect("temp dir");
        let root = CertificateAuthority::new("pyssl Test Root CA").expect("root");
        let inter = root.intermediate("pyssl Test Intermediate").expect("inter");
        let ca = dir.write("ca.pem", root.cert_pem()).expect("write");
        let spec = || {
            LeafSpec::server("localhost")
                .ip("127.0.0.1".parse().unwrap())
                .ip("::1".parse().unwrap())
        };
        let leaf = inter
            .issue(&spec())
            .unwrap()
            .write_to(dir.path(), "leaf")
            .unwrap();
        let expired = inter
            .issue(&spec().validity(-30, -1))
            .unwrap()
            .write_to(dir.path(), "expired")
            .unwrap();
        let notyet = inter
            .issue(&spec().validity(2, 30))
            .unwrap()
            .write_to(dir.path(), "notyet")
            .unwrap();
        let selfsigned = self_signed("localhost")
            .unwrap()
            .write_to(dir.path(), "selfsigned")
            .unwrap();
        let rogue_ca = CertificateAuthority::new("Rogue CA").unwrap();
        let rogue = rogue_ca
            .issue(&spec())
            .unwrap()
            .write_to(dir.path(), "rogue")
            .unwrap();
        let client = inter
            .issue(&LeafSpec::client("pyssl client"))
            .unwrap()
            .write_to(dir.path(), "client")
            .unwrap();
        let other = inter
            .issue(&LeafSpec::server("other.example"))
            .unwrap()
            .write_to(dir.path(), "other")
            .unwrap();
        Pki {
            other,
            _dir: dir,
            ca,
            leaf,
            expired,
            notyet,
            selfsigned,
            rogue,
            client,
        }
    })
}

/// What a test that needs CPython 3.13 says when there is none.
pub(crate) const CPYTHON_MISSING: &str =
    "CPython 3.13 not found (set PYSSL_PYTHON313 or install it with pyenv)";

/// CPython 3.13 (the reference): `$PYSSL_PYTHON313`, else pyenv's 3.13
/// (`pyenv prefix 3.13`); `None` when that path does not exist (so
/// `PYSSL_PYTHON313=/nonexistent` hides it) or pyenv has no 3.13.
pub(crate) fn cpython() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let p = match std::env::var_os("PYSSL_PYTHON313") {
                Some(p) => PathBuf::from(p),
                None => {
                    let out = Command::new("pyenv")
                        .args(["prefix", "3.13"])
                        .output()
                        .ok()
                        .filter(|o| o.status.success())?;
                    let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
                    Path::new(&prefix).join("bin/python3")
                }
            };
            p.is_file().then_some(p)
        })
        .clone()
}

/// The gate of [`require_cpython!`]: true when CPython 3.13 is there;
/// otherwise one line on stderr (past the test harness's capture, so a
/// passing run shows it) and false, or a panic under
/// `PYSSL_REQUIRE_CPYTHON=1` (CI: every test runs).
pub(crate) fn cpython_or_skip() -> bool {
    use std::io::Write;
    if cpython().is_some() {
        GATED.set(true);
        return true;
    }
    if std::env::var_os("PYSSL_REQUIRE_CPYTHON").is_some_and(|v| v == "1") {
        panic!("{CPYTHON_MISSING}, and PYSSL_REQUIRE_CPYTHON=1");
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "skipped {test}: {CPYTHON_MISSING}");
    false
}

/// First statement of every test that reaches CPython 3.13, directly or
/// through a helper: returns from the test (one `skipped` line on stderr)
/// when CPython is not found, unless `PYSSL_REQUIRE_CPYTHON=1`.
macro_rules! require_cpython {
    () => {
        if !$crate::support::cpython_or_skip() {
            return;
        }
    };
}
pub(crate) use require_cpython;

thread_local! {
    /// Set on a test's thread once [`require_cpython!`] let it pass.
    static GATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics on a test's own thread (libtest names it after the test) that
/// reaches CPython without [`require_cpython!`], so that no such test
/// goes unnoticed where CPython is found. Threads a test spawns are
/// unnamed and not checked.
fn assert_gated() {
    let thread = std::thread::current();
    if let Some(test) = thread.name().filter(|_| !GATED.get()) {
        panic!("{test} reaches CPython 3.13 without require_cpython!()");
    }
}

/// CPython 3.13, for a test past [`require_cpython!`] (panics otherwise).
pub(crate) fn python313() -> PathBuf {
    assert_gated();
    cpython().unwrap_or_else(|| panic!("{CPYTHON_MISSING}: the test lacks require_cpython!()"))
}

/// Runs a Python snippet under CPython 3.13 and returns stdout.
pub(crate) fn run_python(code: &str, args: &[&str]) -> String {
    let out = Command::new(python313())
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A loopback listener and a thread serving exactly one connection.
pub(crate) fn serve_one<T: Send + 'static>(
    f: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (u16, JoinHandle<T>) {
    let l = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = l.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = l.accept().expect("accept");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        f(s)
    });
    (port, h)
}

/// A client TCP connection to a loopback port, with 10 s timeouts.
pub(crate) fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// A port that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// True when pyssl is linked against OpenSSL 3 (the CPython on the machine
/// uses OpenSSL 3.0; 1.1.1 builds differ in documented ways, see
/// vendor-notes/openssl-1.1.1.md).
pub(crate) fn ossl3() -> bool {
    pyssl::openssl_version_number() >= 0x3000_0000
}

/// True when pyssl and CPython 3.13 use the same OpenSSL release, so that
/// every message can be compared exactly.
pub(crate) fn same_openssl_as_cpython() -> bool {
    assert_gated();
    static SAME: OnceLock<bool> = OnceLock::new();
    *SAME.get_or_init(|| {
        let n = run_python("import ssl; print(ssl.OPENSSL_VERSION_NUMBER)", &[]);
        n.trim().parse::<u64>().ok() == Some(pyssl::openssl_version_number())
    })
}

/// OpenSSL's text for an unexpected EOF (3.x names the reason).
pub(crate) fn eof_message() -> &'static str {
    if ossl3() {
        "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"
    } else {
        "EOF occurred in violation of protocol"
    }
}

/// A result without its message texts when pyssl's OpenSSL is not
/// CPython's (compare.py's `--loose`); unchanged otherwise.
pub(crate) fn loose(v: &serde_json::Value) -> serde_json::Value {
    fn strip(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .filter(|(k, _)| *k != "message" && *k != "verify_message")
                .map(|(k, x)| (k.clone(), strip(x)))
                .collect(),
            serde_json::Value::Array(a) => a.iter().map(strip).collect(),
            other => other.clone(),
        }
    }
    if same_openssl_as_cpython() {
        v.clone()
    } else {
        strip(v)
    }
}

/// The text OpenSSL gives an `SSLV3_ALERT_*` reason: `"sslv3 alert NAME"`
/// up to 3.1, `"ssl/tls alert NAME"` from 3.2 on (seen with the vendored
/// 3.6; see vendor-notes).
pub(crate) fn sslv3_alert(name: &str) -> String {
    if pyssl::openssl_version_number() >= 0x3020_0000 {
        format!("ssl/tls alert {name}")
    } else {
        format!("sslv3 alert {name}")
    }
}

/// The linked library's text for a verify code (`X509_verify_cert_error_string`).
pub(crate) fn verify_text(code: i64) -> String {
    pyssl::verify_code_message(code).unwrap_or_default()
}

/// Whether the linked OpenSSL's IP parser (`a2i_IPADDRESS`) reads
/// `127.000.000.001` as an IP address: 1.1.1 and 3.0 do (sscanf), the
/// vendored 3.6 does not (its rewritten parser refuses leading zeros).
pub(crate) fn leading_zero_ipv4_is_ip() -> bool {
    pyssl::openssl_version_number() < 0x3020_0000
}

/// `openssl s_server -accept 127.0.0.1:PORT ARGS... -naccept 1 -rev` on a
/// free port, once it listens (its output is drained in the background).
pub(crate) fn openssl_s_server<I, A>(args: I) -> (u16, std::process::Child)
where
    I: IntoIterator<Item = A>,
    A: AsRef<std::ffi::OsStr>,
{
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let port = free_port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .args(["-naccept", "1", "-rev"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    for line in lines.by_ref() {
        if line.unwrap_or_default().contains("ACCEPT") {
            break;
        }
    }
    thread::spawn(move || for _ in lines {});
    (port, child)
}

/// A server context with the test PKI's localhost leaf (chain and key).
pub(crate) fn leaf_server_ctx() -> pyssl::SslContext {
    let p = pki();
    let s = pyssl::SslContext::new(pyssl::Protocol::TlsServer).unwrap();
    s.load_cert_chain(&p.leaf.0, pyssl::CertChainOptions::new().keyfile(&p.leaf.1))
        .unwrap();
    s
}

/// A client context (`PROTOCOL_TLS_CLIENT`) trusting the test PKI's root.
pub(crate) fn ca_client_ctx() -> pyssl::SslContext {
    let c = pyssl::SslContext::new(pyssl::Protocol::TlsClient).unwrap();
    c.load_verify_locations(pyssl::VerifyLocationsOptions::new().cafile(&pki().ca))
        .unwrap();
    c
}
