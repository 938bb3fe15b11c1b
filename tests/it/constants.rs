//! Build-time and run-time constants against what Python reports on the
//! same machine.

use serde_json::Value;

#[test]
fn constants_equal_python() {
    let py = super::support::run_python(
        "import json, ssl\n\
         names = ['HAS_SNI','HAS_ALPN','HAS_ECDH','HAS_NPN','HAS_NEVER_CHECK_COMMON_NAME',\
         'HAS_SSLv2','HAS_SSLv3','HAS_TLSv1','HAS_TLSv1_1','HAS_TLSv1_2','HAS_TLSv1_3']\n\
         d = {n: getattr(ssl, n) for n in names}\n\
         d['OPENSSL_VERSION'] = ssl.OPENSSL_VERSION\n\
         d['OPENSSL_VERSION_INFO'] = list(ssl.OPENSSL_VERSION_INFO)\n\
         d['OPENSSL_VERSION_NUMBER'] = ssl.OPENSSL_VERSION_NUMBER\n\
         d['HAS_PHA'] = getattr(ssl, 'HAS_PHA', ssl.HAS_TLSv1_3)\n\
         print(json.dumps(d))",
        &[],
    );
    let d: Value = serde_json::from_str(&py).unwrap();
    let ours = [
        ("HAS_SNI", pyssl::HAS_SNI),
        ("HAS_ALPN", pyssl::HAS_ALPN),
        ("HAS_ECDH", pyssl::HAS_ECDH),
        ("HAS_NPN", pyssl::HAS_NPN),
        (
            "HAS_NEVER_CHECK_COMMON_NAME",
            pyssl::HAS_NEVER_CHECK_COMMON_NAME,
        ),
        ("HAS_SSLv2", pyssl::HAS_SSLV2),
        ("HAS_SSLv3", pyssl::HAS_SSLV3),
        ("HAS_TLSv1", pyssl::HAS_TLSV1),
        ("HAS_TLSv1_1", pyssl::HAS_TLSV1_1),
        ("HAS_TLSv1_2", pyssl::HAS_TLSV1_2),
        ("HAS_TLSv1_3", pyssl::HAS_TLSV1_3),
        ("HAS_PHA", pyssl::HAS_PHA),
    ];
    for (name, v) in ours {
        assert_eq!(d[name], Value::Bool(v), "{name}");
    }
    assert_eq!(d["OPENSSL_VERSION"], pyssl::openssl_version());
    assert_eq!(d["OPENSSL_VERSION_NUMBER"], pyssl::openssl_version_number());
    let (a, b, c, e, f) = pyssl::openssl_version_info();
    assert_eq!(
        d["OPENSSL_VERSION_INFO"],
        serde_json::json!([a, b, c, e, f])
    );
}

#[test]
fn default_verify_paths_equal_python() {
    let py = super::support::run_python(
        "import json, ssl; print(json.dumps(list(ssl.get_default_verify_paths())))",
        &[],
    );
    let d: Value = serde_json::from_str(&py).unwrap();
    let p = pyssl::get_default_verify_paths();
    assert_eq!(
        d,
        serde_json::json!([
            p.cafile,
            p.capath,
            p.openssl_cafile_env,
            p.openssl_cafile,
            p.openssl_capath_env,
            p.openssl_capath
        ])
    );
}
