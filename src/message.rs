//! The TLS message callback's argument: what CPython's
//! `SSLContext._msg_callback` receives (`_PySSL_msg_callback` in
//! `Modules/_ssl/debughelpers.c`), and the `_TLSContentType`,
//! `_TLSMessageType` and `_TLSAlertType` enums of `ssl.py`.

use crate::enums::TlsVersion;

/// Which way a message went: Python's `direction` argument, `"read"` or
/// `"write"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "direction")]
pub enum MessageDirection {
    /// `"read"`: received from the peer.
    Read,
    /// `"write"`: sent to the peer.
    Write,
}

impl MessageDirection {
    /// Python's string: `"read"` or `"write"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageDirection::Read => "read",
            MessageDirection::Write => "write",
        }
    }
}

impl std::fmt::Display for MessageDirection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of one TLS connection, unique for the life of the process:
/// what [`TlsMessage::connection`] reports and
/// [`SslSocket::connection_id`](crate::SslSocket::connection_id),
/// [`SslObject::connection_id`](crate::SslObject::connection_id) and
/// [`BorrowedSslSocket::connection_id`](crate::BorrowedSslSocket::connection_id)
/// return, so that a callback shared by several connections can tell them
/// apart (Python passes the connection object itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "conn")]
pub struct ConnectionId(pub(crate) u64);

impl ConnectionId {
    /// The number (assigned in creation order, from 1).
    pub fn get(self) -> u64 {
        self.0
    }
}

/// One call of the message callback: Python's `msg_cb(conn, direction,
/// version, content_type, msg_type, data)`.
///
/// The values are the ones CPython computes from what OpenSSL reports
/// (`_PySSL_msg_callback`): for a record header (`content_type`
/// [`TlsContentType::HEADER`], 256) `version` is the header's version
/// field and `msg_type` the record's content type; for an alert
/// `msg_type` is the alert description (the second byte); for a handshake
/// message its type (the first byte); for the TLS 1.3 inner content type
/// (257) the inner type; for ChangeCipherSpec `msg_type` is 0x101
/// ([`TlsMessageType::CHANGE_CIPHER_SPEC`]); anything else `-1`. Bytes
/// are read as C `char`s, as CPython does, so on platforms where `char`
/// is signed a byte above 127 gives a negative number. `data` is the raw
/// (decrypted) message; application data itself is never reported, only
/// its record headers.
#[derive(Clone, Copy, Debug)]
#[doc(alias = "_msg_callback")]
pub struct TlsMessage<'a> {
    pub(crate) direction: MessageDirection,
    pub(crate) version: i32,
    pub(crate) content_type: i32,
    pub(crate) msg_type: i32,
    pub(crate) data: &'a [u8],
    pub(crate) connection: ConnectionId,
}

impl<'a> TlsMessage<'a> {
    /// `direction`: read from or written to the peer.
    pub fn direction(&self) -> MessageDirection {
        self.direction
    }

    /// `version` as the number CPython passes (`0x304` for TLS 1.3; for a
    /// record header the header's version, `0x301` or `0x303`).
    pub fn version(&self) -> i32 {
        self.version
    }

    /// `version` as `ssl.py` converts it: a [`TlsVersion`], `None` for a
    /// number that is not one (Python then keeps the int).
    pub fn tls_version(&self) -> Option<TlsVersion> {
        TlsVersion::from_value(self.version)
    }

    /// `content_type`: the record type, or one of the pseudo types
    /// [`TlsContentType::HEADER`] and
    /// [`TlsContentType::INNER_CONTENT_TYPE`].
    pub fn content_type(&self) -> TlsContentType {
        TlsContentType(self.content_type)
    }

    /// `msg_type` as the number CPython passes (see the type's docs).
    pub fn msg_type(&self) -> i32 {
        self.msg_type
    }

    /// `msg_type` typed as `ssl.py` types it: a content type for a record
    /// header, an alert type for an alert, a handshake message type
    /// otherwise.
    pub fn kind(&self) -> TlsMessageKind {
        match TlsContentType(self.content_type) {
            TlsContentType::HEADER => TlsMessageKind::Header(TlsContentType(self.msg_type)),
            TlsContentType::ALERT => TlsMessageKind::Alert(TlsAlertType(self.msg_type)),
            _ => TlsMessageKind::Message(TlsMessageType(self.msg_type)),
        }
    }

    /// `data`: the message's bytes (for a record header its 5 bytes).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The connection the message belongs to (Python's `conn`).
    pub fn connection(&self) -> ConnectionId {
        self.connection
    }
}

/// What `msg_type` means for a message, as `ssl.py`'s wrapper picks the
/// enum: `_TLSContentType` for a header, `_TLSAlertType` for an alert,
/// `_TLSMessageType` for everything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsMessageKind {
    /// A record header: the record's content type.
    Header(TlsContentType),
    /// An alert: its description.
    Alert(TlsAlertType),
    /// A handshake message (or ChangeCipherSpec, or the inner content
    /// type, which `ssl.py` also reads as a `_TLSMessageType`).
    Message(TlsMessageType),
}

macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $py:literal, { $($(#[$cmeta:meta])* $c:ident = $v:expr,)* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[doc(alias = $py)]
        pub struct $name(pub i32);

        impl $name {
            $(
                $(#[$cmeta])*
                pub const $c: $name = $name($v);
            )*

            /// Python's members in `ssl.py`'s order.
            pub const NAMES: &'static [(&'static str, $name)] = &[
                $((stringify!($c), $name::$c),)*
            ];

            /// The member's name (`"HANDSHAKE"`), `None` for a value that
            /// is not a member (Python then passes the int).
            pub fn name(self) -> Option<&'static str> {
                Self::NAMES.iter().find(|(_, m)| *m == self).map(|(n, _)| *n)
            }
        }

        impl From<$name> for i32 {
            fn from(v: $name) -> i32 {
                v.0
            }
        }
    };
}

int_enum!(
    /// Record content types and pseudo types: `ssl._TLSContentType`.
    TlsContentType, "_TLSContentType", {
        /// `CHANGE_CIPHER_SPEC` (20).
        CHANGE_CIPHER_SPEC = 20,
        /// `ALERT` (21).
        ALERT = 21,
        /// `HANDSHAKE` (22).
        HANDSHAKE = 22,
        /// `APPLICATION_DATA` (23).
        APPLICATION_DATA = 23,
        /// `HEADER` (0x100): a record header (pseudo type).
        HEADER = 0x100,
        /// `INNER_CONTENT_TYPE` (0x101): TLS 1.3's inner content type
        /// (pseudo type).
        INNER_CONTENT_TYPE = 0x101,
    }
);

int_enum!(
    /// Handshake message types: `ssl._TLSMessageType`.
    TlsMessageType, "_TLSMessageType", {
        /// `HELLO_REQUEST` (0).
        HELLO_REQUEST = 0,
        /// `CLIENT_HELLO` (1).
        CLIENT_HELLO = 1,
        /// `SERVER_HELLO` (2).
        SERVER_HELLO = 2,
        /// `HELLO_VERIFY_REQUEST` (3).
        HELLO_VERIFY_REQUEST = 3,
        /// `NEWSESSION_TICKET` (4).
        NEWSESSION_TICKET = 4,
        /// `END_OF_EARLY_DATA` (5).
        END_OF_EARLY_DATA = 5,
        /// `HELLO_RETRY_REQUEST` (6).
        HELLO_RETRY_REQUEST = 6,
        /// `ENCRYPTED_EXTENSIONS` (8).
        ENCRYPTED_EXTENSIONS = 8,
        /// `CERTIFICATE` (11).
        CERTIFICATE = 11,
        /// `SERVER_KEY_EXCHANGE` (12).
        SERVER_KEY_EXCHANGE = 12,
        /// `CERTIFICATE_REQUEST` (13).
        CERTIFICATE_REQUEST = 13,
        /// `SERVER_DONE` (14).
        SERVER_DONE = 14,
        /// `CERTIFICATE_VERIFY` (15).
        CERTIFICATE_VERIFY = 15,
        /// `CLIENT_KEY_EXCHANGE` (16).
        CLIENT_KEY_EXCHANGE = 16,
        /// `FINISHED` (20).
        FINISHED = 20,
        /// `CERTIFICATE_URL` (21).
        CERTIFICATE_URL = 21,
        /// `CERTIFICATE_STATUS` (22).
        CERTIFICATE_STATUS = 22,
        /// `SUPPLEMENTAL_DATA` (23).
        SUPPLEMENTAL_DATA = 23,
        /// `KEY_UPDATE` (24).
        KEY_UPDATE = 24,
        /// `NEXT_PROTO` (67).
        NEXT_PROTO = 67,
        /// `MESSAGE_HASH` (254).
        MESSAGE_HASH = 254,
        /// `CHANGE_CIPHER_SPEC` (0x0101): what CPython reports as the
        /// `msg_type` of a ChangeCipherSpec record.
        CHANGE_CIPHER_SPEC = 0x0101,
    }
);

int_enum!(
    /// Alert descriptions as the message callback reports them:
    /// `ssl._TLSAlertType` (more members than
    /// [`AlertDescription`](crate::AlertDescription)).
    TlsAlertType, "_TLSAlertType", {
        /// `CLOSE_NOTIFY` (0).
        CLOSE_NOTIFY = 0,
        /// `UNEXPECTED_MESSAGE` (10).
        UNEXPECTED_MESSAGE = 10,
        /// `BAD_RECORD_MAC` (20).
        BAD_RECORD_MAC = 20,
        /// `DECRYPTION_FAILED` (21).
        DECRYPTION_FAILED = 21,
        /// `RECORD_OVERFLOW` (22).
        RECORD_OVERFLOW = 22,
        /// `DECOMPRESSION_FAILURE` (30).
        DECOMPRESSION_FAILURE = 30,
        /// `HANDSHAKE_FAILURE` (40).
        HANDSHAKE_FAILURE = 40,
        /// `NO_CERTIFICATE` (41).
        NO_CERTIFICATE = 41,
        /// `BAD_CERTIFICATE` (42).
        BAD_CERTIFICATE = 42,
        /// `UNSUPPORTED_CERTIFICATE` (43).
        UNSUPPORTED_CERTIFICATE = 43,
        /// `CERTIFICATE_REVOKED` (44).
        CERTIFICATE_REVOKED = 44,
        /// `CERTIFICATE_EXPIRED` (45).
        CERTIFICATE_EXPIRED = 45,
        /// `CERTIFICATE_UNKNOWN` (46).
        CERTIFICATE_UNKNOWN = 46,
        /// `ILLEGAL_PARAMETER` (47).
        ILLEGAL_PARAMETER = 47,
        /// `UNKNOWN_CA` (48).
        UNKNOWN_CA = 48,
        /// `ACCESS_DENIED` (49).
        ACCESS_DENIED = 49,
        /// `DECODE_ERROR` (50).
        DECODE_ERROR = 50,
        /// `DECRYPT_ERROR` (51).
        DECRYPT_ERROR = 51,
        /// `EXPORT_RESTRICTION` (60).
        EXPORT_RESTRICTION = 60,
        /// `PROTOCOL_VERSION` (70).
        PROTOCOL_VERSION = 70,
        /// `INSUFFICIENT_SECURITY` (71).
        INSUFFICIENT_SECURITY = 71,
        /// `INTERNAL_ERROR` (80).
        INTERNAL_ERROR = 80,
        /// `INAPPROPRIATE_FALLBACK` (86).
        INAPPROPRIATE_FALLBACK = 86,
        /// `USER_CANCELED` (90).
        USER_CANCELED = 90,
        /// `NO_RENEGOTIATION` (100).
        NO_RENEGOTIATION = 100,
        /// `MISSING_EXTENSION` (109).
        MISSING_EXTENSION = 109,
        /// `UNSUPPORTED_EXTENSION` (110).
        UNSUPPORTED_EXTENSION = 110,
        /// `CERTIFICATE_UNOBTAINABLE` (111).
        CERTIFICATE_UNOBTAINABLE = 111,
        /// `UNRECOGNIZED_NAME` (112).
        UNRECOGNIZED_NAME = 112,
        /// `BAD_CERTIFICATE_STATUS_RESPONSE` (113).
        BAD_CERTIFICATE_STATUS_RESPONSE = 113,
        /// `BAD_CERTIFICATE_HASH_VALUE` (114).
        BAD_CERTIFICATE_HASH_VALUE = 114,
        /// `UNKNOWN_PSK_IDENTITY` (115).
        UNKNOWN_PSK_IDENTITY = 115,
        /// `CERTIFICATE_REQUIRED` (116).
        CERTIFICATE_REQUIRED = 116,
        /// `NO_APPLICATION_PROTOCOL` (120).
        NO_APPLICATION_PROTOCOL = 120,
    }
);
