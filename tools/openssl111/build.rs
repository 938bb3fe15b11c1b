//! Compiles OpenSSL 1.1.1w (openssl-src 111.28.2) once into a stable
//! directory, so that `OPENSSL_DIR` can point at it.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=PYSSL_OPENSSL111_PREFIX");
    let prefix = std::env::var_os("PYSSL_OPENSSL111_PREFIX")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/openssl-1.1.1w")
        });
    let install = prefix.join("install");
    if !install.join("lib/libssl.a").exists() {
        let artifacts = openssl_src::Build::new().out_dir(&prefix).build();
        assert!(artifacts.lib_dir().join("libssl.a").exists());
    }
    println!("cargo:rustc-env=PYSSL_OPENSSL111_INSTALL={}", install.display());
}
