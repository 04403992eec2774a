//! A fast 64-bit hash to tell files and records apart: a model's encoder (galleries
//! record it) and a gallery's rows (each stored with its checksum). Not cryptographic.

/// A fast 64-bit hash of `bytes` (FxHash-style words, then SplitMix64's finaliser), to
/// tell files apart; not a cryptographic hash.
pub(crate) fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_and_the_length_count() {
        let a = fingerprint(b"0123456789abcdef-");
        assert_ne!(a, fingerprint(b"0123456789abcdef+"));
        assert_ne!(a, fingerprint(b"1123456789abcdef-"));
        assert_ne!(fingerprint(b""), fingerprint(b"\0"));
        assert_eq!(a, fingerprint(b"0123456789abcdef-"));
    }
}
