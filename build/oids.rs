//! Generates the OID → name table the certificate decoder uses, from the
//! linked OpenSSL's `openssl/obj_mac.h`: for every object with an `OBJ_`
//! definition, its DER content octets and the name `OBJ_obj2txt(..., 0)`
//! prints (the long name, else the short name).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `out` (a Rust source file defining `OID_NAMES`, sorted by DER
/// content for binary search).
pub(crate) fn generate(include_dirs: &[PathBuf], out: &Path) -> io::Result<()> {
    let header = include_dirs
        .iter()
        .map(|d| d.join("openssl/obj_mac.h"))
        .find(|p| p.exists())
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "openssl/obj_mac.h not found"))?;
    let text = fs::read_to_string(header)?;
    let mut sn: HashMap<String, String> = HashMap::new();
    let mut ln: HashMap<String, String> = HashMap::new();
    let mut obj: HashMap<String, String> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix("#define") else {
            continue;
        };
        let rest = rest.trim_start();
        let Some((name, value)) = rest.split_once(char::is_whitespace) else {
            continue;
        };
        let value = value.trim();
        if let Some(k) = name.strip_prefix("SN_") {
            if let Some(s) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                sn.insert(k.to_string(), s.to_string());
            }
        } else if let Some(k) = name.strip_prefix("LN_") {
            if let Some(s) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                ln.insert(k.to_string(), s.to_string());
            }
        } else if let Some(k) = name.strip_prefix("OBJ_") {
            obj.insert(k.to_string(), value.to_string());
            order.push(k.to_string());
        }
    }
    let mut table: Vec<(Vec<u8>, String)> = Vec::new();
    for key in &order {
        let Some(arcs) = resolve(key, &obj, 0) else {
            continue;
        };
        let Some(der) = encode(&arcs) else {
            continue;
        };
        let name = ln.get(key).or_else(|| sn.get(key));
        if let Some(name) = name {
            table.push((der, name.clone()));
        }
    }
    table.sort();
    // The first definition wins for aliases with the same OID (OpenSSL's
    // objects table has one entry per OID).
    table.dedup_by(|a, b| a.0 == b.0);
    let mut s = String::new();
    s.push_str("/// (DER content octets of an OID, OpenSSL's name for it), sorted.\n");
    s.push_str("pub(crate) static OID_NAMES: &[(&[u8], &str)] = &[\n");
    for (der, name) in &table {
        let _ = writeln!(s, "    (&{der:?}, {name:?}),");
    }
    s.push_str("];\n");
    fs::write(out, s)
}

/// The arcs of `OBJ_<key>`, following references to other `OBJ_` macros.
fn resolve(key: &str, obj: &HashMap<String, String>, depth: usize) -> Option<Vec<u64>> {
    if depth > 64 {
        return None;
    }
    let value = obj.get(key)?;
    let mut arcs = Vec::new();
    for part in value.split(',') {
        let part = part.trim();
        if let Some(r) = part.strip_prefix("OBJ_") {
            arcs.extend(resolve(r, obj, depth + 1)?);
        } else {
            arcs.push(part.trim_end_matches(['L', 'l']).parse().ok()?);
        }
    }
    Some(arcs)
}

/// DER content octets of an OID.
fn encode(arcs: &[u64]) -> Option<Vec<u8>> {
    if arcs.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    let first = arcs[0].checked_mul(40)?.checked_add(arcs[1])?;
    for &arc in std::iter::once(&first).chain(&arcs[2..]) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push((v & 0x7f) as u8 | 0x80);
            v >>= 7;
        }
        groups.reverse();
        out.extend(groups);
    }
    Some(out)
}
