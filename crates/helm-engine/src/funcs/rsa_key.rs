//! RSA keys as the `rsa` crate (0.10) generates them, with the search for each prime shared
//! out among the CPUs.
//!
//! Finding the two primes is nearly all of a key's cost (about 20 ms each for a 2,048-bit
//! key here, most of it in Miller-Rabin tests of candidates that prove composite), and the
//! candidates are independent of each other. The key is the one
//! `rsa_keygen::PrivateKey::new` makes from the same random source: the starting numbers
//! are drawn in the same order, and of each start's candidates the first that is prime is
//! taken, whichever thread tested it. So a seeded rendering gives the same key on any
//! number of CPUs. The primality test, the sieve and the key's arithmetic are the crates';
//! this module only decides which thread tests which candidate.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::Builder;

use crypto_bigint::{BitOps, BoxedUint, RandomBits};
use crypto_primes::hazmat::SmallFactorsSieve;
use crypto_primes::{Flavor, is_prime};
use rsa_keygen::traits::{PrivateKeyParts, PublicKeyParts};

use super::env::FuncEnv;

/// The public exponent of every generated key, Go's and the crate's.
const PUBLIC_EXPONENT: u64 = 65537;

/// The most threads that test candidates for one prime: a 1,024-bit prime is found after
/// about 45 candidates, so more would mostly test candidates past it.
const MOST_THREADS: usize = 8;

/// An RSA key of `bits` bits (1,024 or more) from the rendering's random source.
pub(crate) fn generate(env: &FuncEnv, bits: usize) -> Result<rsa::RsaPrivateKey, String> {
    generate_on(env, bits, testing_threads())
}

fn generate_on(env: &FuncEnv, bits: usize, threads: usize) -> Result<rsa::RsaPrivateKey, String> {
    if bits < rsa_keygen::PublicKey::MIN_SIZE {
        return Err(rsa_keygen::Error::ModulusTooSmall.to_string());
    }
    let half = u32::try_from(bits / 2).map_err(|e| e.to_string())?;
    let rest = u32::try_from(bits).map_err(|e| e.to_string())? - half;
    // As the crate does: new primes until their modulus has `bits` bits and the public
    // exponent has an inverse (Euler's totient); with their top two bits set, the first
    // pair nearly always does.
    let key = loop {
        let p = prime(env, half, threads);
        let q = prime(env, rest, threads);
        match rsa_keygen::PrivateKey::from_primes(vec![p, q], BoxedUint::from(PUBLIC_EXPONENT)) {
            Ok(key) if key.n().as_ref().bit_width() as usize == bits => break key,
            Ok(_) | Err(rsa_keygen::Error::InvalidPrime) => {}
            Err(e) => return Err(e.to_string()),
        }
    };
    for_certificates(&key)
}

/// A key of the `rsa` crate 0.10 as the 0.9 key the certificate code is written against.
fn for_certificates(key: &rsa_keygen::PrivateKey) -> Result<rsa::RsaPrivateKey, String> {
    let uint = |n: &BoxedUint| rsa::BigUint::from_bytes_be(&n.to_be_bytes());
    let primes = key.primes().iter().map(|p| uint(p.as_ref())).collect();
    rsa::RsaPrivateKey::from_components(uint(key.n().as_ref()), uint(key.e()), uint(key.d()), primes)
        .map_err(|e| e.to_string())
}

/// How many threads test candidates: one per CPU this process may use, up to
/// [`MOST_THREADS`].
fn testing_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(MOST_THREADS))
}

/// A prime of `bits` bits (two or more) with its top two bits set: from a random odd start
/// with those bits, the first number the small-primes sieve lets through that is prime.
fn prime(env: &FuncEnv, bits: u32, threads: usize) -> BoxedUint {
    let length = NonZeroU32::new(bits).expect("a key has primes of more than one bit");
    loop {
        let mut start = env.with_rng(|rng| match BoxedUint::try_random_bits(&mut KeygenRng(rng), bits) {
            Ok(start) => start,
            Err(_) => unreachable!("the random source cannot fail and the start is sized to fit"),
        });
        start.set_bit_vartime(0, true);
        start.set_bit_vartime(bits - 1, true);
        start.set_bit_vartime(bits - 2, true);
        let sieve = SmallFactorsSieve::new(start, length, false).expect("the start has `bits` bits");
        // Only a start within about 2^32 of the largest number of `bits` bits runs out of
        // candidates; the crate draws a new start then, and so does this loop.
        if let Some(prime) = first_prime(sieve, threads) {
            return prime;
        }
    }
}

/// The first candidate of `sieve` that is prime, the candidates tested by `threads` threads:
/// each takes the next untested one in the sieve's order and stops once another has found a
/// prime before it. Every candidate before the first prime found is tested by some thread,
/// so the result is that of testing them in order on one.
fn first_prime(sieve: SmallFactorsSieve<BoxedUint>, threads: usize) -> Option<BoxedUint> {
    let candidates = Mutex::new(sieve.enumerate());
    let first_found = AtomicUsize::new(usize::MAX);
    let search = || loop {
        let next = candidates.lock().unwrap_or_else(PoisonError::into_inner).next();
        let (index, candidate) = next?;
        if index > first_found.load(Ordering::Relaxed) {
            return None;
        }
        if is_prime(Flavor::Any, &candidate) {
            first_found.fetch_min(index, Ordering::Relaxed);
            return Some((index, candidate));
        }
    };
    let found = std::thread::scope(|scope| {
        // A helper that cannot start leaves its share to the others.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                let builder = Builder::new().name("key-helper".into());
                crate::beside::spawn_scoped(builder, scope, search).ok()
            })
            .collect();
        let mut found = vec![search()];
        // A helper's panic is this thread's: the candidate it held may have been the prime.
        found.extend(
            helpers.into_iter().map(|helper| helper.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        found
    });
    found.into_iter().flatten().min_by_key(|(index, _)| *index).map(|(_, prime)| prime)
}

/// The rendering's random source as the newer `rand_core` the key generator takes.
struct KeygenRng<'a, R: rand_core::RngCore>(&'a mut R);

impl<R: rand_core::RngCore> rand_core_keygen::TryRng for KeygenRng<'_, R> {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}

/// Both sources behind it are cryptographically secure (see `env`).
impl<R: rand_core::RngCore + rand_core::CryptoRng> rand_core_keygen::TryCryptoRng for KeygenRng<'_, R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};

    fn seeded(seed: &str) -> FuncEnv {
        FuncEnv::new(Some(crate::funcs::seed_from_text(seed)), None, None).unwrap()
    }

    /// The key the crate itself generates from the same seeded source.
    fn crates_key(seed: &str, bits: usize) -> rsa::RsaPrivateKey {
        let env = seeded(seed);
        let key = env
            .with_rng(|rng| rsa_keygen::PrivateKey::new(&mut KeygenRng(rng), bits))
            .expect("the crate generates a key");
        for_certificates(&key).unwrap()
    }

    #[test]
    fn the_key_is_the_crates_on_any_number_of_threads() {
        for (seed, bits) in [("a", 1024), ("b", 1024), ("c", 2048)] {
            let expected = crates_key(seed, bits);
            for threads in [1, 2, 3, 5] {
                let key = generate_on(&seeded(seed), bits, threads).unwrap();
                assert_eq!(key.n(), expected.n(), "seed {seed}, {bits} bits, {threads} threads");
                assert_eq!(key.d(), expected.d());
                assert_eq!(key.primes(), expected.primes());
            }
        }
    }

    #[test]
    fn the_random_source_goes_on_as_after_the_crates_key() {
        let ours = seeded("after");
        generate_on(&ours, 1024, 2).unwrap();
        let crates = seeded("after");
        crates.with_rng(|rng| rsa_keygen::PrivateKey::new(&mut KeygenRng(rng), 1024)).unwrap();
        assert_eq!(ours.random_bytes(16), crates.random_bytes(16));
    }

    #[test]
    fn keys_smaller_than_the_crates_minimum_are_refused() {
        let err = generate_on(&seeded("small"), 512, 2).unwrap_err();
        assert!(err.contains("too small"), "{err}");
    }
}
