//! The main job: a loopback demonstration with certificates generated on
//! the spot. A verified connection (getpeercert in Python's repr, version,
//! cipher), then a hostname mismatch, an expired certificate and an unknown
//! CA, each with the exact error CPython 3.13 raises.
//!
//! ```text
//! cargo run --release --features testing --example demo
//! ```

use std::net::{TcpListener, TcpStream};
use std::thread;

use pyssl::testing::{CertificateAuthority, LeafSpec, TempDir};
use pyssl::{Protocol, SslContext, WrapOptions};

fn serve(ctx: SslContext) -> pyssl::Result<(u16, thread::JoinHandle<()>)> {
    let l = TcpListener::bind(("127.0.0.1", 0))?;
    let port = l.local_addr()?.port();
    let h = thread::spawn(move || {
        if let Ok((s, _)) = l.accept() {
            if let Ok(mut t) = ctx.wrap_socket(s, WrapOptions::server()) {
                if let Ok(d) = t.recv(1024) {
                    let _ = t.sendall(&d);
                }
                let _ = t.unwrap();
            }
        }
    });
    Ok((port, h))
}

fn server_ctx(dir: &TempDir, leaf: &pyssl::testing::Leaf, name: &str) -> pyssl::Result<SslContext> {
    let (cert, key) = leaf.write_to(dir.path(), name)?;
    let ctx = SslContext::new(Protocol::TlsServer)?;
    ctx.load_cert_chain(&cert, Some(&key), None)?;
    Ok(ctx)
}

fn main() -> pyssl::Result<()> {
    let dir = TempDir::new("pyssl-demo")?;
    let root = CertificateAuthority::new("pyssl demo root CA")?;
    let inter = root.intermediate("pyssl demo intermediate")?;
    let ca = dir.write("ca.pem", root.cert_pem())?;
    let good = inter.issue(&LeafSpec::server("localhost").ip("127.0.0.1".parse().unwrap()))?;
    let expired = inter.issue(&LeafSpec::server("localhost").validity(-30, -1))?;
    let rogue = CertificateAuthority::new("unknown CA")?.issue(&LeafSpec::server("localhost"))?;

    let client = pyssl::create_default_context(pyssl::Purpose::ServerAuth, Some(&ca), None, None)?;
    println!("pyssl on {}", pyssl::openssl_version());
    println!();

    println!("1. verified connection to localhost");
    let (port, h) = serve(server_ctx(&dir, &good, "good")?)?;
    let mut tls = client.wrap_socket(
        TcpStream::connect(("127.0.0.1", port))?,
        WrapOptions::client("localhost"),
    )?;
    println!("   version(): {:?}", tls.version().unwrap_or_default());
    if let Some(c) = tls.cipher() {
        println!(
            "   cipher():  ({:?}, {:?}, {})",
            c.name, c.protocol, c.secret_bits
        );
    }
    if let Some(cert) = tls.getpeercert()? {
        println!("   getpeercert(): {}", cert.python_repr());
    }
    tls.sendall(b"ping")?;
    println!("   echo: {:?}", String::from_utf8_lossy(&tls.recv(4)?));
    drop(tls);
    let _ = h.join();

    let cases = [
        ("2. hostname mismatch", &good, "good2", "wrong.example.org"),
        ("3. expired certificate", &expired, "expired", "localhost"),
        ("4. unknown CA", &rogue, "rogue", "localhost"),
    ];
    for (title, leaf, name, host) in cases {
        println!();
        println!("{title}: server_hostname={host:?}");
        let (port, h) = serve(server_ctx(&dir, leaf, name)?)?;
        match client.wrap_socket(
            TcpStream::connect(("127.0.0.1", port))?,
            WrapOptions::client(host),
        ) {
            Ok(_) => println!("   unexpectedly verified"),
            Err(e) => {
                println!("   {}: {e}", e.python_class());
                if let Some(v) = e.cert_verification() {
                    println!(
                        "   verify_code={:?} verify_message={:?} library={:?} reason={:?}",
                        v.verify_code(),
                        v.verify_message(),
                        v.library(),
                        v.reason()
                    );
                }
            }
        }
        let _ = h.join();
    }
    Ok(())
}
