//! Go's `encoding/base64` standard encoding (with padding), as `b64enc`, `b64dec`,
//! `encoding/json` (a `[]byte`) and go-yaml (`!!binary`) use it.

/// The standard base64 alphabet.
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding: how `encoding/json` writes a `[]byte`.
pub(crate) fn base64_encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { B64[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { B64[n as usize & 63] as char } else { '=' });
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: newlines are skipped, padding is required; the
/// error is the offset of the first bad byte, as Go reports it.
pub(crate) fn base64_decode(input: &str) -> Result<Vec<u8>, usize> {
    let bytes = input.as_bytes();
    let mut out = Vec::new();
    let mut si = 0usize;
    loop {
        // Read one quantum of four characters (skipping newlines).
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        while j < 4 {
            while si < bytes.len() && (bytes[si] == b'\n' || bytes[si] == b'\r') {
                si += 1;
            }
            if si == bytes.len() {
                if j == 0 {
                    return Ok(out);
                }
                // Missing padding.
                return Err(si - j);
            }
            let c = bytes[si];
            si += 1;
            if c == b'=' {
                // Padding: valid only in the last two positions of a quantum.
                match j {
                    0 | 1 => return Err(si - 1),
                    2 => {
                        while si < bytes.len() && (bytes[si] == b'\n' || bytes[si] == b'\r') {
                            si += 1;
                        }
                        if si == bytes.len() {
                            return Err(bytes.len());
                        }
                        if bytes[si] != b'=' {
                            return Err(si - 1);
                        }
                        si += 1;
                    }
                    _ => {}
                }
                while si < bytes.len() && (bytes[si] == b'\n' || bytes[si] == b'\r') {
                    si += 1;
                }
                if si < bytes.len() {
                    return Err(si);
                }
                dlen = j;
                break;
            }
            match B64.iter().position(|x| *x == c) {
                Some(v) => dbuf[j] = v as u8,
                None => return Err(si - 1),
            }
            j += 1;
        }
        let n = (u32::from(dbuf[0]) << 18)
            | (u32::from(dbuf[1]) << 12)
            | (u32::from(dbuf[2]) << 6)
            | u32::from(dbuf[3]);
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        match dlen {
            4 => out.extend_from_slice(&decoded),
            3 => out.extend_from_slice(&decoded[..2]),
            2 => out.push(decoded[0]),
            _ => {}
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
}
