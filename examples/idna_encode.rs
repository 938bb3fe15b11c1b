//! Reads JSON strings, one per line, and prints `encode_hostname` of each
//! as a JSON line (`{"ok": ...}` or `{"error": [class, message]}`); used by
//! tools/idna2003_diff.py to compare with CPython.
use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let input: String = serde_json::from_str(&line).unwrap_or_default();
        let v = match pyssl::encode_hostname(&input) {
            Ok(s) => serde_json::json!({ "ok": s }),
            Err(e) => serde_json::json!({ "error": [e.python_class(), e.to_string()] }),
        };
        let _ = writeln!(out, "{v}");
    }
}
