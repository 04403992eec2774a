//! A blind line-up of frontalized faces: the top row is one real frontal of each person,
//! the bottom row a frontalization of a profile of each, in an order shuffled by the
//! seed. Someone who sees only the picture matches each bottom column to a top column,
//! then checks the key; chance is one right per line-up. The CFP benchmark writes one
//! with `--report` (`cfp_lineup.png`, `cfp_lineup_key.txt`: CFP's photographs, not for
//! committing).

use crate::pixels::montage;
use drgan::RgbImage;
use std::fmt::Write as _;

/// People in a line-up, as many as fit a row that a person can compare by eye.
pub const PEOPLE: usize = 12;

/// A line-up's sheet and its key: `key[c]` is the top column (0-based) of the person
/// whose frontalization is bottom column `c`.
pub struct Lineup {
    pub sheet: RgbImage,
    pub key: Vec<usize>,
}

/// The line-up of `faces` (each person's real frontal and frontalized profile, at most
/// [`PEOPLE`] of them used), shuffled by `seed`; `None` without faces or when their sizes
/// differ.
pub fn lineup(faces: &[(RgbImage, RgbImage)], seed: u64) -> Option<Lineup> {
    let faces = &faces[..faces.len().min(PEOPLE)];
    let key = shuffled(faces.len(), seed);
    let mut tiles: Vec<RgbImage> = faces.iter().map(|(real, _)| real.clone()).collect();
    tiles.extend(key.iter().map(|&person| faces[person].1.clone()));
    let sheet = montage(&tiles, faces.len())?;
    Some(Lineup { sheet, key })
}

/// The key as text, one line per bottom column, numbered from 1 as a viewer counts.
pub fn key_text(key: &[usize]) -> String {
    let mut text = String::from("bottom column -> top column (the same person)\n");
    for (bottom, top) in key.iter().enumerate() {
        writeln!(text, "{} -> {}", bottom + 1, top + 1).unwrap();
    }
    text
}

/// 0..n in an order drawn from `seed`: Fisher-Yates on a SplitMix64 stream.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(value: u8) -> RgbImage {
        RgbImage {
            data: vec![value; 4 * 4 * 3],
            width: 4,
            height: 4,
        }
    }

    #[test]
    fn shuffles_are_permutations_that_depend_on_the_seed() {
        let orders: Vec<Vec<usize>> = (0..20).map(|seed| shuffled(PEOPLE, seed)).collect();
        for order in &orders {
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..PEOPLE).collect::<Vec<_>>());
        }
        assert_eq!(
            orders[3],
            shuffled(PEOPLE, 3),
            "the same seed, the same order"
        );
        let distinct: std::collections::HashSet<_> = orders.iter().collect();
        assert!(
            distinct.len() >= 19,
            "{} distinct orders of 20",
            distinct.len()
        );
        assert!(shuffled(0, 1).is_empty());
    }

    #[test]
    fn the_bottom_row_follows_the_key() {
        // Person k's real frontal is all 10 k, their frontalization all 10 k + 5.
        let faces: Vec<_> = (0..15u8)
            .map(|k| (tile(10 * k), tile(10 * k + 5)))
            .collect();
        let l = lineup(&faces, 7).unwrap();
        assert_eq!(l.key.len(), PEOPLE, "at most {PEOPLE} people");
        let (tw, gap) = (4, 2);
        let w = PEOPLE * (tw + gap) + gap;
        assert_eq!(
            (l.sheet.width as usize, l.sheet.height),
            (w, 2 * (4 + 2) + 2)
        );
        let at = |column: usize, row: usize| {
            let (x, y) = (gap + column * (tw + gap), gap + row * (4 + gap));
            l.sheet.data[(y * w + x) * 3]
        };
        for c in 0..PEOPLE {
            assert_eq!(at(c, 0), 10 * c as u8, "top: the people in order");
            assert_eq!(
                at(c, 1),
                10 * l.key[c] as u8 + 5,
                "bottom: the key's person"
            );
        }
        let text = key_text(&l.key);
        assert_eq!(text.lines().count(), 1 + PEOPLE);
        assert!(text.contains(&format!("1 -> {}\n", l.key[0] + 1)), "{text}");
        assert!(lineup(&[], 1).is_none());
    }
}
