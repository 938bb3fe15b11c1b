fn main() {
    for p in std::env::args().skip(1) {
        let data = std::fs::read(&p).unwrap();
        let ours = pyssl::decode_certificate(&data).map(|_| "ok");
        let ossl = openssl::x509::X509::from_der(&data).map(|_| "ok");
        let r = ossl.as_ref().map_err(|e| e.errors().iter().map(|x| x.reason().unwrap_or("?").to_string()).collect::<Vec<_>>().join(","));
        println!("{}: ours={:?} ossl={:?}", p.rsplit('/').next().unwrap(), ours.map_err(|e| e.to_string()), r);
    }
}
