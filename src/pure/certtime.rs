//! `cert_time_to_seconds`, as CPython 3.13's `ssl.py` computes it: the
//! month from an English list (locale-free), the rest through `strptime`'s
//! regex for `' %d %H:%M:%S %Y GMT'` (reproduced here, backtracking
//! included), then `calendar.timegm`.

use icu_properties::props::GeneralCategory;
use icu_properties::CodePointMapData;

use crate::error::Error;
use crate::pyfmt::repr_str;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const TIME_FORMAT: &str = " %d %H:%M:%S %Y GMT";

/// Python's `\s` for str patterns.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `\d` for str patterns (Unicode decimal digits), with the value
/// `int()` gives it.
fn digit(c: char) -> Option<u32> {
    if let Some(d) = c.to_digit(10) {
        return Some(d);
    }
    let gc = CodePointMapData::<GeneralCategory>::new();
    if gc.get(c) != GeneralCategory::DecimalNumber {
        return None;
    }
    // Decimal digits come in contiguous runs of ten starting at zero.
    let mut start = u32::from(c);
    while start > 0
        && char::from_u32(start - 1).is_some_and(|p| gc.get(p) == GeneralCategory::DecimalNumber)
    {
        start -= 1;
    }
    Some((u32::from(c) - start) % 10)
}

/// One character class of the compiled pattern.
#[derive(Clone, Copy)]
enum Class {
    Lit(char),
    Range(char, char),
    Digit,
}

impl Class {
    fn matches(self, c: char) -> bool {
        match self {
            Class::Lit(l) => c == l,
            Class::Range(a, b) => (a..=b).contains(&c),
            Class::Digit => digit(c).is_some(),
        }
    }
}

use Class::{Digit, Lit, Range};

/// `_strptime`'s alternatives for a directive, in order.
fn alternatives(d: char) -> &'static [&'static [Class]] {
    match d {
        'd' => &[
            &[Lit('3'), Range('0', '1')],
            &[Range('1', '2'), Digit],
            &[Lit('0'), Range('1', '9')],
            &[Range('1', '9')],
            &[Lit(' '), Range('1', '9')],
        ],
        'H' => &[
            &[Lit('2'), Range('0', '3')],
            &[Range('0', '1'), Digit],
            &[Digit],
        ],
        'M' => &[&[Range('0', '5'), Digit], &[Digit]],
        'S' => &[
            &[Lit('6'), Range('0', '1')],
            &[Range('0', '5'), Digit],
            &[Digit],
        ],
        _ => &[&[Digit, Digit, Digit, Digit]],
    }
}

/// The pattern ` %d %H:%M:%S %Y GMT` after `_strptime`'s rewriting:
/// `\s+`, directives, literals (`GMT` case-insensitively).
#[derive(Clone, Copy)]
enum Tok {
    Spaces,
    Dir(char),
    Colon,
}

const PATTERN: [Tok; 11] = [
    Tok::Spaces,
    Tok::Dir('d'),
    Tok::Spaces,
    Tok::Dir('H'),
    Tok::Colon,
    Tok::Dir('M'),
    Tok::Colon,
    Tok::Dir('S'),
    Tok::Spaces,
    Tok::Dir('Y'),
    Tok::Spaces,
];

/// Backtracking match of `PATTERN` followed by `GMT` at `pos`; returns the
/// end position and the captured numbers (d, H, M, S, Y).
fn match_from(s: &[char], pos: usize, tok: usize, caps: &mut [u32; 5]) -> Option<usize> {
    if tok == PATTERN.len() {
        // The final literal "GMT" (re.IGNORECASE).
        let g = s.get(pos..pos + 3)?;
        let ok = g
            .iter()
            .zip("GMT".chars())
            .all(|(a, b)| a.to_ascii_uppercase() == b);
        return ok.then_some(pos + 3);
    }
    match PATTERN[tok] {
        Tok::Spaces => {
            let mut n = 0;
            while s.get(pos + n).is_some_and(|&c| is_space(c)) {
                n += 1;
            }
            // Greedy, then backtrack (each step is O(1); the pattern has a
            // fixed number of tokens, so this stays linear-ish in practice
            // and bounded by the input length squared at worst).
            while n >= 1 {
                if let Some(e) = match_from(s, pos + n, tok + 1, caps) {
                    return Some(e);
                }
                n -= 1;
            }
            None
        }
        Tok::Colon => {
            if s.get(pos) == Some(&':') {
                match_from(s, pos + 1, tok + 1, caps)
            } else {
                None
            }
        }
        Tok::Dir(d) => {
            for alt in alternatives(d) {
                let Some(chunk) = s.get(pos..pos + alt.len()) else {
                    continue;
                };
                if !chunk.iter().zip(alt.iter()).all(|(&c, cl)| cl.matches(c)) {
                    continue;
                }
                let value = chunk
                    .iter()
                    .filter(|&&c| c != ' ')
                    .fold(0u32, |acc, &c| acc * 10 + digit(c).unwrap_or(0));
                let slot = match d {
                    'd' => 0,
                    'H' => 1,
                    'M' => 2,
                    'S' => 3,
                    _ => 4,
                };
                let saved = caps[slot];
                caps[slot] = value;
                if let Some(e) = match_from(s, pos + alt.len(), tok + 1, caps) {
                    return Some(e);
                }
                caps[slot] = saved;
            }
            None
        }
    }
}

/// Days from 0001-01-01 (ordinal 1) to the first of `month` in `year`.
fn ordinal_first_of_month(year: i64, month: i64) -> i64 {
    const CUM: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let y = year - 1;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let mut days = y * 365 + y / 4 - y / 100 + y / 400;
    days += CUM[(month - 1) as usize];
    if leap && month > 2 {
        days += 1;
    }
    days + 1
}

/// `cert_time_to_seconds(cert_time)`.
pub(crate) fn cert_time_to_seconds(cert_time: &str) -> Result<i64, Error> {
    let chars: Vec<char> = cert_time.chars().collect();
    // `cert_time[:3].title()`.
    let head: String = chars
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.to_uppercase().collect::<String>()
            } else {
                c.to_lowercase().collect::<String>()
            }
        })
        .collect();
    let Some(month) = MONTHS.iter().position(|m| *m == head) else {
        return Err(Error::value(format!(
            "time data {} does not match format \"%b{TIME_FORMAT}\"",
            repr_str(cert_time)
        )));
    };
    let rest = &chars[3.min(chars.len())..];
    let rest_str: String = rest.iter().collect();
    let mut caps = [0u32; 5];
    let Some(end) = match_from(rest, 0, 0, &mut caps) else {
        return Err(Error::value(format!(
            "time data {} does not match format {}",
            repr_str(&rest_str),
            repr_str(TIME_FORMAT)
        )));
    };
    if end != rest.len() {
        let tail: String = rest[end..].iter().collect();
        return Err(Error::value(format!("unconverted data remains: {tail}")));
    }
    let [day, hour, minute, second, year] = caps.map(i64::from);
    if year == 0 {
        return Err(Error::value("year 0 is out of range"));
    }
    let epoch = ordinal_first_of_month(1970, 1);
    let days = ordinal_first_of_month(year, month as i64 + 1) - epoch + day - 1;
    Ok(((days * 24 + hour) * 60 + minute) * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::cert_time_to_seconds;

    #[test]
    fn like_python() {
        let ok: &[(&str, i64)] = &[
            ("Jan  5 09:34:43 2018 GMT", 1515144883),
            ("Jan 15 09:34:43 2018 GMT", 1516008883),
            ("Feb 29 00:00:00 2019 GMT", 1551398400),
            ("Jan 31 23:59:61 9999 GMT", 253373443201),
            ("jan 05 09:34:43 2018 gmt", 1515144883),
            ("Jan 5 9:4:3 2018 GMT", 1515143043),
            ("Feb 31 00:00:00 2020 GMT", 1583107200),
            ("\u{17f}ep  1 00:00:00 2020 GMT", 1598918400),
            ("Jan\t5\n09:34:43  2018\tGMT", 1515144883),
            ("Jan 01 00:00:00 1969 GMT", -31536000),
        ];
        for (s, want) in ok {
            assert_eq!(cert_time_to_seconds(s).unwrap(), *want, "{s:?}");
        }
        let bad: &[(&str, &str)] = &[
            ("Jan  5 09:34:43 0000 GMT", "year 0 is out of range"),
            ("Jan 5 09:34:43 2018 GMT ", "unconverted data remains:  "),
            ("Jan  5 09:34:43 2018 UTC", "time data '  5 09:34:43 2018 UTC' does not match format ' %d %H:%M:%S %Y GMT'"),
            ("Jan 123 09:34:43 2018 GMT", "time data ' 123 09:34:43 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'"),
            ("xyz", "time data 'xyz' does not match format \"%b %d %H:%M:%S %Y GMT\""),
            ("", "time data '' does not match format \"%b %d %H:%M:%S %Y GMT\""),
            ("Jan 5 09:34:43 2018 GMTX", "unconverted data remains: X"),
            ("Jan 0 09:34:43 2018 GMT", "time data ' 0 09:34:43 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'"),
            ("Jan \u{663} 09:34:43 2018 GMT", "time data ' \u{663} 09:34:43 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'"),
            ("Jan 1 24:00:00 2018 GMT", "time data ' 1 24:00:00 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'"),
            ("Jan 1 23:59:62 2018 GMT", "time data ' 1 23:59:62 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'"),
            ("Jan  5 09:34 2018", "time data '  5 09:34 2018' does not match format ' %d %H:%M:%S %Y GMT'"),
        ];
        for (s, msg) in bad {
            let e = cert_time_to_seconds(s).unwrap_err();
            assert_eq!(
                (e.python_class(), e.to_string().as_str()),
                ("ValueError", *msg),
                "{s:?}"
            );
        }
        // Huge whitespace runs stay fast and fail cleanly.
        let long = format!("Jan{}5 09:34:43 2018 UTC", " ".repeat(20_000));
        assert!(cert_time_to_seconds(&long).is_err());
    }
}
