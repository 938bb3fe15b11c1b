//! Where pyssl's module helpers honour `SSLKEYLOGFILE`, for
//! `tests/it/helpers.rs`, which runs this with the variable set, empty and
//! unset, and CPython 3.13 with the same script in Python: prints, as
//! JSON, the `keylog_filename` of the contexts `create_default_context`
//! (both purposes), `_create_unverified_context` and a plain
//! `SSLContext` get (`"env"` when it is the variable's value), and the
//! labels `get_server_certificate` logged for a connection to
//! `127.0.0.1:PORT`.
//!
//! `cargo run --example sslkeylogfile -- PORT`

use pyssl::{
    create_default_context, create_unverified_context, get_server_certificate,
    DefaultContextOptions, Protocol, Purpose, ServerCertificateOptions, SslContext,
    UnverifiedContextOptions,
};

fn main() -> pyssl::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("usage: sslkeylogfile PORT");
    let env = std::env::var_os("SSLKEYLOGFILE");
    let show = |ctx: &SslContext| match ctx.keylog_filename() {
        None => "null".to_string(),
        Some(p) if Some(p.as_os_str()) == env.as_deref() => "\"env\"".to_string(),
        Some(p) => format!("{:?}", p.display().to_string()),
    };
    let default = create_default_context(DefaultContextOptions::new())?;
    let client_auth =
        create_default_context(DefaultContextOptions::new().purpose(Purpose::ClientAuth))?;
    let unverified = create_unverified_context(UnverifiedContextOptions::new())?;
    let plain = SslContext::new(Protocol::TlsClient)?;
    get_server_certificate(("127.0.0.1", port), ServerCertificateOptions::new())?;
    let mut labels: Vec<String> = match env.as_deref().filter(|e| !e.is_empty()) {
        Some(path) => std::fs::read_to_string(path)?
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split(' ').next().map(str::to_string))
            .collect(),
        None => Vec::new(),
    };
    labels.sort();
    labels.dedup();
    println!(
        "{{\"default\": {}, \"client_auth\": {}, \"unverified\": {}, \"plain\": {}, \"server_certificate\": {:?}}}",
        show(&default),
        show(&client_auth),
        show(&unverified),
        show(&plain),
        labels
    );
    Ok(())
}
