//! Shared pieces of the pyssl fuzz targets: the input formats, the fixed TLS
//! contexts of the handshake targets and the handshake driver. The seed
//! generator (`examples/gen_seeds.rs`) uses the same contexts, so that the
//! flights it records chain to the trust anchors the targets load.

use pyssl::{CertChainOptions, VerifyLocationsOptions};
use std::sync::OnceLock;

use pyssl::testing::TempDir;
use pyssl::{
    AlertDescription, CaData, GeneralName, MemoryBio, Options, PeerCert, Protocol, SslContext,
    SslObject, TlsVersion, VerifyMode,
};

/// The conformance fixtures (valid until 2049): the root CA, the
/// `localhost` leaf (ECDSA, with its intermediate), an RSA leaf for the
/// SNI-switched context and a client certificate.
pub mod fixtures {
    /// Root CA, PEM.
    pub const CA_PEM: &str = include_str!("../../tests/conformance/certs/ca.pem");
    /// `localhost` leaf and intermediate, PEM.
    pub const LEAF_PEM: &str = include_str!("../../tests/conformance/certs/leaf.pem");
    /// Its key.
    pub const LEAF_KEY: &str = include_str!("../../tests/conformance/certs/leaf.key");
    /// RSA `localhost` leaf and intermediate, PEM.
    pub const LEAF_RSA_PEM: &str = include_str!("../../tests/conformance/certs/leaf-rsa.pem");
    /// Its key.
    pub const LEAF_RSA_KEY: &str = include_str!("../../tests/conformance/certs/leaf-rsa.key");
    /// Client certificate and intermediate, PEM.
    pub const CLIENT_PEM: &str = include_str!("../../tests/conformance/certs/client.pem");
    /// Its key.
    pub const CLIENT_KEY: &str = include_str!("../../tests/conformance/certs/client.key");
}

/// The hostname the client targets connect to (a SAN of the leaf).
pub const HOSTNAME: &str = "localhost";
/// A ClientHello SNI for which the server's callback switches to the RSA
/// context.
pub const SNI_SWITCH: &str = "switch.example";
/// A ClientHello SNI for which the server's callback aborts the handshake
/// with `unrecognized_name`.
pub const SNI_REJECT: &str = "reject.example";

/// The number of context variants of each side: 0 allows TLS 1.3 (the
/// default), 1 caps the version at TLS 1.2 (whose certificates travel in
/// clear, so fuzzed bytes reach certificate verification).
pub const VARIANTS: usize = 2;

fn load_chain(ctx: &SslContext, cert: &str, key: &str) {
    let dir = TempDir::new("pyssl-fuzz").expect("temp dir");
    let c = dir.write("cert.pem", cert).expect("write cert");
    let k = dir.write("cert.key", key).expect("write key");
    ctx.load_cert_chain(&c, CertChainOptions::new().keyfile(&k))
        .expect("load_cert_chain");
}

fn cap(ctx: &SslContext, variant: usize) {
    if variant == 1 {
        ctx.set_maximum_version(TlsVersion::TlsV1_2)
            .expect("maximum_version");
    }
}

/// A new client context of a variant (what [`client_context`] holds).
pub fn build_client(variant: usize) -> SslContext {
    let ctx = SslContext::new(Protocol::TlsClient).expect("client context");
    ctx.load_verify_locations(VerifyLocationsOptions::new().cadata(CaData::Pem(fixtures::CA_PEM)))
        .expect("cadata");
    load_chain(&ctx, fixtures::CLIENT_PEM, fixtures::CLIENT_KEY);
    ctx.set_alpn_protocols(&["h2", "http/1.1"]).expect("alpn");
    ctx.set_post_handshake_auth(true).expect("pha");
    // Without middlebox compatibility the TLS 1.3 ClientHello carries an
    // empty session id, so a recorded ServerHello (which echoes it) is
    // still acceptable to a new client with a different random.
    ctx.set_options(ctx.options() - Options::ENABLE_MIDDLEBOX_COMPAT)
        .expect("options");
    cap(&ctx, variant);
    ctx
}

/// A new server context of a variant (what [`server_context`] holds).
pub fn build_server(variant: usize) -> SslContext {
    let ctx = SslContext::new(Protocol::TlsServer).expect("server context");
    load_chain(&ctx, fixtures::LEAF_PEM, fixtures::LEAF_KEY);
    ctx.load_verify_locations(VerifyLocationsOptions::new().cadata(CaData::Pem(fixtures::CA_PEM)))
        .expect("cadata");
    ctx.set_verify_mode(VerifyMode::Optional)
        .expect("verify_mode");
    ctx.set_alpn_protocols(&["http/1.1"]).expect("alpn");
    cap(&ctx, variant);
    let alt = SslContext::new(Protocol::TlsServer).expect("alt context");
    load_chain(&alt, fixtures::LEAF_RSA_PEM, fixtures::LEAF_RSA_KEY);
    // The switched-to context's store verifies client certificates.
    alt.load_verify_locations(VerifyLocationsOptions::new().cadata(CaData::Pem(fixtures::CA_PEM)))
        .expect("cadata");
    cap(&alt, variant);
    ctx.set_sni_callback(Some(move |req: &mut pyssl::SniRequest<'_, '_>| {
        match req.server_name() {
            Some(SNI_SWITCH) => {
                req.set_context(&alt);
                Ok(())
            }
            Some(SNI_REJECT) => Err(AlertDescription(112)),
            _ => Ok(()),
        }
    }))
    .expect("sni callback");
    ctx
}

/// The client context of a variant (built once per process).
pub fn client_context(variant: usize) -> &'static SslContext {
    static CTX: OnceLock<Vec<SslContext>> = OnceLock::new();
    &CTX.get_or_init(|| (0..VARIANTS).map(build_client).collect())[variant % VARIANTS]
}

/// The server context of a variant (built once per process).
pub fn server_context(variant: usize) -> &'static SslContext {
    static CTX: OnceLock<Vec<SslContext>> = OnceLock::new();
    &CTX.get_or_init(|| (0..VARIANTS).map(build_server).collect())[variant % VARIANTS]
}

/// Handshake input: the first byte picks the context variant (low bit),
/// the rest is a sequence of chunks, each a big-endian `u16` length and
/// that many bytes (the last one may be short); each chunk is what the
/// peer sends at one turn.
pub fn split_handshake_input(data: &[u8]) -> (usize, Chunks<'_>) {
    match data.split_first() {
        Some((&v, rest)) => (usize::from(v & 1), Chunks(rest)),
        None => (0, Chunks(&[])),
    }
}

/// The inverse of [`split_handshake_input`], for the seed generator.
pub fn join_handshake_input(variant: usize, chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![variant as u8];
    for c in chunks {
        for part in c.chunks(usize::from(u16::MAX)) {
            out.extend_from_slice(&(part.len() as u16).to_be_bytes());
            out.extend_from_slice(part);
        }
    }
    out
}

/// Iterator over length-prefixed chunks.
pub struct Chunks<'a>(&'a [u8]);

impl<'a> Iterator for Chunks<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        if self.0.len() < 2 {
            let c = self.0;
            self.0 = &[];
            return Some(c);
        }
        let n = usize::from(u16::from_be_bytes([self.0[0], self.0[1]]));
        let rest = &self.0[2..];
        let n = n.min(rest.len());
        let (c, rest) = rest.split_at(n);
        self.0 = rest;
        Some(c)
    }
}

fn step(obj: &mut SslObject) {
    if obj.do_handshake().is_ok() {
        let _ = obj.write(b"ping");
        let _ = obj.recv(16 * 1024);
    }
}

/// Drives `obj` (fresh from `wrap_bio`) with the peer's chunks: a
/// handshake step after each, the outgoing buffer drained every time, then
/// EOF, every getter, and `unwrap()`. Errors are expected; only panics
/// (and sanitizer reports) are findings.
pub fn drive(obj: &mut SslObject, incoming: &MemoryBio, outgoing: &MemoryBio, chunks: Chunks<'_>) {
    let _ = obj.do_handshake();
    let _ = outgoing.read(None);
    for chunk in chunks {
        if incoming.write(chunk).is_err() {
            break;
        }
        step(obj);
        let _ = outgoing.read(None);
    }
    incoming.write_eof();
    step(obj);
    let _ = outgoing.read(None);
    let _ = obj.getpeercert();
    let _ = obj.getpeercert_der();
    let _ = obj.get_verified_chain();
    let _ = obj.get_unverified_chain();
    let _ = obj.cipher();
    let _ = obj.shared_ciphers();
    let _ = obj.version();
    let _ = obj.selected_alpn_protocol();
    let _ = obj.compression();
    let _ = obj.get_channel_binding("tls-unique");
    let _ = obj.pending();
    let _ = obj.session_reused();
    let _ = obj.session();
    let _ = obj.unwrap();
    let _ = outgoing.read(None);
}

/// The legacy `match_hostname` input, as UTF-8 text: the first line is the
/// hostname; each later line `KEY:VALUE` adds an entry to the certificate
/// dict. `CN`, `O` and `OU` add subject attributes (`commonName`, ...),
/// each in its own RDN; `CN+` adds `commonName` to the previous RDN
/// (multi-valued); any other key (`DNS`, `IP Address`, `IP`, `email`,
/// `URI`, ...) adds a subjectAltName entry (`IP` stands for `IP Address`).
/// A line `SAN` alone makes an empty subjectAltName, `SUBJECT` alone an
/// empty subject. No entries at all is the empty dict.
pub fn parse_match_hostname_input(text: &str) -> (PeerCert, &str) {
    let mut lines = text.split('\n');
    let hostname = lines.next().unwrap_or("");
    let mut cert = PeerCert::default();
    for line in lines {
        match line.split_once(':') {
            None if line == "SAN" => {
                cert.subject_alt_name.get_or_insert_with(Vec::new);
            }
            None if line == "SUBJECT" => {
                cert.subject.get_or_insert_with(Vec::new);
            }
            None => {}
            Some((key, value)) => {
                let attr = match key {
                    "CN" | "CN+" => Some("commonName"),
                    "O" => Some("organizationName"),
                    "OU" => Some("organizationalUnitName"),
                    _ => None,
                };
                match attr {
                    Some(name) => {
                        let subject = cert.subject.get_or_insert_with(Vec::new);
                        let pair = (name.to_string(), pyssl::NameValue::from(value));
                        match subject.last_mut() {
                            Some(rdn) if key == "CN+" => rdn.push(pair),
                            _ => subject.push(vec![pair]),
                        }
                    }
                    None => {
                        let key = if key == "IP" { "IP Address" } else { key };
                        cert.subject_alt_name
                            .get_or_insert_with(Vec::new)
                            .push(GeneralName::from_pair(key, value));
                    }
                }
            }
        }
    }
    (cert, hostname)
}
