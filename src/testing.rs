//! Test certificates generated at run time (feature `testing`): a CA,
//! intermediates and leaves with DNS / IP SANs and chosen validity windows,
//! written to a temporary directory. Like Python's `trustme`.
//!
//! ```
//! use pyssl::testing::{CertificateAuthority, LeafSpec};
//! # fn main() -> pyssl::Result<()> {
//! let ca = CertificateAuthority::new("Test Root CA")?;
//! let leaf = ca.issue(&LeafSpec::server("localhost").ip("127.0.0.1".parse().unwrap()))?;
//! assert!(leaf.chain_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! # Ok(())
//! # }
//! ```

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

use crate::error::{Error, OsError, Result, SslError};

fn ossl(e: openssl::error::ErrorStack) -> Error {
    Error::Ssl(SslError::plain(format!(
        "certificate generation failed: {e}"
    )))
}

/// The key algorithm of a generated certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeyType {
    /// ECDSA on P-256 (the default).
    #[default]
    EcP256,
    /// RSA with a 2048-bit modulus.
    Rsa2048,
}

fn new_key(kind: KeyType) -> Result<PKey<Private>> {
    match kind {
        KeyType::EcP256 => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(ossl)?;
            PKey::from_ec_key(EcKey::generate(&group).map_err(ossl)?).map_err(ossl)
        }
        KeyType::Rsa2048 => PKey::from_rsa(Rsa::generate(2048).map_err(ossl)?).map_err(ossl),
    }
}

static SERIAL: AtomicU64 = AtomicU64::new(0x1000);

fn builder(
    subject_cn: &str,
    issuer: Option<&X509>,
    key: &PKey<Private>,
    not_before_days: i64,
    not_after_days: i64,
) -> Result<X509Builder> {
    let mut name = X509NameBuilder::new().map_err(ossl)?;
    name.append_entry_by_nid(Nid::ORGANIZATIONNAME, "pyssl tests")
        .map_err(ossl)?;
    name.append_entry_by_nid(Nid::COMMONNAME, subject_cn)
        .map_err(ossl)?;
    let name = name.build();
    let mut b = X509Builder::new().map_err(ossl)?;
    b.set_version(2).map_err(ossl)?;
    let serial = BigNum::from_u32(
        u32::try_from(SERIAL.fetch_add(1, Ordering::Relaxed) % u64::from(u32::MAX)).unwrap_or(1),
    )
    .and_then(|bn| Asn1Integer::from_bn(&bn))
    .map_err(ossl)?;
    b.set_serial_number(&serial).map_err(ossl)?;
    b.set_subject_name(&name).map_err(ossl)?;
    match issuer {
        Some(i) => b.set_issuer_name(i.subject_name()).map_err(ossl)?,
        None => b.set_issuer_name(&name).map_err(ossl)?,
    }
    b.set_pubkey(key).map_err(ossl)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let nb = Asn1Time::from_unix(now + not_before_days * 86_400).map_err(ossl)?;
    let na = Asn1Time::from_unix(now + not_after_days * 86_400).map_err(ossl)?;
    b.set_not_before(&nb).map_err(ossl)?;
    b.set_not_after(&na).map_err(ossl)?;
    Ok(b)
}

/// A certificate authority that issues certificates.
pub struct CertificateAuthority {
    key: PKey<Private>,
    cert: X509,
    parents: Vec<X509>,
}

impl CertificateAuthority {
    /// A new self-signed root CA (ECDSA P-256, valid from a day ago for ten
    /// years).
    pub fn new(common_name: &str) -> Result<CertificateAuthority> {
        let key = new_key(KeyType::EcP256)?;
        let mut b = builder(common_name, None, &key, -1, 3650)?;
        b.append_extension(
            BasicConstraints::new()
                .critical()
                .ca()
                .build()
                .map_err(ossl)?,
        )
        .map_err(ossl)?;
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .digital_signature()
                .build()
                .map_err(ossl)?,
        )
        .map_err(ossl)?;
        let ski = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(None, None))
            .map_err(ossl)?;
        b.append_extension(ski).map_err(ossl)?;
        b.sign(&key, MessageDigest::sha256()).map_err(ossl)?;
        Ok(CertificateAuthority {
            key,
            cert: b.build(),
            parents: Vec::new(),
        })
    }

    /// An intermediate CA signed by this one.
    pub fn intermediate(&self, common_name: &str) -> Result<CertificateAuthority> {
        let key = new_key(KeyType::EcP256)?;
        let mut b = builder(common_name, Some(&self.cert), &key, -1, 3650)?;
        b.append_extension(
            BasicConstraints::new()
                .critical()
                .ca()
                .pathlen(0)
                .build()
                .map_err(ossl)?,
        )
        .map_err(ossl)?;
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .digital_signature()
                .build()
                .map_err(ossl)?,
        )
        .map_err(ossl)?;
        let ctx = b.x509v3_context(Some(&self.cert), None);
        let ski = SubjectKeyIdentifier::new().build(&ctx).map_err(ossl)?;
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&ctx)
            .map_err(ossl)?;
        b.append_extension(ski).map_err(ossl)?;
        b.append_extension(aki).map_err(ossl)?;
        b.sign(&self.key, MessageDigest::sha256()).map_err(ossl)?;
        let mut parents = vec![self.cert.clone()];
        parents.extend(self.parents.iter().cloned());
        Ok(CertificateAuthority {
            key,
            cert: b.build(),
            parents,
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> String {
        pem(&self.cert)
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> Vec<u8> {
        self.cert.to_der().unwrap_or_default()
    }

    /// Issues a leaf certificate.
    pub fn issue(&self, spec: &LeafSpec) -> Result<Leaf> {
        let key = new_key(spec.key_type)?;
        let mut b = builder(
            &spec.common_name,
            Some(&self.cert),
            &key,
            spec.not_before_days,
            spec.not_after_days,
        )?;
        b.append_extension(BasicConstraints::new().build().map_err(ossl)?)
            .map_err(ossl)?;
        b.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .key_encipherment()
                .build()
                .map_err(ossl)?,
        )
        .map_err(ossl)?;
        let mut eku = ExtendedKeyUsage::new();
        if spec.server_auth {
            eku.server_auth();
        }
        if spec.client_auth {
            eku.client_auth();
        }
        b.append_extension(eku.build().map_err(ossl)?)
            .map_err(ossl)?;
        let ctx = b.x509v3_context(Some(&self.cert), None);
        if !spec.dns.is_empty() || !spec.ips.is_empty() {
            let mut san = SubjectAlternativeName::new();
            for d in &spec.dns {
                san.dns(d);
            }
            for ip in &spec.ips {
                san.ip(&ip.to_string());
            }
            let ext = san.build(&ctx).map_err(ossl)?;
            b.append_extension(ext).map_err(ossl)?;
        }
        let ctx = b.x509v3_context(Some(&self.cert), None);
        let ski = SubjectKeyIdentifier::new().build(&ctx).map_err(ossl)?;
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&ctx)
            .map_err(ossl)?;
        b.append_extension(ski).map_err(ossl)?;
        b.append_extension(aki).map_err(ossl)?;
        b.sign(&self.key, MessageDigest::sha256()).map_err(ossl)?;
        let mut chain = vec![b.build()];
        if !self.parents.is_empty() {
            chain.push(self.cert.clone());
            chain.extend(self.parents.iter().take(self.parents.len() - 1).cloned());
        }
        Ok(Leaf { key, chain })
    }
}

/// What a leaf certificate holds.
#[derive(Clone, Debug)]
pub struct LeafSpec {
    common_name: String,
    dns: Vec<String>,
    ips: Vec<IpAddr>,
    not_before_days: i64,
    not_after_days: i64,
    key_type: KeyType,
    server_auth: bool,
    client_auth: bool,
}

impl LeafSpec {
    /// A server certificate for `dns_name` (also its common name), valid
    /// from yesterday for a year.
    pub fn server(dns_name: &str) -> LeafSpec {
        LeafSpec {
            common_name: dns_name.to_string(),
            dns: vec![dns_name.to_string()],
            ips: Vec::new(),
            not_before_days: -1,
            not_after_days: 365,
            key_type: KeyType::EcP256,
            server_auth: true,
            client_auth: false,
        }
    }

    /// A client certificate with the given common name.
    pub fn client(common_name: &str) -> LeafSpec {
        LeafSpec {
            dns: Vec::new(),
            server_auth: false,
            client_auth: true,
            ..LeafSpec::server(common_name)
        }
        .with_common_name(common_name)
    }

    fn with_common_name(mut self, cn: &str) -> LeafSpec {
        self.common_name = cn.to_string();
        self
    }

    /// Adds a DNS subjectAltName.
    pub fn dns(mut self, name: &str) -> LeafSpec {
        self.dns.push(name.to_string());
        self
    }

    /// Adds an IP subjectAltName.
    pub fn ip(mut self, ip: IpAddr) -> LeafSpec {
        self.ips.push(ip);
        self
    }

    /// The validity window, in days relative to now (negative = past):
    /// `validity(-30, -1)` is expired, `validity(1, 30)` not yet valid.
    pub fn validity(mut self, not_before_days: i64, not_after_days: i64) -> LeafSpec {
        self.not_before_days = not_before_days;
        self.not_after_days = not_after_days;
        self
    }

    /// The key algorithm.
    pub fn key_type(mut self, k: KeyType) -> LeafSpec {
        self.key_type = k;
        self
    }
}

/// An issued certificate with its key and the chain up to (excluding) the
/// root.
pub struct Leaf {
    key: PKey<Private>,
    chain: Vec<X509>,
}

fn pem(c: &X509) -> String {
    String::from_utf8(c.to_pem().unwrap_or_default()).unwrap_or_default()
}

impl Leaf {
    /// The leaf and its intermediates, PEM.
    pub fn chain_pem(&self) -> String {
        self.chain.iter().map(pem).collect()
    }

    /// The leaf alone, DER.
    pub fn cert_der(&self) -> Vec<u8> {
        self.chain
            .first()
            .and_then(|c| c.to_der().ok())
            .unwrap_or_default()
    }

    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> String {
        self.key
            .private_key_to_pem_pkcs8()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }

    /// Writes `NAME.pem` (chain) and `NAME.key` into `dir`; returns both
    /// paths.
    pub fn write_to(&self, dir: &Path, name: &str) -> Result<(PathBuf, PathBuf)> {
        let c = dir.join(format!("{name}.pem"));
        let k = dir.join(format!("{name}.key"));
        std::fs::write(&c, self.chain_pem()).map_err(|e| Error::Os(OsError::from_io(e)))?;
        std::fs::write(&k, self.key_pem()).map_err(|e| Error::Os(OsError::from_io(e)))?;
        Ok((c, k))
    }
}

/// A self-signed server certificate (not issued by any CA), for "unknown
/// issuer" tests.
pub fn self_signed(dns_name: &str) -> Result<Leaf> {
    let key = new_key(KeyType::EcP256)?;
    let mut b = builder(dns_name, None, &key, -1, 365)?;
    let ctx = b.x509v3_context(None, None);
    let san = SubjectAlternativeName::new()
        .dns(dns_name)
        .build(&ctx)
        .map_err(ossl)?;
    b.append_extension(san).map_err(ossl)?;
    b.sign(&key, MessageDigest::sha256()).map_err(ossl)?;
    Ok(Leaf {
        key,
        chain: vec![b.build()],
    })
}

/// A temporary directory, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a fresh directory under the system temp dir.
    pub fn new(prefix: &str) -> Result<TempDir> {
        Self::new_in(&std::env::temp_dir(), prefix)
    }

    /// Creates a fresh directory under `base`.
    pub fn new_in(base: &Path, prefix: &str) -> Result<TempDir> {
        static N: AtomicU64 = AtomicU64::new(0);
        let path = base.join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).map_err(|e| Error::Os(OsError::from_io(e)))?;
        Ok(TempDir { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a file into the directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> Result<PathBuf> {
        let p = self.path.join(name);
        std::fs::write(&p, contents).map_err(|e| Error::Os(OsError::from_io(e)))?;
        Ok(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A loopback TLS echo server for integration tests (like CPython's
/// `ThreadedEchoServer`): serves connections one after another on
/// `127.0.0.1`, echoing what each sends until it closes; records the
/// error of every connection that fails. Stopped and joined on drop.
///
/// ```
/// use pyssl::testing::{CertificateAuthority, EchoServer, LeafSpec, TempDir};
/// use pyssl::{CertChainOptions, Protocol, SslContext, VerifyLocationsOptions, WrapOptions};
/// # fn main() -> pyssl::Result<()> {
/// let dir = TempDir::new("doc")?;
/// let ca = CertificateAuthority::new("CA")?;
/// let (cert, key) = ca.issue(&LeafSpec::server("localhost"))?.write_to(dir.path(), "s")?;
/// let srv = SslContext::new(Protocol::TlsServer)?;
/// srv.load_cert_chain(&cert, CertChainOptions::new().keyfile(&key))?;
/// let server = EchoServer::start(srv)?;
/// let cli = SslContext::new(Protocol::TlsClient)?;
/// cli.load_verify_locations(VerifyLocationsOptions::new().cafile(&dir.write("ca.pem", ca.cert_pem())?))?;
/// let tls = cli.wrap_socket(server.connect()?, WrapOptions::client("localhost"))?;
/// tls.sendall(b"hello")?;
/// assert_eq!(tls.recv(5)?, b"hello");
/// # Ok(())
/// # }
/// ```
pub struct EchoServer {
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    errors: std::sync::Arc<std::sync::Mutex<Vec<Error>>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl EchoServer {
    /// Binds `127.0.0.1:0` and serves with `ctx` (server side) on a thread.
    pub fn start(ctx: crate::SslContext) -> Result<EchoServer> {
        use std::sync::atomic::AtomicBool;
        use std::sync::{Arc, Mutex};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let errors: Arc<Mutex<Vec<Error>>> = Arc::new(Mutex::new(Vec::new()));
        let (stop2, errors2) = (stop.clone(), errors.clone());
        let handle = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                // No Nagle delay between the session tickets and the echo.
                let _ = conn.set_nodelay(true);
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let _ = conn.set_write_timeout(Some(std::time::Duration::from_secs(10)));
                let served = ctx
                    .wrap_socket(conn, crate::WrapOptions::server())
                    .and_then(|t| loop {
                        let data = t.recv(16 * 1024)?;
                        if data.is_empty() {
                            return Ok(());
                        }
                        t.sendall(&data)?;
                    });
                if let Err(e) = served {
                    if let Ok(mut v) = errors2.lock() {
                        v.push(e);
                    }
                }
            }
        });
        Ok(EchoServer {
            addr,
            stop,
            errors,
            handle: Some(handle),
        })
    }

    /// The server's address.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// A new TCP connection to the server (10 s timeouts).
    pub fn connect(&self) -> Result<std::net::TcpStream> {
        let s = std::net::TcpStream::connect(self.addr)?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
        s.set_write_timeout(Some(std::time::Duration::from_secs(10)))?;
        Ok(s)
    }

    /// Stops the server, waits for the connection in progress to finish,
    /// and returns the errors of every connection that failed.
    pub fn finish(mut self) -> Vec<Error> {
        self.shutdown();
        self.take_errors()
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(h) = self.handle.take() {
            if !std::thread::panicking() {
                let _ = h.join();
            }
        }
    }

    /// The errors of the connections that failed so far, taken out.
    pub fn take_errors(&self) -> Vec<Error> {
        self.errors
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
