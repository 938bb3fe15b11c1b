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

/// What a test that needs CPython 3.13 says when there is none.
pub const CPYTHON_MISSING: &str =
    "CPython 3.13 not found (set PYSSL_PYTHON313 or install it with pyenv)";

/// CPython 3.13 (the reference): `$PYSSL_PYTHON313`, else pyenv's 3.13
/// (`pyenv prefix 3.13`); `None` when that path does not exist (so
/// `PYSSL_PYTHON313=/nonexistent` hides it) or pyenv has no 3.13.
pub fn cpython() -> Option<PathBuf> {
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
/// otherwise one line on stderr (past the test harness's capture) and
/// false, or a panic under `PYSSL_REQUIRE_CPYTHON=1` (CI).
pub fn cpython_or_skip() -> bool {
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

/// First statement of every test that reaches CPython 3.13: returns from
/// the test (one `skipped` line on stderr) when CPython is not found,
/// unless `PYSSL_REQUIRE_CPYTHON=1`.
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

/// Panics on a test's own (named) thread that reaches CPython without
/// [`require_cpython!`].
fn assert_gated() {
    let thread = std::thread::current();
    if let Some(test) = thread.name().filter(|_| !GATED.get()) {
        panic!("{test} reaches CPython 3.13 without require_cpython!()");
    }
}

/// CPython 3.13, for a test past [`require_cpython!`] (panics otherwise).
pub fn python313() -> PathBuf {
    assert_gated();
    cpython().unwrap_or_else(|| panic!("{CPYTHON_MISSING}: the test lacks require_cpython!()"))
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
    assert_gated();
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
