//! The canonical five-point alignment template shared with the SDK's alignment.

/// Canonical five landmarks as fractions of the square crop size S, in the order
/// left eye centre, right eye centre, nose tip, left mouth corner, right mouth corner
/// ("left" = on the image's left), each `[x, y]` with x to the right and y down.
///
/// The generator frames every identity so that its frontal, neutral landmarks fit these
/// points by a least-squares similarity; the SDK's `align` warps real photos onto the
/// same points. (A later issue unifies this constant with the SDK's own.)
pub const CANONICAL_LANDMARKS5: [[f32; 2]; 5] = [
    [0.34, 0.40],
    [0.66, 0.40],
    [0.50, 0.56],
    [0.37, 0.72],
    [0.63, 0.72],
];
