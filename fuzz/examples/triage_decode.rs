//! Triage for `decode_vs_openssl` findings: for each file, pyssl's decode
//! of the input, OpenSSL's verdict (`d2i_X509`, with its error reasons),
//! and pyssl's decode of OpenSSL's re-encoding (`i2d_X509`, what
//! `getpeercert()` and `_ssl._test_decode_cert` see), in Python's repr.
//! Compare the last line with CPython's
//! `_ssl._test_decode_cert` on `DER_cert_to_PEM_cert(input)`.
fn show(r: &pyssl::Result<pyssl::PeerCert>) -> String {
    match r {
        Ok(c) => c.python_repr(),
        Err(e) => format!("{}: {}", e.python_class(), e),
    }
}

fn main() {
    for p in std::env::args().skip(1) {
        let data = std::fs::read(&p).unwrap();
        println!("{}", p.rsplit('/').next().unwrap());
        println!("  pyssl(input): {}", show(&pyssl::decode_certificate(&data)));
        match openssl::x509::X509::from_der(&data) {
            Err(e) => {
                let r: Vec<String> = e
                    .errors()
                    .iter()
                    .map(|x| x.reason().unwrap_or("?").to_string())
                    .collect();
                println!("  openssl: rejects ({})", r.join(","));
            }
            Ok(x) => {
                let der = x.to_der().expect("i2d_X509");
                println!("  openssl: accepts (re-encoding same bytes: {})", der == data);
                println!("  pyssl(i2d):   {}", show(&pyssl::decode_certificate(&der)));
            }
        }
    }
}
