//! Build-time and run-time constants against what Python reports on the
//! same machine.

use serde_json::Value;

use super::support::require_cpython;

#[test]
fn constants_equal_python() {
    require_cpython!();
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
    let same = super::support::same_openssl_as_cpython();
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
    // The feature flags are the same on every supported version (see
    // vendor-notes): compare them with Python's even when Python's OpenSSL
    // differs from ours.
    for (name, v) in ours {
        assert_eq!(d[name], Value::Bool(v), "{name}");
    }
    let (a, b, c, e, f) = pyssl::openssl_version_info();
    if same {
        assert_eq!(d["OPENSSL_VERSION"], pyssl::openssl_version());
        assert_eq!(d["OPENSSL_VERSION_NUMBER"], pyssl::openssl_version_number());
        assert_eq!(
            d["OPENSSL_VERSION_INFO"],
            serde_json::json!([a, b, c, e, f])
        );
    } else if !super::support::ossl3() {
        // The 1.1.1w build of tools/openssl111.
        assert_eq!(pyssl::openssl_version(), "OpenSSL 1.1.1w  11 Sep 2023");
        assert_eq!(pyssl::openssl_version_number(), 0x1010_117f);
        assert_eq!((a, b, c, e, f), (1, 1, 1, 23, 15));
    } else {
        assert!(pyssl::openssl_version().starts_with("OpenSSL 3."));
        assert_eq!((a, c, f), (3, 0, 0));
    }
}

#[test]
fn default_verify_paths_equal_python() {
    require_cpython!();
    let py = super::support::run_python(
        "import json, ssl; print(json.dumps(list(ssl.get_default_verify_paths())))",
        &[],
    );
    let d: Value = serde_json::from_str(&py).unwrap();
    let p = pyssl::get_default_verify_paths();
    if !super::support::same_openssl_as_cpython() {
        // Another OpenSSL build has its own compiled-in directory.
        assert_eq!(p.openssl_cafile_env, "SSL_CERT_FILE");
        assert_eq!(p.openssl_capath_env, "SSL_CERT_DIR");
        assert!(p.openssl_cafile.ends_with("/cert.pem"), "{p:?}");
        assert!(p.openssl_capath.ends_with("/certs"), "{p:?}");
        assert_eq!(d[0], serde_json::json!(p.cafile));
        assert_eq!(d[1], serde_json::json!(p.capath));
        return;
    }
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

/// `TlsVersion` sorts as Python's `TLSVersion` (by value), and every
/// pairwise comparison agrees with Python's.
#[test]
fn tls_version_order_is_pythons() {
    require_cpython!();
    use pyssl::TlsVersion;
    let py = super::support::run_python(
        "import json, ssl\n\
         print(json.dumps([[a.name, b.name, a < b] for a in ssl.TLSVersion for b in ssl.TLSVersion]))",
        &[],
    );
    let pairs: Vec<(String, String, bool)> = serde_json::from_str(&py).unwrap();
    assert_eq!(pairs.len(), 49);
    for (a, b, less) in pairs {
        let (x, y) = (
            TlsVersion::from_name(&a).unwrap(),
            TlsVersion::from_name(&b).unwrap(),
        );
        assert_eq!(x < y, less, "{a} < {b}");
    }
    assert!(TlsVersion::MaximumSupported < TlsVersion::TlsV1_2);
}
