//! Python's text formatting: `repr()` of a `str` (as `%r` and `{!r}` print
//! it in error messages) and `json.dumps()` of a `str`.

use icu_properties::props::GeneralCategory;
use icu_properties::CodePointMapData;

/// `repr(s)` for a Python `str`: single quotes unless the text contains a
/// single quote and no double quote; backslash escapes for the quote, `\\`,
/// `\t`, `\n`, `\r`; `\xNN`, `\uNNNN` or `\UNNNNNNNN` for characters that are
/// not printable (Python's `str.isprintable()`).
#[doc(alias = "repr")]
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => push_escape(&mut out, c),
        }
    }
    out.push(quote);
    out
}

/// A JSON string literal (what `json.dumps` prints for a str, with
/// non-ASCII characters escaped as `\uXXXX`).
#[doc(alias = "json.dumps")]
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python escapes a code point.
pub(crate) fn push_escape(out: &mut String, c: char) {
    let n = u32::from(c);
    if n < 0x100 {
        out.push_str(&format!("\\x{n:02x}"));
    } else if n < 0x10000 {
        out.push_str(&format!("\\u{n:04x}"));
    } else {
        out.push_str(&format!("\\U{n:08x}"));
    }
}

/// Python's `Py_UNICODE_ISPRINTABLE`: every character but those of the
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, except the ASCII space.
pub(crate) fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    !matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::repr_str;

    #[test]
    fn repr_matches_python() {
        assert_eq!(repr_str("abc"), "'abc'");
        assert_eq!(repr_str("a'b"), "\"a'b\"");
        assert_eq!(repr_str("a'b\""), "'a\\'b\"'");
        assert_eq!(repr_str("a\0b"), "'a\\x00b'");
        assert_eq!(repr_str("pythön\u{200b}"), "'pythön\\u200b'");
        assert_eq!(repr_str("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(repr_str("\u{7f}\u{a0}"), "'\\x7f\\xa0'");
        assert_eq!(repr_str("\u{10ffff}"), "'\\U0010ffff'");
    }
}
