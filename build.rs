//! Build-time facts about the linked OpenSSL.
//!
//! * version cfgs (`ossl111`, `ossl300`, ...) from `DEP_OPENSSL_VERSION_NUMBER`,
//!   which openssl-sys hands to its direct dependents;
//! * `HAS_*` feature cfgs from a preprocessor probe of the linked headers
//!   (`DEP_OPENSSL_CONF` lacks `OPENSSL_NO_TLS1*`), as CPython computes them;
//! * the `SSLError.library` / `SSLError.reason` mnemonic tables, generated
//!   from the `*err.h` headers (CPython's `_ssl_data_*.h` equivalent);
//! * the object-name table the certificate decoder uses (`build/oids.rs`).
//!
//! Every cfg is declared with `rustc-check-cfg`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "build/oids.rs"]
mod oids;

/// Version cfgs: (name, minimum OPENSSL_VERSION_NUMBER).
const VERSION_CFGS: &[(&str, u64)] = &[
    ("ossl111", 0x1010_1000),
    ("ossl300", 0x3000_0000),
    ("ossl310", 0x3010_0000),
    ("ossl320", 0x3020_0000),
    ("ossl330", 0x3030_0000),
    ("ossl340", 0x3040_0000),
    ("ossl350", 0x3050_0000),
];

/// Feature probes: (cfg name, preprocessor condition). CPython's definitions
/// of the `HAS_*` constants, evaluated against the linked headers.
const FEATURE_PROBES: &[(&str, &str)] = &[
    (
        "has_sslv3",
        "defined(SSL3_VERSION) && !defined(OPENSSL_NO_SSL3)",
    ),
    (
        "has_tlsv1",
        "defined(TLS1_VERSION) && !defined(OPENSSL_NO_TLS1)",
    ),
    (
        "has_tlsv1_1",
        "defined(TLS1_1_VERSION) && !defined(OPENSSL_NO_TLS1_1)",
    ),
    (
        "has_tlsv1_2",
        "defined(TLS1_2_VERSION) && !defined(OPENSSL_NO_TLS1_2)",
    ),
    (
        "has_tlsv1_3",
        "defined(TLS1_3_VERSION) && !defined(OPENSSL_NO_TLS1_3)",
    ),
    ("has_ecdh", "!defined(OPENSSL_NO_ECDH)"),
    (
        "has_never_check_common_name",
        "defined(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT)",
    ),
    ("has_psk", "!defined(OPENSSL_NO_PSK)"),
    ("has_sslv3_method", "!defined(OPENSSL_NO_SSL3_METHOD)"),
    ("has_tlsv1_method", "!defined(OPENSSL_NO_TLS1_METHOD)"),
    ("has_tlsv1_1_method", "!defined(OPENSSL_NO_TLS1_1_METHOD)"),
    ("has_tlsv1_2_method", "!defined(OPENSSL_NO_TLS1_2_METHOD)"),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/oids.rs");
    for var in [
        "DEP_OPENSSL_VERSION_NUMBER",
        "DEP_OPENSSL_INCLUDE",
        "DEP_OPENSSL_CONF",
        "DEP_OPENSSL_LIBRESSL_VERSION_NUMBER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    for (name, _) in VERSION_CFGS {
        println!("cargo:rustc-check-cfg=cfg({name})");
    }
    for (name, _) in FEATURE_PROBES {
        println!("cargo:rustc-check-cfg=cfg({name})");
    }
    println!("cargo:rustc-check-cfg=cfg(libressl)");

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));

    let version = env::var("DEP_OPENSSL_VERSION_NUMBER")
        .ok()
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .expect("openssl-sys did not report DEP_OPENSSL_VERSION_NUMBER");
    // The headers' OPENSSL_VERSION_NUMBER, for `_OPENSSL_API_VERSION`.
    println!("cargo:rustc-env=PYSSL_OPENSSL_HEADER_VERSION={version:x}");
    for (name, min) in VERSION_CFGS {
        if version >= *min {
            println!("cargo:rustc-cfg={name}");
        }
    }
    if env::var_os("DEP_OPENSSL_LIBRESSL_VERSION_NUMBER").is_some() {
        println!("cargo:rustc-cfg=libressl");
    }

    let includes = include_dirs();
    for (name, on) in probe_features(&includes) {
        if on {
            println!("cargo:rustc-cfg={name}");
        }
    }

    let err_h = find_err_headers(&includes);
    fs::write(out.join("err_data.rs"), error_tables(&err_h, version)).expect("write err_data.rs");
    oids::generate(&includes, &out.join("oids.rs")).expect("generate oids.rs");
}

/// The include directories of the linked OpenSSL: openssl-sys's
/// `DEP_OPENSSL_INCLUDE` (several paths separated like PATH), else the
/// system default.
fn include_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = env::var_os("DEP_OPENSSL_INCLUDE")
        .map(|v| env::split_paths(&v).collect())
        .unwrap_or_default();
    if dirs.is_empty() {
        dirs.push(PathBuf::from("/usr/include"));
    }
    dirs
}

/// Runs the C preprocessor over one `#if` per probe and reads the markers.
fn probe_features(includes: &[PathBuf]) -> Vec<(&'static str, bool)> {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let src = out.join("probe.c");
    let mut c = String::from(
        "#include <openssl/opensslv.h>\n#include <openssl/opensslconf.h>\n\
         #include <openssl/ssl.h>\n#include <openssl/x509v3.h>\n",
    );
    for (name, cond) in FEATURE_PROBES {
        let _ = writeln!(c, "#if {cond}\nPYSSL_PROBE_YES_{name}\n#endif");
    }
    fs::write(&src, c).expect("write probe.c");
    let mut build = cc::Build::new();
    for dir in includes {
        build.include(dir);
    }
    let expanded = build.file(&src).cargo_warnings(false).expand();
    let text = String::from_utf8_lossy(&expanded);
    FEATURE_PROBES
        .iter()
        .map(|(name, _)| {
            let marker = format!("PYSSL_PROBE_YES_{name}");
            (*name, text.lines().any(|l| l.trim() == marker))
        })
        .collect()
}

/// Every `openssl/*err.h` header (plus `err.h` itself for the library codes).
fn find_err_headers(includes: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in includes {
        let d = dir.join("openssl");
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with("err.h"))
            })
            .collect();
        names.sort();
        if !names.is_empty() {
            found = names;
            break;
        }
    }
    assert!(
        !found.is_empty(),
        "no openssl/*err.h under the OpenSSL include directories {includes:?}"
    );
    found
}

/// `#define NAME VALUE` pairs of a header, values as written.
fn defines(path: &Path) -> Vec<(String, String)> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('#') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix("define") else {
            continue;
        };
        let mut parts = rest.split_whitespace();
        if let (Some(name), Some(value)) = (parts.next(), parts.next()) {
            out.push((name.to_string(), value.to_string()));
        }
    }
    out
}

fn parse_int(v: &str) -> Option<i64> {
    let v = v.trim_end_matches(['L', 'l', 'U', 'u']);
    if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else {
        v.parse().ok()
    }
}

/// Reasons the linked headers define but CPython's own table
/// (`Modules/_ssl_data_300.h` of 3.13) lacks: CPython shows them with
/// `reason` `None` and the message `[SSL] <text>`. (library, reason, from
/// OPENSSL_VERSION_NUMBER). Found by receiving every `AlertDescription`
/// (sent from an SNI callback) under CPython 3.13.0 on OpenSSL 3.0: only
/// `unknown_psk_identity`, the alert a TLS-PSK server sends when its
/// callback has no key.
const ABSENT_FROM_CPYTHON: &[(&str, &str, u64)] =
    &[("SSL", "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY", 0x3000_0000)];

/// The library table (`ERR_LIB_<NAME>` → `"<NAME>"`) and the reason table
/// (`(lib, <LIB>_R_<NAME>)` → `"<NAME>"`), as Rust source.
fn error_tables(headers: &[PathBuf], version: u64) -> String {
    let mut libs: Vec<(i64, String)> = Vec::new();
    let mut all: Vec<(String, String)> = Vec::new();
    for h in headers {
        all.extend(defines(h));
    }
    for (name, value) in &all {
        if let Some(lib) = name.strip_prefix("ERR_LIB_") {
            if let Some(n) = parse_int(value) {
                if lib != "OFFSET" && lib != "MASK" && n > 0 && n < 256 {
                    libs.push((n, lib.to_string()));
                }
            }
        }
    }
    libs.sort();
    libs.dedup_by_key(|(n, _)| *n);
    // Longest library names first, so that e.g. OSSL_STORE_R_ is not read as
    // an OSSL_ prefix.
    let mut by_len: Vec<&(i64, String)> = libs.iter().collect();
    by_len.sort_by_key(|(_, n)| std::cmp::Reverse(n.len()));
    let mut reasons: Vec<(i64, i64, String)> = Vec::new();
    for (name, value) in &all {
        let Some(code) = parse_int(value) else {
            continue;
        };
        for (lib_code, lib) in &by_len {
            let prefix = format!("{lib}_R_");
            if let Some(reason) = name.strip_prefix(&prefix) {
                let absent = ABSENT_FROM_CPYTHON
                    .iter()
                    .any(|(l, r, from)| l == lib && *r == reason && version >= *from);
                if !absent {
                    reasons.push((*lib_code, code, reason.to_string()));
                }
                break;
            }
        }
    }
    reasons.sort();
    reasons.dedup_by_key(|(l, r, _)| (*l, *r));

    let mut s = String::new();
    s.push_str("/// `ERR_LIB_*` codes and their names, sorted by code.\n");
    s.push_str("pub(crate) static LIBRARIES: &[(i32, &str)] = &[\n");
    for (n, name) in &libs {
        let _ = writeln!(s, "    ({n}, {name:?}),");
    }
    s.push_str("];\n\n/// `(library, reason)` codes and reason names, sorted.\n");
    s.push_str("pub(crate) static REASONS: &[(i32, i32, &str)] = &[\n");
    for (l, r, name) in &reasons {
        let _ = writeln!(s, "    ({l}, {r}, {name:?}),");
    }
    s.push_str("];\n\n");
    for lib in ["SSL", "X509", "PEM", "ASN1"] {
        let code = libs
            .iter()
            .find(|(_, n)| n == lib)
            .map(|(c, _)| *c)
            .unwrap_or(-1);
        let _ = writeln!(
            s,
            "/// `ERR_LIB_{lib}` in the linked headers.\n#[allow(dead_code)]\npub(crate) const ERR_LIB_{lib}: i32 = {code};"
        );
    }
    for want in [
        ("SSL", "CERTIFICATE_VERIFY_FAILED"),
        ("SSL", "UNEXPECTED_EOF_WHILE_READING"),
        ("X509", "CERT_ALREADY_IN_HASH_TABLE"),
        ("PEM", "NO_START_LINE"),
        ("ASN1", "HEADER_TOO_LONG"),
        ("ASN1", "NOT_ENOUGH_DATA"),
    ] {
        let lib = libs.iter().find(|(_, n)| n == want.0).map(|(c, _)| *c);
        let code = lib.and_then(|lc| {
            reasons
                .iter()
                .find(|(l, _, n)| *l == lc && n == want.1)
                .map(|(_, r, _)| *r)
        });
        let value = code.unwrap_or(-1);
        let _ = writeln!(
            s,
            "/// `{}_R_{}` in the linked headers (-1 when absent).\n#[allow(dead_code)]\npub(crate) const {}_R_{}: i32 = {value};",
            want.0, want.1, want.0, want.1
        );
    }
    s
}
