//! What the command's tests share: a generated PKI, CPython 3.13, free
//! ports, and the comparison that tolerates another OpenSSL's texts.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};

/// Files of a PKI generated once per test run.
pub struct Pki {
    _dir: TempDir,
    /// Root CA certificate.
    pub ca: PathBuf,
    /// localhost / 127.0.0.1 / ::1, issued by an intermediate (chain file).
    pub leaf: (PathBuf, PathBuf),
    /// Expired leaf for localhost.
    pub expired: (PathBuf, PathBuf),
    /// localhost leaf from an unknown CA.
    pub rogue: (PathBuf, PathBuf),
}

/// The PKI of this run.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir =
            TempDir::new_in(Path::new(env!("CARGO_TARGET_TMPDIR")), "cli-pki").expect("temp dir");
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
        let rogue = CertificateAuthority::new("Rogue CA")
            .unwrap()
            .issue(&spec())
            .unwrap()
            .write_to(dir.path(), "rogue")
            .unwrap();
        Pki {
            _dir: dir,
            ca,
            leaf,
            expired,
            rogue,
        }
    })
}

/// CPython 3.13 (the reference): `$PYSSL_PYTHON313`, else pyenv's 3.13.
pub fn python313() -> PathBuf {
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

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// True when pyssl and CPython 3.13 use the same OpenSSL release, so that
/// every message can be compared exactly.
fn same_openssl_as_cpython() -> bool {
    static SAME: OnceLock<bool> = OnceLock::new();
    *SAME.get_or_init(|| {
        let out = Command::new(python313())
            .args(["-c", "import ssl; print(ssl.OPENSSL_VERSION_NUMBER)"])
            .output()
            .expect("run python");
        let n = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<u64>()
            .ok();
        n == Some(pyssl::openssl_version_number())
    })
}

/// A result without its message texts when pyssl's OpenSSL is not
/// CPython's; unchanged otherwise.
pub fn loose(v: &serde_json::Value) -> serde_json::Value {
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
