/// FNV-1a, 64 bits: a fast, stable fingerprint of bytes (not a cryptographic hash; see
/// `SHA256` for that). Identifies datasets and corpora in checkpoint metadata.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    /// The hash of `bytes`, continuing from `h`.
    public static func hash(_ bytes: [UInt8], from h: UInt64 = offsetBasis) -> UInt64 {
        var h = h
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    /// `h` with one 64-bit value folded in (a hash of hashes, in order).
    public static func fold(_ h: UInt64, _ value: UInt64) -> UInt64 { (h ^ value) &* prime }
}
