//! Python's `str.encode('idna')` (CPython 3.13 `encodings/idna.py`): IDNA
//! 2003 (RFC 3490 ToASCII) with nameprep (RFC 3491) on Unicode 3.2 data,
//! including its errors (`UnicodeEncodeError` with CPython's positions and
//! texts). What `SSLContext._encode_hostname` does to `server_hostname`.
//!
//! The Unicode 3.2 tables come from CPython's own `stringprep` and
//! `unicodedata.ucd_3_2_0` (`tools/gen_idna2003_tables.py`); punycode is the
//! `idna` crate's RFC 3492 encoder.

#[path = "idna2003_tables.rs"]
mod tables;

use crate::error::UnicodeError;

/// A `UnicodeEncodeError("idna", object, start, end, reason)`.
struct EncodeError {
    start: usize,
    end: usize,
    reason: String,
}

fn in_ranges(r: &[(u32, u32)], c: char) -> bool {
    let c = u32::from(c);
    r.binary_search_by(|&(a, b)| {
        if b < c {
            std::cmp::Ordering::Less
        } else if a > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

fn ccc(c: u32) -> u8 {
    tables::CCC
        .binary_search_by_key(&c, |&(k, _)| k)
        .map(|i| tables::CCC[i].1)
        .unwrap_or(0)
}

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

/// Full compatibility decomposition of one code point, as
/// `ucd_3_2_0.normalize` decomposes it.
fn decompose(c: u32, out: &mut Vec<u32>) {
    if (S_BASE..S_BASE + S_COUNT).contains(&c) {
        let s = c - S_BASE;
        out.push(L_BASE + s / N_COUNT);
        out.push(V_BASE + (s % N_COUNT) / T_COUNT);
        let t = s % T_COUNT;
        if t != 0 {
            out.push(T_BASE + t);
        }
        return;
    }
    match tables::DECOMP.binary_search_by_key(&c, |&(k, _, _)| k) {
        // Full decompositions: no recursion needed.
        Ok(i) => out.extend_from_slice(tables::DECOMP[i].2),
        Err(_) => out.push(c),
    }
}

fn compose_pair(a: u32, b: u32) -> Option<u32> {
    // Hangul LV and LVT.
    if (L_BASE..L_BASE + L_COUNT).contains(&a) && (V_BASE..V_BASE + V_COUNT).contains(&b) {
        return Some(S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT);
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&a)
        && (a - S_BASE) % T_COUNT == 0
        && (T_BASE + 1..T_BASE + T_COUNT).contains(&b)
    {
        return Some(a + (b - T_BASE));
    }
    tables::COMPOSE
        .binary_search_by_key(&(a, b), |&(x, y, _)| (x, y))
        .ok()
        .map(|i| tables::COMPOSE[i].2)
}

/// `unicodedata.ucd_3_2_0.normalize("NFKC", s)`.
fn nfkc(s: &[char]) -> Vec<char> {
    let mut d: Vec<u32> = Vec::with_capacity(s.len());
    for &c in s {
        decompose(u32::from(c), &mut d);
    }
    // Canonical ordering: stable sort of each run of non-starters.
    let mut i = 0;
    while i < d.len() {
        if ccc(d[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < d.len() && ccc(d[i]) != 0 {
            i += 1;
        }
        d[start..i].sort_by_key(|&c| ccc(c));
    }
    // Canonical composition: a character combines with the last starter
    // unless a character between them has class 0 or a class >= its own
    // (after canonical ordering, the last one decides).
    let mut out: Vec<u32> = Vec::with_capacity(d.len());
    let mut starter: Option<usize> = None;
    let mut last_cc: u8 = 0;
    for &c in &d {
        let cc = ccc(c);
        if let Some(si) = starter {
            let adjacent = out.len() == si + 1;
            if adjacent || (last_cc != 0 && last_cc < cc) {
                if let Some(comp) = compose_pair(out[si], c) {
                    out[si] = comp;
                    continue;
                }
            }
        }
        if cc == 0 {
            starter = Some(out.len());
        }
        last_cc = cc;
        out.push(c);
    }
    out.into_iter().filter_map(char::from_u32).collect()
}

/// `nameprep(label)`.
fn nameprep(label: &[char]) -> Result<Vec<char>, EncodeError> {
    let mut mapped: Vec<char> = Vec::with_capacity(label.len());
    for &c in label {
        if tables::B1.binary_search(&u32::from(c)).is_ok() {
            continue;
        }
        match tables::B2.binary_search_by_key(&u32::from(c), |&(k, _)| k) {
            Ok(i) => mapped.extend(tables::B2[i].1.chars()),
            Err(_) => mapped.push(c),
        }
    }
    let label = nfkc(&mapped);
    for (i, &c) in label.iter().enumerate() {
        if in_ranges(tables::PROHIBITED, c) {
            return Err(EncodeError {
                start: i,
                end: i + 1,
                reason: format!(
                    "Invalid character {}",
                    crate::pyfmt::repr_str(&c.to_string())
                ),
            });
        }
    }
    let rand_al: Vec<bool> = label.iter().map(|&c| in_ranges(tables::D1, c)).collect();
    if rand_al.iter().any(|&b| b) {
        if let Some(i) = label.iter().position(|&c| in_ranges(tables::D2, c)) {
            return Err(EncodeError {
                start: i,
                end: i + 1,
                reason: "Violation of BIDI requirement 2".into(),
            });
        }
        if !rand_al[0] {
            return Err(EncodeError {
                start: 0,
                end: 1,
                reason: "Violation of BIDI requirement 3".into(),
            });
        }
        if !rand_al[rand_al.len() - 1] {
            return Err(EncodeError {
                start: label.len() - 1,
                end: label.len(),
                reason: "Violation of BIDI requirement 3".into(),
            });
        }
    }
    Ok(label)
}

fn ascii_label(label: &[char]) -> Result<String, EncodeError> {
    if !label.is_empty() && label.len() < 64 {
        return Ok(label.iter().collect());
    }
    if label.is_empty() {
        Err(EncodeError {
            start: 0,
            end: 1,
            reason: "label empty".into(),
        })
    } else {
        Err(EncodeError {
            start: 0,
            end: label.len(),
            reason: "label too long".into(),
        })
    }
}

/// `ToASCII(label)`.
fn to_ascii(label: &[char]) -> Result<String, EncodeError> {
    if label.iter().all(char::is_ascii) {
        return ascii_label(label);
    }
    let label = nameprep(label)?;
    if label.iter().all(char::is_ascii) {
        return ascii_label(&label);
    }
    let lower: String = label.iter().collect::<String>().to_lowercase();
    if lower.starts_with("xn--") {
        return Err(EncodeError {
            start: 0,
            end: 4,
            reason: "Label starts with ACE prefix".into(),
        });
    }
    let text: String = label.iter().collect();
    let puny = idna::punycode::encode_str(&text).ok_or(EncodeError {
        start: 0,
        end: label.len(),
        reason: "label too long".into(),
    })?;
    let out = format!("xn--{puny}");
    if out.len() < 64 {
        Ok(out)
    } else {
        Err(EncodeError {
            start: 0,
            end: label.len(),
            reason: "label too long".into(),
        })
    }
}

/// `UnicodeEncodeError("idna", input, start, end, reason)`.
fn error(input: &[char], e: EncodeError) -> UnicodeError {
    let text: String = input.iter().collect();
    UnicodeError::encode("idna", text, e.start, e.end, e.reason)
}

fn is_dot(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{ff0e}' | '\u{ff61}')
}

/// `hostname.encode('idna').decode('ascii')`.
pub(crate) fn encode(hostname: &str) -> Result<String, UnicodeError> {
    let input: Vec<char> = hostname.chars().collect();
    if input.is_empty() {
        return Ok(String::new());
    }
    if hostname.is_ascii() {
        // ASCII fast path: only empty (but the last) and long labels fail.
        let labels: Vec<&[char]> = input.split(|&c| c == '.').collect();
        let mut offset = 0;
        for (i, label) in labels.iter().enumerate() {
            if i + 1 < labels.len() && label.is_empty() {
                return Err(error(
                    &input,
                    EncodeError {
                        start: offset,
                        end: offset + 1,
                        reason: "label empty".into(),
                    },
                ));
            }
            offset += label.len() + 1;
        }
        let mut offset = 0;
        for label in &labels {
            if label.len() >= 64 {
                return Err(error(
                    &input,
                    EncodeError {
                        start: offset,
                        end: offset + label.len(),
                        reason: "label too long".into(),
                    },
                ));
            }
            offset += label.len() + 1;
        }
        return Ok(hostname.to_string());
    }
    let mut labels: Vec<&[char]> = input.split(|&c| is_dot(c)).collect();
    let trailing_dot = labels.last().is_some_and(|l| l.is_empty());
    if trailing_dot {
        labels.pop();
    }
    let mut out = String::new();
    let mut offset = 0;
    for label in &labels {
        if !out.is_empty() {
            out.push('.');
        }
        match to_ascii(label) {
            Ok(a) => out.push_str(&a),
            Err(e) => {
                return Err(error(
                    &input,
                    EncodeError {
                        start: offset + e.start,
                        end: offset + e.end,
                        reason: e.reason,
                    },
                ))
            }
        }
        offset += label.len() + 1;
    }
    if trailing_dot {
        out.push('.');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn like_python_313() {
        let ok: &[(&str, &str)] = &[
            ("example.com", "example.com"),
            ("EXAMPLE.Com", "EXAMPLE.Com"),
            ("pyth\u{f6}n.org", "xn--pythn-mua.org"),
            ("PYTH\u{d6}N.org", "xn--pythn-mua.org"),
            ("Www.Pyth\u{f6}n.ORG", "Www.xn--pythn-mua.ORG"),
            ("Stra\u{df}e.de", "strasse.de"),
            (
                "\u{3b2}\u{3cc}\u{3bb}\u{3bf}\u{3c2}.com",
                "xn--nxasmq6b.com",
            ),
            ("a\u{200c}b\u{e9}.com", "xn--ab-cja.com"),
            (
                "\u{ff25}\u{ff38}\u{ff21}\u{ff2d}\u{ff30}\u{ff2c}\u{ff25}.com",
                "example.com",
            ),
            ("\u{e9}x\u{3002}com", "xn--x-9fa.com"),
            ("ex\u{ad}ample\u{e9}.com", "xn--example-hya.com"),
            ("m\u{fc}nchen.de.", "xn--mnchen-3ya.de."),
            (
                "\u{4f8b}\u{3048}.\u{30c6}\u{30b9}\u{30c8}",
                "xn--r8jz45g.xn--zckzah",
            ),
            ("b\u{fc}cher.example", "xn--bcher-kva.example"),
            ("\u{391}\u{392}\u{393}.gr", "xn--mxacd.gr"),
            ("\u{130}stanbul.tr", "xn--istanbul-o0e.tr"),
            ("\u{2488}.com", "1..com"),
            ("xn--a.com", "xn--a.com"),
            ("localhost.", "localhost."),
            ("", ""),
            ("a\0b", "a\0b"),
        ];
        for (input, want) in ok {
            assert_eq!(encode(input).unwrap(), *want, "{input:?}");
        }
        let bad: &[(&str, &str)] = &[
            (
                ".example.com",
                "'idna' codec can't encode character '\\x2e' in position 0: label empty",
            ),
            (
                "a..b",
                "'idna' codec can't encode character '\\x2e' in position 2: label empty",
            ),
            (
                "\u{200b}.com",
                "'idna' codec can't encode character '\\u200b' in position 0: label empty",
            ),
        ];
        for (input, want) in bad {
            assert_eq!(encode(input).unwrap_err().message(), *want, "{input:?}");
        }
        let cases: &[(&str, &str)] = &[
            ("\u{5d0}a", "'idna' codec can't encode character '\\x61' in position 1: Violation of BIDI requirement 2"),
            ("xn--\u{e9}", "'idna' codec can't encode characters in position 0-3: Label starts with ACE prefix"),
            ("\u{627}1", "'idna' codec can't encode character '\\x31' in position 1: Violation of BIDI requirement 3"),
        ];
        for (input, want) in cases {
            assert_eq!(encode(input).unwrap_err().message(), *want, "{input:?}");
        }
        assert_eq!(
            encode(&"\u{e9}".repeat(60)).unwrap_err().message(),
            "'idna' codec can't encode characters in position 0-59: label too long"
        );
        let long = "a".repeat(64);
        assert_eq!(
            encode(&long).unwrap_err().message(),
            "'idna' codec can't encode characters in position 0-63: label too long"
        );
        assert!(encode(&"a".repeat(63)).is_ok());
    }
}
