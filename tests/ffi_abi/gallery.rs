//! The gallery through the C ABI: the good path against the Rust API, every bad
//! argument's status and message, files, and handles freed in any order.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use drgan::ffi::*;

use crate::support::*;

/// A gallery handle freed on drop.
struct G(*mut DrganGallery);

impl Drop for G {
    fn drop(&mut self) {
        unsafe { drgan_gallery_free(self.0) }
    }
}

fn memory() -> G {
    let mut g = ptr::null_mut();
    let s = unsafe { drgan_gallery_open_memory(model(), &mut g) };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    G(g)
}

fn feature(seed: u32) -> Vec<f32> {
    (0..NF as u32)
        .map(|i| {
            ((seed.wrapping_mul(2654435761) ^ i.wrapping_mul(40503)) % 1000) as f32 / 500.0 - 1.0
        })
        .collect()
}

fn id_of(m: &DrganGalleryMatch) -> &str {
    unsafe { CStr::from_ptr(m.id.as_ptr()) }.to_str().unwrap()
}

fn empty_match() -> DrganGalleryMatch {
    DrganGalleryMatch {
        similarity: f32::NAN,
        id: [0; DRGAN_GALLERY_ID_CAPACITY],
    }
}

fn enrol(g: &G, id: &str, features: &[f32], confidences: Option<&[f32]>) -> DrganStatus {
    let id = CString::new(id).unwrap();
    let count = features.len() / NF;
    unsafe {
        drgan_gallery_enrol(
            g.0,
            id.as_ptr(),
            features.as_ptr(),
            features.len(),
            confidences.map_or(ptr::null(), |c| c.as_ptr()),
            count,
        )
    }
}

fn search(g: &G, q: &[f32], k: usize, min: f32) -> (DrganStatus, Vec<(String, f32)>) {
    let mut out = vec![empty_match(); k];
    let mut found = usize::MAX;
    let s = unsafe {
        drgan_gallery_search(
            g.0,
            q.as_ptr(),
            q.len(),
            k,
            min,
            out.as_mut_ptr(),
            k,
            &mut found,
        )
    };
    if s != DrganStatus::Ok {
        return (s, Vec::new());
    }
    let list = out[..found]
        .iter()
        .map(|m| (id_of(m).to_string(), m.similarity))
        .collect();
    (s, list)
}

#[test]
fn enrol_search_remove_match_the_rust_api() {
    let g = memory();
    let rust = drgan::Gallery::in_memory(rust_model());
    let two = [feature(1), feature(2)].concat();
    assert_eq!(
        enrol(&g, "ada", &two, Some(&[0.25, 0.75])),
        DrganStatus::Ok,
        "{}",
        last_error()
    );
    let pictures = [
        drgan::Embedding {
            feature: feature(1),
            confidence: 0.25,
        },
        drgan::Embedding {
            feature: feature(2),
            confidence: 0.75,
        },
    ];
    rust.enrol("ada", &pictures).unwrap();
    // Batch: three pictures, two people, one of them twice; NULL confidences weigh 1.
    let ids = [c"bob", c"émile 😀", c"bob"];
    let id_ptrs: Vec<*const c_char> = ids.iter().map(|s| s.as_ptr()).collect();
    let three = [feature(3), feature(4), feature(5)].concat();
    let s = unsafe {
        drgan_gallery_enrol_batch(
            g.0,
            id_ptrs.as_ptr(),
            three.as_ptr(),
            three.len(),
            ptr::null(),
            3,
        )
    };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    let one = |f| drgan::Embedding {
        feature: f,
        confidence: 1.0,
    };
    rust.enrol("bob", &[one(feature(3)), one(feature(5))])
        .unwrap();
    rust.enrol("émile 😀", &[one(feature(4))]).unwrap();

    let mut count = 0;
    assert_eq!(
        unsafe { drgan_gallery_count(g.0, &mut count) },
        DrganStatus::Ok
    );
    assert_eq!(count, 3);
    let mut contains = -1;
    let s = unsafe { drgan_gallery_contains(g.0, c"émile 😀".as_ptr(), &mut contains) };
    assert_eq!((s, contains), (DrganStatus::Ok, 1));

    for seed in [1, 4, 9, 17] {
        let q = feature(seed);
        let (s, got) = search(&g, &q, 3, -1.0);
        assert_eq!(s, DrganStatus::Ok, "{}", last_error());
        let want: Vec<(String, f32)> = rust
            .search(&q, 3, None)
            .unwrap()
            .into_iter()
            .map(|m| (m.id, m.similarity))
            .collect();
        assert_eq!(got, want);
    }
    // Batch search: the same as one search per query, query i's at i * k.
    let queries = [feature(1), feature(4)].concat();
    let mut out = vec![empty_match(); 4];
    let mut found = [0usize; 2];
    let s = unsafe {
        drgan_gallery_search_batch(
            g.0,
            queries.as_ptr(),
            queries.len(),
            2,
            2,
            0.0,
            out.as_mut_ptr(),
            4,
            found.as_mut_ptr(),
        )
    };
    assert_eq!(s, DrganStatus::Ok, "{}", last_error());
    for (i, q) in queries.chunks(NF).enumerate() {
        let (_, one) = search(&g, q, 2, 0.0);
        let batch: Vec<(String, f32)> = out[i * 2..i * 2 + found[i]]
            .iter()
            .map(|m| (id_of(m).to_string(), m.similarity))
            .collect();
        assert_eq!(batch, one);
    }

    let mut removed = -1;
    assert_eq!(
        unsafe { drgan_gallery_remove(g.0, c"bob".as_ptr(), &mut removed) },
        DrganStatus::Ok
    );
    assert_eq!(removed, 1);
    assert_eq!(
        unsafe { drgan_gallery_remove(g.0, c"bob".as_ptr(), &mut removed) },
        DrganStatus::Ok
    );
    assert_eq!(removed, 0);
    assert_eq!(
        unsafe { drgan_gallery_remove(g.0, c"ada".as_ptr(), ptr::null_mut()) },
        DrganStatus::Ok
    );
    let f6 = feature(6);
    let s = unsafe {
        drgan_gallery_replace(g.0, c"émile 😀".as_ptr(), f6.as_ptr(), NF, ptr::null(), 1)
    };
    assert_eq!(s, DrganStatus::Ok);
    let (_, got) = search(&g, &f6, 5, -1.0);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "émile 😀");
    assert!(got[0].1 > 0.999_999);
    let mut changed = -1;
    assert_eq!(
        unsafe { drgan_gallery_refresh(g.0, &mut changed) },
        DrganStatus::Ok
    );
    assert_eq!(changed, 0);
}

#[test]
fn bad_arguments_get_their_status_and_change_nothing() {
    let g = memory();
    let f = feature(1);
    assert_eq!(enrol(&g, "kept", &f, None), DrganStatus::Ok);
    let e = "drgan_gallery_enrol";
    let call = |gal: *const DrganGallery,
                id: *const c_char,
                feat: *const f32,
                len,
                conf: *const f32,
                n| unsafe { drgan_gallery_enrol(gal, id, feat, len, conf, n) };
    let id = c"x".as_ptr();
    fails(
        call(ptr::null(), id, f.as_ptr(), NF, ptr::null(), 1),
        DrganStatus::NullArgument,
        e,
        &["gallery"],
    );
    fails(
        call(g.0, ptr::null(), f.as_ptr(), NF, ptr::null(), 1),
        DrganStatus::NullArgument,
        e,
        &["id"],
    );
    fails(
        call(g.0, id, ptr::null(), NF, ptr::null(), 1),
        DrganStatus::NullArgument,
        e,
        &["features"],
    );
    fails(
        call(g.0, id, f.as_ptr(), NF, ptr::null(), 0),
        DrganStatus::InvalidArgument,
        e,
        &["count is 0"],
    );
    fails(
        call(g.0, id, f.as_ptr(), NF - 1, ptr::null(), 1),
        DrganStatus::InvalidArgument,
        e,
        &["features_len 15"],
    );
    fails(
        call(g.0, id, f.as_ptr(), NF, ptr::null(), usize::MAX),
        DrganStatus::InvalidArgument,
        e,
        &["features_len"],
    );
    fails(
        call(g.0, c"".as_ptr(), f.as_ptr(), NF, ptr::null(), 1),
        DrganStatus::InvalidArgument,
        e,
        &["empty"],
    );
    let long = CString::new("y".repeat(256)).unwrap();
    fails(
        call(g.0, long.as_ptr(), f.as_ptr(), NF, ptr::null(), 1),
        DrganStatus::InvalidArgument,
        e,
        &["256 bytes"],
    );
    let not_utf8 = [0xffu8 as c_char, 0];
    fails(
        call(g.0, not_utf8.as_ptr(), f.as_ptr(), NF, ptr::null(), 1),
        DrganStatus::InvalidArgument,
        e,
        &["UTF-8"],
    );
    let nan = [f32::NAN; NF];
    fails(
        call(g.0, id, nan.as_ptr(), NF, ptr::null(), 1),
        DrganStatus::InvalidArgument,
        e,
        &["NaN"],
    );
    let zero_conf = [0.0f32];
    fails(
        call(g.0, id, f.as_ptr(), NF, zero_conf.as_ptr(), 1),
        DrganStatus::InvalidArgument,
        e,
        &["positive"],
    );

    let ids = [c"a".as_ptr(), ptr::null()];
    let two = [feature(2), feature(3)].concat();
    let s = unsafe {
        drgan_gallery_enrol_batch(g.0, ids.as_ptr(), two.as_ptr(), two.len(), ptr::null(), 2)
    };
    fails(
        s,
        DrganStatus::InvalidArgument,
        "drgan_gallery_enrol_batch",
        &["ids[1] is NULL"],
    );

    let se = "drgan_gallery_search";
    let mut out = vec![empty_match(); 2];
    let mut found = 7usize;
    let search = |q: &[f32], k, min, cap, found: *mut usize, out: *mut DrganGalleryMatch| unsafe {
        drgan_gallery_search(g.0, q.as_ptr(), q.len(), k, min, out, cap, found)
    };
    fails(
        search(&f, 3, -1.0, 2, &mut found, out.as_mut_ptr()),
        DrganStatus::BufferTooSmall,
        se,
        &["3"],
    );
    fails(
        search(&f, 0, -1.0, 2, &mut found, out.as_mut_ptr()),
        DrganStatus::InvalidArgument,
        se,
        &["k is 0"],
    );
    fails(
        search(&f, 1, f32::NAN, 2, &mut found, out.as_mut_ptr()),
        DrganStatus::InvalidArgument,
        se,
        &["outside"],
    );
    fails(
        search(&f, 1, 1.01, 2, &mut found, out.as_mut_ptr()),
        DrganStatus::InvalidArgument,
        se,
        &["outside"],
    );
    fails(
        search(&f[1..], 1, -1.0, 2, &mut found, out.as_mut_ptr()),
        DrganStatus::InvalidArgument,
        se,
        &["15 floats"],
    );
    fails(
        search(&[0.0; NF], 1, -1.0, 2, &mut found, out.as_mut_ptr()),
        DrganStatus::InvalidArgument,
        se,
        &["zero"],
    );
    fails(
        search(&f, 1, -1.0, 2, ptr::null_mut(), out.as_mut_ptr()),
        DrganStatus::NullArgument,
        se,
        &["out_found"],
    );
    fails(
        search(&f, 1, -1.0, 2, &mut found, ptr::null_mut()),
        DrganStatus::NullArgument,
        se,
        &["out_matches"],
    );
    assert_eq!(found, 7, "out-parameters are untouched on failure");
    assert!(out.iter().all(|m| m.similarity.is_nan()));

    let be = "drgan_gallery_search_batch";
    let mut founds = [0usize; 2];
    let mut batch = |len, count, k, cap| unsafe {
        drgan_gallery_search_batch(
            g.0,
            two.as_ptr(),
            len,
            count,
            k,
            -1.0,
            out.as_mut_ptr(),
            cap,
            founds.as_mut_ptr(),
        )
    };
    fails(
        batch(two.len(), 0, 1, 2),
        DrganStatus::InvalidArgument,
        be,
        &["count"],
    );
    fails(
        batch(two.len() - 1, 2, 1, 2),
        DrganStatus::InvalidArgument,
        be,
        &["features_len"],
    );
    fails(
        batch(two.len(), 2, 2, 2),
        DrganStatus::BufferTooSmall,
        be,
        &["4"],
    );
    fails(
        batch(two.len(), 2, usize::MAX, 2),
        DrganStatus::InvalidArgument,
        be,
        &["absurd"],
    );

    let mut n = 0;
    fails(
        unsafe { drgan_gallery_count(ptr::null(), &mut n) },
        DrganStatus::NullArgument,
        "drgan_gallery_count",
        &["gallery"],
    );
    fails(
        unsafe { drgan_gallery_count(g.0, ptr::null_mut()) },
        DrganStatus::NullArgument,
        "drgan_gallery_count",
        &["out_count"],
    );
    fails(
        unsafe { drgan_gallery_contains(g.0, id, ptr::null_mut()) },
        DrganStatus::NullArgument,
        "drgan_gallery_contains",
        &["out_contains"],
    );
    fails(
        unsafe { drgan_gallery_remove(g.0, c"".as_ptr(), ptr::null_mut()) },
        DrganStatus::InvalidArgument,
        "drgan_gallery_remove",
        &["empty"],
    );
    fails(
        unsafe { drgan_gallery_refresh(ptr::null(), ptr::null_mut()) },
        DrganStatus::NullArgument,
        "drgan_gallery_refresh",
        &["gallery"],
    );
    assert_eq!(unsafe { drgan_gallery_count(g.0, &mut n) }, DrganStatus::Ok);
    assert_eq!(n, 1, "nothing but `kept` was enrolled");
    unsafe { drgan_gallery_free(ptr::null_mut()) };
}

#[test]
fn files_persist_and_wrong_files_are_refused() {
    let dir = scratch().join("galleries");
    std::fs::create_dir_all(&dir).unwrap();
    let path = cstr(&dir.join("people.db"));
    let open = |m: *const DrganModel, p: &CString| {
        let mut g = ptr::null_mut();
        let s = unsafe { drgan_gallery_open(m, p.as_ptr(), &mut g) };
        (s, G(g))
    };
    {
        let (s, g) = open(model(), &path);
        assert_eq!(s, DrganStatus::Ok, "{}", last_error());
        assert_eq!(enrol(&g, "ada", &feature(1), None), DrganStatus::Ok);
    }
    // The model may be freed before the gallery.
    let own = open_model_handle();
    let (s, g) = open(own.ptr(), &path);
    assert_eq!(s, DrganStatus::Ok);
    drop(own);
    let (_, got) = search(&g, &feature(1), 1, -1.0);
    assert_eq!(got[0].0, "ada");
    drop(g);

    let other = open(other_model(), &path).0;
    fails(
        other,
        DrganStatus::ModelMismatch,
        "drgan_gallery_open",
        &["another model"],
    );
    let junk = dir.join("junk.db");
    std::fs::write(&junk, [7u8; 5000]).unwrap();
    fails(
        open(model(), &cstr(&junk)).0,
        DrganStatus::Gallery,
        "drgan_gallery_open",
        &["not a readable drgan gallery"],
    );
    fails(
        open(model(), &cstr(&dir)).0,
        DrganStatus::Gallery,
        "drgan_gallery_open",
        &[],
    );
    let mut g = ptr::null_mut();
    let s = unsafe { drgan_gallery_open(model(), ptr::null(), &mut g) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_gallery_open",
        &["path"],
    );
    let s = unsafe { drgan_gallery_open(ptr::null(), path.as_ptr(), &mut g) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_gallery_open",
        &["model"],
    );
    let s = unsafe { drgan_gallery_open(model(), path.as_ptr(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_gallery_open",
        &["out_gallery"],
    );
    let s = unsafe { drgan_gallery_open_memory(model(), ptr::null_mut()) };
    fails(
        s,
        DrganStatus::NullArgument,
        "drgan_gallery_open_memory",
        &["out_gallery"],
    );
}

fn open_model_handle() -> Handle {
    open(tiny())
}

fn other_model() -> *const DrganModel {
    static M: std::sync::OnceLock<Handle> = std::sync::OnceLock::new();
    M.get_or_init(|| open(other())).ptr()
}
