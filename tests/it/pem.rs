//! PEM reading against CPython 3.13 on the same crafted texts:
//! `PEM_cert_to_DER_cert` (ssl.py's string code), `_ssl._test_decode_cert`
//! (OpenSSL's `PEM_read_bio_X509`), `load_verify_locations(cadata=str)`
//! (OpenSSL's PEM reader in a loop) and `load_cert_chain` on the file:
//! leading text, indentation, CRLF, blank lines, block types, several
//! blocks, garbage, bad base64, a BEGIN without END.

use pyssl::{CertChainOptions, CertStoreStats, Protocol, SslContext, VerifyLocationsOptions};
use serde_json::{json, Value};

use crate::support::{pki, require_cpython, run_python};

/// The crafted texts, by name.
pub(crate) fn cases() -> Vec<(String, String)> {
    let cert = std::fs::read_to_string(&pki().selfsigned.0).unwrap();
    let key = std::fs::read_to_string(&pki().selfsigned.1).unwrap();
    let ca = std::fs::read_to_string(&pki().ca).unwrap();
    let body: String = cert
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let lines: Vec<&str> = body.lines().collect();
    let wrap = |b: &str, h: &str| format!("-----BEGIN {h}-----\n{b}\n-----END {h}-----\n");
    let mid = lines.len() / 2;
    let with_blank = format!("{}\n\n{}", lines[..mid].join("\n"), lines[mid..].join("\n"));
    let with_ws_line = format!(
        "{}\n   \n{}",
        lines[..mid].join("\n"),
        lines[mid..].join("\n")
    );
    let trailing_spaces = lines
        .iter()
        .map(|l| format!("{l}  "))
        .collect::<Vec<_>>()
        .join("\n");
    let one_line = lines.concat();
    let bad = body.replacen('A', "!", 1);
    let mut non_ascii = body.clone();
    non_ascii.insert(10, '\u{e9}');
    let mut run = body.clone();
    run.insert_str(70, "\u{e9}\u{20ac}\u{1f600}");
    let mut astral = body.clone();
    astral.insert_str(3, "\u{1f600}x\u{1f601}");
    let cases: Vec<(&str, String)> = vec![
        ("plain", cert.clone()),
        ("leading_text", format!("Certificate:\n  subject: x\n{cert}")),
        ("leading_blank", format!("\n\n  \n{cert}")),
        ("leading_spaces_same_line", format!("   {cert}")),
        ("leading_text_same_line", format!("junk{cert}")),
        ("indented_begin", format!("  {}", cert)),
        ("indented_end", cert.replace("-----END", "  -----END")),
        ("tab_begin", format!("\t{cert}")),
        ("crlf", cert.replace('\n', "\r\n")),
        ("cr_only", cert.replace('\n', "\r")),
        ("blank_in_body", wrap(&with_blank, "CERTIFICATE")),
        ("ws_line_in_body", wrap(&with_ws_line, "CERTIFICATE")),
        ("trailing_spaces", wrap(&trailing_spaces, "CERTIFICATE")),
        ("one_long_line", wrap(&one_line, "CERTIFICATE")),
        ("no_final_newline", cert.trim_end().to_string()),
        ("begin_trailing_space", cert.replacen("-----\n", "----- \n", 1)),
        ("end_trailing_space", cert.trim_end().to_string() + "  \n"),
        ("trusted", wrap(&body, "TRUSTED CERTIFICATE")),
        ("x509", wrap(&body, "X509 CERTIFICATE")),
        ("lowercase", wrap(&body, "certificate")),
        ("other_type", wrap(&body, "FOO")),
        (
            "mismatched_end",
            format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END X509 CERTIFICATE-----\n"),
        ),
        ("key_first", format!("{key}{cert}")),
        ("cert_then_key", format!("{cert}{key}")),
        ("two_certs", format!("{cert}{ca}")),
        ("two_certs_text_between", format!("{cert}hello\n{ca}")),
        ("trailing_garbage", format!("{cert}garbage\n")),
        ("trailing_garbage_same_line", format!("{}garbage\n", cert.trim_end())),
        ("trailing_begin", format!("{cert}-----BEGIN CERTIFICATE-----\n")),
        ("bad_base64", wrap(&bad, "CERTIFICATE")),
        ("bad_base64_second", format!("{cert}{}", wrap(&ca_body_bad(&ca), "CERTIFICATE"))),
        ("truncated_body", wrap(&lines[..mid].join("\n"), "CERTIFICATE")),
        ("begin_without_end", format!("-----BEGIN CERTIFICATE-----\n{body}\n")),
        ("end_only", format!("{body}\n-----END CERTIFICATE-----\n")),
        ("empty_block", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".into()),
        ("header_footer_one_line", format!("-----BEGIN CERTIFICATE-----{one_line}-----END CERTIFICATE-----\n")),
        (
            "proc_type",
            format!("-----BEGIN CERTIFICATE-----\nProc-Type: 4,CRL\n\n{body}\n-----END CERTIFICATE-----\n"),
        ),
        ("padding_inside", wrap(&format!("{}=\n{}", lines[0], lines[1..].join("\n")), "CERTIFICATE")),
        ("non_ascii_body", wrap(&non_ascii, "CERTIFICATE")),
        ("non_ascii_run", wrap(&run, "CERTIFICATE")),
        ("astral_body", wrap(&astral, "CERTIFICATE")),
        ("non_ascii_after", format!("{cert}\u{e9}t\u{e9}\n")),
        ("empty", String::new()),
        ("whitespace_only", " \n\t\n".into()),
    ];
    cases.into_iter().map(|(n, t)| (n.to_string(), t)).collect()
}

fn ca_body_bad(ca: &str) -> String {
    ca.lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen('B', "*", 1)
}

const PYTHON: &str = r#"
import json, re, ssl, sys, _ssl
def res(f):
    try:
        return ["ok", f()]
    except Exception as e:
        # pyssl prints a one-argument SSLError as its text (API-AUDIT.md).
        text = e.args[0] if isinstance(e, ssl.SSLError) and len(e.args) == 1 else str(e)
        return [type(e).__name__, re.sub(r' \(_ssl\.c:\d+\)$', '', text)]
def stats(ctx):
    return repr(ctx.cert_store_stats())
key = sys.argv[1]
for path in sys.argv[2:]:
    text = open(path, encoding='utf-8', newline='').read()
    out = {}
    out['pem_to_der'] = res(lambda: ssl.PEM_cert_to_DER_cert(text).hex())
    out['decode'] = res(lambda: repr(_ssl._test_decode_cert(path)))
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    out['cadata'] = res(lambda: (c.load_verify_locations(cadata=text), stats(c))[1])
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    out['chain'] = res(lambda: c.load_cert_chain(path, key))
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    out['chain_nokey'] = res(lambda: c.load_cert_chain(path))
    print(json.dumps(out))
"#;

fn res<T>(r: pyssl::Result<T>, f: impl FnOnce(T) -> Value) -> Value {
    match r {
        Ok(v) => json!(["ok", f(v)]),
        Err(e) => json!([e.python_class(), e.to_string()]),
    }
}

fn stats_repr(s: CertStoreStats) -> String {
    format!(
        "{{'x509': {}, 'crl': {}, 'x509_ca': {}}}",
        s.x509, s.crl, s.x509_ca
    )
}

fn pyssl_results(path: &std::path::Path, text: &str, key: &std::path::Path) -> Value {
    let hex = |d: Vec<u8>| json!(d.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let mut out = serde_json::Map::new();
    out.insert(
        "pem_to_der".into(),
        res(pyssl::pem_cert_to_der_cert(text), hex),
    );
    out.insert(
        "decode".into(),
        res(pyssl::decode_pem_certificate_file(path), |c| {
            json!(c.python_repr())
        }),
    );
    let c = SslContext::new(Protocol::TlsClient).unwrap();
    let r = c
        .load_verify_locations(VerifyLocationsOptions::new().cadata(text))
        .map(|()| c.cert_store_stats());
    out.insert("cadata".into(), res(r, |s| json!(stats_repr(s))));
    let c = SslContext::new(Protocol::TlsServer).unwrap();
    let r = c.load_cert_chain(path, CertChainOptions::new().keyfile(key));
    out.insert("chain".into(), res(r, |()| Value::Null));
    let c = SslContext::new(Protocol::TlsServer).unwrap();
    let r = c.load_cert_chain(path, CertChainOptions::new());
    out.insert("chain_nokey".into(), res(r, |()| Value::Null));
    Value::Object(out)
}

#[test]
fn pem_reading_like_cpython() {
    require_cpython!();
    let dir = pyssl::testing::TempDir::new("pem").unwrap();
    let cases = cases();
    let mut paths = Vec::new();
    for (name, text) in &cases {
        paths.push(dir.write(&format!("{name}.pem"), text).unwrap());
    }
    let key = pki().selfsigned.1.to_str().unwrap().to_string();
    let mut args: Vec<&str> = vec![&key];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    let out = run_python(PYTHON, &args);
    let theirs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(theirs.len(), cases.len());
    let mut diffs = Vec::new();
    for (((name, text), path), want) in cases.iter().zip(&paths).zip(&theirs) {
        let got = pyssl_results(path, text, &pki().selfsigned.1);
        for (op, w) in want.as_object().unwrap() {
            if &got[op] != w {
                diffs.push(format!("{name} {op}: pyssl {} vs CPython {w}", got[op]));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    // The cases do reach every outcome (a test that cannot fail is none).
    for op in ["decode", "cadata", "chain", "chain_nokey", "pem_to_der"] {
        let classes: std::collections::BTreeSet<&str> =
            theirs.iter().map(|v| v[op][0].as_str().unwrap()).collect();
        assert!(classes.len() >= 2, "{op}: {classes:?}");
    }
}
