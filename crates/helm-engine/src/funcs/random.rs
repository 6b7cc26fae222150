//! Sprig's random values: strings from fixed alphabets, integers, shuffles, UUIDs and bytes.
//!
//! Sprig draws the strings and bytes from Go's `crypto/rand` and `randInt` and `shuffle` from
//! `math/rand`; here all of them come from the rendering's secure source (see `env`), which a
//! seed makes reproducible.

use super::env::FuncEnv;
use crate::base64::base64_encode;
use crate::template::error::GoError;
use crate::template::exec::CallCtx;
use crate::template::funcs::{FuncTable, arg_int, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::Val;

/// `randAlphaNum`'s alphabet: the letters and digits between `' '` and `'z'`.
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// `randAlpha`'s.
const ALPHABETIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// `randNumeric`'s.
const NUMERIC: &[u8] = b"0123456789";

pub(crate) fn register(t: &mut FuncTable) {
    let count = Sig::fixed(&[Ty::Int]);
    t.add("randAlphaNum", count, |c, a| {
        random_string(FuncEnv::of(c), arg_int(a, 0), Alphabet::Chars(ALPHANUMERIC)).map(Val::str)
    });
    t.add("randAlpha", count, |c, a| {
        random_string(FuncEnv::of(c), arg_int(a, 0), Alphabet::Chars(ALPHABETIC)).map(Val::str)
    });
    t.add("randNumeric", count, |c, a| {
        random_string(FuncEnv::of(c), arg_int(a, 0), Alphabet::Chars(NUMERIC)).map(Val::str)
    });
    t.add("randAscii", count, |c, a| {
        random_string(FuncEnv::of(c), arg_int(a, 0), Alphabet::Printable).map(Val::str)
    });
    t.add("randInt", Sig::fixed(&[Ty::Int, Ty::Int]), rand_int);
    t.add("shuffle", Sig::fixed(&[Ty::Str]), |c, a| Ok(Val::str(shuffle(FuncEnv::of(c), arg_str(a, 0)))));
    t.add("uuidv4", Sig::fixed(&[]), |c, _| Ok(Val::str(uuid_v4(&FuncEnv::of(c).random_bytes(16)))));
    t.add("randBytes", count, rand_bytes);
}

/// Where the characters of a random string come from.
enum Alphabet {
    /// One of these bytes.
    Chars(&'static [u8]),
    /// Any ASCII character from `' '` to `'~'` (`randAscii`).
    Printable,
}

/// `count` characters drawn uniformly from the alphabet; empty for a negative count (Sprig
/// ignores the error its generator returns then).
fn random_string(env: &FuncEnv, count: i64, alphabet: Alphabet) -> Result<String, GoError> {
    let n = super::made_len(u128::try_from(count).unwrap_or(0))?;
    Ok((0..n)
        .map(|_| match alphabet {
            Alphabet::Chars(chars) => chars[env.below(chars.len() as u64) as usize] as char,
            Alphabet::Printable => char::from(b' ' + env.below(95) as u8),
        })
        .collect())
}

/// `randInt min max`: a number in `min..max`; Go's `rand.Intn` panics on an empty range.
fn rand_int(ctx: &CallCtx<'_>, a: &[Val]) -> Result<Val, GoError> {
    let (min, max) = (arg_int(a, 0), arg_int(a, 1));
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err(GoError::msg("invalid argument to Intn"));
    }
    Ok(Val::Int(min.wrapping_add(FuncEnv::of(ctx).below(span as u64) as i64)))
}

/// A Fisher-Yates shuffle of the characters, as `xstrings.Shuffle` does it.
fn shuffle(env: &FuncEnv, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for i in (1..chars.len()).rev() {
        let j = env.below(i as u64 + 1) as usize;
        chars.swap(i, j);
    }
    chars.into_iter().collect()
}

/// A version 4 UUID in its canonical spelling, from 16 random bytes.
pub(crate) fn uuid_v4(bytes: &[u8]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// `randBytes count`: that many random bytes, base64-encoded.
fn rand_bytes(ctx: &CallCtx<'_>, a: &[Val]) -> Result<Val, GoError> {
    let count = u128::try_from(arg_int(a, 0))
        .map_err(|_| GoError::msg("runtime error: makeslice: len out of range"))
        .and_then(super::made_len)?;
    Ok(Val::str(base64_encode(&FuncEnv::of(ctx).random_bytes(count))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> FuncEnv {
        FuncEnv::new(Some([7; 32]), None, None).unwrap()
    }

    #[test]
    fn strings_have_the_length_and_alphabet() {
        let env = env();
        let made = |count, alphabet| random_string(&env, count, alphabet).unwrap();
        let s = made(500, Alphabet::Chars(ALPHANUMERIC));
        assert_eq!(s.len(), 500);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_lowercase()));
        let s = made(500, Alphabet::Printable);
        assert!(s.bytes().all(|b| (b' '..=b'~').contains(&b)));
        assert!(s.contains(' ') && s.contains('~'));
        assert!(made(300, Alphabet::Chars(NUMERIC)).bytes().all(|b| b.is_ascii_digit()));
        assert!(made(300, Alphabet::Chars(ALPHABETIC)).bytes().all(|b| b.is_ascii_alphabetic()));
        assert_eq!(made(-3, Alphabet::Printable), "");
        // More than a function makes is Go's error, not an attempt.
        assert!(random_string(&env, (1 << 32) + 1, Alphabet::Printable).is_err());
    }

    #[test]
    fn shuffle_keeps_the_characters() {
        let env = env();
        let mut a: Vec<char> = shuffle(&env, "héllo wörld").chars().collect();
        let mut b: Vec<char> = "héllo wörld".chars().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert_eq!(shuffle(&env, ""), "");
    }

    #[test]
    fn uuid_has_version_and_variant() {
        let u = uuid_v4(&[0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let u = uuid_v4(&[0; 16]);
        assert_eq!(u, "00000000-0000-4000-8000-000000000000");
    }
}
