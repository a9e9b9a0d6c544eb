//! SHA-256 and HMAC for the verifiers, from whichever implementation is faster on the CPU at hand.
//!
//! Every scheme hashes a few hundred bytes to a few kilobytes per request (a JWT's signing input, a
//! signed request's body, a SigV4 canonical request, an API key), so the fixed cost of a hash call
//! weighs as much as the block function. ring's `hmac` and `digest` copy their contexts and pending
//! buffers several times per call. On x86-64 CPUs with the SHA extensions, the `sha2` crate's block
//! function runs the same instructions, and the little around it is done here: an HMAC-SHA256 key is
//! kept as its two pad states, whole blocks are hashed where the caller's bytes lie, and the padding of
//! a buffer the caller owns is written in place ([`sha256_in_place`], [`HmacKey::sign_in_place`]).
//! Measured beside ring on such a CPU (interleaved batches): HMAC-SHA256 of a 138-byte SigV4 string to
//! sign took 0.61 of ring's time, SHA-256 of a 330-byte canonical request 0.82 to 0.93, HMAC-SHA256 over
//! 1 KiB 0.85.
//!
//! Without the extensions `sha2` falls back to portable code, slower than ring's vectorized assembly,
//! so ring is used there (older x86-64 servers, and valgrind, under which authv's instruction-count and
//! constant-time gates run); other architectures use ring too, and so do HMAC-SHA1/384/512. The choice
//! ([`Backend::for_sha256`]) is made once per key or hash from the CPU features std detects, never from
//! data; [`HmacKey::with_backend`] and [`Sha256::with_backend`] choose explicitly.
//!
//! Both implementations compute the same functions: the tests check each against ring's one-shot HMAC
//! and SHA-256 for any key and any split of the input, and authv's suites (RFC 4231, Wycheproof, the
//! JWT and AWS suites) run through whichever this CPU uses. Neither branches on or indexes by the key or
//! the message. Pad states are wiped when the key or context holding them is dropped, and never
//! printed.
//!
//! ```
//! use auth_core::hash::{self, HmacKey};
//!
//! let key = HmacKey::sha256(b"Jefe");
//! let tag = key.sign(b"what do ya want for nothing?");
//! assert_eq!(tag.as_ref()[..4], [0x5b, 0xdc, 0xc1, 0x46]); // RFC 4231, test case 2
//! assert!(key.verify(b"what do ya want for nothing?", tag.as_ref()));
//! assert_eq!(hash::sha256(b"abc")[..4], [0xba, 0x78, 0x16, 0xbf]); // FIPS 180-2, B.1
//! ```

use ring::{digest, hmac};
use std::sync::Arc;
use zeroize::{Zeroize, Zeroizing};

/// The SHA-256 block size.
const BLOCK: usize = 64;
/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// Whether this CPU runs SHA-256 faster through `sha2`'s block function (its SHA-extension back end,
/// which `sha2` picks on exactly these features) than through ring.
fn sha_extensions() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sha") && std::arch::is_x86_feature_detected!("sse4.1")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The implementation a key or hash uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// The `sha2` crate's SHA-256 block function under this module's HMAC and padding (SHA-256 and
    /// HMAC-SHA256 only).
    Blocks,
    /// ring.
    Ring,
}

impl Backend {
    /// The faster implementation of SHA-256 on this CPU: [`Backend::Blocks`] on x86-64 with the SHA
    /// extensions, [`Backend::Ring`] otherwise.
    #[must_use]
    pub fn for_sha256() -> Self {
        if sha_extensions() { Self::Blocks } else { Self::Ring }
    }
}

/// Hashes whole blocks into `state`.
fn compress(state: &mut [u32; 8], blocks: &[[u8; BLOCK]]) {
    if !blocks.is_empty() {
        sha2::block_api::compress256(state, blocks);
    }
}

/// The digest bytes of a state.
fn digest_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// Ends a SHA-256 whose last bytes, `buf[..len]`, follow `prior` bytes already in `state`: the padding
/// is written into `buf` after them and the blocks hashed from there. `None` (nothing hashed) when `buf`
/// has no room for the padding: `len + 9` bytes rounded up to a block.
fn finish_in_place(state: &mut [u32; 8], prior: u64, buf: &mut [u8], len: usize) -> Option<[u8; 32]> {
    let end = (len + 9).next_multiple_of(BLOCK);
    let (_, tail) = buf.get_mut(..end)?.split_at_mut_checked(len)?;
    // `tail` holds at least nine bytes: the 0x80 marker and the bit length.
    let (pad, bits) = tail.split_at_mut_checked(tail.len().checked_sub(8)?)?;
    pad.fill(0);
    *pad.first_mut()? = 0x80;
    bits.copy_from_slice(&prior.wrapping_add(len as u64).wrapping_mul(8).to_be_bytes());
    let (blocks, _) = buf.get(..end)?.as_chunks::<BLOCK>();
    compress(state, blocks);
    Some(digest_bytes(state))
}

/// SHA-256 of `data`, continuing from `state` after `prior` bytes (whole blocks): the blocks of `data`
/// hashed where they lie, only its last partial block copied (with the padding) to the stack.
fn hash_from(state: [u32; 8], prior: u64, data: &[u8]) -> [u8; 32] {
    hash_from_via(state, prior, data, &mut [0u8; 2 * BLOCK])
}

/// [`hash_from`] with the stack copy of the last partial block in `last` (two blocks, which always hold
/// a partial block and the padding), so a caller hashing a secret can wipe it.
fn hash_from_via(mut state: [u32; 8], prior: u64, data: &[u8], last: &mut [u8; 2 * BLOCK]) -> [u8; 32] {
    let (blocks, rest) = data.as_chunks::<BLOCK>();
    compress(&mut state, blocks);
    if let Some(dst) = last.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    let hashed = prior.wrapping_add((blocks.len() * BLOCK) as u64);
    let out = finish_in_place(&mut state, hashed, last, rest.len()).unwrap_or_default();
    state.zeroize();
    out
}

/// SHA-256 fed in pieces on the block function: whole blocks are hashed where they lie, the rest waits
/// in `pending`.
#[derive(Clone)]
struct Blocks {
    state: [u32; 8],
    pending: [u8; BLOCK],
    /// Bytes waiting in `pending`.
    waiting: usize,
    /// Bytes already hashed into `state`.
    hashed: u64,
}

impl Blocks {
    /// Continues from `state`, which has hashed `hashed` bytes (whole blocks).
    fn from_state(state: [u32; 8], hashed: u64) -> Self {
        Self { state, pending: [0; BLOCK], waiting: 0, hashed }
    }

    fn update(&mut self, mut data: &[u8]) {
        if self.waiting > 0 {
            let take = (BLOCK - self.waiting).min(data.len());
            let (now, later) = data.split_at(take);
            if let Some(dst) = self.pending.get_mut(self.waiting..self.waiting + take) {
                dst.copy_from_slice(now);
            }
            self.waiting += take;
            data = later;
            if self.waiting < BLOCK {
                return;
            }
            compress(&mut self.state, core::slice::from_ref(&self.pending));
            self.hashed += BLOCK as u64;
            self.waiting = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        compress(&mut self.state, blocks);
        self.hashed += (blocks.len() * BLOCK) as u64;
        if let Some(dst) = self.pending.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
            self.waiting = rest.len();
        }
    }

    fn finish(&self) -> [u8; 32] {
        hash_from(self.state, self.hashed, self.pending.get(..self.waiting).unwrap_or_default())
    }
}

impl Drop for Blocks {
    /// The state of an HMAC context starts as a pad state: wiped like one.
    fn drop(&mut self) {
        self.state.zeroize();
    }
}

/// HMAC-SHA256 pad states: SHA-256 after the key XOR ipad block, and after the key XOR opad block.
#[derive(Clone)]
struct Pads {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Drop for Pads {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl Pads {
    fn new(secret: &[u8]) -> Self {
        // RFC 2104: a key longer than the block is hashed first; the key is zero-padded to the block.
        let mut key = Zeroizing::new([0u8; BLOCK]);
        if secret.len() > BLOCK {
            // The secret's last partial block is copied to `tail`, which is wiped.
            let mut tail = Zeroizing::new([0u8; 2 * BLOCK]);
            let hashed = Zeroizing::new(hash_from_via(IV, 0, secret, &mut tail));
            key.iter_mut().zip(hashed.iter()).for_each(|(k, h)| *k = *h);
        } else {
            key.iter_mut().zip(secret).for_each(|(k, s)| *k = *s);
        }
        let pad = |byte: u8| {
            let mut block = Zeroizing::new([0u8; BLOCK]);
            block.iter_mut().zip(key.iter()).for_each(|(b, k)| *b = k ^ byte);
            let mut state = IV;
            compress(&mut state, core::slice::from_ref(&*block));
            state
        };
        Self { inner: pad(0x36), outer: pad(0x5c) }
    }

    /// The outer hash over the inner digest.
    fn outer(&self, inner: &[u8; 32]) -> [u8; 32] {
        outer_hash(&self.outer, inner)
    }

    /// The HMAC of `buf[..len]`, padding in place (see [`finish_in_place`]); `None` without room.
    fn sign_in_place(&self, buf: &mut [u8], len: usize) -> Option<[u8; 32]> {
        let mut state = self.inner;
        let inner = finish_in_place(&mut state, BLOCK as u64, buf, len);
        state.zeroize();
        Some(self.outer(&inner?))
    }
}

/// HMAC's outer hash over the inner digest: one block from the outer pad state `outer`.
fn outer_hash(outer: &[u32; 8], inner: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    block.iter_mut().zip(inner).for_each(|(b, i)| *b = *i);
    let mut state = *outer;
    let out = finish_in_place(&mut state, BLOCK as u64, &mut block, 32);
    state.zeroize();
    out.unwrap_or_default()
}

/// A prepared HMAC key: its inner and outer pad states, computed once.
///
/// `Debug` prints no key material.
#[derive(Clone)]
pub struct HmacKey(KeyImp);

#[derive(Clone)]
enum KeyImp {
    Pads(Pads),
    /// Shared rather than copied: a ring key holds two whole digest contexts.
    Ring(Arc<hmac::Key>),
}

impl core::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "HmacKey({:?}, [REDACTED])", self.backend())
    }
}

impl HmacKey {
    /// `secret` as a key for `algorithm`, in the faster implementation for it on this CPU. Secrets of
    /// any length are accepted (longer than the hash's block, they are hashed first, RFC 2104).
    #[must_use]
    pub fn new(algorithm: hmac::Algorithm, secret: &[u8]) -> Self {
        let backend = if algorithm == hmac::HMAC_SHA256 { Backend::for_sha256() } else { Backend::Ring };
        Self::with_backend(algorithm, secret, backend)
    }

    /// An HMAC-SHA256 key.
    #[must_use]
    pub fn sha256(secret: &[u8]) -> Self {
        Self::new(hmac::HMAC_SHA256, secret)
    }

    /// `secret` as a key in the given implementation ([`Backend::Blocks`] applies to HMAC-SHA256
    /// only; other algorithms always use ring).
    #[must_use]
    pub fn with_backend(algorithm: hmac::Algorithm, secret: &[u8], backend: Backend) -> Self {
        if backend == Backend::Blocks && algorithm == hmac::HMAC_SHA256 {
            Self(KeyImp::Pads(Pads::new(secret)))
        } else {
            Self(KeyImp::Ring(Arc::new(hmac::Key::new(algorithm, secret))))
        }
    }

    /// The implementation this key uses.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.0 {
            KeyImp::Pads(_) => Backend::Blocks,
            KeyImp::Ring(_) => Backend::Ring,
        }
    }

    /// The tag's length in bytes.
    #[must_use]
    pub fn output_len(&self) -> usize {
        match &self.0 {
            KeyImp::Pads(_) => 32,
            KeyImp::Ring(k) => k.algorithm().digest_algorithm().output_len(),
        }
    }

    /// The MAC of `data`.
    #[must_use]
    pub fn sign(&self, data: &[u8]) -> Tag {
        match &self.0 {
            KeyImp::Pads(pads) => Tag(TagImp::Sha256(pads.outer(&hash_from(pads.inner, BLOCK as u64, data)))),
            KeyImp::Ring(k) => Tag(TagImp::Ring(hmac::sign(k, data))),
        }
    }

    /// Whether `tag` is the MAC of `data`: the full tag, compared in constant time ([`crate::ct_eq`]).
    #[must_use]
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        crate::ct_eq(self.sign(data).as_ref(), tag)
    }

    /// The MAC of `buf[..len]`. `buf` is scratch space: on [`Backend::Blocks`] the hash padding is
    /// written after the message when there is room for it (`len + 9` bytes rounded up to 64), which
    /// saves copying the message's last block; otherwise `buf` is only read.
    #[must_use]
    pub fn sign_in_place(&self, buf: &mut [u8], len: usize) -> Tag {
        if let KeyImp::Pads(pads) = &self.0
            && let Some(tag) = pads.sign_in_place(buf, len)
        {
            return Tag(TagImp::Sha256(tag));
        }
        self.sign(buf.get(..len).unwrap_or_default())
    }
}

/// A MAC being computed over data fed in pieces.
pub struct HmacContext(CtxImp);

enum CtxImp {
    /// The inner hash, started from the inner pad state, and the outer pad state.
    Pads {
        inner: Blocks,
        outer: Zeroizing<[u32; 8]>,
    },
    Ring(hmac::Context),
}

impl core::fmt::Debug for HmacContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HmacContext([REDACTED])")
    }
}

impl HmacContext {
    /// A context starting from `key`'s pad states.
    #[must_use]
    pub fn new(key: &HmacKey) -> Self {
        match &key.0 {
            KeyImp::Pads(pads) => Self(CtxImp::Pads {
                inner: Blocks::from_state(pads.inner, BLOCK as u64),
                outer: Zeroizing::new(pads.outer),
            }),
            KeyImp::Ring(k) => Self(CtxImp::Ring(hmac::Context::with_key(k))),
        }
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            CtxImp::Pads { inner, .. } => inner.update(data),
            CtxImp::Ring(c) => c.update(data),
        }
    }

    /// The MAC of everything fed.
    #[must_use]
    pub fn sign(self) -> Tag {
        match self.0 {
            CtxImp::Pads { inner, outer } => Tag(TagImp::Sha256(outer_hash(&outer, &inner.finish()))),
            CtxImp::Ring(c) => Tag(TagImp::Ring(c.sign())),
        }
    }
}

/// A computed MAC; its bytes through `AsRef<[u8]>`. Compare it with [`crate::ct_eq`], never `==`.
pub struct Tag(TagImp);

enum TagImp {
    Sha256([u8; 32]),
    Ring(hmac::Tag),
}

impl AsRef<[u8]> for Tag {
    fn as_ref(&self) -> &[u8] {
        match &self.0 {
            TagImp::Sha256(t) => t,
            TagImp::Ring(t) => t.as_ref(),
        }
    }
}

impl core::fmt::Debug for Tag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Tag([REDACTED])")
    }
}

/// SHA-256 of data fed in pieces.
pub struct Sha256(ShaImp);

enum ShaImp {
    Blocks(Blocks),
    Ring(digest::Context),
}

impl core::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Sha256")
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// A new hash in the faster implementation on this CPU.
    #[must_use]
    pub fn new() -> Self {
        Self::with_backend(Backend::for_sha256())
    }

    /// A new hash in the given implementation.
    #[must_use]
    pub fn with_backend(backend: Backend) -> Self {
        match backend {
            Backend::Blocks => Self(ShaImp::Blocks(Blocks::from_state(IV, 0))),
            Backend::Ring => Self(ShaImp::Ring(digest::Context::new(&digest::SHA256))),
        }
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            ShaImp::Blocks(b) => b.update(data),
            ShaImp::Ring(c) => c.update(data),
        }
    }

    /// The hash of everything fed.
    #[must_use]
    pub fn finish(self) -> [u8; 32] {
        match self.0 {
            ShaImp::Blocks(b) => b.finish(),
            ShaImp::Ring(c) => digest_array(&c.finish()),
        }
    }
}

/// A ring SHA-256 digest as an array.
fn digest_array(d: &digest::Digest) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Some(src) = d.as_ref().get(..32) {
        out.copy_from_slice(src);
    }
    out
}

/// SHA-256 of `data`, in the faster implementation on this CPU.
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha256_with(Backend::for_sha256(), data)
}

fn sha256_with(backend: Backend, data: &[u8]) -> [u8; 32] {
    match backend {
        Backend::Blocks => hash_from(IV, 0, data),
        Backend::Ring => digest_array(&digest::digest(&digest::SHA256, data)),
    }
}

/// SHA-256 of `buf[..len]`. `buf` is scratch space, as for [`HmacKey::sign_in_place`]: on
/// [`Backend::Blocks`] the padding is written after the data when there is room for it.
#[must_use]
pub fn sha256_in_place(buf: &mut [u8], len: usize) -> [u8; 32] {
    if Backend::for_sha256() == Backend::Blocks
        && let Some(hash) = finish_in_place(&mut { IV }, 0, buf, len)
    {
        return hash;
    }
    sha256_with(Backend::Ring, buf.get(..len).unwrap_or_default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BOTH: [Backend; 2] = [Backend::Blocks, Backend::Ring];

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn rfc4231_cases_2_and_6_in_both() {
        // Case 6 has a key longer than the block, hashed first.
        let cases: [(&[u8], &[u8], &str); 2] = [
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, msg, want) in cases {
            for b in BOTH {
                let k = HmacKey::with_backend(hmac::HMAC_SHA256, key, b);
                assert_eq!(hex(k.sign(msg).as_ref()), want, "{b:?}");
            }
        }
    }

    #[test]
    fn fips_180_abc_and_the_empty_string() {
        for b in BOTH {
            assert_eq!(
                hex(&sha256_with(b, b"abc")),
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "{b:?}"
            );
            assert_eq!(
                hex(&sha256_with(b, b"")),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "{b:?}"
            );
        }
    }

    #[test]
    fn the_cpu_picks_one_backend_and_other_algorithms_use_ring() {
        assert_eq!(HmacKey::new(hmac::HMAC_SHA384, b"k").backend(), Backend::Ring);
        assert_eq!(HmacKey::with_backend(hmac::HMAC_SHA512, b"k", Backend::Blocks).backend(), Backend::Ring);
        assert_eq!(HmacKey::with_backend(hmac::HMAC_SHA384, b"k", Backend::Blocks).output_len(), 48);
        let k = HmacKey::sha256(b"k");
        assert_eq!(k.output_len(), 32);
        assert_eq!(k.backend(), Backend::for_sha256());
        assert_eq!(format!("{k:?}"), format!("HmacKey({:?}, [REDACTED])", Backend::for_sha256()));
        assert_eq!(format!("{:?}", k.sign(b"m")), "Tag([REDACTED])");
        assert!(k.verify(b"m", k.sign(b"m").as_ref()));
        assert!(!k.verify(b"m", &k.sign(b"m").as_ref()[..31]));
        assert!(!k.verify(b"n", k.sign(b"m").as_ref()));
    }

    #[test]
    fn in_place_needs_room_for_the_padding_and_falls_back_without_it() {
        let k = HmacKey::with_backend(hmac::HMAC_SHA256, b"key", Backend::Blocks);
        let ring = hmac::Key::new(hmac::HMAC_SHA256, b"key");
        for len in [0usize, 1, 54, 55, 56, 63, 64, 119, 120, 200] {
            let msg: Vec<u8> = (0..len).map(|i| i as u8).collect();
            for room in [len, len + 8, len + 9, (len + 9).next_multiple_of(64)] {
                let mut buf = msg.clone();
                buf.resize(room, 0xee);
                assert_eq!(k.sign_in_place(&mut buf, len).as_ref(), hmac::sign(&ring, &msg).as_ref(), "{len}/{room}");
                let mut buf = msg.clone();
                buf.resize(room, 0xee);
                assert_eq!(sha256_in_place(&mut buf, len), sha256_with(Backend::Ring, &msg), "{len}/{room}");
            }
        }
    }

    proptest! {
        /// Both implementations, fed the same bytes in any pieces, agree with ring's one-shot HMAC and
        /// SHA-256.
        #[test]
        fn both_backends_agree_in_any_pieces(
            key in prop::collection::vec(any::<u8>(), 0..150),
            data in prop::collection::vec(any::<u8>(), 0..700),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        ) {
            let want_mac = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), &data);
            let want_hash = digest::digest(&digest::SHA256, &data);
            let mut at: Vec<usize> = cuts.iter().map(|i| i.index(data.len() + 1)).collect();
            at.sort_unstable();
            for b in BOTH {
                let k = HmacKey::with_backend(hmac::HMAC_SHA256, &key, b);
                let (mut ctx, mut h, mut from) = (HmacContext::new(&k), Sha256::with_backend(b), 0);
                for &to in at.iter().chain([data.len()].iter()) {
                    ctx.update(&data[from..to]);
                    h.update(&data[from..to]);
                    from = to;
                }
                let (streamed, whole) = (ctx.sign(), k.sign(&data));
                prop_assert_eq!(streamed.as_ref(), want_mac.as_ref());
                prop_assert_eq!(whole.as_ref(), want_mac.as_ref());
                prop_assert_eq!(&h.finish()[..], want_hash.as_ref());
                prop_assert_eq!(&sha256_with(b, &data)[..], want_hash.as_ref());
            }
        }
    }
}
