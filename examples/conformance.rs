//! Conformance runner: reads scenario files in the schema of
//! `shared/conformance/SCHEMA.md` and prints, as one JSON array, what pyssl
//! does with each — the same JSON CPython's `oracle.py` prints for CPython.
//!
//! ```text
//! cargo run --release --example conformance -- scenarios/context.json > actual.json
//! python3 compare.py expected/context.json actual.json
//! ```
//!
//! Run it from the folder that holds the fixtures: paths in scenarios are
//! relative to the working directory. It drives the crate through its
//! public API only, in both roles.

use pyssl::{CertChainOptions, DefaultContextOptions, VerifyLocationsOptions};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use pyssl::{
    CaData, Error, GeneralName, MemoryBio, NameValue, Options, PeerCert, Protocol, Purpose,
    SslContext, SslSocket, TlsVersion, VerifyFlags, VerifyMode, WrapOptions,
};
use serde_json::{json, Map, Value};

const TIMEOUT: Duration = Duration::from_secs(5);

/// The oracle's `VERIFY_FLAGS` order.
const VERIFY_FLAGS: &[&str] = &[
    "VERIFY_CRL_CHECK_LEAF",
    "VERIFY_CRL_CHECK_CHAIN",
    "VERIFY_X509_STRICT",
    "VERIFY_X509_TRUSTED_FIRST",
    "VERIFY_ALLOW_PROXY_CERTS",
    "VERIFY_X509_PARTIAL_CHAIN",
];

/// The oracle's `OPTIONS` order.
const OPTIONS: &[&str] = &[
    "OP_NO_SSLv2",
    "OP_NO_SSLv3",
    "OP_NO_TLSv1",
    "OP_NO_TLSv1_1",
    "OP_NO_TLSv1_2",
    "OP_NO_TLSv1_3",
    "OP_NO_COMPRESSION",
    "OP_CIPHER_SERVER_PREFERENCE",
    "OP_SINGLE_DH_USE",
    "OP_SINGLE_ECDH_USE",
    "OP_NO_TICKET",
    "OP_NO_RENEGOTIATION",
    "OP_ENABLE_MIDDLEBOX_COMPAT",
    "OP_IGNORE_UNEXPECTED_EOF",
    "OP_LEGACY_SERVER_CONNECT",
];

/// A scenario that cannot be run as written (not a pyssl result).
#[derive(Debug)]
struct Broken(String);

type Run<T> = Result<T, Broken>;

fn broken<T>(msg: impl Into<String>) -> Run<T> {
    Err(Broken(msg.into()))
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: conformance SCENARIOS.json [...]");
        std::process::exit(2);
    }
    let mut results = Vec::new();
    for f in &files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{f}: {e}");
                std::process::exit(2);
            }
        };
        let scenarios: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{f}: {e}");
                std::process::exit(2);
            }
        };
        for sc in scenarios.as_array().into_iter().flatten() {
            let id = sc.get("id").cloned().unwrap_or(Value::Null);
            let r = if sc.get("ops").is_some() {
                run_ops(sc)
            } else {
                run_handshake(sc)
            };
            match r {
                Ok(v) => results.push(v),
                Err(Broken(msg)) => {
                    eprintln!("{id}: {msg}");
                    std::process::exit(2);
                }
            }
        }
    }
    let out = serde_json::to_string_pretty(&Value::Array(results)).unwrap_or_default();
    println!("{out}");
}

// ---------------------------------------------------------------------------
// Values

fn error_json(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(e.python_class()));
    m.insert("message".into(), json!(e.to_string()));
    if e.is_ssl_error() {
        m.insert("library".into(), json!(e.library()));
        m.insert("reason".into(), json!(e.reason()));
    }
    if let Some(v) = e.cert_verification() {
        m.insert("verify_code".into(), json!(v.verify_code()));
        m.insert("verify_message".into(), json!(v.verify_message()));
    }
    Value::Object(m)
}

fn bytes_json(b: &[u8]) -> Value {
    let digest = openssl::sha::sha256(b);
    let hex: String = digest.iter().map(|x| format!("{x:02x}")).collect();
    json!({"sha256": hex, "len": b.len()})
}

fn name_json(name: &[Vec<(String, NameValue)>]) -> Value {
    let value = |v: &NameValue| match v {
        NameValue::Text(t) => json!(t),
        NameValue::Bytes(b) => bytes_json(b),
    };
    Value::Array(
        name.iter()
            .map(|rdn| {
                Value::Array(
                    rdn.iter()
                        .map(|(k, v)| json!([k, value(v)]))
                        .collect::<Vec<_>>(),
                )
            })
            .collect(),
    )
}

fn cert_json(c: &PeerCert) -> Value {
    let mut m = Map::new();
    if let Some(s) = &c.subject {
        m.insert("subject".into(), name_json(s));
    }
    if let Some(s) = &c.issuer {
        m.insert("issuer".into(), name_json(s));
    }
    if let Some(v) = c.version {
        m.insert("version".into(), json!(v));
    }
    if let Some(v) = &c.serial_number {
        m.insert("serialNumber".into(), json!(v));
    }
    if let Some(v) = &c.not_before {
        m.insert("notBefore".into(), json!(v));
    }
    if let Some(v) = &c.not_after {
        m.insert("notAfter".into(), json!(v));
    }
    if let Some(sans) = &c.subject_alt_name {
        let list = sans
            .iter()
            .map(|g| match g {
                GeneralName::DirName(n) => json!([g.python_key(), name_json(n)]),
                _ => json!([g.python_key(), g.text()]),
            })
            .collect();
        m.insert("subjectAltName".into(), Value::Array(list));
    }
    for (key, v) in [
        ("OCSP", &c.ocsp),
        ("caIssuers", &c.ca_issuers),
        ("crlDistributionPoints", &c.crl_distribution_points),
    ] {
        if let Some(v) = v {
            m.insert(key.into(), json!(v));
        }
    }
    Value::Object(m)
}

fn name_from_json(v: &Value) -> Vec<Vec<(String, NameValue)>> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|rdn| {
            rdn.as_array()
                .into_iter()
                .flatten()
                .filter_map(|pair| {
                    let p = pair.as_array()?;
                    Some((
                        p.first()?.as_str()?.to_string(),
                        NameValue::from(p.get(1)?.as_str()?),
                    ))
                })
                .collect()
        })
        .collect()
}

/// A certificate dict of a scenario as a [`PeerCert`].
fn cert_from_json(v: &Value) -> PeerCert {
    let str_list = |k: &str| {
        v.get(k).and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
    };
    PeerCert {
        subject: v.get("subject").map(name_from_json),
        issuer: v.get("issuer").map(name_from_json),
        version: v.get("version").and_then(Value::as_i64),
        serial_number: v
            .get("serialNumber")
            .and_then(Value::as_str)
            .map(str::to_string),
        not_before: v
            .get("notBefore")
            .and_then(Value::as_str)
            .map(str::to_string),
        not_after: v
            .get("notAfter")
            .and_then(Value::as_str)
            .map(str::to_string),
        subject_alt_name: v.get("subjectAltName").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(|pair| {
                    let p = pair.as_array()?;
                    let key = p.first()?.as_str()?;
                    let val = p.get(1)?;
                    Some(match (key, val.as_str()) {
                        ("DirName", None) => GeneralName::DirName(name_from_json(val)),
                        (_, Some(s)) => GeneralName::from_pair(key, s),
                        (_, None) => GeneralName::from_pair(key, val.to_string()),
                    })
                })
                .collect()
        }),
        ocsp: str_list("OCSP"),
        ca_issuers: str_list("caIssuers"),
        crl_distribution_points: str_list("crlDistributionPoints"),
    }
}

fn snapshot(ctx: &SslContext) -> Value {
    let flags = ctx.verify_flags();
    let opts = ctx.options();
    json!({
        "protocol": ctx.protocol().name(),
        "check_hostname": ctx.check_hostname(),
        "verify_mode": ctx.verify_mode().name(),
        "verify_flags": VERIFY_FLAGS.iter()
            .filter(|n| VerifyFlags::from_python_name(n).is_some_and(|f| flags.intersects(f)))
            .collect::<Vec<_>>(),
        "minimum_version": ctx.minimum_version().name(),
        "maximum_version": ctx.maximum_version().name(),
        "hostname_checks_common_name": ctx.hostname_checks_common_name(),
        "post_handshake_auth": ctx.post_handshake_auth(),
        "options": OPTIONS.iter()
            .filter(|n| Options::from_python_name(n).is_some_and(|o| opts.intersects(o)))
            .collect::<Vec<_>>(),
    })
}

/// Python's `open(p).read()`: a missing or unreadable file is the op's
/// error (`FileNotFoundError`, `PermissionError`, ...), as the oracle
/// records it.
fn read_text(p: &str) -> Result<String, Error> {
    std::fs::read_to_string(p).map_err(|e| Error::from_io_with_filename(e, p))
}

/// The PEM blocks of certificates in a text, in order.
fn pem_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(pyssl::PEM_HEADER) {
        let tail = &rest[i..];
        let Some(j) = tail.find(pyssl::PEM_FOOTER) else {
            break;
        };
        let end = j + pyssl::PEM_FOOTER.len();
        out.push(&tail[..end]);
        rest = &tail[end..];
    }
    out
}

/// CPython's `_test_decode_cert(path)`: the first certificate of a PEM
/// file, decoded.
fn decode_cert_file(p: &str) -> Run<Result<PeerCert, Error>> {
    Ok(pyssl::decode_pem_certificate_file(std::path::Path::new(p)))
}

/// `cadata` of a scenario: `"pem:FILE"`, `"der:FILE"` or a literal string.
enum OwnedCaData {
    Pem(String),
    Der(Vec<u8>),
}

fn cadata_of(v: Option<&Value>) -> Run<Result<Option<OwnedCaData>, Error>> {
    let Some(s) = v.and_then(Value::as_str) else {
        return Ok(Ok(None));
    };
    if let Some(f) = s.strip_prefix("pem:") {
        return Ok(read_text(f).map(|t| Some(OwnedCaData::Pem(t))));
    }
    if let Some(f) = s.strip_prefix("der:") {
        let text = match read_text(f) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let mut der = Vec::new();
        for block in pem_blocks(&text) {
            match pyssl::pem_cert_to_der_cert(block) {
                Ok(d) => der.extend(d),
                Err(e) => return broken(format!("{f}: {e}")),
            }
        }
        return Ok(Ok(Some(OwnedCaData::Der(der))));
    }
    Ok(Ok(Some(OwnedCaData::Pem(s.to_string()))))
}

fn as_cadata(d: &Option<OwnedCaData>) -> Option<CaData<'_>> {
    match d {
        Some(OwnedCaData::Pem(s)) => Some(CaData::Pem(s)),
        Some(OwnedCaData::Der(b)) => Some(CaData::Der(b)),
        None => None,
    }
}

fn opt_str<'a>(m: &'a Value, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

fn flags_of(v: &Value, names: &[(&str, u64)]) -> Run<u64> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_i64().map(|i| i as u64))
            .map_or_else(|| broken(format!("bad flag value {v}")), Ok),
        Value::Array(a) => {
            let mut acc = 0u64;
            for x in a {
                let name = x.as_str().unwrap_or_default();
                let Some((_, bits)) = names.iter().find(|(n, _)| *n == name) else {
                    return broken(format!("unknown flag {name}"));
                };
                acc |= bits;
            }
            Ok(acc)
        }
        _ => broken(format!("bad flag value {v}")),
    }
}

fn verify_flag_names() -> Vec<(&'static str, u64)> {
    let mut v: Vec<(&str, u64)> = VerifyFlags::NAMES
        .iter()
        .map(|(n, f)| (*n, f.bits()))
        .collect();
    v.push(("VERIFY_DEFAULT", 0));
    v
}

fn option_names() -> Vec<(&'static str, u64)> {
    Options::NAMES.iter().map(|(n, f)| (*n, f.bits())).collect()
}

fn version_of(v: &Value) -> Run<TlsVersion> {
    match v {
        Value::String(s) => {
            TlsVersion::from_name(s).map_or_else(|| broken(format!("unknown version {s}")), Ok)
        }
        Value::Number(n) => n
            .as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .and_then(TlsVersion::from_value)
            .map_or_else(|| broken(format!("unknown version {n}")), Ok),
        _ => broken(format!("bad version {v}")),
    }
}

fn mode_of(v: &Value) -> Run<VerifyMode> {
    let m = match v {
        Value::String(s) => VerifyMode::from_name(s),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(VerifyMode::None),
            Some(1) => Some(VerifyMode::Optional),
            Some(2) => Some(VerifyMode::Required),
            _ => None,
        },
        _ => None,
    };
    m.map_or_else(|| broken(format!("bad verify mode {v}")), Ok)
}

/// `setattr(ctx, attr, value)`.
fn set_attr(ctx: &SslContext, attr: &str, v: &Value) -> Run<Result<(), Error>> {
    Ok(match attr {
        "check_hostname" => ctx.set_check_hostname(truthy(Some(v))),
        "verify_mode" => ctx.set_verify_mode(mode_of(v)?),
        "verify_flags" => ctx.set_verify_flags(VerifyFlags::from_bits_retain(flags_of(
            v,
            &verify_flag_names(),
        )?)),
        "options" => ctx.set_options(Options::from_bits_retain(flags_of(v, &option_names())?)),
        "minimum_version" => ctx.set_minimum_version(version_of(v)?),
        "maximum_version" => ctx.set_maximum_version(version_of(v)?),
        "hostname_checks_common_name" => ctx.set_hostname_checks_common_name(truthy(Some(v))),
        "post_handshake_auth" => ctx.set_post_handshake_auth(truthy(Some(v))),
        "num_tickets" => match v.as_u64() {
            Some(n) => ctx.set_num_tickets(usize::try_from(n).unwrap_or(usize::MAX)),
            None => return broken(format!("bad num_tickets {v}")),
        },
        other => return broken(format!("unsupported attribute {other}")),
    })
}

fn load_verify(ctx: &SslContext, a: &Value) -> Run<Result<(), Error>> {
    let cadata = match cadata_of(a.get("cadata"))? {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let mut o = VerifyLocationsOptions::new();
    if let Some(f) = opt_str(a, "cafile") {
        o = o.cafile(f);
    }
    if let Some(d) = opt_str(a, "capath") {
        o = o.capath(d);
    }
    if let Some(c) = as_cadata(&cadata) {
        o = o.cadata(c);
    }
    Ok(ctx.load_verify_locations(o))
}

fn load_chain(ctx: &SslContext, a: &Value) -> Run<Result<(), Error>> {
    let Some(certfile) = opt_str(a, "certfile") else {
        return broken("load_cert_chain without certfile");
    };
    let mut o = CertChainOptions::new();
    if let Some(k) = opt_str(a, "keyfile") {
        o = o.keyfile(k);
    }
    if let Some(pw) = opt_str(a, "password") {
        o = o.password(pw);
    }
    Ok(ctx.load_cert_chain(certfile, o))
}

fn alpn_list(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

// ---------------------------------------------------------------------------
// Ops scenarios

fn run_ops(sc: &Value) -> Run<Value> {
    let mut ctx: Option<SslContext> = None;
    let mut steps = Vec::new();
    for op in sc["ops"].as_array().into_iter().flatten() {
        let op = op.as_array().cloned().unwrap_or_default();
        let name = op.first().and_then(Value::as_str).unwrap_or_default();
        let args = &op[1.min(op.len())..];
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
        let need_ctx = || -> Run<SslContext> {
            ctx.clone()
                .map_or_else(|| broken(format!("{name} before a context")), Ok)
        };
        let r: Result<Value, Error> = match name {
            "context" => {
                let p = arg(0);
                let Some(proto) = p.as_str().and_then(Protocol::from_name) else {
                    return broken(format!("unknown protocol {p}"));
                };
                SslContext::new(proto).map(|c| {
                    let s = snapshot(&c);
                    ctx = Some(c);
                    s
                })
            }
            "create_default_context" => {
                let purpose = match arg(0).as_str() {
                    None | Some("SERVER_AUTH") => Purpose::ServerAuth,
                    Some("CLIENT_AUTH") => Purpose::ClientAuth,
                    Some(other) => return broken(format!("unknown purpose {other}")),
                };
                pyssl::create_default_context(DefaultContextOptions::new().purpose(purpose)).map(
                    |c| {
                        let s = snapshot(&c);
                        ctx = Some(c);
                        s
                    },
                )
            }
            "snapshot" => Ok(snapshot(&need_ctx()?)),
            "set" => {
                let c = need_ctx()?;
                let attr = arg(0);
                set_attr(&c, attr.as_str().unwrap_or_default(), &arg(1))?.map(|()| snapshot(&c))
            }
            "load_verify_locations" => {
                let c = need_ctx()?;
                load_verify(&c, &arg(0))?.map(|()| stats_json(&c))
            }
            "load_cert_chain" => load_chain(&need_ctx()?, &arg(0))?.map(|()| Value::Null),
            "set_ciphers" => need_ctx()?
                .set_ciphers(arg(0).as_str().unwrap_or_default())
                .map(|()| Value::Null),
            "set_alpn_protocols" => need_ctx()?
                .set_alpn_protocols(&alpn_list(&arg(0)))
                .map(|()| Value::Null),
            "cert_store_stats" => Ok(stats_json(&need_ctx()?)),
            "get_ca_certs" => need_ctx()?
                .get_ca_certs()
                .map(|v| Value::Array(v.iter().map(cert_json).collect())),
            "wrap_bio" => {
                let c = need_ctx()?;
                let a = arg(0);
                let server_side = a
                    .get("server_side")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let hostname = opt_str(&a, "server_hostname");
                MemoryBio::new()
                    .and_then(|i| MemoryBio::new().map(|o| (i, o)))
                    .and_then(|(i, o)| c.wrap_bio(
                        &i,
                        &o,
                        WrapOptions::new()
                            .server_side(server_side)
                            .server_hostname(hostname),
                    ))
                    .map(|o| {
                        json!({"server_hostname": o.server_hostname(), "server_side": o.server_side()})
                    })
            }
            "match_hostname" => {
                let cert = match arg(0) {
                    Value::String(f) => decode_cert_file(&f)?,
                    v => Ok(cert_from_json(&v)),
                };
                let host = arg(1);
                cert.and_then(|c| pyssl::match_hostname(&c, host.as_str().unwrap_or_default()))
                    .map(|()| Value::Null)
            }
            "decode_cert" => {
                decode_cert_file(arg(0).as_str().unwrap_or_default())?.map(|c| cert_json(&c))
            }
            "cert_time_to_seconds" => {
                pyssl::cert_time_to_seconds(arg(0).as_str().unwrap_or_default()).map(|n| json!(n))
            }
            "PEM_cert_to_DER_cert" => {
                let a = arg(0);
                let s = a.as_str().unwrap_or_default();
                let text = match s.strip_prefix("file:") {
                    Some(f) => read_text(f),
                    None => Ok(s.to_string()),
                };
                text.and_then(|t| pyssl::pem_cert_to_der_cert(&t).map(|d| bytes_json(&d)))
            }
            "DER_cert_to_PEM_cert" => {
                read_text(arg(0).as_str().unwrap_or_default()).and_then(|text| {
                    pyssl::pem_cert_to_der_cert(&text)
                        .map(|d| json!(pyssl::der_cert_to_pem_cert(&d)))
                })
            }
            other => return broken(format!("unknown op {other}")),
        };
        steps.push(match r {
            Ok(v) => json!({"ok": v}),
            Err(e) => json!({"error": error_json(&e)}),
        });
    }
    Ok(json!({"id": sc["id"], "steps": steps}))
}

fn stats_json(ctx: &SslContext) -> Value {
    let s = ctx.cert_store_stats();
    json!({"crl": s.crl, "x509": s.x509, "x509_ca": s.x509_ca})
}

// ---------------------------------------------------------------------------
// Handshake scenarios

/// One side's settings, applied in the schema's order.
fn configure(ctx: &SslContext, spec: &Value) -> Run<Result<(), Error>> {
    for key in [
        "minimum_version",
        "maximum_version",
        "verify_flags",
        "hostname_checks_common_name",
        "check_hostname",
        "verify_mode",
        "options",
    ] {
        if let Some(v) = spec.get(key) {
            if let Err(e) = set_attr(ctx, key, v)? {
                return Ok(Err(e));
            }
        }
    }
    if truthy(spec.get("cafile")) || truthy(spec.get("capath")) || truthy(spec.get("cadata")) {
        if let Err(e) = load_verify(ctx, spec)? {
            return Ok(Err(e));
        }
    }
    if truthy(spec.get("certfile")) {
        if let Err(e) = load_chain(ctx, spec)? {
            return Ok(Err(e));
        }
    }
    if let Some(c) = opt_str(spec, "ciphers").filter(|c| !c.is_empty()) {
        if let Err(e) = ctx.set_ciphers(c) {
            return Ok(Err(e));
        }
    }
    if truthy(spec.get("alpn")) {
        if let Err(e) = ctx.set_alpn_protocols(&alpn_list(&spec["alpn"])) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

fn side_report(s: &SslSocket, out: &mut Map<String, Value>) {
    out.insert("version".into(), json!(s.version()));
    out.insert(
        "cipher".into(),
        match s.cipher() {
            Some(c) => json!([c.name, c.protocol, c.secret_bits]),
            None => Value::Null,
        },
    );
    out.insert("alpn".into(), json!(s.selected_alpn_protocol()));
    out.insert(
        "peercert".into(),
        match s.getpeercert() {
            Ok(Some(c)) => cert_json(&c),
            Ok(None) => Value::Null,
            Err(e) => error_json(&e),
        },
    );
    out.insert(
        "peercert_der".into(),
        match s.getpeercert_der() {
            Ok(Some(d)) => bytes_json(&d),
            Ok(None) => Value::Null,
            Err(e) => error_json(&e),
        },
    );
}

/// After a failure: half-close, then drain until the peer closes or a
/// second passes, so the peer reads our alert.
fn linger(s: &SslSocket) {
    if s.setblocking(true).is_err() {
        return;
    }
    let sock = s.get_ref();
    let _ = sock.shutdown(Shutdown::Write);
    let _ = sock.set_read_timeout(Some(Duration::from_secs(1)));
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut buf = [0u8; 4096];
    let mut r: &TcpStream = sock;
    while Instant::now() < deadline {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

fn echo_text(b: &[u8]) -> Value {
    json!(String::from_utf8_lossy(b))
}

fn serve(
    listener: TcpListener,
    ctx: SslContext,
    out: Arc<Mutex<Map<String, Value>>>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + TIMEOUT;
    let conn = loop {
        match listener.accept() {
            Ok((c, _)) => break c,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(e),
        }
    };
    conn.set_nonblocking(false)?;
    conn.set_read_timeout(Some(TIMEOUT))?;
    conn.set_write_timeout(Some(TIMEOUT))?;
    let record = |k: &str, v: Value| {
        if let Ok(mut m) = out.lock() {
            m.insert(k.into(), v);
        }
    };
    let s = match ctx.wrap_socket(conn, WrapOptions::server().do_handshake_on_connect(false)) {
        Ok(s) => s,
        Err(e) => {
            record("handshake", error_json(&e));
            return Ok(());
        }
    };
    match s.do_handshake() {
        Ok(()) => {
            record("handshake", json!("ok"));
            let mut m = Map::new();
            side_report(&s, &mut m);
            for (k, v) in m {
                record(&k, v);
            }
            let r = s.recv(4).and_then(|data| s.sendall(&data).map(|()| data));
            match r {
                Ok(data) => record("echo", echo_text(&data)),
                Err(e) => {
                    record("echo", error_json(&e));
                    linger(&s);
                }
            }
        }
        Err(e) => {
            record("handshake", error_json(&e));
            linger(&s);
        }
    }
    Ok(())
}

fn run_handshake(sc: &Value) -> Run<Value> {
    let id = sc["id"].clone();
    let server_spec = &sc["server"];
    let client_spec = &sc["client"];
    let srv = SslContext::new(Protocol::TlsServer).or_else(|e| broken(e.to_string()))?;
    if let Err(e) = configure(&srv, server_spec)? {
        return broken(format!("server setup failed: {e}"));
    }
    let seen: Arc<Mutex<Value>> = Arc::new(Mutex::new(json!("not called")));
    let seen_cb = seen.clone();
    srv.set_sni_callback(Some(move |req: &mut pyssl::SniRequest<'_, '_>| {
        if let Ok(mut s) = seen_cb.lock() {
            *s = json!(req.server_name());
        }
        Ok(())
    }))
    .or_else(|e| broken(e.to_string()))?;

    let proto_name = opt_str(client_spec, "protocol").unwrap_or("PROTOCOL_TLS_CLIENT");
    let Some(proto) = Protocol::from_name(proto_name) else {
        return broken(format!("unknown protocol {proto_name}"));
    };
    let mut client = Map::new();
    let cli = match SslContext::new(proto) {
        Ok(c) => c,
        Err(e) => {
            client.insert("setup_error".into(), error_json(&e));
            return Ok(json!({"id": id, "client": client, "server": null}));
        }
    };
    if let Err(e) = configure(&cli, client_spec)? {
        client.insert("setup_error".into(), error_json(&e));
        return Ok(json!({"id": id, "client": client, "server": null}));
    }

    let listener = TcpListener::bind(("127.0.0.1", 0)).or_else(|e| broken(e.to_string()))?;
    let addr = listener.local_addr().or_else(|e| broken(e.to_string()))?;
    let server_out: Arc<Mutex<Map<String, Value>>> = Arc::new(Mutex::new(Map::new()));
    let so = server_out.clone();
    let srv2 = srv.clone();
    let t = thread::spawn(move || {
        let _ = serve(listener, srv2, so);
    });

    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).or_else(|e| broken(e.to_string()))?;
    let _ = sock.set_read_timeout(Some(TIMEOUT));
    let _ = sock.set_write_timeout(Some(TIMEOUT));
    let hostname = opt_str(client_spec, "server_hostname");
    let wrapped = cli.wrap_socket(
        sock,
        WrapOptions::new()
            .server_hostname(hostname)
            .do_handshake_on_connect(false),
    );
    let s = match wrapped {
        Ok(s) => s,
        Err(e) => {
            client.insert("wrap_error".into(), error_json(&e));
            let _ = t.join();
            return Ok(json!({"id": id, "client": client, "server": null}));
        }
    };
    client.insert("server_hostname".into(), json!(s.server_hostname()));
    match s.do_handshake() {
        Ok(()) => {
            client.insert("handshake".into(), json!("ok"));
            side_report(&s, &mut client);
            let echo = s.sendall(b"ping").and_then(|()| s.recv(4));
            client.insert(
                "echo".into(),
                match echo {
                    Ok(d) => echo_text(&d),
                    Err(e) => error_json(&e),
                },
            );
        }
        Err(e) => {
            client.insert("handshake".into(), error_json(&e));
        }
    }
    drop(s);
    let _ = t.join();
    let mut server = server_out.lock().map(|m| m.clone()).unwrap_or_default();
    server.insert(
        "sni".into(),
        seen.lock().map(|v| v.clone()).unwrap_or(Value::Null),
    );
    let _ = std::io::stdout().flush();
    Ok(json!({"id": id, "client": client, "server": server}))
}
