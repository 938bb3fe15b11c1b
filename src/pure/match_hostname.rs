//! The legacy `ssl.match_hostname(cert, hostname)` in its final form
//! (CPython 3.7–3.11): RFC 6125 matching on a `getpeercert()` value, with
//! CPython's messages. No regular expressions: linear in its input
//! (CVE-2013-2099).
//!
//! `_inet_paton` is reproduced with glibc's grammars: `inet_aton` (then
//! only canonical dotted quads are accepted) and `inet_pton(AF_INET6)`.

use crate::cert::{GeneralName, PeerCert};
use crate::error::{Error, SslCertVerificationError};
use crate::pyfmt::repr_str;

fn cert_error(msg: String) -> Error {
    Error::CertVerification(SslCertVerificationError::certificate_error(msg))
}

/// `_dnsname_match(dn, hostname)`.
fn dnsname_match(dn: &str, hostname: &str) -> Result<bool, Error> {
    if dn.is_empty() {
        return Ok(false);
    }
    let wildcards = dn.matches('*').count();
    if wildcards == 0 {
        return Ok(dn.to_lowercase() == hostname.to_lowercase());
    }
    if wildcards > 1 {
        return Err(cert_error(format!(
            "too many wildcards in certificate DNS name: {}.",
            repr_str(dn)
        )));
    }
    let (dn_leftmost, dn_remainder) = match dn.split_once('.') {
        Some((l, r)) => (l, Some(r)),
        None => (dn, None),
    };
    if dn_remainder.is_some_and(|r| r.contains('*')) {
        return Err(cert_error(format!(
            "wildcard can only be present in the leftmost label: {}.",
            repr_str(dn)
        )));
    }
    let Some(dn_remainder) = dn_remainder else {
        return Err(cert_error(format!(
            "sole wildcard without additional labels are not support: {}.",
            repr_str(dn)
        )));
    };
    if dn_leftmost != "*" {
        return Err(cert_error(format!(
            "partial wildcards in leftmost label are not supported: {}.",
            repr_str(dn)
        )));
    }
    let Some((host_leftmost, host_remainder)) = hostname.split_once('.') else {
        return Ok(false);
    };
    if host_leftmost.is_empty() {
        return Ok(false);
    }
    Ok(dn_remainder.to_lowercase() == host_remainder.to_lowercase())
}

/// C `isspace` in the C locale.
fn c_isspace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `strtoul(s, &end, 0)` on input starting with a digit: (value or
/// overflow, bytes used).
fn strtoul0(s: &[u8]) -> (Option<u64>, usize) {
    let (base, mut i) = if s.len() >= 2 && s[0] == b'0' && (s[1] | 0x20) == b'x' {
        if s.get(2).is_some_and(|c| c.is_ascii_hexdigit()) {
            (16, 2)
        } else {
            // "0x" without digits: the "0" alone.
            return (Some(0), 1);
        }
    } else if s[0] == b'0' {
        (8, 0)
    } else {
        (10, 0)
    };
    let mut v: Option<u64> = Some(0);
    while let Some(&c) = s.get(i) {
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'f' => u32::from(c - b'a') + 10,
            b'A'..=b'F' => u32::from(c - b'A') + 10,
            _ => break,
        };
        if d >= base {
            break;
        }
        v = v
            .and_then(|x| x.checked_mul(u64::from(base)))
            .and_then(|x| x.checked_add(u64::from(d)));
        i += 1;
    }
    (v, i)
}

/// glibc `inet_aton`.
fn inet_aton(s: &[u8]) -> Option<[u8; 4]> {
    const MAX: [u64; 4] = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff];
    let mut parts: Vec<u8> = Vec::with_capacity(3);
    let mut i = 0;
    let val;
    loop {
        if !s.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let (v, used) = strtoul0(&s[i..]);
        let v = v.filter(|&v| v <= 0xffff_ffff)?;
        i += used;
        if s.get(i) == Some(&b'.') {
            if parts.len() > 2 || v > 0xff {
                return None;
            }
            parts.push(v as u8);
            i += 1;
        } else {
            val = v;
            break;
        }
    }
    if let Some(&c) = s.get(i) {
        if !c_isspace(c) {
            return None;
        }
    }
    if val > MAX[parts.len()] {
        return None;
    }
    let mut out = [0u8; 4];
    out[..parts.len()].copy_from_slice(&parts);
    let rest = 4 - parts.len();
    let bytes = val.to_be_bytes();
    out[parts.len()..].copy_from_slice(&bytes[8 - rest..]);
    Some(out)
}

/// glibc `inet_pton4` (strict dotted quad, no leading zeros).
fn inet_pton4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut idx = 0usize;
    let mut saw_digit = false;
    let mut octets = 0;
    for &c in s {
        if c.is_ascii_digit() {
            let cur = u32::from(out[idx]);
            if saw_digit && cur == 0 {
                return None;
            }
            let new = cur * 10 + u32::from(c - b'0');
            if new > 255 {
                return None;
            }
            out[idx] = new as u8;
            if !saw_digit {
                octets += 1;
                if octets > 4 {
                    return None;
                }
                saw_digit = true;
            }
        } else if c == b'.' && saw_digit {
            if octets == 4 {
                return None;
            }
            idx += 1;
            saw_digit = false;
        } else {
            return None;
        }
    }
    (octets == 4).then_some(out)
}

/// glibc `inet_pton(AF_INET6)`.
fn inet_pton6(s: &[u8]) -> Option<[u8; 16]> {
    let mut tmp = [0u8; 16];
    let mut tp = 0usize;
    let mut colonp: Option<usize> = None;
    let mut i = 0usize;
    if s.is_empty() {
        return None;
    }
    if s[0] == b':' {
        if s.get(1) != Some(&b':') {
            return None;
        }
        i = 1;
    }
    let mut curtok = i;
    let mut xdigits = 0;
    let mut val: u32 = 0;
    while i < s.len() {
        let ch = s[i];
        i += 1;
        if let Some(d) = (ch as char).to_digit(16) {
            if xdigits == 4 {
                return None;
            }
            val = (val << 4) | d;
            if val > 0xffff {
                return None;
            }
            xdigits += 1;
            continue;
        }
        if ch == b':' {
            curtok = i;
            if xdigits == 0 {
                if colonp.is_some() {
                    return None;
                }
                colonp = Some(tp);
                continue;
            } else if i == s.len() {
                return None;
            }
            if tp + 2 > 16 {
                return None;
            }
            tmp[tp] = (val >> 8) as u8;
            tmp[tp + 1] = val as u8;
            tp += 2;
            xdigits = 0;
            val = 0;
            continue;
        }
        if ch == b'.' && tp + 4 <= 16 {
            if let Some(v4) = inet_pton4(&s[curtok..]) {
                tmp[tp..tp + 4].copy_from_slice(&v4);
                tp += 4;
                xdigits = 0;
                break;
            }
        }
        return None;
    }
    if xdigits > 0 {
        if tp + 2 > 16 {
            return None;
        }
        tmp[tp] = (val >> 8) as u8;
        tmp[tp + 1] = val as u8;
        tp += 2;
    }
    if let Some(cp) = colonp {
        if tp == 16 {
            return None;
        }
        let n = tp - cp;
        tmp.copy_within(cp..tp, 16 - n);
        for b in &mut tmp[cp..16 - n] {
            *b = 0;
        }
        tp = 16;
    }
    (tp == 16).then_some(tmp)
}

/// `_inet_paton(ipname)`: the packed address, or Python's `ValueError`.
fn inet_paton(ipname: &str) -> Result<Vec<u8>, Error> {
    if ipname.contains('\0') {
        return Err(Error::value("embedded null character"));
    }
    let b = ipname.as_bytes();
    if let Some(a) = inet_aton(b) {
        if format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]) == ipname {
            return Ok(a.to_vec());
        }
        return Err(Error::value(format!(
            "{} is not a quad-dotted IPv4 address.",
            repr_str(ipname)
        )));
    }
    match inet_pton6(b) {
        Some(a) => Ok(a.to_vec()),
        None => Err(Error::value(format!(
            "{} is neither an IPv4 nor an IP6 address.",
            repr_str(ipname)
        ))),
    }
}

/// Python's `str.rstrip()` (Unicode whitespace).
fn rstrip(s: &str) -> &str {
    s.trim_end_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// `match_hostname(cert, hostname)`.
pub(crate) fn match_hostname(cert: &PeerCert, hostname: &str) -> Result<(), Error> {
    if cert.is_empty() {
        return Err(Error::value(
            "empty or no certificate, match_hostname needs a SSL socket or SSL context with either CERT_OPTIONAL or CERT_REQUIRED",
        ));
    }
    let host_ip = match inet_paton(hostname) {
        Ok(ip) => Some(ip),
        Err(Error::Value(_)) => None,
        Err(e) => return Err(e),
    };
    // The reprs of the names tried, for the error message.
    let mut dnsnames: Vec<String> = Vec::new();
    for san in cert.subject_alt_name.iter().flatten() {
        match san {
            GeneralName::Dns(value) => {
                if host_ip.is_none() && dnsname_match(value, hostname)? {
                    return Ok(());
                }
                dnsnames.push(repr_str(value));
            }
            GeneralName::IpAddress(value) => {
                if let Some(ip) = &host_ip {
                    if inet_paton(rstrip(value))? == *ip {
                        return Ok(());
                    }
                }
                dnsnames.push(repr_str(value));
            }
            _ => {}
        }
    }
    if dnsnames.is_empty() {
        for rdn in cert.subject.iter().flatten() {
            for (key, value) in rdn {
                if key != "commonName" {
                    continue;
                }
                match value {
                    crate::cert::NameValue::Text(value) => {
                        if dnsname_match(value, hostname)? {
                            return Ok(());
                        }
                        dnsnames.push(repr_str(value));
                    }
                    // A BIT STRING value is bytes in Python (None when
                    // empty): None matches nothing, bytes fail in
                    // `dn.count('*')`.
                    crate::cert::NameValue::Bytes(b) if b.is_empty() => {
                        dnsnames.push("None".to_string());
                    }
                    crate::cert::NameValue::Bytes(_) => {
                        return Err(Error::Type(crate::error::TypeError::new(
                            "argument should be integer or bytes-like object, not 'str'",
                        )));
                    }
                }
            }
        }
    }
    match dnsnames.as_slice() {
        [] => Err(cert_error(
            "no appropriate commonName or subjectAltName fields were found".into(),
        )),
        [one] => Err(cert_error(format!(
            "hostname {} doesn't match {one}",
            repr_str(hostname)
        ))),
        many => Err(cert_error(format!(
            "hostname {} doesn't match either of {}",
            repr_str(hostname),
            many.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::NameValue;

    fn cn(names: &[&str]) -> PeerCert {
        PeerCert {
            subject: Some(
                names
                    .iter()
                    .map(|n| vec![("commonName".to_string(), NameValue::from(*n))])
                    .collect(),
            ),
            ..PeerCert::default()
        }
    }

    fn san(entries: &[(&str, &str)]) -> PeerCert {
        PeerCert {
            subject_alt_name: Some(
                entries
                    .iter()
                    .map(|(k, v)| GeneralName::from_pair(k, *v))
                    .collect(),
            ),
            ..PeerCert::default()
        }
    }

    fn check(cert: &PeerCert, host: &str, want: Result<(), &str>) {
        match (match_hostname(cert, host), want) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(m)) => assert_eq!(e.to_string(), m, "{host}"),
            (got, want) => panic!("{host}: {got:?} vs {want:?}"),
        }
    }

    #[test]
    fn cpython_vectors() {
        let c = cn(&["example.com"]);
        check(&c, "example.com", Ok(()));
        check(&c, "ExAmple.cOm", Ok(()));
        check(
            &c,
            "www.example.com",
            Err("hostname 'www.example.com' doesn't match 'example.com'"),
        );
        check(&cn(&["*.a.com"]), "foo.a.com", Ok(()));
        check(
            &cn(&["*.a.com"]),
            "bar.foo.a.com",
            Err("hostname 'bar.foo.a.com' doesn't match '*.a.com'"),
        );
        check(
            &cn(&["*.a.com"]),
            "a.com",
            Err("hostname 'a.com' doesn't match '*.a.com'"),
        );
        check(
            &cn(&["*.a.com"]),
            "Xa.com",
            Err("hostname 'Xa.com' doesn't match '*.a.com'"),
        );
        check(
            &cn(&["f*.com"]),
            "foo.com",
            Err("partial wildcards in leftmost label are not supported: 'f*.com'."),
        );
        check(
            &cn(&["*.*.com"]),
            "a.b.com",
            Err("too many wildcards in certificate DNS name: '*.*.com'."),
        );
        check(
            &cn(&["www.*.example.com"]),
            "www.sub.example.com",
            Err("wildcard can only be present in the leftmost label: 'www.*.example.com'."),
        );
        check(
            &cn(&["*"]),
            "host",
            Err("sole wildcard without additional labels are not support: '*'."),
        );
        check(
            &cn(&["*.com"]),
            "com",
            Err("hostname 'com' doesn't match '*.com'"),
        );
        check(&cn(&["127.0.0.1"]), "127.0.0.1", Ok(()));
        check(
            &cn(&["a", "b"]),
            "c",
            Err("hostname 'c' doesn't match either of 'a', 'b'"),
        );
        let ips = san(&[
            ("DNS", "example.com"),
            ("IP Address", "10.11.12.13"),
            ("IP Address", "14.15.16.17"),
            ("IP Address", "127.0.0.1"),
        ]);
        check(&ips, "10.11.12.13", Ok(()));
        check(&ips, "127.1", Err("hostname '127.1' doesn't match either of 'example.com', '10.11.12.13', '14.15.16.17', '127.0.0.1'"));
        check(&ips, "14.15.16.17 ", Err("hostname '14.15.16.17 ' doesn't match either of 'example.com', '10.11.12.13', '14.15.16.17', '127.0.0.1'"));
        check(&ips, "14.15.16.17 extra data", Err("hostname '14.15.16.17 extra data' doesn't match either of 'example.com', '10.11.12.13', '14.15.16.17', '127.0.0.1'"));
        let v6 = san(&[
            ("DNS", "example.com"),
            ("IP Address", "2001:0:0:0:0:0:0:CAFE\n"),
            ("IP Address", "2003:0:0:0:0:0:0:BABA\n"),
        ]);
        check(&v6, "2001::cafe", Ok(()));
        check(&v6, "2003::bebe", Err("hostname '2003::bebe' doesn't match either of 'example.com', '2001:0:0:0:0:0:0:CAFE\\n', '2003:0:0:0:0:0:0:BABA\\n'"));
        check(&san(&[("IP Address", "::1")]), "0:0:0:0:0:0:0:1", Ok(()));
        check(
            &san(&[("DNS", "127.0.0.1")]),
            "127.0.0.1",
            Err("hostname '127.0.0.1' doesn't match '127.0.0.1'"),
        );
        check(
            &san(&[("email", "a@x.example")]),
            "x.example",
            Err("no appropriate commonName or subjectAltName fields were found"),
        );
        check(
            &PeerCert {
                subject: Some(vec![]),
                ..Default::default()
            },
            "x",
            Err("no appropriate commonName or subjectAltName fields were found"),
        );
        let e = match_hostname(&PeerCert::default(), "example.com").unwrap_err();
        assert_eq!(e.python_class(), "ValueError");
        // A certificate IP that is no IP raises Python's ValueError.
        let e = match_hostname(&san(&[("IP Address", "<invalid>")]), "1.2.3.4").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'<invalid>' is neither an IPv4 nor an IP6 address."
        );
        // NUL bytes never match.
        check(
            &san(&[("DNS", "a.com\0b.com")]),
            "a.com",
            Err("hostname 'a.com' doesn't match 'a.com\\x00b.com'"),
        );
    }

    #[test]
    fn ip_grammars() {
        assert_eq!(inet_aton(b"127.1"), Some([127, 0, 0, 1]));
        assert_eq!(inet_aton(b"0x7f.1"), Some([127, 0, 0, 1]));
        assert_eq!(inet_aton(b"0177.0.0.1"), Some([127, 0, 0, 1]));
        assert_eq!(inet_aton(b"1.2.3.4 junk"), Some([1, 2, 3, 4]));
        assert_eq!(inet_aton(b"1.2.3.256"), None);
        assert_eq!(inet_aton(b"08"), None);
        assert_eq!(
            inet_pton6(b"::ffff:1.2.3.4").map(|a| a[12..].to_vec()),
            Some(vec![1, 2, 3, 4])
        );
        assert!(inet_pton6(b"::1").is_some());
        assert!(inet_pton6(b"[::1]").is_none());
        assert!(inet_pton6(b"fe80::1%eth0").is_none());
        assert!(inet_pton6(b"1::2::3").is_none());
        assert!(inet_pton6(b"::ffff:01.2.3.4").is_none());
    }

    #[test]
    fn linear_in_input() {
        // CVE-2013-2099: wildcard-heavy names made the regex-based matcher
        // backtrack exponentially. Growing inputs up to a million bytes
        // finish in one pass (a backtracking matcher would never finish the
        // larger ones); timings live in the benchmark, not here.
        for n in [1_000, 10_000, 100_000, 1_000_000] {
            let dn = format!("*.{}", "a.".repeat(n / 2));
            let host = format!("x.{}", "a.".repeat(n / 2));
            assert!(dnsname_match(&dn, &host).unwrap());
            let stars = "*".repeat(n);
            assert!(dnsname_match(&stars, "a.b").is_err());
            let partial = format!("{}.example.com", "a*".repeat(n / 2));
            assert!(dnsname_match(&partial, &format!("{}.example.com", "a".repeat(n))).is_err());
            let many = san(&vec![("DNS", "*.example.com"); n / 1000]);
            assert!(match_hostname(&many, "a.b.example.com").is_err());
        }
    }

    #[test]
    fn nul_bytes_in_names_never_match_a_real_hostname() {
        // As CPython 3.11's ssl.match_hostname (checked): a NUL-truncation
        // attack certificate matches neither the prefix nor anything else;
        // only the identical NUL-carrying string compares equal.
        let c = san(&[("DNS", "example.com\0.evil.com")]);
        check(
            &c,
            "example.com",
            Err("hostname 'example.com' doesn't match 'example.com\\x00.evil.com'"),
        );
        check(
            &c,
            "evil.com",
            Err("hostname 'evil.com' doesn't match 'example.com\\x00.evil.com'"),
        );
        check(&c, "example.com\0.evil.com", Ok(()));
        // The wildcard covers a NUL-carrying label, as in CPython.
        check(&san(&[("DNS", "*.example.com")]), "a\0.example.com", Ok(()));
        let c = cn(&["example.com\0x"]);
        check(
            &c,
            "example.com",
            Err("hostname 'example.com' doesn't match 'example.com\\x00x'"),
        );
        let c = san(&[("IP Address", "127.0.0.1")]);
        check(
            &c,
            "127.0.0.1\0",
            Err("hostname '127.0.0.1\\x00' doesn't match '127.0.0.1'"),
        );
    }

    /// Python 3.11's `match_hostname` on a commonName that is bytes (a
    /// BIT STRING value): `TypeError` from `dn.count('*')`; an empty one is
    /// None there, which matches nothing.
    #[test]
    fn bit_string_common_names_as_python_311() {
        let cert = |v: &[u8]| PeerCert {
            subject: Some(vec![vec![(
                "commonName".to_string(),
                NameValue::Bytes(v.to_vec()),
            )]]),
            ..PeerCert::default()
        };
        let e = match_hostname(&cert(b"x"), "x").unwrap_err();
        assert_eq!(e.python_class(), "TypeError");
        assert_eq!(
            e.to_string(),
            "argument should be integer or bytes-like object, not 'str'"
        );
        let e = match_hostname(&cert(b""), "x").unwrap_err();
        assert_eq!(e.python_class(), "SSLCertVerificationError");
        assert_eq!(e.to_string(), "hostname 'x' doesn't match None");
    }
}
