//! `DER_cert_to_PEM_cert` and `PEM_cert_to_DER_cert`, as CPython's `ssl.py`
//! writes them (base64 in 64-character lines; `base64.decodebytes`, i.e.
//! `binascii.a2b_base64` in its lenient mode, for the body).

use crate::error::{Error, UnicodeError, ValueError};

/// `ssl.PEM_HEADER`.
pub(crate) const PEM_HEADER: &str = "-----BEGIN CERTIFICATE-----";
/// `ssl.PEM_FOOTER`.
pub(crate) const PEM_FOOTER: &str = "-----END CERTIFICATE-----";

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (`base64.standard_b64encode`).
fn b64encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let idx = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for (i, &x) in idx.iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(B64[x as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `DER_cert_to_PEM_cert(der)`: no validation of the input.
pub(crate) fn der_cert_to_pem_cert(der: &[u8]) -> String {
    let f = b64encode(der);
    let mut out = String::with_capacity(f.len() + f.len() / 64 + 60);
    out.push_str(PEM_HEADER);
    out.push('\n');
    for line in f.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(PEM_FOOTER);
    out.push('\n');
    out
}

/// Python's `str.isspace()` for one character.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `binascii.a2b_base64(data, strict_mode=False)`: characters outside the
/// alphabet are skipped; a complete pad sequence ends the input. Errors are
/// `binascii.Error` (a `ValueError` subclass named `Error`).
fn a2b_base64(data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let mut quad_pos = 0u8;
    let mut leftchar = 0u8;
    let mut pads = 0u8;
    for &ch in data {
        if ch == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = B64.iter().position(|&b| b == ch) else {
            continue;
        };
        let v = v as u8;
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push((leftchar << 2) | (v >> 4));
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((leftchar << 4) | (v >> 2));
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((leftchar << 6) | v);
                leftchar = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(Error::Value(ValueError::with_class(
            crate::error::PyClass::BinasciiError,
            format!(
                "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
                out.len() / 3 * 4 + 1
            ),
        ))),
        _ => Err(Error::Value(ValueError::with_class(crate::error::PyClass::BinasciiError, "Incorrect padding"))),
    }
}

/// `PEM_cert_to_DER_cert(pem)`.
pub(crate) fn pem_cert_to_der_cert(pem: &str) -> Result<Vec<u8>, Error> {
    if !pem.starts_with(PEM_HEADER) {
        return Err(Error::value(format!(
            "Invalid PEM encoding; must start with {PEM_HEADER}"
        )));
    }
    let stripped = pem.trim_matches(py_isspace);
    if !stripped.ends_with(PEM_FOOTER) {
        return Err(Error::value(format!(
            "Invalid PEM encoding; must end with {PEM_FOOTER}"
        )));
    }
    // `strip()[len(HEADER):-len(FOOTER)]`: Python slicing by code points;
    // when header and footer overlap the slice is empty.
    let chars: Vec<char> = stripped.chars().collect();
    let (h, f) = (PEM_HEADER.len(), PEM_FOOTER.len());
    let body: String = if chars.len() >= h + f {
        chars[h..chars.len() - f].iter().collect()
    } else {
        String::new()
    };
    if let Some(e) = UnicodeError::ascii_encode(&body) {
        return Err(Error::Unicode(e));
    }
    a2b_base64(body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> String {
        format!("{PEM_HEADER}\n{body}\n{PEM_FOOTER}")
    }

    #[test]
    fn like_python() {
        assert_eq!(
            der_cert_to_pem_cert(b"abc"),
            "-----BEGIN CERTIFICATE-----\nYWJj\n-----END CERTIFICATE-----\n"
        );
        assert_eq!(
            der_cert_to_pem_cert(b""),
            "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
        );
        type Case<'a> = (&'a str, Result<&'a [u8], (&'a str, &'a str)>);
        let cases: &[Case<'_>] = &[
            ("YWJj", Ok(b"abc")),
            ("YWJ", Err(("Error", "Incorrect padding"))),
            (
                "Y",
                Err((
                    "Error",
                    "Invalid base64-encoded string: number of data characters (1) cannot be 1 more than a multiple of 4",
                )),
            ),
            ("YW!!Jj", Ok(b"abc")),
            ("YWJjZA==YWJj", Ok(b"abcd")),
            ("YWJjZA=", Err(("Error", "Incorrect padding"))),
            (
                "YWJjZ===",
                Err((
                    "Error",
                    "Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4",
                )),
            ),
            ("=YWJj", Ok(b"abc")),
        ];
        for (body, want) in cases {
            let got = pem_cert_to_der_cert(&wrap(body));
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, *w, "{body}"),
                (Err(e), Err((class, msg))) => {
                    assert_eq!((e.python_class(), e.to_string().as_str()), (*class, *msg));
                    assert!(e.is_instance("ValueError"));
                }
                (g, w) => panic!("{body}: {g:?} vs {w:?}"),
            }
        }
        let e = pem_cert_to_der_cert(" -----BEGIN CERTIFICATE-----").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid PEM encoding; must start with -----BEGIN CERTIFICATE-----"
        );
        let e = pem_cert_to_der_cert("-----BEGIN CERTIFICATE-----\nYWJj").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid PEM encoding; must end with -----END CERTIFICATE-----"
        );
        assert_eq!(
            pem_cert_to_der_cert("-----BEGIN CERTIFICATE-----YWJj-----END CERTIFICATE-----  \n\n")
                .unwrap(),
            b"abc"
        );
        assert_eq!(
            pem_cert_to_der_cert("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----").unwrap(),
            b""
        );
        let e = pem_cert_to_der_cert(&wrap("YW\u{e9}Jj")).unwrap_err();
        assert_eq!(e.python_class(), "UnicodeEncodeError");
        // Round trip.
        let der: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(
            pem_cert_to_der_cert(&der_cert_to_pem_cert(&der)).unwrap(),
            der
        );
    }
}
