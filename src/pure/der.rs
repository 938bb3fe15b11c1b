//! A minimal DER reader (with the BER forms OpenSSL's parser accepts):
//! tag-length-value items, every access bounds-checked.

/// One DER item.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier as one octet: class, constructed bit and number. A
    /// number under 31 written in the high-tag-number form (`1f 04`) is
    /// that number, as OpenSSL's `ASN1_get_object` reads it; a higher one
    /// keeps 0x1f in the low bits (matching no single-octet tag).
    pub(crate) tag: u8,
    /// The identifier was in the high-tag-number form.
    pub(crate) long_tag: bool,
    /// The content octets.
    pub(crate) value: &'a [u8],
}

/// A malformed encoding.
#[derive(Debug)]
pub(crate) struct Malformed;

/// Reads consecutive items from a byte string.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { rest: data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next item's tag (as [`Tlv::tag`]), without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        header(self.rest).ok().map(|h| h.0)
    }

    /// The next item. The header as OpenSSL's `ASN1_get_object` reads it:
    /// high tag numbers (the item's `tag` is then its first octet, which
    /// matches no single-octet tag), long-form lengths with leading zeros,
    /// and BER's indefinite length on constructed items (the value is what
    /// lies before the matching end-of-contents octets).
    pub(crate) fn next(&mut self) -> Result<Tlv<'a>, Malformed> {
        let (tag, inf, len, hdr) = header(self.rest)?;
        let long_tag = self.rest[0] & 0x1f == 0x1f;
        let rest = &self.rest[hdr..];
        if inf {
            let n = indefinite_len(rest)?;
            self.rest = &rest[n + 2..];
            return Ok(Tlv {
                tag,
                long_tag,
                value: &rest[..n],
            });
        }
        let value = rest.get(..len).ok_or(Malformed)?;
        self.rest = &rest[len..];
        Ok(Tlv {
            tag,
            long_tag,
            value,
        })
    }

    /// The next item, which must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<&'a [u8], Malformed> {
        let t = self.next()?;
        if t.tag == tag {
            Ok(t.value)
        } else {
            Err(Malformed)
        }
    }

    /// The next item, a SEQUENCE OF or SET OF with `tag`: OpenSSL's
    /// parser takes these without the constructed bit too.
    pub(crate) fn expect_of(&mut self, tag: u8) -> Result<&'a [u8], Malformed> {
        let t = self.next()?;
        if t.tag | 0x20 == tag {
            Ok(t.value)
        } else {
            Err(Malformed)
        }
    }

    /// The next item if it has `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, Malformed> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }
}

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;

/// An item's header: (tag as [`Tlv::tag`], indefinite, length, header
/// size).
fn header(data: &[u8]) -> Result<(u8, bool, usize, usize), Malformed> {
    let (&first_octet, _) = data.split_first().ok_or(Malformed)?;
    let mut tag = first_octet;
    let mut i = 1;
    if tag & 0x1f == 0x1f {
        // OpenSSL: the number must fit an int.
        let mut n: u64 = 0;
        loop {
            let b = *data.get(i).ok_or(Malformed)?;
            i += 1;
            n = (n << 7) | u64::from(b & 0x7f);
            if n > u64::from(i32::MAX as u32) {
                return Err(Malformed);
            }
            if b & 0x80 == 0 {
                break;
            }
        }
        if n < 0x1f {
            tag = (first_octet & 0xe0) | n as u8;
        }
    }
    let first = *data.get(i).ok_or(Malformed)?;
    i += 1;
    if first == 0x80 {
        if tag & 0x20 == 0 {
            return Err(Malformed);
        }
        return Ok((tag, true, 0, i));
    }
    if first < 0x80 {
        return Ok((tag, false, usize::from(first), i));
    }
    let n = usize::from(first & 0x7f);
    let bytes = data.get(i..i + n).ok_or(Malformed)?;
    i += n;
    let significant: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    if significant.len() > 8 {
        return Err(Malformed);
    }
    let len = significant
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if len > i64::MAX as u64 {
        return Err(Malformed);
    }
    Ok((tag, false, usize::try_from(len).map_err(|_| Malformed)?, i))
}

/// The content length of an indefinite-length item whose content starts
/// `data`: up to its end-of-contents octets (nested indefinite items
/// counted, as OpenSSL's `asn1_find_end`).
fn indefinite_len(data: &[u8]) -> Result<usize, Malformed> {
    let mut depth = 1usize;
    let mut p = data;
    loop {
        if p.starts_with(&[0, 0]) {
            depth -= 1;
            if depth == 0 {
                return Ok(data.len() - p.len());
            }
            p = &p[2..];
            continue;
        }
        let (_, inf, len, hdr) = header(p)?;
        if inf {
            depth += 1;
            p = &p[hdr..];
        } else {
            p = p.get(hdr + len..).ok_or(Malformed)?;
        }
    }
}

/// The content of a string in BER's constructed form, as OpenSSL's
/// `asn1_collect` gathers it: the segments' contents concatenated, any tag,
/// at most 5 levels of nesting, no end-of-contents inside a definite
/// length.
pub(crate) fn collect(value: &[u8], depth: usize, out: &mut Vec<u8>) -> Result<(), Malformed> {
    let mut r = Reader::new(value);
    while !r.is_empty() {
        if r.rest.starts_with(&[0, 0]) {
            return Err(Malformed);
        }
        let constructed = r.rest[0] & 0x20 != 0;
        let t = r.next()?;
        if constructed {
            if depth >= 5 {
                return Err(Malformed);
            }
            collect(t.value, depth + 1, out)?;
        } else {
            out.extend_from_slice(t.value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_tag_form_of_a_low_number_is_that_tag() {
        // `1f 04`: OCTET STRING in the high-tag-number form; `3f 10`: a
        // constructed SEQUENCE; `9f 22`: [34], kept as 0x9f.
        let data = [0x1f, 0x04, 0x01, 0xaa, 0x3f, 0x10, 0x00, 0x9f, 0x22, 0x00];
        let mut r = Reader::new(&data);
        assert_eq!(r.peek_tag(), Some(OCTET_STRING));
        let t = r.next().unwrap();
        assert_eq!(
            (t.tag, t.long_tag, t.value),
            (OCTET_STRING, true, &[0xaa][..])
        );
        assert_eq!(r.expect(SEQUENCE).unwrap(), &[] as &[u8]);
        let t = r.next().unwrap();
        assert_eq!((t.tag, t.long_tag), (0x9f, true));
        assert!(r.is_empty());
    }
}
