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

/// CPython 3.13 (the reference): `$PYSSL_PYTHON313`, else pyenv's 3.13.
pub(crate) fn python313() -> PathBuf {
    if let Some(p) = std::env::var_os("PYSSL_PYTHON313") {
        return PathBuf::from(p);
    }
    let out = Command::new("pyenv")
        .args(["prefix", "3.13"])
        .output()
        .expect("pyenv is needed to find CPython 3.13 (or set PYSSL_PYTHON313)");
    let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let p = Path::new(&prefix).join("bin/python3");
    assert!(p.exists(), "CPython 3.13 not found at {}", p.display());
    p
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
