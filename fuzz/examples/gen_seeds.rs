//! Writes the seed corpora under `fuzz/seeds/<target>/`:
//!
//! * certificates: PEM and DER of fixtures from `tests/conformance/certs`;
//! * text targets: hand-picked certificate times, hostnames and
//!   `match_hostname` cases;
//! * handshake targets: real flights recorded from in-memory handshakes
//!   between the targets' own client and server contexts (so that the
//!   certificates chain to the CA the targets trust): the server's turns
//!   for `handshake_client`, the client's turns for `handshake_server`.
//!
//! Run from `fuzz/`: `cargo run --example gen_seeds` (plain build, no
//! sanitizer). The handshake seeds hold fresh randoms and keys on every
//! run; the others are the same every time.

use pyssl::WrapOptions;
use std::path::{Path, PathBuf};

use pyssl::{MemoryBio, SslContext, SslErrorKind};
use pyssl_fuzz::{build_client, build_server, join_handshake_input, HOSTNAME};

const CERTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/certs");

fn seeds_dir(target: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    std::fs::create_dir_all(&d).expect("create seeds dir");
    d
}

fn put(target: &str, name: &str, data: impl AsRef<[u8]>) {
    std::fs::write(seeds_dir(target).join(name), data).expect("write seed");
}

/// The PEM blocks of a file, each with its header and footer.
fn pem_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(pyssl::PEM_HEADER) {
        let Some(end) = rest[start..].find(pyssl::PEM_FOOTER) else {
            break;
        };
        let stop = start + end + pyssl::PEM_FOOTER.len();
        out.push(format!("{}\n", &rest[start..stop]));
        rest = &rest[stop..];
    }
    out
}

fn cert_seeds() {
    // A self-signed root, an intermediate, leaves with many SAN kinds, an
    // IDN leaf, an expired one, a client certificate.
    for name in [
        "ca",
        "inter",
        "leaf",
        "leaf-allsans",
        "leaf-idn",
        "leaf-expired",
        "leaf-cn-only",
        "client",
    ] {
        let text = std::fs::read_to_string(format!("{CERTS}/{name}.pem")).expect("fixture");
        let first = &pem_blocks(&text)[0];
        let der = pyssl::pem_cert_to_der_cert(first).expect("fixture PEM");
        put("decode_der", &format!("{name}.der"), &der);
        if ["ca", "leaf-allsans", "leaf-idn", "client"].contains(&name) {
            put("pem_to_der", &format!("{name}.pem"), first);
        }
    }
    // A chain file (two blocks) and a DER input for the DER->PEM half.
    let chain = std::fs::read_to_string(format!("{CERTS}/leaf.pem")).expect("fixture");
    put("pem_to_der", "leaf-chain.pem", &chain);
    put(
        "pem_to_der",
        "bad-padding.pem",
        "-----BEGIN CERTIFICATE-----\nMIIB=\n-----END CERTIFICATE-----\n",
    );
    put(
        "pem_to_der",
        "empty-body.pem",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
    );
    let ca = std::fs::read_to_string(format!("{CERTS}/ca.pem")).expect("fixture");
    put(
        "pem_to_der",
        "ca.der",
        pyssl::pem_cert_to_der_cert(&ca).expect("fixture PEM"),
    );
}

fn text_seeds() {
    let times = [
        ("python-doc", "Jan  5 09:34:43 2018 GMT"),
        ("single-digit-day", "Jan 5 09:34:43 2018 GMT"),
        ("fixture-end", "Dec 31 23:59:59 2049 GMT"),
        ("leap-day", "Feb 29 12:00:00 2020 GMT"),
        ("leap-second", "Jun 30 23:59:60 2015 GMT"),
        ("epoch", "Jan  1 00:00:00 1970 GMT"),
        ("lowercase-month", "jan  5 09:34:43 2018 GMT"),
        ("utc-suffix", "Jan  5 09:34:43 2018 UTC"),
        ("year-10000", "Jan  5 09:34:43 10000 GMT"),
        ("no-zone", "May  9 00:00:00 2007"),
    ];
    for (name, t) in times {
        put("cert_time", name, t);
    }

    let hostnames = [
        ("localhost", "localhost"),
        ("mixed-case", "www.Example.COM"),
        ("trailing-dot", "example.org."),
        ("idna-sharp-s", "straße.de"),
        ("idna-alabel", "xn--strae-oqa.de"),
        ("idna-umlaut", "Bücher.example"),
        ("idna-japanese", "例え.テスト"),
        ("nameprep-ligature", "ﬀ.example"),
        ("emoji-alabel", "xn--ls8h.la"),
        ("ipv4", "127.0.0.1"),
        ("ipv4-zeros", "127.000.000.001"),
        ("ipv6", "::1"),
        ("ipv6-brackets", "[::1]"),
        ("ipv6-full", "2001:db8:0:0:0:0:0:1"),
        ("leading-dot", ".example.org"),
        ("empty-label", "a..b"),
        ("nul", "a\0b"),
        ("long-label", &"a".repeat(64)),
        ("empty", ""),
    ];
    for (name, h) in hostnames {
        put("server_hostname", name, h);
    }

    let matches = [
        ("dns-exact", "localhost\nDNS:localhost"),
        ("dns-wildcard", "foo.example.com\nDNS:*.example.com"),
        ("dns-partial-wildcard", "foo.com\nDNS:f*.com"),
        (
            "dns-idn-wildcard",
            "www.xn--knig-5qa.de\nDNS:*.xn--knig-5qa.de",
        ),
        (
            "dns-alabel-wildcard",
            "xn--abc.example.com\nDNS:xn--*.example.com",
        ),
        ("dns-unicode-host", "straße.de\nDNS:xn--strae-oqa.de"),
        (
            "dns-mismatch-many",
            "evil.com\nDNS:a.com\nDNS:b.com\nIP:10.0.0.1",
        ),
        ("ipv4", "127.0.0.1\nIP:127.0.0.1"),
        ("ipv4-aton-short", "127.1\nIP:127.0.0.1 "),
        ("ipv6", "::1\nIP:0:0:0:0:0:0:0:1\n"),
        (
            "ipv6-mapped",
            "::ffff:1.2.3.4\nIP Address:0:0:0:0:0:FFFF:102:304",
        ),
        ("cn-only", "example.org\nO:Org\nCN:example.org"),
        ("cn-multivalued", "a.b.example\nCN:*.b.example\nCN+:other"),
        (
            "cn-ignored-with-san",
            "example.org\nCN:example.org\nDNS:other.org",
        ),
        ("empty-san", "nothing\nSAN"),
        ("empty-subject", "x\nSUBJECT"),
        ("empty-dict", "host"),
        (
            "other-san-kinds",
            "host\nemail:user@host\nURI:https://host/\nRegistered ID:1.2.3",
        ),
    ];
    for (name, m) in matches {
        put("match_hostname", name, m);
    }
}

fn want_read(e: &pyssl::Error) -> bool {
    e.ssl_kind() == Some(SslErrorKind::WantRead)
}

/// One in-memory connection: every client→server and server→client turn
/// (non-empty transfers), application data both ways once the handshake
/// is done, then close_notify both ways.
fn record(client: &SslContext, server: &SslContext, host: &str) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let b = || MemoryBio::new().expect("bio");
    let (ci, co, si, so) = (b(), b(), b(), b());
    let mut c = client.wrap_bio(&ci, &co, WrapOptions::client(host)).expect("wrap");
    let mut s = server.wrap_bio(&si, &so, WrapOptions::server()).expect("wrap");
    let (mut c2s, mut s2c) = (Vec::new(), Vec::new());
    let (mut c_done, mut s_done, mut c_dead, mut s_dead) = (false, false, false, false);
    let (mut c_sent, mut s_sent) = (false, false);
    for _ in 0..20 {
        if !c_dead {
            match c.do_handshake() {
                Ok(()) => {
                    c_done = true;
                    if !c_sent {
                        c.write(b"ping").expect("client write");
                        c_sent = true;
                    }
                    let _ = c.recv(1024);
                }
                Err(e) if want_read(&e) => {}
                Err(e) => {
                    eprintln!("  client: {} {e}", e.python_class());
                    c_dead = true;
                }
            }
        }
        let d = co.read(None).expect("read");
        let moved_c = !d.is_empty();
        if moved_c {
            si.write(&d).expect("write");
            c2s.push(d);
        }
        if !s_dead {
            match s.do_handshake() {
                Ok(()) => {
                    s_done = true;
                    let _ = s.recv(1024);
                    if !s_sent {
                        s.write(b"pong").expect("server write");
                        s_sent = true;
                    }
                }
                Err(e) if want_read(&e) => {}
                Err(e) => {
                    eprintln!("  server: {} {e}", e.python_class());
                    s_dead = true;
                }
            }
        }
        let d = so.read(None).expect("read");
        let moved_s = !d.is_empty();
        if moved_s {
            ci.write(&d).expect("write");
            s2c.push(d);
        }
        if !moved_c && !moved_s && (c_done || c_dead) && (s_done || s_dead) {
            break;
        }
    }
    if c_done && s_done {
        let _ = c.unwrap();
        let d = co.read(None).expect("read");
        if !d.is_empty() {
            c2s.push(d);
        }
        let _ = s.unwrap();
        let d = so.read(None).expect("read");
        if !d.is_empty() {
            s2c.push(d);
        }
    }
    eprintln!(
        "  handshake done: client {c_done}, server {s_done}; {} client turns, {} server turns",
        c2s.len(),
        s2c.len()
    );
    (c2s, s2c)
}

/// The seeds of both handshake targets from one recorded connection: the
/// client target gets the server's flights, the server target the client's.
fn put_flights(name: &str, variant: usize, c2s: &[Vec<u8>], s2c: &[Vec<u8>]) {
    put("handshake_client", name, join_handshake_input(variant, s2c));
    put("handshake_server", name, join_handshake_input(variant, c2s));
}

fn handshake_seeds() {
    // Full TLS 1.3 (variant 0) and TLS 1.2 (variant 1) connections with
    // client certificates, ALPN, tickets and application data.
    for (variant, name) in [(0, "tls13-full"), (1, "tls12-full")] {
        eprintln!("{name}:");
        let (c2s, s2c) = record(&build_client(variant), &build_server(variant), HOSTNAME);
        put_flights(name, variant, &c2s, &s2c);
    }
    // A HelloRetryRequest: the server only accepts secp384r1.
    eprintln!("tls13-hrr:");
    let srv = build_server(0);
    srv.set_ecdh_curve("secp384r1").expect("curve");
    let (c2s, s2c) = record(&build_client(0), &srv, HOSTNAME);
    put_flights("tls13-hrr", 0, &c2s, &s2c);
    // SNI the server's callback switches on (RSA certificate) or rejects;
    // the client does not check that name.
    for (variant, host, name) in [
        (1, pyssl_fuzz::SNI_SWITCH, "tls12-sni-switch"),
        (0, pyssl_fuzz::SNI_SWITCH, "tls13-sni-switch"),
        (0, pyssl_fuzz::SNI_REJECT, "tls13-sni-reject"),
    ] {
        eprintln!("{name}:");
        let cli = build_client(variant);
        cli.set_check_hostname(false).expect("check_hostname");
        let (c2s, s2c) = record(&cli, &build_server(variant), host);
        put_flights(name, variant, &c2s, &s2c);
    }
    // A client with an IP literal for a name (no SNI).
    eprintln!("tls13-ip:");
    let (c2s, s2c) = record(&build_client(0), &build_server(0), "127.0.0.1");
    put_flights("tls13-ip", 0, &c2s, &s2c);
}

fn main() {
    cert_seeds();
    text_seeds();
    handshake_seeds();
    for t in [
        "pem_to_der",
        "decode_der",
        "cert_time",
        "match_hostname",
        "server_hostname",
        "handshake_client",
        "handshake_server",
    ] {
        let n = std::fs::read_dir(seeds_dir(t))
            .map(|d| d.count())
            .unwrap_or(0);
        println!("{t}: {n} seeds");
    }
}
