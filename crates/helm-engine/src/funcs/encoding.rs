//! Sprig's encodings and checksums: `b64enc b64dec b32enc b32dec sha1sum sha256sum
//! sha512sum adler32sum`.

use sha2::Digest;

use crate::base64::{base64_decode, base64_encode};
use crate::strconv::{go_bytes, go_string_of};
use crate::template::funcs::{FuncTable, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::Val;

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub(crate) fn register(t: &mut FuncTable) {
    let s = Sig::fixed(&[Ty::Str]);
    t.add("b64enc", s, |_, a| Ok(Val::str(base64_encode(&go_bytes(arg_str(a, 0))))));
    t.add("b64dec", s, |_, a| {
        Ok(Val::str(match base64_decode(arg_str(a, 0)) {
            Ok(bytes) => go_string_of(&bytes).into_owned(),
            Err(at) => format!("illegal base64 data at input byte {at}"),
        }))
    });
    t.add("b32enc", s, |_, a| Ok(Val::str(base32_encode(&go_bytes(arg_str(a, 0))))));
    t.add("b32dec", s, |_, a| {
        Ok(Val::str(match base32_decode(arg_str(a, 0)) {
            Ok(bytes) => go_string_of(&bytes).into_owned(),
            Err(at) => format!("illegal base32 data at input byte {at}"),
        }))
    });
    t.add("sha256sum", s, |_, a| Ok(Val::str(hex(&sha2::Sha256::digest(go_bytes(arg_str(a, 0)))))));
    t.add("sha512sum", s, |_, a| Ok(Val::str(hex(&sha2::Sha512::digest(go_bytes(arg_str(a, 0)))))));
    t.add("sha1sum", s, |_, a| Ok(Val::str(hex(&sha1::Sha1::digest(go_bytes(arg_str(a, 0)))))));
    t.add("adler32sum", s, |_, a| Ok(Val::str(adler32(&go_bytes(arg_str(a, 0))).to_string())));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base32_encode(input: &[u8]) -> String {
    let mut out = String::new();
    for chunk in input.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base32_decode(input: &str) -> Result<Vec<u8>, usize> {
    let clean: Vec<(usize, u8)> =
        input.bytes().enumerate().filter(|(_, b)| *b != b'\n' && *b != b'\r').collect();
    if !clean.len().is_multiple_of(8) {
        return Err(clean.len() / 8 * 8);
    }
    let mut out = Vec::new();
    for (q, quantum) in clean.chunks(8).enumerate() {
        let mut n = 0u64;
        let mut len = 8;
        for (j, (pos, c)) in quantum.iter().enumerate() {
            if *c == b'=' {
                if len == 8 {
                    len = j;
                }
                n <<= 5;
                continue;
            }
            if len != 8 {
                return Err(*pos);
            }
            match B32.iter().position(|x| x == c) {
                Some(v) => n = (n << 5) | v as u64,
                None => return Err(*pos),
            }
        }
        let bytes = match len {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => return Err(q * 8 + len),
        };
        for i in 0..bytes {
            out.push((n >> (32 - 8 * i)) as u8);
        }
        if len < 8 && q * 8 + 8 < clean.len() {
            return Err(q * 8 + 8);
        }
    }
    Ok(out)
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_and_errors() {
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8"), Err(4));
        assert_eq!(base64_decode("a$=="), Err(1));
        assert_eq!(base32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(base32_decode("NBSWY3DP").unwrap(), b"hello");
        assert_eq!(adler32(b"hello"), 103547413);
    }
}
