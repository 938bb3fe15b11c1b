//! `txt2obj` / `nid2obj` / `Purpose` against CPython 3.13's `_ssl` on the
//! same inputs.

use serde_json::{json, Value};

use super::support::{require_cpython, run_python};

const PY: &str = r#"
import _ssl, json, ssl, sys
def call(f, *a):
    try:
        return list(f(*a))
    except Exception as e:
        return {"class": type(e).__name__, "message": str(e)}
inp = json.loads(sys.argv[1])
out = {
    "txt": [call(_ssl.txt2obj, t, n) for t, n in inp["txt"]],
    "nid": [call(_ssl.nid2obj, n) for n in inp["nid"]],
    "fromname": [call(ssl._ASN1Object.fromname, t) for t, _ in inp["txt"]],
    "purpose": [[p.nid, p.shortname, p.longname, p.oid] for p in (ssl.Purpose.SERVER_AUTH, ssl.Purpose.CLIENT_AUTH)],
}
print(json.dumps(out))
"#;

fn ours(r: pyssl::Result<pyssl::Asn1Object>) -> Value {
    match r {
        Ok(o) => json!([o.nid, o.shortname, o.longname, o.oid]),
        Err(e) => json!({"class": e.python_class(), "message": e.to_string()}),
    }
}

#[test]
fn txt2obj_and_nid2obj_equal_python() {
    require_cpython!();
    let long_oid = format!("1.{}", "9".repeat(300));
    let long_name = "x".repeat(150);
    let cut_utf8 = format!("{}é", "a".repeat(99));
    let texts: Vec<&str> = vec![
        "2.5.4.3",
        "2.5.4.03",
        "2.5.4.3.",
        "2.5.4.3 ",
        " 2.5.4.3",
        "CN",
        "commonName",
        "serverAuth",
        "TLS Web Server Authentication",
        "1.3.6.1.5.5.7.3.1",
        "1.3.6.1.5.5.7.3.2",
        "sha256WithRSAEncryption",
        "RSA-SHA256",
        "1.2.840.113549.1.1.11",
        "1.2.840.113549",
        "subjectAltName",
        "2.5.29.17",
        // Well-formed OIDs OpenSSL has no NID for.
        "1.2.3.4",
        "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20",
        "0.0",
        // Garbage.
        "xxx",
        "",
        "undef",
        "UNDEF",
        "1..2",
        "é",
        &long_oid,
        &long_name,
        &cut_utf8,
        "a\0b",
        "2.5.4.3\0",
    ];
    let nids: Vec<i64> = vec![
        0,
        -1,
        i64::from(i32::MIN),
        1,
        13,
        129,
        130,
        668,
        1194,
        1195,
        1300,
        99999,
        i64::from(i32::MAX),
    ];
    let txt: Vec<Value> = texts
        .iter()
        .flat_map(|t| [json!([t, false]), json!([t, true])])
        .collect();
    let input = json!({"txt": txt, "nid": nids});
    let py: Value = serde_json::from_str(&run_python(PY, &[&input.to_string()])).unwrap();

    let same = super::support::same_openssl_as_cpython();
    let check = |what: &str, a: Value, b: &Value| {
        // Another OpenSSL may know other objects: compare exactly when the
        // libraries are the same, else only the error texts for inputs
        // that fail on both.
        if same || (a.is_object() && b.is_object()) {
            assert_eq!(&a, b, "{what}");
        }
    };
    let mut i = 0;
    for t in &texts {
        for name in [false, true] {
            check(
                &format!("txt2obj({t:?}, {name})"),
                ours(pyssl::txt2obj(t, name)),
                &py["txt"][i],
            );
            i += 1;
        }
        check(
            &format!("fromname({t:?})"),
            ours(pyssl::Asn1Object::from_name(t)),
            &py["fromname"][i - 2],
        );
    }
    for (i, n) in nids.iter().enumerate() {
        let n = i32::try_from(*n).unwrap();
        check(
            &format!("nid2obj({n})"),
            ours(pyssl::nid2obj(n)),
            &py["nid"][i],
        );
        check(
            &format!("fromnid({n})"),
            ours(pyssl::Asn1Object::from_nid(n)),
            &py["nid"][i],
        );
    }
    for (i, p) in [pyssl::Purpose::ServerAuth, pyssl::Purpose::ClientAuth]
        .into_iter()
        .enumerate()
    {
        assert_eq!(
            json!([p.nid(), p.shortname(), p.longname(), p.oid()]),
            py["purpose"][i]
        );
        assert_eq!(ours(pyssl::txt2obj(p.oid(), false)), py["purpose"][i]);
        assert_eq!(ours(Ok(p.asn1_object())), py["purpose"][i]);
    }
}
