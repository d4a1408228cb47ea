//! Exact and near-duplicate detection.
//!
//! Exact duplicates share a [`content_hash`] of the normalized text. Near
//! duplicates (a repost with a hashtag added, a word changed) are found in
//! two steps: MinHash locality-sensitive hashing over word shingles gives
//! [`BANDS`] band keys per document; documents sharing any band key are
//! candidates, and a candidate is a near-duplicate when the exact
//! [`resemblance`] of the two texts clears the threshold.
//!
//! Why MinHash and not SimHash: channel posts are short (20–60 words), and
//! one changed word moves a 64-bit SimHash by 5–10 bits, beyond the small
//! Hamming radius that SimHash tables can search. MinHash bands estimate
//! Jaccard resemblance directly: with 8 bands of 4 rows, a pair at
//! resemblance 0.8 shares a band with probability 0.985, at 0.5 with 0.41,
//! at 0.3 with 0.06, so few unrelated candidates reach the exact check.

use sha2::{Digest, Sha256};
use vigil_model::ContentHash;

use crate::normalize::tokens;

/// Number of LSH band keys per document.
pub const BANDS: usize = 8;
/// MinHash rows per band.
const ROWS: usize = 4;

/// Digest of a normalized text (the first 128 bits of its SHA-256).
pub fn content_hash(normalized: &str) -> ContentHash {
    let digest = Sha256::digest(normalized.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    ContentHash(out)
}

/// The word shingles of a normalized text as 64-bit hashes, sorted and
/// without repeats: word bigrams, or the single words of a text too short
/// to have bigrams. (A sorted vector, not a hash set: near-duplicate
/// checks shingle up to 32 stored texts per new document, and hashing the
/// hashes again was most of that time.)
pub fn shingles(normalized: &str) -> Vec<u64> {
    let mut words = tokens(normalized);
    let mut out = Vec::new();
    let Some(first) = words.next() else {
        return out;
    };
    let mut prev = first;
    for w in words {
        let h = fnv1a(prev.as_bytes(), FNV_OFFSET);
        let h = fnv1a(b" ", h);
        out.push(fnv1a(w.as_bytes(), h));
        prev = w;
    }
    if out.is_empty() {
        out.push(fnv1a(first.as_bytes(), FNV_OFFSET));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// MinHash LSH band keys of a normalized text; empty for a text without
/// words. Stable across versions and platforms (the store keeps them).
pub fn fingerprint(normalized: &str) -> Vec<u32> {
    let set = shingles(normalized);
    if set.is_empty() {
        return Vec::new();
    }
    let mut mins = [u64::MAX; BANDS * ROWS];
    for &s in &set {
        for (i, m) in mins.iter_mut().enumerate() {
            // A family of hash functions from one 64-bit hash: mix the
            // shingle with a per-row seed (splitmix64 finalizer).
            let h = mix(s ^ SEEDS[i]);
            if h < *m {
                *m = h;
            }
        }
    }
    mins.chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = fnv1a(&(band as u64).to_le_bytes(), FNV_OFFSET);
            for r in rows {
                h = fnv1a(&r.to_le_bytes(), h);
            }
            (h ^ (h >> 32)) as u32
        })
        .collect()
}

/// Jaccard resemblance of two normalized texts' shingle sets, in 0..=1.
pub fn resemblance(a: &str, b: &str) -> f64 {
    resemblance_of(&shingles(a), &shingles(b))
}

/// [`resemblance`] of two texts' [`shingles`]: for comparing one text with
/// many whose shingles are stored.
pub fn resemblance_of(sa: &[u64], sb: &[u64]) -> f64 {
    if sa.is_empty() && sb.is_empty() {
        return 1.0;
    }
    // Both sorted: count the common ones in one merge.
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < sa.len() && j < sb.len() {
        match sa[i].cmp(&sb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (sa.len() + sb.len() - inter) as f64
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Per-row seeds: fixed, so fingerprints stored today match tomorrow's.
const SEEDS: [u64; BANDS * ROWS] = {
    let mut seeds = [0u64; BANDS * ROWS];
    let mut i = 0;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while i < BANDS * ROWS {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        seeds[i] = z ^ (z >> 31);
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;

    const CLAIM: &str = "تبنى تنظيم الدولة الإسلامية استهداف دورية لقوات سوريا الديمقراطية \
        بعبوة ناسفة قرب بلدة الشحيل في ريف دير الزور الشرقي وقال إن عنصرين قتلا واصيب ثالث";

    #[test]
    fn exact_hash_ignores_formatting_differences() {
        let a = content_hash(&normalize("Three  killed in Qamishli"));
        let b = content_hash(&normalize("three killed in QAMISHLI"));
        assert_eq!(a, b);
        assert_ne!(a, content_hash(&normalize("Four killed in Qamishli")));
    }

    #[test]
    fn a_repost_with_a_hashtag_shares_a_band_and_resembles() {
        let a = normalize(CLAIM);
        let b = normalize(&format!("{CLAIM} #دير_الزور"));
        let (fa, fb) = (fingerprint(&a), fingerprint(&b));
        assert_eq!(fa.len(), BANDS);
        assert!(fa.iter().zip(&fb).any(|(x, y)| x == y), "no shared band");
        assert!(resemblance(&a, &b) > 0.85, "{}", resemblance(&a, &b));
    }

    #[test]
    fn unrelated_texts_do_not_resemble() {
        let a = normalize(CLAIM);
        let b = normalize("A double suicide bombing at a restaurant in Qamishli killed three people and wounded nine.");
        assert!(resemblance(&a, &b) < 0.05);
        assert!(fingerprint("").is_empty());
    }

    #[test]
    fn fingerprints_are_stable() {
        // Stored fingerprints must not change across builds: pin one.
        assert_eq!(fingerprint("a b c").len(), BANDS);
        assert_eq!(fingerprint("a b c"), fingerprint("a b c"));
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}
