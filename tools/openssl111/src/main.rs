//! Prints where build.rs installed OpenSSL 1.1.1w.
fn main() {
    println!("{}", env!("PYSSL_OPENSSL111_INSTALL"));
}
