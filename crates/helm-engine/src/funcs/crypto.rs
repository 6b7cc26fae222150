//! Sprig's secrets: password hashes (`bcrypt`, `htpasswd`), Master Password's
//! `derivePassword`, AES-CBC (`encryptAES`, `decryptAES`), private keys and X.509
//! certificates, with the algorithms, sizes, encodings and certificate fields Sprig's Go code
//! produces. The cryptography is the RustCrypto crates'; this module only composes them.
//! The randomness is the rendering's (see `env`), so a seed makes all of it reproducible.

use std::rc::Rc;

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
use der::asn1::{
    BitString, Ia5StringRef, Null, ObjectIdentifier, OctetString, PrintableStringRef, Utf8StringRef,
};
use der::{Any, Decode, Encode};
use hmac::{Hmac, Mac};
use pem_rfc7468::LineEnding;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::signature::{SignatureEncoding, Signer};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::Extension;
use x509_cert::name::{RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};

use super::env::FuncEnv;
use crate::base64::base64_decode;
use crate::base64::base64_encode;
use crate::template::error::GoError;
use crate::template::exec::CallCtx;
use crate::template::funcs::{FuncTable, arg, arg_int, arg_str};
use crate::template::go_struct::{self, Field};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{GoObject, TomlView, Val, YamlView};

/// The Go type of Sprig's certificate results.
pub(crate) const CERTIFICATE: &str = "sprig.certificate";

pub(crate) fn register(t: &mut FuncTable) {
    let s = Sig::fixed(&[Ty::Str]);
    let ss = Sig::fixed(&[Ty::Str, Ty::Str]);
    t.add("bcrypt", s, |c, a| Ok(Val::str(bcrypt(FuncEnv::of(c), arg_str(a, 0)))));
    t.add("htpasswd", ss, |c, a| {
        let user = arg_str(a, 0);
        if user.contains(':') {
            return Ok(Val::str(format!("invalid username: {user}")));
        }
        Ok(Val::str(format!("{user}:{}", bcrypt(FuncEnv::of(c), arg_str(a, 1)))))
    });
    t.add("derivePassword", Sig::fixed(&[Ty::Uint32, Ty::Str, Ty::Str, Ty::Str, Ty::Str]), |_, a| {
        let counter = u32::try_from(arg_int(a, 0)).unwrap_or(0);
        Ok(Val::str(derive_password(counter, arg_str(a, 1), arg_str(a, 2), arg_str(a, 3), arg_str(a, 4))))
    });
    t.add("encryptAES", ss, |c, a| encrypt_aes(FuncEnv::of(c), arg_str(a, 0), arg_str(a, 1)).map(Val::str));
    t.add("decryptAES", ss, |_, a| decrypt_aes(arg_str(a, 0), arg_str(a, 1)).map(Val::str));
    t.add("genPrivateKey", s, |c, a| gen_private_key(FuncEnv::of(c), arg_str(a, 0)).map(Val::str));
    t.add("buildCustomCert", ss, |_, a| build_custom_cert(arg_str(a, 0), arg_str(a, 1)));

    const CN_DAYS: &[Ty] = &[Ty::Str, Ty::Int];
    const CN_DAYS_KEY: &[Ty] = &[Ty::Str, Ty::Int, Ty::Str];
    const LEAF: &[Ty] = &[Ty::Str, Ty::IfaceSlice, Ty::IfaceSlice, Ty::Int];
    const LEAF_KEY: &[Ty] = &[Ty::Str, Ty::IfaceSlice, Ty::IfaceSlice, Ty::Int, Ty::Str];
    const SIGNED: &[Ty] = &[Ty::Str, Ty::IfaceSlice, Ty::IfaceSlice, Ty::Int, Ty::Named(CERTIFICATE)];
    const SIGNED_KEY: &[Ty] =
        &[Ty::Str, Ty::IfaceSlice, Ty::IfaceSlice, Ty::Int, Ty::Named(CERTIFICATE), Ty::Str];
    t.add("genCA", Sig::fixed(CN_DAYS), |c, a| {
        let key = new_rsa_key(FuncEnv::of(c), 2048)?;
        gen_ca(c, a, key)
    });
    t.add("genCAWithKey", Sig::fixed(CN_DAYS_KEY), |c, a| {
        let key = parse_key_arg(arg_str(a, 2))?;
        gen_ca(c, a, key)
    });
    t.add("genSelfSignedCert", Sig::fixed(LEAF), |c, a| {
        let key = new_rsa_key(FuncEnv::of(c), 2048)?;
        gen_leaf(c, a, key, None)
    });
    t.add("genSelfSignedCertWithKey", Sig::fixed(LEAF_KEY), |c, a| {
        let key = parse_key_arg(arg_str(a, 4))?;
        gen_leaf(c, a, key, None)
    });
    t.add("genSignedCert", Sig::fixed(SIGNED), |c, a| {
        let key = new_rsa_key(FuncEnv::of(c), 2048)?;
        gen_leaf(c, a, key, Some(arg(a, 4)))
    });
    t.add("genSignedCertWithKey", Sig::fixed(SIGNED_KEY), |c, a| {
        let key = parse_key_arg(arg_str(a, 5))?;
        gen_leaf(c, a, key, Some(arg(a, 4)))
    });
}

// ---- password hashes -------------------------------------------------------------------

/// Go's bcrypt with its default cost (10), `$2a$` spelling; Sprig returns the error as text.
fn bcrypt(env: &FuncEnv, password: &str) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes".into();
    }
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&env.random_bytes(16));
    match bcrypt::hash_with_salt(password, 10, salt) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

/// Master Password's password templates, by Sprig's type names.
fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

/// The characters a template letter stands for.
fn template_chars(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Master Password (the algorithm Sprig implements): scrypt of the master password salted
/// with the user name, then HMAC-SHA256 of the site and counter chooses a template and its
/// characters. Deterministic: the same inputs always give the same password.
pub(crate) fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    const SCOPE: &[u8] = b"com.lyndir.masterpassword";
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SCOPE.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = scrypt::Params::new(15, 8, 2, 64).expect("Master Password's scrypt parameters are valid");
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut message = SCOPE.to_vec();
    message.extend_from_slice(&(site.len() as u32).to_be_bytes());
    message.extend_from_slice(site.as_bytes());
    message.extend_from_slice(&counter.to_be_bytes());
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, class)| {
            let chars = template_chars(*class);
            chars[usize::from(seed[i + 1]) % chars.len()] as char
        })
        .collect()
}

// ---- AES ---------------------------------------------------------------------------------

/// Sprig's AES key: the password's bytes, cut or zero-padded to 32 (AES-256).
fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

/// AES-256-CBC with PKCS#7 padding and a random IV, base64 of IV and ciphertext.
fn encrypt_aes(env: &FuncEnv, password: &str, plaintext: &str) -> Result<String, GoError> {
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let mut content = crate::strconv::go_bytes(plaintext).into_owned();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let iv = env.random_bytes(16);
    let cipher = cbc::Encryptor::<aes::Aes256>::new(&aes_key(password).into(), iv.as_slice().into());
    let len = content.len();
    let encrypted = cipher
        .encrypt_padded_mut::<NoPadding>(&mut content, len)
        .map_err(|_| GoError::msg("crypto/cipher: input not full blocks"))?
        .to_vec();
    let mut out = iv;
    out.extend(encrypted);
    Ok(base64_encode(&out))
}

/// The inverse of [`encrypt_aes`], failing (or not) where Sprig's Go code fails: Go's
/// runtime panics become the errors Go's template package reports for them.
fn decrypt_aes(password: &str, encoded: &str) -> Result<String, GoError> {
    if encoded.is_empty() {
        return Ok(String::new());
    }
    let crypt = base64_decode(encoded)
        .map_err(|at| GoError::msg(format!("illegal base64 data at input byte {at}")))?;
    if crypt.len() < 16 {
        return Err(GoError::msg(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(GoError::msg("crypto/cipher: input not full blocks"));
    }
    if body.is_empty() {
        return Err(GoError::msg("runtime error: index out of range [-1]"));
    }
    let mut buf = body.to_vec();
    let cipher = cbc::Decryptor::<aes::Aes256>::new(&aes_key(password).into(), iv.into());
    let plain = cipher
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|_| GoError::msg("crypto/cipher: input not full blocks"))?;
    let pad = usize::from(plain[plain.len() - 1]);
    if pad > plain.len() {
        return Err(GoError::msg(format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - pad as i64
        )));
    }
    Ok(crate::strconv::go_string_of(&plain[..plain.len() - pad]).into_owned())
}

// ---- private keys ------------------------------------------------------------------------

/// A private key of one of the kinds Sprig generates or reads.
#[derive(Clone)]
pub(crate) enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    /// Read from a key given to the `...WithKey` functions; Sprig generates none.
    P521(p521::SecretKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// A DSA key, which Sprig generates and reads but Go cannot make certificates with.
    Dsa(Box<DsaKey>),
}

/// A DSA key as Sprig's `DSAKeyFormat` holds it: its numbers as big-endian bytes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DsaKey {
    p: Vec<u8>,
    q: Vec<u8>,
    g: Vec<u8>,
    y: Vec<u8>,
    x: Vec<u8>,
}

impl DsaKey {
    /// A key with new parameters of 2,048 and 256 bits (Go's `dsa.L2048N256`), which takes
    /// about a second.
    fn generate(env: &FuncEnv) -> DsaKey {
        let key = env.with_rng(|rng| {
            let components = dsa::Components::generate(rng, dsa::KeySize::DSA_2048_256);
            dsa::SigningKey::generate(rng, components)
        });
        let public = key.verifying_key();
        let parameters = public.components();
        DsaKey {
            p: parameters.p().to_bytes_be(),
            q: parameters.q().to_bytes_be(),
            g: parameters.g().to_bytes_be(),
            y: public.y().to_bytes_be(),
            x: key.x().to_bytes_be(),
        }
    }

    /// The DER of `SEQUENCE { version 0, p, q, g, y, x }`.
    fn to_der(&self) -> der::Result<Vec<u8>> {
        let mut body = 0u8.to_der()?;
        for number in [&self.p, &self.q, &self.g, &self.y, &self.x] {
            body.extend(der::asn1::UintRef::new(number)?.to_der()?);
        }
        let mut out = vec![0x30];
        out.extend(der_length(body.len()));
        out.extend(body);
        Ok(out)
    }

    /// Reads the DER that [`DsaKey::to_der`] writes; like Go, it ignores anything after the
    /// sequence and does not check the numbers.
    fn from_der(der: &[u8]) -> der::Result<DsaKey> {
        use der::Reader as _;
        let mut reader = der::SliceReader::new(der)?;
        reader.sequence(|r| {
            let _version: i64 = r.decode()?;
            let mut number =
                || -> der::Result<Vec<u8>> { Ok(r.decode::<der::asn1::IntRef<'_>>()?.as_bytes().to_vec()) };
            Ok(DsaKey { p: number()?, q: number()?, g: number()?, y: number()?, x: number()? })
        })
    }
}

/// What Go's `x509.CreateCertificate` answers when the signing key is a DSA key.
const DSA_CANNOT_SIGN: &str = "x509: certificate private key does not implement crypto.Signer";

fn new_rsa_key(env: &FuncEnv, bits: usize) -> Result<PrivateKey, GoError> {
    super::rsa_key::generate(env, bits)
        .map(|k| PrivateKey::Rsa(Box::new(k)))
        .map_err(|e| GoError::msg(format!("error generating rsa key: {e}")))
}

/// `genPrivateKey`: RSA 4096, DSA 2048/256, ECDSA P-256 or Ed25519, PEM-encoded as Go
/// encodes them.
fn gen_private_key(env: &FuncEnv, kind: &str) -> Result<String, GoError> {
    let key = match kind {
        "" | "rsa" => super::rsa_key::generate(env, 4096).map(|k| PrivateKey::Rsa(Box::new(k))),
        "ecdsa" => Ok(PrivateKey::P256(env.with_rng(p256::SecretKey::random))),
        "ed25519" => {
            let mut seed = [0u8; 32];
            seed.copy_from_slice(&env.random_bytes(32));
            Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed))))
        }
        "dsa" => Ok(PrivateKey::Dsa(Box::new(DsaKey::generate(env)))),
        other => return Ok(format!("Unknown type {other}")),
    };
    match key {
        Ok(key) => key.to_pem(),
        Err(e) => Ok(format!("failed to generate private key: {e}")),
    }
}

impl PrivateKey {
    /// The PEM block Go's Sprig writes: PKCS#1 for RSA, SEC 1 (with the curve and the public
    /// key) for ECDSA, PKCS#8 for Ed25519.
    fn to_pem(&self) -> Result<String, GoError> {
        let failed = |e: &dyn std::fmt::Display| GoError::msg(format!("error pem-encoding key: {e}"));
        let (label, der) = match self {
            PrivateKey::Rsa(k) => {
                ("RSA PRIVATE KEY", k.to_pkcs1_der().map_err(|e| failed(&e))?.as_bytes().to_vec())
            }
            PrivateKey::P256(k) => (
                "EC PRIVATE KEY",
                sec1_der(&k.to_bytes(), P256_OID, &k.public_key().to_sec1_bytes()).map_err(|e| failed(&e))?,
            ),
            PrivateKey::P384(k) => (
                "EC PRIVATE KEY",
                sec1_der(&k.to_bytes(), P384_OID, &k.public_key().to_sec1_bytes()).map_err(|e| failed(&e))?,
            ),
            PrivateKey::P521(k) => (
                "EC PRIVATE KEY",
                sec1_der(&k.to_bytes(), P521_OID, &k.public_key().to_sec1_bytes()).map_err(|e| failed(&e))?,
            ),
            PrivateKey::Ed25519(k) => {
                let octets = OctetString::new(k.to_bytes().to_vec()).map_err(|e| failed(&e))?;
                let inner = octets.to_der().map_err(|e| failed(&e))?;
                let info = rsa::pkcs8::PrivateKeyInfo {
                    algorithm: rsa::pkcs8::AlgorithmIdentifierRef { oid: ED25519, parameters: None },
                    private_key: &inner,
                    public_key: None,
                };
                ("PRIVATE KEY", info.to_der().map_err(|e| failed(&e))?)
            }
            PrivateKey::Dsa(k) => ("DSA PRIVATE KEY", k.to_der().map_err(|e| failed(&e))?),
        };
        pem_encode(label, &der)
    }

    /// The SubjectPublicKeyInfo of the public half.
    fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, String> {
        let der = match self {
            PrivateKey::Rsa(k) => k.to_public_key().to_public_key_der(),
            PrivateKey::P256(k) => k.public_key().to_public_key_der(),
            PrivateKey::P384(k) => k.public_key().to_public_key_der(),
            PrivateKey::P521(k) => k.public_key().to_public_key_der(),
            PrivateKey::Ed25519(k) => k.verifying_key().to_public_key_der(),
            PrivateKey::Dsa(_) => return Err("x509: unsupported public key type: *dsa.PublicKey".into()),
        }
        .map_err(|e| e.to_string())?;
        SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| e.to_string())
    }

    /// The signature algorithm Go picks for this signing key.
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        let (oid, parameters) = match self {
            PrivateKey::Rsa(_) => (SHA256_WITH_RSA, Some(Any::from(Null))),
            PrivateKey::P256(_) => (ECDSA_WITH_SHA256, None),
            PrivateKey::P384(_) => (ECDSA_WITH_SHA384, None),
            PrivateKey::P521(_) => (ECDSA_WITH_SHA512, None),
            PrivateKey::Ed25519(_) => (ED25519, None),
            // Never used: a DSA key signs nothing (see `issue`).
            PrivateKey::Dsa(_) => (DSA_WITH_SHA256, None),
        };
        AlgorithmIdentifierOwned { oid, parameters }
    }

    /// Signs `message`: PKCS#1 v1.5 with SHA-256, ECDSA (deterministic for P-256 and P-384,
    /// with a nonce from the rendering's random source for P-521, whose crate offers no
    /// deterministic signing), or Ed25519.
    fn sign(&self, env: &FuncEnv, message: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(k.as_ref().clone());
                signer.try_sign(message).map_err(|e| e.to_string())?.to_vec()
            }
            PrivateKey::P256(k) => {
                let signer = p256::ecdsa::SigningKey::from(k);
                let sig: p256::ecdsa::Signature = signer.try_sign(message).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P384(k) => {
                let signer = p384::ecdsa::SigningKey::from(k);
                let sig: p384::ecdsa::Signature = signer.try_sign(message).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::P521(k) => {
                use p521::ecdsa::signature::RandomizedSigner as _;
                let signer = p521::ecdsa::SigningKey::from_bytes(&k.to_bytes()).map_err(|e| e.to_string())?;
                let sig: p521::ecdsa::Signature =
                    env.with_rng(|rng| signer.try_sign_with_rng(rng, message)).map_err(|e| e.to_string())?;
                sig.to_der().as_bytes().to_vec()
            }
            PrivateKey::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            PrivateKey::Dsa(_) => return Err(DSA_CANNOT_SIGN.into()),
        })
    }
}

const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const DSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.2");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const P256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// SEC 1's ECPrivateKey with the named curve and the public key, as Go writes it.
fn sec1_der(private: &[u8], curve: ObjectIdentifier, public: &[u8]) -> der::Result<Vec<u8>> {
    sec1::EcPrivateKey {
        private_key: private,
        parameters: Some(sec1::EcParameters::NamedCurve(curve)),
        public_key: Some(public),
    }
    .to_der()
}

/// A PEM block as Go's `pem.Encode` writes it (64-column base64, LF line ends).
fn pem_encode(label: &str, der: &[u8]) -> Result<String, GoError> {
    pem_rfc7468::encode_string(label, LineEnding::LF, der)
        .map_err(|e| GoError::msg(format!("error pem-encoding: {e}")))
}

/// Go's `pem.Decode`: the first PEM block anywhere in the text, as (type, bytes).
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let mut rest = text;
    loop {
        let start = rest.find("-----BEGIN ")?;
        let after = &rest[start + "-----BEGIN ".len()..];
        let end_label = after.find("-----")?;
        let label = &after[..end_label];
        let body_start = &after[end_label + 5..];
        let end_marker = format!("-----END {label}-----");
        if !label.contains('\n')
            && let Some(end) = body_start.find(&end_marker)
        {
            let body: String = body_start[..end].chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(bytes) = base64_decode(&body) {
                return Some((label.to_string(), bytes));
            }
        }
        rest = after;
    }
}

/// Sprig's `parsePrivateKeyPEM`: PKCS#8, or PKCS#1 (`RSA`), SEC 1 (`EC`) and `DSA` blocks.
fn parse_private_key_pem(text: &str) -> Result<PrivateKey, String> {
    let (label, der) = pem_decode(text).ok_or("no PEM data in input")?;
    if label == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(kind) = label.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {label}"));
    };
    match kind {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => parse_sec1(&der).map_err(|e| format!("parsing EC private key from PEM: {e}")),
        "DSA" => DsaKey::from_der(&der)
            .map(|k| PrivateKey::Dsa(Box::new(k)))
            .map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {label}")),
    }
}

fn parse_pkcs8(der: &[u8]) -> Result<PrivateKey, String> {
    let info = rsa::pkcs8::PrivateKeyInfo::try_from(der).map_err(|e| e.to_string())?;
    match info.algorithm.oid {
        oid if oid == rsa::pkcs1::ALGORITHM_OID => rsa::RsaPrivateKey::from_pkcs8_der(der)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string()),
        oid if oid == ED25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
            .map(|k| PrivateKey::Ed25519(Box::new(k)))
            .map_err(|e| e.to_string()),
        _ => {
            if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
                return Ok(PrivateKey::P256(k));
            }
            if let Ok(k) = p384::SecretKey::from_pkcs8_der(der) {
                return Ok(PrivateKey::P384(k));
            }
            if let Ok(k) = p521::SecretKey::from_pkcs8_der(der) {
                return Ok(PrivateKey::P521(k));
            }
            Err(format!(
                "x509: PKCS#8 wrapping contained private key with unknown algorithm: {}",
                info.algorithm.oid
            ))
        }
    }
}

fn parse_sec1(der: &[u8]) -> Result<PrivateKey, String> {
    let key = sec1::EcPrivateKey::from_der(der).map_err(|e| e.to_string())?;
    match key.parameters.and_then(|p| p.named_curve()) {
        Some(oid) if oid == P256_OID => {
            p256::SecretKey::from_sec1_der(der).map(PrivateKey::P256).map_err(|e| e.to_string())
        }
        Some(oid) if oid == P384_OID => {
            p384::SecretKey::from_sec1_der(der).map(PrivateKey::P384).map_err(|e| e.to_string())
        }
        Some(oid) if oid == P521_OID => {
            p521::SecretKey::from_sec1_der(der).map(PrivateKey::P521).map_err(|e| e.to_string())
        }
        Some(oid) => Err(format!("x509: unknown elliptic curve {oid}")),
        None => Err("x509: unknown elliptic curve".into()),
    }
}

fn parse_key_arg(text: &str) -> Result<PrivateKey, GoError> {
    parse_private_key_pem(text).map_err(|e| GoError::msg(format!("parsing private key: {e}")))
}

// ---- certificates ------------------------------------------------------------------------

/// Sprig's `certificate`: a PEM certificate and its PEM private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertificatePair {
    cert: String,
    key: String,
}

/// Sprig's `certificate` fields (no JSON tags).
const CERTIFICATE_FIELDS: &[Field<CertificatePair>] =
    &[Field::new("Cert", |pair| Val::str(&pair.cert)), Field::new("Key", |pair| Val::str(&pair.key))];

impl GoObject for CertificatePair {
    fn type_name(&self) -> &'static str {
        CERTIFICATE
    }

    fn kind_name(&self) -> &'static str {
        "struct"
    }

    fn truth(&self) -> bool {
        true
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<CertificatePair>().is_some_and(|o| o == self)
    }

    fn to_json_val(&self) -> Val {
        go_struct::json_map(self, CERTIFICATE_FIELDS)
    }

    fn yaml_view(&self) -> YamlView {
        go_struct::yaml_view(self, CERTIFICATE_FIELDS)
    }

    fn toml_view(&self) -> TomlView {
        go_struct::toml_view(self, CERTIFICATE_FIELDS)
    }

    fn field(&self, name: &str) -> Option<Val> {
        go_struct::field(self, CERTIFICATE_FIELDS, name)
    }

    fn fmt_v(&self, plus: bool, depth: usize) -> String {
        go_struct::fmt_v(self, CERTIFICATE_FIELDS, plus, depth)
    }
}

fn build_custom_cert(b64cert: &str, b64key: &str) -> Result<Val, GoError> {
    let cert = base64_decode(b64cert).map_err(|_| GoError::msg("unable to decode base64 certificate"))?;
    let key = base64_decode(b64key).map_err(|_| GoError::msg("unable to decode base64 private key"))?;
    let cert_text = String::from_utf8_lossy(&cert).into_owned();
    let key_text = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem_decode(&cert_text).ok_or_else(|| GoError::msg("unable to decode certificate"))?;
    Certificate::from_der(&der)
        .map_err(|e| GoError::msg(format!("error parsing certificate: decodedCert.Bytes: {e}")))?;
    parse_private_key_pem(&key_text).map_err(|e| GoError::msg(format!("error parsing private key: {e}")))?;
    Ok(Val::Obj(Rc::new(CertificatePair { cert: cert_text, key: key_text })))
}

/// `genCA` and `genCAWithKey`: a self-signed CA certificate.
fn gen_ca(ctx: &CallCtx<'_>, a: &[Val], key: PrivateKey) -> Result<Val, GoError> {
    let env = FuncEnv::of(ctx);
    let request = CertRequest {
        cn: arg_str(a, 0).to_string(),
        ips: Vec::new(),
        dns: Vec::new(),
        days: arg_int(a, 1),
        ca: true,
    };
    let pair = issue(env, &request, &key, None)?;
    Ok(Val::Obj(Rc::new(pair)))
}

/// The self-signed and CA-signed leaf certificates.
fn gen_leaf(ctx: &CallCtx<'_>, a: &[Val], key: PrivateKey, ca: Option<Val>) -> Result<Val, GoError> {
    let env = FuncEnv::of(ctx);
    let issuer = match &ca {
        Some(Val::Obj(o)) => match o.downcast_ref::<CertificatePair>() {
            Some(pair) => Some(parse_issuer(pair)?),
            None => None,
        },
        _ => None,
    };
    let request = CertRequest {
        cn: arg_str(a, 0).to_string(),
        ips: ip_addresses(&arg(a, 1))?,
        dns: dns_names(&arg(a, 2))?,
        days: arg_int(a, 3),
        ca: false,
    };
    let pair = issue(env, &request, &key, issuer.as_ref())?;
    Ok(Val::Obj(Rc::new(pair)))
}

/// What a certificate says about its subject.
struct CertRequest {
    cn: String,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    ca: bool,
}

/// The CA that signs a certificate: its subject, key identifier and key.
struct Issuer {
    subject: RdnSequence,
    key_id: Option<Vec<u8>>,
    public_key: SubjectPublicKeyInfoOwned,
    key: PrivateKey,
}

fn parse_issuer(pair: &CertificatePair) -> Result<Issuer, GoError> {
    let (_, der) = pem_decode(&pair.cert).ok_or_else(|| GoError::msg("unable to decode certificate"))?;
    let cert = Certificate::from_der(&der)
        .map_err(|e| GoError::msg(format!("error parsing certificate: decodedSignerCert.Bytes: {e}")))?;
    let key = parse_private_key_pem(&pair.key)
        .map_err(|e| GoError::msg(format!("error parsing private key: {e}")))?;
    let tbs = cert.tbs_certificate;
    let key_id = tbs
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == SUBJECT_KEY_ID)
        .and_then(|e| OctetString::from_der(e.extn_value.as_bytes()).ok().map(|o| o.as_bytes().to_vec()));
    Ok(Issuer { subject: tbs.subject, key_id, public_key: tbs.subject_public_key_info, key })
}

/// The `ips` argument: each element must be a string holding an IP address.
fn ip_addresses(list: &Val) -> Result<Vec<Vec<u8>>, GoError> {
    let mut out = Vec::new();
    for item in list.list_items().unwrap_or_default() {
        let Some(text) = item.as_str() else {
            return Err(GoError::msg(format!(
                "error parsing ip: {} is not a string",
                crate::template::fmt::format_value(&item, 'v', false, 0)
            )));
        };
        let ip: std::net::IpAddr =
            text.parse().map_err(|_| GoError::msg(format!("error parsing ip: {text}")))?;
        out.push(match ip {
            std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
            // Go writes an IPv4-mapped IPv6 address in four bytes.
            std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.octets().to_vec(),
                None => v6.octets().to_vec(),
            },
        });
    }
    Ok(out)
}

/// The `alternateDNS` argument: each element must be a string.
fn dns_names(list: &Val) -> Result<Vec<String>, GoError> {
    let mut out = Vec::new();
    for item in list.list_items().unwrap_or_default() {
        let Some(text) = item.as_str() else {
            return Err(GoError::msg(format!(
                "error processing alternate dns name: {} is not a string",
                crate::template::fmt::format_value(&item, 'v', false, 0)
            )));
        };
        out.push(text.to_string());
    }
    Ok(out)
}

const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The subject name Go writes for a common name: PrintableString when every character
/// allows it, UTF8String otherwise; no attribute at all for an empty name.
fn subject_name(cn: &str) -> Result<RdnSequence, String> {
    if cn.is_empty() {
        return Ok(RdnSequence(Vec::new()));
    }
    let printable = cn.bytes().all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let value = if printable {
        Any::encode_from(&PrintableStringRef::new(cn).map_err(|e| e.to_string())?)
    } else {
        Any::encode_from(&Utf8StringRef::new(cn).map_err(|e| e.to_string())?)
    }
    .map_err(|e| e.to_string())?;
    let atv = AttributeTypeAndValue { oid: COMMON_NAME, value };
    let rdn = RelativeDistinguishedName::try_from(vec![atv]).map_err(|e| e.to_string())?;
    Ok(RdnSequence(vec![rdn]))
}

/// A certificate validity time: UTCTime for 1950 to 2049, GeneralizedTime otherwise, with
/// the fraction of a second dropped, as Go's `asn1` package writes it.
fn asn1_time(t: jiff::Timestamp) -> Result<Time, String> {
    let secs = std::time::Duration::from_secs(u64::try_from(t.as_second()).map_err(|_| "time before 1970")?);
    let dt = der::DateTime::from_unix_duration(secs).map_err(|e| e.to_string())?;
    Ok(if (1950..2050).contains(&dt.year()) {
        Time::UtcTime(der::asn1::UtcTime::from_date_time(dt).map_err(|e| e.to_string())?)
    } else {
        Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt))
    })
}

fn extension(oid: ObjectIdentifier, critical: bool, value: Vec<u8>) -> Result<Extension, String> {
    Ok(Extension { extn_id: oid, critical, extn_value: OctetString::new(value).map_err(|e| e.to_string())? })
}

/// Go's `x509.CreateCertificate` with Sprig's template: a random 128-bit serial, validity
/// from now for `days` days, key usage (with certificate signing for a CA), server and
/// client authentication, basic constraints, a subject key identifier for a CA, the
/// issuer's key identifier, and the IP and DNS alternative names.
fn issue(
    env: &FuncEnv,
    req: &CertRequest,
    key: &PrivateKey,
    issuer: Option<&Issuer>,
) -> Result<CertificatePair, GoError> {
    let fail = |e: String| GoError::msg(format!("error creating certificate: {e}"));
    let signer_key = issuer.map_or(key, |i| &i.key);
    // Go checks that the signer can sign, then the certified key's type, before the rest.
    if matches!(signer_key, PrivateKey::Dsa(_)) {
        return Err(fail(DSA_CANNOT_SIGN.into()));
    }
    if matches!(key, PrivateKey::Dsa(_)) {
        return Err(fail("x509: unsupported public key type: *dsa.PublicKey".into()));
    }
    for name in &req.dns {
        if !name.is_ascii() {
            return Err(fail(format!(
                "x509: {} cannot be encoded as an IA5String",
                crate::strconv::quote(name)
            )));
        }
    }
    let serial = env.random_bytes(16);
    let now = env.now();
    // Go adds the days as a time.Duration in nanoseconds, which wraps on overflow.
    let span = 24i64.wrapping_mul(3_600_000_000_000).wrapping_mul(req.days);
    let not_after = now
        .checked_add(jiff::SignedDuration::from_nanos(span))
        .map_err(|e| fail(format!("the validity end is out of range: {e}")))?;
    let subject = subject_name(&req.cn).map_err(fail)?;
    let spki = key.public_key_info().map_err(fail)?;
    if let Some(issuer) = issuer {
        let issuer_public = issuer.key.public_key_info().map_err(fail)?;
        if issuer_public != issuer.public_key {
            return Err(fail("x509: provided PrivateKey doesn't match parent's PublicKey".into()));
        }
    }
    let issuer_name = issuer.map_or_else(|| subject.clone(), |i| i.subject.clone());

    let mut extensions = Vec::new();
    // Key usage: digitalSignature and keyEncipherment, plus keyCertSign for a CA.
    let key_usage: &[u8] = if req.ca { &[0x03, 0x02, 0x02, 0xa4] } else { &[0x03, 0x02, 0x05, 0xa0] };
    extensions.push(extension(KEY_USAGE, true, key_usage.to_vec()).map_err(fail)?);
    let eku = vec![SERVER_AUTH, CLIENT_AUTH].to_der().map_err(|e| fail(e.to_string()))?;
    extensions.push(extension(EXT_KEY_USAGE, false, eku).map_err(fail)?);
    let basic: &[u8] = if req.ca { &[0x30, 0x03, 0x01, 0x01, 0xff] } else { &[0x30, 0x00] };
    extensions.push(extension(BASIC_CONSTRAINTS, true, basic.to_vec()).map_err(fail)?);
    if req.ca {
        let id = key_identifier(&spki);
        let value = OctetString::new(id).and_then(|o| o.to_der()).map_err(|e| fail(e.to_string()))?;
        extensions.push(extension(SUBJECT_KEY_ID, false, value).map_err(fail)?);
    }
    let issuer_der = issuer_name.to_der().map_err(|e| fail(e.to_string()))?;
    let subject_der = subject.to_der().map_err(|e| fail(e.to_string()))?;
    if let Some(id) = issuer.and_then(|i| i.key_id.as_ref())
        && issuer_der != subject_der
    {
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
        let mut inner = vec![0x80];
        inner.extend(der_length(id.len()));
        inner.extend(id);
        let mut value = vec![0x30];
        value.extend(der_length(inner.len()));
        value.extend(inner);
        extensions.push(extension(AUTHORITY_KEY_ID, false, value).map_err(fail)?);
    }
    if !req.dns.is_empty() || !req.ips.is_empty() {
        let mut names = Vec::new();
        for name in &req.dns {
            let ia5 = Ia5StringRef::new(name).map_err(|e| fail(e.to_string()))?;
            names.push(x509_cert::ext::pkix::name::GeneralName::DnsName(ia5.into()));
        }
        for ip in &req.ips {
            let octets = OctetString::new(ip.clone()).map_err(|e| fail(e.to_string()))?;
            names.push(x509_cert::ext::pkix::name::GeneralName::IpAddress(octets));
        }
        let value = names.to_der().map_err(|e| fail(e.to_string()))?;
        // RFC 5280: the alternative names are critical when the subject is empty.
        let critical = subject.0.is_empty();
        extensions.push(extension(SUBJECT_ALT_NAME, critical, value).map_err(fail)?);
    }

    let tbs = x509_cert::TbsCertificate {
        version: x509_cert::Version::V3,
        serial_number: SerialNumber::new(&serial).map_err(|e| fail(e.to_string()))?,
        signature: signer_key.signature_algorithm(),
        issuer: issuer_name,
        validity: Validity {
            not_before: asn1_time(now).map_err(fail)?,
            not_after: asn1_time(not_after).map_err(fail)?,
        },
        subject,
        subject_public_key_info: spki,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(|e| fail(e.to_string()))?;
    let signature = signer_key.sign(env, &tbs_der).map_err(fail)?;
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: signer_key.signature_algorithm(),
        signature: BitString::from_bytes(&signature).map_err(|e| fail(e.to_string()))?,
    };
    let cert_der = cert.to_der().map_err(|e| fail(e.to_string()))?;
    Ok(CertificatePair { cert: pem_encode("CERTIFICATE", &cert_der)?, key: key.to_pem()? })
}

/// Go's generated subject key identifier (since Go 1.25): the first 160 bits of the SHA-256
/// of the public key's bits.
fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    let digest = Sha256::digest(spki.subject_public_key.raw_bytes());
    digest[..20].to_vec()
}

/// A DER length.
fn der_length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_password_is_master_password() {
        // Master Password's published test vector: user "user", password "password",
        // site "example.com", counter 1, long template.
        assert_eq!(derive_password(1, "long", "password", "user", "example.com"), "ZedaFaxcZaso9*");
        assert_eq!(derive_password(1, "nope", "p", "u", "s"), "cannot find password template nope");
    }

    #[test]
    fn aes_round_trips() {
        let env = FuncEnv::new(Some([3; 32]), None, None).unwrap();
        for text in ["a", "exactly sixteen!", "a longer text spanning several blocks"] {
            let c = encrypt_aes(&env, "secret", text).unwrap();
            assert_eq!(decrypt_aes("secret", &c).unwrap(), text);
        }
        assert_eq!(encrypt_aes(&env, "k", "").unwrap(), "");
        assert!(
            decrypt_aes("k", "AAAA").unwrap_err().to_string().contains("slice bounds out of range [:16]")
        );
    }

    #[test]
    fn bcrypt_verifies() {
        let env = FuncEnv::new(Some([5; 32]), None, None).unwrap();
        let h = bcrypt(&env, "hunter2");
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        assert!(::bcrypt::verify("hunter2", &h).unwrap());
        assert!(bcrypt(&env, &"x".repeat(73)).contains("exceeds 72 bytes"));
    }

    #[test]
    fn pem_decode_skips_leading_text() {
        let text = "junk\n-----BEGIN X-----\nAAEC\n-----END X-----\n";
        assert_eq!(pem_decode(text), Some(("X".to_string(), vec![0, 1, 2])));
        assert_eq!(pem_decode("nothing"), None);
    }
}
