//! The certificate decoder behind `getpeercert()`: CPython's
//! `_decode_certificate` (with OpenSSL's `ASN1_TIME_print`,
//! `i2a_ASN1_INTEGER`, `ASN1_STRING_to_UTF8`, `OBJ_obj2txt` and
//! `GENERAL_NAME_print` forms), in pure Rust over the DER.
//!
//! Extensions follow `X509_get_ext_d2i`: an extension that is absent,
//! present more than once, or undecodable yields no key.

use super::der::{self, Malformed, Reader};
use crate::cert::{DistinguishedName, GeneralName, NameValue, PeerCert, Rdn};
use crate::error::{Error, SslError, UnicodeError};

include!(concat!(env!("OUT_DIR"), "/oids.rs"));

const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
const OID_CRL_DP: &[u8] = &[0x55, 0x1d, 0x1f];
const OID_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
const OID_AD_OCSP: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
const OID_AD_CA_ISSUERS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
const OID_ON_SMTP_UTF8_MAILBOX: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x09];
const OID_ON_XMPP_ADDR: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x05];
const OID_ON_SRV_NAME: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x07];
const OID_ON_NAI_REALM: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x08];
const OID_MS_UPN: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03];

fn invalid() -> Error {
    Error::Ssl(SslError::plain("Error decoding DER-encoded certificate"))
}

/// True for the error of a certificate OpenSSL's parser rejects (as opposed
/// to one it parses but CPython cannot turn into a dict).
pub(crate) fn is_malformed(e: &Error) -> bool {
    matches!(e, Error::Ssl(s) if s.library().is_none()
        && s.message() == "Error decoding DER-encoded certificate")
}

impl From<Malformed> for Error {
    fn from(_: Malformed) -> Self {
        invalid()
    }
}

/// `getpeercert()`'s dictionary for a DER certificate.
pub(crate) fn decode_certificate(der: &[u8]) -> Result<PeerCert, Error> {
    let mut outer = Reader::new(der);
    let cert = outer.expect(der::SEQUENCE)?;
    let mut cert = Reader::new(cert);
    let tbs = cert.expect(der::SEQUENCE)?;
    let mut tbs = Reader::new(tbs);
    let version = match tbs.optional(0xa0)? {
        Some(v) => {
            let mut r = Reader::new(v);
            let n = r.expect(der::INTEGER)?;
            check_integer(n)?;
            check_end(&r)?;
            let mut x: i64 = 0;
            for &b in n.iter().take(8) {
                x = (x << 8) | i64::from(b);
            }
            x + 1
        }
        None => 1,
    };
    let serial = tbs.expect(der::INTEGER)?;
    check_integer(serial)?;
    check_algorithm(tbs.expect(der::SEQUENCE)?)?;
    let issuer = tbs.expect_of(der::SEQUENCE)?;
    let validity = tbs.expect(der::SEQUENCE)?;
    let subject = tbs.expect_of(der::SEQUENCE)?;
    check_spki(tbs.expect(der::SEQUENCE)?)?;
    // issuerUniqueID [1], subjectUniqueID [2]: IMPLICIT BIT STRINGs.
    for n in [1u8, 2] {
        match tbs.peek_tag() {
            Some(t) if t == 0x80 | n => check_content(3, tbs.next()?.value)?,
            Some(t) if t == 0xa0 | n => {
                let mut c = Vec::new();
                der::collect(tbs.next()?.value, 0, &mut c)?;
                check_content(3, &c)?;
            }
            _ => {}
        }
    }
    let extensions = match tbs.optional(0xa3)? {
        Some(e) => parse_extensions(e)?,
        None => Vec::new(),
    };
    check_end(&tbs)?;
    // signatureAlgorithm, signatureValue, nothing else.
    check_algorithm(cert.expect(der::SEQUENCE)?)?;
    check_bit_string(&mut cert)?;
    check_end(&cert)?;
    let mut validity = Reader::new(validity);
    let not_before = time(&mut validity)?;
    let not_after = time(&mut validity)?;
    check_end(&validity)?;
    // Both names are parsed before CPython converts either (subject first).
    let issuer = decode_name(issuer)?;
    let subject = decode_name(subject)?;
    let subject = subject?;
    let issuer = issuer?;
    Ok(PeerCert {
        subject: Some(subject),
        issuer: Some(issuer),
        version: Some(version),
        serial_number: Some(serial_text(serial)),
        not_before: Some(time_text(not_before.tag, not_before.value)),
        not_after: Some(time_text(not_after.tag, not_after.value)),
        subject_alt_name: match single_ext(&extensions, OID_SUBJECT_ALT_NAME) {
            Some(v) => match_soft(decode_general_names(v))?,
            None => None,
        },
        ocsp: match single_ext(&extensions, OID_INFO_ACCESS) {
            Some(v) => match_soft(aia_uris(v, OID_AD_OCSP))?.flatten(),
            None => None,
        },
        ca_issuers: match single_ext(&extensions, OID_INFO_ACCESS) {
            Some(v) => match_soft(aia_uris(v, OID_AD_CA_ISSUERS))?.flatten(),
            None => None,
        },
        crl_distribution_points: match single_ext(&extensions, OID_CRL_DP) {
            Some(v) => match_soft(crl_dp(v))?.flatten(),
            None => None,
        },
    })
}

// ---------------------------------------------------------------------------
// What OpenSSL's parser (`d2i_X509`) checks beyond the shape

/// No content left after the last field (OpenSSL:
/// `SEQUENCE_LENGTH_MISMATCH`).
fn check_end(r: &Reader<'_>) -> Result<(), Malformed> {
    if r.is_empty() {
        Ok(())
    } else {
        Err(Malformed)
    }
}

/// `c2i_ASN1_INTEGER`'s checks: not empty, no padding octet.
fn check_integer(c: &[u8]) -> Result<(), Malformed> {
    match c {
        [] => Err(Malformed),
        [0, b, ..] if b & 0x80 == 0 => Err(Malformed),
        [0xff, b, rest @ ..] if b & 0x80 != 0 && (*b != 0x80 || rest.iter().any(|&x| x != 0)) => {
            Err(Malformed)
        }
        _ => Ok(()),
    }
}

/// `c2i_ASN1_OBJECT`'s checks: not empty, the last octet ends an arc, no
/// arc starts with a 0x80 octet.
fn check_oid(c: &[u8]) -> Result<(), Malformed> {
    if c.last().is_none_or(|b| b & 0x80 != 0) {
        return Err(Malformed);
    }
    for (i, &b) in c.iter().enumerate() {
        if b == 0x80 && (i == 0 || c[i - 1] & 0x80 == 0) {
            return Err(Malformed);
        }
    }
    Ok(())
}

/// The content checks of OpenSSL's `asn1_ex_c2i` for a universal type.
fn check_content(number: u8, c: &[u8]) -> Result<(), Malformed> {
    match number {
        1 if c.len() != 1 => Err(Malformed),
        2 | 10 => check_integer(c),
        5 if !c.is_empty() => Err(Malformed),
        6 => check_oid(c),
        3 => bit_string(c).map(drop).map_err(|_| Malformed),
        28 if c.len() % 4 != 0 => Err(Malformed),
        30 if c.len() % 2 != 0 => Err(Malformed),
        _ => Ok(()),
    }
}

/// An `ASN1_TYPE` (ANY) as OpenSSL parses it: universal primitives go
/// through `asn1_ex_c2i`'s checks; constructed strings are collected
/// first; a SEQUENCE, a SET or a non-universal item is kept encoded.
fn check_any(t: der::Tlv<'_>) -> Result<(), Malformed> {
    let (class, constructed, number) = (t.tag & 0xc0, t.tag & 0x20 != 0, t.tag & 0x1f);
    if t.tag == 0 && !t.long_tag && t.value.is_empty() {
        // End-of-contents where an item should start.
        return Err(Malformed);
    }
    if class != 0 {
        return Ok(());
    }
    if !constructed {
        // asn1_d2i_ex_primitive: "type not constructed".
        if matches!(number, 16 | 17) {
            return Err(Malformed);
        }
        return check_content(number, t.value);
    }
    match number {
        1 | 2 | 5 | 6 | 10 => Err(Malformed),
        16 | 17 => Ok(()),
        _ => {
            let mut c = Vec::new();
            der::collect(t.value, 0, &mut c)?;
            check_content(number, &c)
        }
    }
}

/// A BIT STRING field, primitive or (BER) constructed.
fn check_bit_string(r: &mut Reader<'_>) -> Result<(), Malformed> {
    let t = r.next()?;
    match t.tag {
        der::BIT_STRING => check_content(3, t.value),
        0x23 => {
            let mut c = Vec::new();
            der::collect(t.value, 0, &mut c)?;
            check_content(3, &c)
        }
        _ => Err(Malformed),
    }
}

/// An AlgorithmIdentifier: an OID, then optional parameters of any type.
fn check_algorithm(v: &[u8]) -> Result<(), Malformed> {
    let mut r = Reader::new(v);
    check_oid(r.expect(der::OID)?)?;
    if !r.is_empty() {
        check_any(r.next()?)?;
    }
    check_end(&r)
}

/// SubjectPublicKeyInfo: an AlgorithmIdentifier and a BIT STRING.
fn check_spki(v: &[u8]) -> Result<(), Malformed> {
    let mut r = Reader::new(v);
    check_algorithm(r.expect(der::SEQUENCE)?)?;
    check_bit_string(&mut r)?;
    check_end(&r)
}

/// A Time (`ASN1_TIME`): UTCTime or GeneralizedTime.
fn time<'a>(r: &mut Reader<'a>) -> Result<der::Tlv<'a>, Malformed> {
    let t = r.next()?;
    match t.tag {
        der::UTC_TIME | der::GENERALIZED_TIME => Ok(t),
        _ => Err(Malformed),
    }
}

/// An extension's decoding: `Err(Malformed)` means OpenSSL could not decode
/// it (no key); other errors propagate.
fn match_soft<T>(r: Result<T, Soft>) -> Result<Option<T>, Error> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Soft::Malformed) => Ok(None),
        Err(Soft::Hard(e)) => Err(e),
    }
}

/// Failure while decoding an extension.
enum Soft {
    /// The extension does not decode (OpenSSL returns NULL: no key).
    Malformed,
    /// A Python-level error (invalid UTF-8 and the like).
    Hard(Error),
}

impl From<Malformed> for Soft {
    fn from(_: Malformed) -> Self {
        Soft::Malformed
    }
}

impl From<Error> for Soft {
    fn from(e: Error) -> Self {
        Soft::Hard(e)
    }
}

/// (extnID, extnValue) pairs (a value in BER's constructed form is
/// collected).
type Extensions<'a> = Vec<(&'a [u8], std::borrow::Cow<'a, [u8]>)>;

fn parse_extensions(wrapper: &[u8]) -> Result<Extensions<'_>, Error> {
    let mut w = Reader::new(wrapper);
    let seq = w.expect_of(der::SEQUENCE)?;
    check_end(&w)?;
    let mut r = Reader::new(seq);
    let mut out = Vec::new();
    while !r.is_empty() {
        let ext = r.expect(der::SEQUENCE)?;
        let mut e = Reader::new(ext);
        let oid = e.expect(der::OID)?;
        check_oid(oid)?;
        if let Some(b) = e.optional(der::BOOLEAN)? {
            if b.len() != 1 {
                return Err(invalid());
            }
        }
        let t = e.next()?;
        let value = match t.tag {
            der::OCTET_STRING => std::borrow::Cow::Borrowed(t.value),
            0x24 => {
                let mut c = Vec::new();
                der::collect(t.value, 0, &mut c)?;
                std::borrow::Cow::Owned(c)
            }
            _ => return Err(invalid()),
        };
        check_end(&e)?;
        out.push((oid, value));
    }
    Ok(out)
}

/// `X509_get_ext_d2i` with no index: the extension's value when it occurs
/// exactly once.
fn single_ext<'a>(exts: &'a Extensions<'_>, oid: &[u8]) -> Option<&'a [u8]> {
    let mut found = exts.iter().filter(|(o, _)| *o == oid);
    let first = found.next()?;
    if found.next().is_some() {
        return None;
    }
    Some(&first.1)
}

// ---------------------------------------------------------------------------
// Names

/// `_create_tuple_for_X509_NAME`.
fn decode_name(seq: &[u8]) -> Result<Result<DistinguishedName, Error>, Malformed> {
    let mut r = Reader::new(seq);
    let mut out = Vec::new();
    // CPython's error for the first value it cannot convert; OpenSSL's
    // parser has read the whole name before.
    let mut first_error = None;
    while !r.is_empty() {
        let set = r.expect_of(der::SET)?;
        let mut s = Reader::new(set);
        let mut rdn: Rdn = Vec::new();
        while !s.is_empty() {
            let atv = s.expect(der::SEQUENCE)?;
            let mut a = Reader::new(atv);
            let oid = a.expect(der::OID)?;
            check_oid(oid)?;
            let value = name_value(a.next()?)?;
            check_end(&a)?;
            match value {
                Ok(v) => rdn.push((oid_text(oid).map_err(|_| Malformed)?, v)),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if !rdn.is_empty() {
            out.push(rdn);
        }
    }
    Ok(match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    })
}

/// A name attribute's value as OpenSSL parses it (`ASN1_PRINTABLE`, a
/// universal-class string of the types `B_ASN1_PRINTABLE` admits, the
/// ones `x509_name_canon` converts well formed) and CPython converts it
/// (`ASN1_STRING_to_UTF8`). `Err(Malformed)` where OpenSSL's parser
/// fails; an `Ok` holding CPython's error for the types OpenSSL keeps but
/// cannot convert ("unknown error").
fn name_value(t: der::Tlv<'_>) -> Result<Result<NameValue, Error>, Malformed> {
    let (class, constructed, number) = (t.tag & 0xc0, t.tag & 0x20 != 0, t.tag & 0x1f);
    if class != 0 {
        return Err(Malformed);
    }
    // ASN1_tag2bit & B_ASN1_PRINTABLE.
    if !matches!(number, 3 | 7..=9 | 11..=16 | 18..=20 | 22 | 28..=30) {
        return Err(Malformed);
    }
    if number == 16 {
        // A SEQUENCE is kept in its encoding, which CPython cannot convert.
        return if constructed {
            Ok(Err(Error::Ssl(SslError::text("unknown error"))))
        } else {
            Err(Malformed)
        };
    }
    let collected;
    let content = if constructed {
        // BER's constructed form: the segments concatenated.
        let mut c = Vec::new();
        der::collect(t.value, 0, &mut c)?;
        collected = c;
        &collected[..]
    } else {
        t.value
    };
    check_content(number, content)?;
    Ok(match number {
        3 => Ok(NameValue::Bytes(
            bit_string(content).map_err(|_| Malformed)?,
        )),
        // x509_name_canon converts these: what does not convert is
        // malformed; NumericString converts as Latin-1.
        12 | 18..=20 | 22 | 28 | 30 => Ok(NameValue::Text(
            string_to_utf8(number, content).map_err(|_| Malformed)?,
        )),
        _ => Err(Error::Ssl(SslError::text("unknown error"))),
    })
}

/// `OBJ_obj2txt(..., no_name=0)`: OpenSSL's name, else the dotted form.
fn oid_text(oid: &[u8]) -> Result<String, Error> {
    if let Ok(i) = OID_NAMES.binary_search_by(|(k, _)| (*k).cmp(oid)) {
        return Ok(OID_NAMES[i].1.to_string());
    }
    dotted(oid).ok_or_else(invalid)
}

/// The dotted form of an OID, arcs of any size.
fn dotted(oid: &[u8]) -> Option<String> {
    if oid.is_empty() || oid.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let mut arcs: Vec<Vec<u32>> = Vec::new();
    // Each arc as a little-endian base-1e9 number.
    let mut cur: Vec<u32> = vec![0];
    for &b in oid {
        mul_add(&mut cur, 128, u32::from(b & 0x7f));
        if b & 0x80 == 0 {
            arcs.push(std::mem::replace(&mut cur, vec![0]));
        }
    }
    let mut out = String::new();
    let first = &arcs[0];
    let small = (first.len() == 1).then_some(first[0]);
    match small {
        Some(v) if v < 40 => out.push_str(&format!("0.{v}")),
        Some(v) if v < 80 => out.push_str(&format!("1.{}", v - 40)),
        _ => {
            let mut rest = first.clone();
            sub_small(&mut rest, 80);
            out.push_str("2.");
            out.push_str(&to_decimal(&rest));
        }
    }
    for a in &arcs[1..] {
        out.push('.');
        out.push_str(&to_decimal(a));
    }
    Some(out)
}

const BASE: u64 = 1_000_000_000;

fn mul_add(n: &mut Vec<u32>, m: u32, add: u32) {
    let mut carry = u64::from(add);
    for limb in n.iter_mut() {
        let v = u64::from(*limb) * u64::from(m) + carry;
        *limb = (v % BASE) as u32;
        carry = v / BASE;
    }
    while carry > 0 {
        n.push((carry % BASE) as u32);
        carry /= BASE;
    }
}

fn sub_small(n: &mut [u32], s: u32) {
    let mut borrow = i64::from(s);
    for limb in n.iter_mut() {
        let v = i64::from(*limb) - borrow;
        if v < 0 {
            *limb = (v + BASE as i64) as u32;
            borrow = 1;
        } else {
            *limb = v as u32;
            borrow = 0;
        }
        if borrow == 0 {
            break;
        }
    }
}

fn to_decimal(n: &[u32]) -> String {
    let mut s = String::new();
    let mut limbs = n.iter().rev().skip_while(|&&l| l == 0).peekable();
    match limbs.next() {
        None => s.push('0'),
        Some(first) => {
            s.push_str(&first.to_string());
            for l in limbs {
                s.push_str(&format!("{l:09}"));
            }
        }
    }
    s
}

/// The bytes of a BIT STRING as OpenSSL's `c2i_ASN1_BIT_STRING` keeps
/// them: without the unused-bits count, the unused trailing bits cleared;
/// an empty encoding or a count over 7 is a malformed certificate (a count
/// with no bits is not).
fn bit_string(content: &[u8]) -> Result<Vec<u8>, Error> {
    let (&unused, bits) = content.split_first().ok_or(Malformed)?;
    if unused > 7 {
        return Err(Malformed.into());
    }
    let mut out = bits.to_vec();
    if let Some(last) = out.last_mut() {
        *last &= 0xffu8 << unused;
    }
    Ok(out)
}

/// `ASN1_STRING_to_UTF8` of a string value, then Python's strict UTF-8
/// decoding.
fn string_to_utf8(tag: u8, data: &[u8]) -> Result<String, Error> {
    let asn1_err = |reason: &str, text: &str| {
        Error::Ssl(SslError::new(
            crate::error::SslErrorKind::Ssl,
            0,
            format!("[ASN1: {reason}] {text}"),
            Some("ASN1".into()),
            Some(reason.into()),
        ))
    };
    match tag {
        // UTF8String
        12 => String::from_utf8(data.to_vec())
            .map_err(|_| asn1_err("INVALID_UTF8STRING", "invalid UTF8string")),
        // Numeric, Printable, T61, IA5, UTC/GeneralizedTime, Visible: one
        // byte per character (Latin-1).
        18 | 19 | 20 | 22 | 23 | 24 | 26 => Ok(data.iter().map(|&b| char::from(b)).collect()),
        // UniversalString
        28 => {
            if data.len() % 4 != 0 {
                return Err(asn1_err(
                    "INVALID_UNIVERSALSTRING_LENGTH",
                    "invalid universalstring length",
                ));
            }
            data.chunks(4)
                .map(|c| {
                    let v = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
                    char::from_u32(v)
                        .ok_or_else(|| asn1_err("ILLEGAL_CHARACTERS", "illegal characters"))
                })
                .collect()
        }
        // BMPString
        30 => {
            if data.len() % 2 != 0 {
                return Err(asn1_err(
                    "INVALID_BMPSTRING_LENGTH",
                    "invalid bmpstring length",
                ));
            }
            data.chunks(2)
                .map(|c| {
                    char::from_u32(u32::from(u16::from_be_bytes([c[0], c[1]])))
                        .ok_or_else(|| asn1_err("ILLEGAL_CHARACTERS", "illegal characters"))
                })
                .collect()
        }
        _ => Err(Error::Ssl(SslError::text("unknown error"))),
    }
}

/// Python's `PyUnicode_FromStringAndSize`: strict UTF-8, else
/// `UnicodeDecodeError` with Python's text.
fn py_utf8(data: &[u8]) -> Result<String, Error> {
    match UnicodeError::utf8_decode(data) {
        None => Ok(String::from_utf8_lossy(data).into_owned()),
        Some(e) => Err(Error::Unicode(e)),
    }
}

// ---------------------------------------------------------------------------
// serialNumber and times

/// `i2a_ASN1_INTEGER` of a DER INTEGER's content, as far as `BIO_gets`
/// reads it (its first line).
fn serial_text(content: &[u8]) -> String {
    let negative = content.first().is_some_and(|b| b & 0x80 != 0);
    let mut magnitude: Vec<u8> = if negative {
        // Two's complement negation.
        let mut m: Vec<u8> = content.iter().map(|b| !b).collect();
        for b in m.iter_mut().rev() {
            let (v, overflow) = b.overflowing_add(1);
            *b = v;
            if !overflow {
                break;
            }
        }
        m
    } else {
        content.to_vec()
    };
    while magnitude.len() > 1 && magnitude[0] == 0 {
        magnitude.remove(0);
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if magnitude.is_empty() {
        out.push_str("00");
    }
    for (i, b) in magnitude.iter().enumerate() {
        if i != 0 && i % 35 == 0 {
            out.push_str("\\\n");
            return out;
        }
        out.push_str(&format!("{b:02X}"));
    }
    out
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `ASN1_TIME_print` (RFC 822 style): `"Jan  1 00:00:00 2020 GMT"`, or
/// `"Bad time value"`.
fn time_text(tag: u8, v: &[u8]) -> String {
    time_parts(tag, v).unwrap_or_else(|| "Bad time value".to_string())
}

fn time_parts(tag: u8, a: &[u8]) -> Option<String> {
    const MIN: [i64; 9] = [0, 0, 1, 1, 0, 0, 0, 0, 0];
    const MAX: [i64; 9] = [99, 99, 12, 31, 23, 59, 59, 12, 59];
    const MDAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let utc = match tag {
        der::UTC_TIME => true,
        der::GENERALIZED_TIME => false,
        _ => return None,
    };
    let (min_l, end, btz) = if utc { (11, 6, 5) } else { (13, 7, 6) };
    let l = a.len();
    if l < min_l {
        return None;
    }
    let (mut year, mut mon, mut mday, mut hour, mut min, mut sec) =
        (0i64, 0i64, 1i64, 0i64, 0i64, 0i64);
    let mut o = 0usize;
    let mut i = 0;
    while i < end {
        if i == btz && matches!(a.get(o), Some(b'Z' | b'+' | b'-')) {
            break;
        }
        let d1 = a.get(o).filter(|c| c.is_ascii_digit())?;
        o += 1;
        if o == l {
            return None;
        }
        let d2 = a.get(o).filter(|c| c.is_ascii_digit())?;
        o += 1;
        if o == l {
            return None;
        }
        let n = i64::from(d1 - b'0') * 10 + i64::from(d2 - b'0');
        let i2 = if utc { i + 1 } else { i };
        if n < MIN[i2] || n > MAX[i2] {
            return None;
        }
        match i2 {
            0 => year = n * 100,
            1 => {
                if utc {
                    year = if n < 50 { 2000 + n } else { 1900 + n };
                } else {
                    year += n;
                }
            }
            2 => mon = n - 1,
            3 => {
                let md = if mon == 1 {
                    MDAYS[1] + i64::from(is_leap(year))
                } else {
                    MDAYS[mon as usize]
                };
                if n > md {
                    return None;
                }
                mday = n;
            }
            4 => hour = n,
            5 => min = n,
            _ => sec = n,
        }
        i += 1;
    }
    let mut frac: &[u8] = &[];
    if !utc && a.get(o) == Some(&b'.') {
        let start = o;
        o += 1;
        if o == l {
            return None;
        }
        let digits = o;
        while o < l && a[o].is_ascii_digit() {
            o += 1;
        }
        if o == digits || o == l {
            return None;
        }
        frac = &a[start..o];
    }
    let mut offset_secs = 0i64;
    match a.get(o) {
        Some(b'Z') => o += 1,
        Some(&s @ (b'+' | b'-')) => {
            let sign = if s == b'-' { 1 } else { -1 };
            o += 1;
            if o + 4 != l {
                return None;
            }
            let mut parts = [0i64; 2];
            for (k, p) in parts.iter_mut().enumerate() {
                let d1 = a.get(o).filter(|c| c.is_ascii_digit())?;
                let d2 = a.get(o + 1).filter(|c| c.is_ascii_digit())?;
                let n = i64::from(d1 - b'0') * 10 + i64::from(d2 - b'0');
                let i2 = if utc { end + k + 1 } else { end + k };
                if n < MIN[i2] || n > MAX[i2] {
                    return None;
                }
                *p = n;
                o += 2;
            }
            offset_secs = sign * (parts[0] * 3600 + parts[1] * 60);
        }
        _ => return None,
    }
    if o != l {
        return None;
    }
    if offset_secs != 0 {
        let total = days_from_civil(year, mon + 1, mday) * 86_400
            + hour * 3600
            + min * 60
            + sec
            + offset_secs;
        let (y, m, d) = civil_from_days(total.div_euclid(86_400));
        let rem = total.rem_euclid(86_400);
        year = y;
        mon = m - 1;
        mday = d;
        hour = rem / 3600;
        min = rem % 3600 / 60;
        sec = rem % 60;
    }
    let gmt = a.last() == Some(&b'Z');
    let frac = if !utc && a.len() > 15 && a.get(14) == Some(&b'.') {
        std::str::from_utf8(frac).unwrap_or_default()
    } else {
        ""
    };
    Some(format!(
        "{} {:2} {:02}:{:02}:{:02}{} {}{}",
        MONTHS.get(mon as usize)?,
        mday,
        hour,
        min,
        sec,
        frac,
        year,
        if gmt { " GMT" } else { "" }
    ))
}

// ---------------------------------------------------------------------------
// GeneralNames and the extensions made of them

/// `_get_peer_alt_names` for one subjectAltName extension value.
fn decode_general_names(value: &[u8]) -> Result<Vec<GeneralName>, Soft> {
    let seq = Reader::new(value).expect(der::SEQUENCE)?;
    let mut r = Reader::new(seq);
    let mut out = Vec::new();
    while !r.is_empty() {
        let t = r.next()?;
        out.push(general_name(t)?);
    }
    Ok(out)
}

fn general_name(t: der::Tlv<'_>) -> Result<GeneralName, Soft> {
    Ok(match t.tag {
        // otherName [0] { type-id OID, value [0] EXPLICIT ANY }
        0xa0 => {
            let mut r = Reader::new(t.value);
            let oid = r.expect(der::OID)?;
            let inner = r.expect(0xa0)?;
            let v = Reader::new(inner).next()?;
            let printed = match oid {
                o if o == OID_ON_SRV_NAME => (v.tag == 22).then_some(("SRVName", v.value)),
                _ if v.tag != 12 => None,
                o if o == OID_ON_SMTP_UTF8_MAILBOX => Some(("SmtpUTF8Mailbox", v.value)),
                o if o == OID_ON_XMPP_ADDR => Some(("XmppAddr", v.value)),
                o if o == OID_MS_UPN => Some(("UPN", v.value)),
                o if o == OID_ON_NAI_REALM => Some(("NAIRealm", v.value)),
                _ => None,
            };
            match printed {
                // GENERAL_NAME_print's "%.*s" (up to a NUL), read back by
                // BIO_gets (up to a newline) and split at the first ':'.
                Some((label, data)) => {
                    let mut line: Vec<u8> = format!("{label}:").into_bytes();
                    line.extend(data.iter().take_while(|&&b| b != 0));
                    if let Some(nl) = line.iter().position(|&b| b == b'\n') {
                        line.truncate(nl + 1);
                    }
                    GeneralName::Other("othername".into(), py_utf8(&line)?)
                }
                None => GeneralName::Other("othername".into(), "<unsupported>".into()),
            }
        }
        0x81 => GeneralName::Email(py_utf8(t.value)?),
        0x82 => GeneralName::Dns(py_utf8(t.value)?),
        0xa3 => GeneralName::Other("X400Name".into(), "<unsupported>".into()),
        0xa4 => {
            let name = Reader::new(t.value).expect(der::SEQUENCE)?;
            GeneralName::DirName(decode_name(name)??)
        }
        0xa5 => GeneralName::Other("EdiPartyName".into(), "<unsupported>".into()),
        0x86 => GeneralName::Uri(py_utf8(t.value)?),
        0x87 => GeneralName::IpAddress(match t.value.len() {
            4 => {
                let p = t.value;
                format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3])
            }
            16 => t
                .value
                .chunks(2)
                .map(|c| format!("{:X}", u16::from_be_bytes([c[0], c[1]])))
                .collect::<Vec<_>>()
                .join(":"),
            _ => "<invalid>".into(),
        }),
        0x88 => {
            let text = oid_text(t.value).map_err(|_| Soft::Malformed)?;
            GeneralName::RegisteredId(if text.len() >= 2047 {
                "<INVALID>".into()
            } else {
                text
            })
        }
        _ => return Err(Soft::Malformed),
    })
}

/// `_get_aia_uri`: the URIs of one access method; `None` when there are
/// none.
fn aia_uris(value: &[u8], method: &[u8]) -> Result<Option<Vec<String>>, Soft> {
    let seq = Reader::new(value).expect(der::SEQUENCE)?;
    let mut r = Reader::new(seq);
    let mut out = Vec::new();
    while !r.is_empty() {
        let ad = r.expect(der::SEQUENCE)?;
        let mut a = Reader::new(ad);
        let oid = a.expect(der::OID)?;
        let loc = a.next()?;
        // Decode the location even when unused: a bad one fails the whole
        // extension, as in OpenSSL.
        let gn = general_name(loc)?;
        if oid == method {
            if let GeneralName::Uri(u) = gn {
                out.push(u);
            }
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// `_get_crl_dp`: the full-name URIs of every distribution point.
fn crl_dp(value: &[u8]) -> Result<Option<Vec<String>>, Soft> {
    let seq = Reader::new(value).expect(der::SEQUENCE)?;
    let mut r = Reader::new(seq);
    let mut out = Vec::new();
    while !r.is_empty() {
        let dp = r.expect(der::SEQUENCE)?;
        let mut d = Reader::new(dp);
        let Some(dpn) = d.optional(0xa0)? else {
            // No distributionPoint (CVE-2019-5010).
            continue;
        };
        let mut n = Reader::new(dpn);
        let t = n.next()?;
        if t.tag != 0xa0 {
            // nameRelativeToCRLIssuer: no URIs.
            continue;
        }
        let mut names = Reader::new(t.value);
        while !names.is_empty() {
            if let GeneralName::Uri(u) = general_name(names.next()?)? {
                out.push(u);
            }
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_names_and_dotted() {
        assert_eq!(oid_text(&[0x55, 0x04, 0x03]).unwrap(), "commonName");
        assert_eq!(oid_text(&[0x55, 0x04, 0x06]).unwrap(), "countryName");
        assert_eq!(dotted(&[0x2a, 0x03, 0x04, 0x05]).unwrap(), "1.2.3.4.5");
        assert_eq!(
            dotted(&[0x88, 0x37, 0x01]).unwrap(),
            "2.999.1",
            "first arc above 80"
        );
        // An arc beyond u64.
        let big = [
            0x2a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
        ];
        assert_eq!(dotted(&big).unwrap(), "1.2.1180591620717411303424");
        assert!(dotted(&[0x2a, 0x83]).is_none());
    }

    #[test]
    fn serials_and_times() {
        assert_eq!(serial_text(&[0x10, 0x01]), "1001");
        assert_eq!(serial_text(&[0x00, 0xcb, 0x2d]), "CB2D");
        assert_eq!(serial_text(&[0x00]), "00");
        assert_eq!(serial_text(&[0xff]), "-01");
        assert_eq!(serial_text(&[0x80]), "-80");
        assert_eq!(
            time_text(der::UTC_TIME, b"200101000000Z"),
            "Jan  1 00:00:00 2020 GMT"
        );
        assert_eq!(
            time_text(der::UTC_TIME, b"491231235959Z"),
            "Dec 31 23:59:59 2049 GMT"
        );
        assert_eq!(
            time_text(der::UTC_TIME, b"500101000000Z"),
            "Jan  1 00:00:00 1950 GMT"
        );
        assert_eq!(
            time_text(der::GENERALIZED_TIME, b"20491231235959Z"),
            "Dec 31 23:59:59 2049 GMT"
        );
        assert_eq!(
            time_text(der::GENERALIZED_TIME, b"20200101000000.123Z"),
            "Jan  1 00:00:00.123 2020 GMT"
        );
        assert_eq!(
            time_text(der::UTC_TIME, b"2001010000Z"),
            "Jan  1 00:00:00 2020 GMT"
        );
        assert_eq!(
            time_text(der::UTC_TIME, b"200101000000+0100"),
            "Dec 31 23:00:00 2019"
        );
        assert_eq!(time_text(der::UTC_TIME, b"200230000000Z"), "Bad time value");
        assert_eq!(time_text(der::UTC_TIME, b"garbage"), "Bad time value");
    }

    #[test]
    fn malformed_input_is_an_error_never_a_panic() {
        let cases: &[&[u8]] = &[
            b"",
            &[0x30],
            &[0x30, 0x80],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x03, 0x30, 0x01],
            &[0x31, 0x00],
            &[0x1f, 0x00],
            &[0x30, 0x02, 0x30, 0x00],
        ];
        for c in cases {
            assert!(decode_certificate(c).is_err(), "{c:?}");
        }
        // Every prefix and every single-byte corruption of a real certificate.
        let pem = include_str!("../../tests/conformance/certs/leaf-allsans.pem");
        let der = crate::pure::pem::pem_cert_to_der_cert(pem).unwrap();
        assert!(decode_certificate(&der).is_ok());
        for n in 0..der.len() {
            let _ = decode_certificate(&der[..n]);
        }
        for i in 0..der.len() {
            let mut d = der.clone();
            d[i] ^= 0xff;
            let _ = decode_certificate(&d);
        }
    }
}
