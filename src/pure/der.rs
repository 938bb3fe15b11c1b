//! A minimal DER reader: tag-length-value items with definite lengths,
//! every access bounds-checked.

/// One DER item.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (single-octet tags only).
    pub(crate) tag: u8,
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

    /// The next item's tag, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next item.
    pub(crate) fn next(&mut self) -> Result<Tlv<'a>, Malformed> {
        let (&tag, rest) = self.rest.split_first().ok_or(Malformed)?;
        if tag & 0x1f == 0x1f {
            // Multi-octet tags do not occur in certificates.
            return Err(Malformed);
        }
        let (&first, mut rest) = rest.split_first().ok_or(Malformed)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(Malformed);
            }
            let bytes = rest.get(..n).ok_or(Malformed)?;
            rest = &rest[n..];
            bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        let value = rest.get(..len).ok_or(Malformed)?;
        self.rest = &rest[len..];
        Ok(Tlv { tag, value })
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
