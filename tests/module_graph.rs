//! The module graph of `src/` (docs/architecture.md): every `crate::`, `super::` and
//! `self::` path and every `use` of a child module, resolved through re-exports to the
//! file that defines the item, must form an acyclic graph between files; and the C ABI
//! (`src/ffi`) may reach the rest of the crate only through items the crate root makes
//! public. A parent's `pub use` of its children's items is structure, not a dependency.
//!
//! The checker reads the sources as text: comments, strings and character literals are
//! blanked first, so doc links and messages never count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module path from the crate root (`[]` is the root).
type Module = Vec<String>;

struct Source {
    module: Module,
    /// The code with comments and literals blanked (same byte offsets).
    code: String,
}

/// One path in the code, resolved.
struct Reference {
    /// Absolute segments, as written after resolving `crate`/`super`/`self`.
    path: Vec<String>,
    /// Written in a `use` statement.
    is_use: bool,
    /// A `pub`/`pub(..)` `use` at the file's top level.
    reexport: bool,
}

#[derive(Default)]
struct Graph {
    /// Module → the modules it depends on, with a path that shows each edge.
    edges: BTreeMap<Module, BTreeMap<Module, String>>,
    /// Paths from `src/ffi` that reach past the crate root's public items.
    ffi_violations: Vec<String>,
}

/// `src/a/b.rs` → `a::b`, `src/a/mod.rs` → `a`, `src/lib.rs` → the root.
fn module_of(rel: &str) -> Module {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Blanks comments, string literals (raw ones too) and character literals.
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |e| i + e);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (1, i + 2);
            while j < b.len() && depth > 0 {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if rest[0] == b'r'
            && (i == 0 || !is_ident(b[i - 1]))
            && rest[1..].iter().find(|&&c| c != b'#') == Some(&b'"')
        {
            // A raw string (not a raw identifier such as `r#type`).
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let start = i + 1 + hashes + 1;
            let end = (start..b.len())
                .find(|&j| b[j..].starts_with(&close))
                .map_or(b.len(), |j| j + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, (j + 1).min(b.len()));
            i = j + 1;
        } else if rest[0] == b'\'' {
            // A character literal ('x', '\n', '\u{..}'); otherwise a lifetime.
            let end = if rest.get(1) == Some(&b'\\') {
                (i + 2..b.len()).find(|&j| b[j] == b'\'').map(|j| j + 1)
            } else {
                std::str::from_utf8(&b[i + 1..])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map(|c| i + 1 + c.len_utf8())
                    .filter(|&j| b.get(j) == Some(&b'\''))
                    .map(|j| j + 1)
            };
            match end {
                Some(end) => {
                    blank(&mut out, i, end);
                    i = end;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("only ASCII was written over")
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The identifier at `i` (after spaces), and the offset after it.
fn ident(code: &[u8], mut i: usize) -> Option<(String, usize)> {
    while i < code.len() && code[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    while i < code.len() && is_ident(code[i]) {
        i += 1;
    }
    (i > start).then(|| (String::from_utf8_lossy(&code[start..i]).into_owned(), i))
}

/// The offset after `token` at `i` (after spaces), if it is there.
fn token(code: &[u8], mut i: usize, token: &[u8]) -> Option<usize> {
    while i < code.len() && code[i].is_ascii_whitespace() {
        i += 1;
    }
    code[i..].starts_with(token).then_some(i + token.len())
}

/// The use-tree at `i`: every leaf path (`*` for a glob) with the prefix before it.
fn use_tree(code: &[u8], i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = i;
    loop {
        if let Some(j) = token(code, i, b"{") {
            i = j;
            loop {
                if let Some(j) = token(code, i, b"}") {
                    return j;
                }
                i = use_tree(code, i, &path, out);
                if let Some(j) = token(code, i, b",") {
                    i = j;
                }
            }
        }
        if let Some(j) = token(code, i, b"*") {
            path.push("*".into());
            out.push(path);
            return j;
        }
        let Some((seg, j)) = ident(code, i) else {
            out.push(path); // `path::<T>` or `path::` before something else.
            return i;
        };
        i = j;
        if seg != "self" || path.is_empty() {
            path.push(seg);
        }
        match token(code, i, b"::") {
            Some(j) => i = j,
            None => {
                // `as alias` does not change what is used.
                if let Some((kw, j)) = ident(code, i) {
                    if kw == "as" {
                        i = ident(code, j).map_or(j, |(_, k)| k);
                    }
                }
                out.push(path);
                return i;
            }
        }
    }
}

/// The names of inline `mod name { .. }` blocks around each offset.
fn inline_modules(code: &[u8]) -> Vec<(usize, usize, String)> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while let Some(p) = find_word(code, i, b"mod") {
        i = p + 3;
        let Some((name, j)) = ident(code, i) else {
            continue;
        };
        let Some(open) = token(code, j, b"{") else {
            continue;
        };
        let mut depth = 1;
        let mut k = open;
        while k < code.len() && depth > 0 {
            match code[k] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            k += 1;
        }
        blocks.push((open, k, name));
    }
    blocks
}

/// The next offset from `i` where `word` stands alone.
fn find_word(code: &[u8], mut i: usize, word: &[u8]) -> Option<usize> {
    while i + word.len() <= code.len() {
        let at = i + code[i..].windows(word.len()).position(|w| w == word)?;
        let before = at == 0 || !is_ident(code[at - 1]);
        let after = code.get(at + word.len()).is_none_or(|&c| !is_ident(c));
        if before && after {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Every path in `source`, made absolute.
fn references(source: &Source, modules: &BTreeSet<Module>) -> Vec<Reference> {
    let code = source.code.as_bytes();
    let inline = inline_modules(code);
    let here = |at: usize| {
        let mut m = source.module.clone();
        m.extend(
            inline
                .iter()
                .filter(|(s, e, _)| (*s..*e).contains(&at))
                .map(|(_, _, n)| n.clone()),
        );
        m
    };
    let mut out = Vec::new();
    let mut push = |at: usize, raw: Vec<String>, is_use: bool, reexport: bool| {
        let mut base = here(at);
        let mut segs = raw.into_iter().peekable();
        match segs.peek().map(String::as_str) {
            Some("crate") => {
                segs.next();
                base.clear();
            }
            Some("super") | Some("self") => {
                while let Some(s) = segs.next_if(|s| s == "super" || s == "self") {
                    if s == "super" {
                        base.pop();
                    }
                }
            }
            Some(first) => {
                // A `use` relative to this module: only its child modules count.
                let mut child = base.clone();
                child.push(first.to_string());
                if !modules.contains(&child) {
                    return;
                }
            }
            None => return,
        }
        base.extend(segs);
        out.push(Reference {
            path: base,
            is_use,
            reexport,
        });
    };
    // `use` statements.
    let mut i = 0;
    while let Some(p) = find_word(code, i, b"use") {
        i = p + 3;
        let line_start = code[..p]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |n| n + 1);
        let lead = String::from_utf8_lossy(&code[line_start..p]);
        let top_level = !lead.starts_with(' ') && here(p) == source.module;
        let reexport = top_level && lead.trim_start().starts_with("pub");
        let mut leaves = Vec::new();
        use_tree(code, i, &[], &mut leaves);
        for leaf in leaves {
            push(p, leaf, true, reexport);
        }
    }
    // Paths in code.
    for word in [&b"crate"[..], b"super", b"self"] {
        let mut i = 0;
        while let Some(p) = find_word(code, i, word) {
            i = p + word.len();
            if token(code, i, b"::").is_none() {
                continue;
            }
            let line_start = code[..p]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |n| n + 1);
            if find_word(&code[line_start..p], 0, b"use").is_some() {
                continue; // Part of a `use`, read above.
            }
            let mut leaves = Vec::new();
            use_tree(code, p, &[], &mut leaves);
            for leaf in leaves {
                push(p, leaf, false, false);
            }
        }
    }
    out
}

/// Where an absolute path leads: the module that defines its first item, following
/// the `use` statements of the modules it passes through.
fn resolve(
    path: &[String],
    modules: &BTreeSet<Module>,
    imports: &BTreeMap<Module, BTreeMap<String, Vec<String>>>,
    depth: usize,
) -> Module {
    let mut m: Module = Vec::new();
    let mut rest = path.iter();
    for seg in rest.by_ref() {
        let mut child = m.clone();
        child.push(seg.clone());
        if modules.contains(&child) {
            m = child;
            continue;
        }
        if seg == "*" || depth > 16 {
            return m;
        }
        return match imports.get(&m).and_then(|names| names.get(seg)) {
            Some(target) => resolve(target, modules, imports, depth + 1),
            None => m,
        };
    }
    m
}

fn build(sources: &[Source]) -> Graph {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let refs: Vec<Vec<Reference>> = sources.iter().map(|s| references(s, &modules)).collect();
    // What each module's `use` statements bring into it, by name.
    let mut imports: BTreeMap<Module, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (source, refs) in sources.iter().zip(&refs) {
        for r in refs.iter().filter(|r| r.is_use) {
            if let Some(name) = r.path.last().filter(|n| *n != "*") {
                imports
                    .entry(source.module.clone())
                    .or_default()
                    .entry(name.clone())
                    .or_insert_with(|| r.path.clone());
            }
        }
    }
    let public_root: BTreeSet<String> = refs[sources
        .iter()
        .position(|s| s.module.is_empty())
        .expect("src/lib.rs")]
    .iter()
    .filter(|r| r.reexport)
    .filter_map(|r| r.path.last().cloned())
    .chain(public_items(sources))
    .collect();

    let mut graph = Graph::default();
    for (source, refs) in sources.iter().zip(&refs) {
        for r in refs {
            let target = resolve(&r.path, &modules, &imports, 0);
            let inside = |m: &Module, of: &[String]| m.starts_with(of);
            if target == source.module || (r.reexport && inside(&target, &source.module)) {
                continue;
            }
            let shown = format!("{}: crate::{}", display(&source.module), r.path.join("::"));
            let ffi = ["ffi".to_string()];
            if inside(&source.module, &ffi) && !inside(&target, &ffi) {
                let named_public = r.path.first().is_some_and(|n| public_root.contains(n));
                if !named_public {
                    graph.ffi_violations.push(shown.clone());
                }
            }
            graph
                .edges
                .entry(source.module.clone())
                .or_default()
                .entry(target)
                .or_insert(shown);
        }
    }
    graph
}

/// `pub mod`, `pub fn`, `pub const` and `pub static` items of the crate root.
fn public_items(sources: &[Source]) -> Vec<String> {
    let root = sources
        .iter()
        .find(|s| s.module.is_empty())
        .expect("src/lib.rs");
    let code = root.code.as_bytes();
    let mut out = Vec::new();
    for kw in [&b"mod"[..], b"fn", b"const", b"static", b"type"] {
        let mut i = 0;
        while let Some(p) = find_word(code, i, kw) {
            i = p + kw.len();
            let line_start = code[..p]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |n| n + 1);
            if code[line_start..p].starts_with(b"pub ") {
                if let Some((name, _)) = ident(code, i) {
                    out.push(name);
                }
            }
        }
    }
    out
}

fn display(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// A cycle in the graph, as the edges that make it, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        m: &Module,
        graph: &Graph,
        state: &mut BTreeMap<Module, bool>,
        stack: &mut Vec<(Module, String)>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(true) => {
                let from = stack
                    .iter()
                    .position(|(n, _)| n == m)
                    .expect("on the stack");
                return Some(stack[from..].iter().map(|(_, e)| e.clone()).collect());
            }
            Some(false) => return None,
            None => {}
        }
        state.insert(m.clone(), true);
        for (next, shown) in graph.edges.get(m).into_iter().flatten() {
            stack.push((m.clone(), shown.clone()));
            if let Some(c) = visit(next, graph, state, stack) {
                return Some(c);
            }
            stack.pop();
        }
        state.insert(m.clone(), false);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.edges.keys() {
        if let Some(c) = visit(m, graph, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn sources_in(dir: &Path, root: &Path, out: &mut Vec<Source>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources_in(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Source {
                module: module_of(&rel),
                code: strip(&std::fs::read_to_string(&path).unwrap()),
            });
        }
    }
}

fn from_text(files: &[(&str, &str)]) -> Vec<Source> {
    files
        .iter()
        .map(|(rel, src)| Source {
            module: module_of(rel),
            code: strip(src),
        })
        .collect()
}

#[test]
fn the_module_graph_of_src_is_acyclic_and_ffi_uses_only_the_public_api() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = Vec::new();
    sources_in(&src, &src, &mut sources);
    let graph = build(&sources);
    if std::env::var_os("DRGAN_PRINT_MODULE_GRAPH").is_some() {
        for (from, to) in &graph.edges {
            let to: Vec<String> = to.keys().map(display).collect();
            println!("{} -> {}", display(from), to.join(", "));
        }
    }
    assert!(graph.edges.len() > 10, "the checker found too few edges");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("src/ has a module cycle:\n  {}", cycle.join("\n  "));
    }
    assert!(
        graph.ffi_violations.is_empty(),
        "src/ffi reaches past the public API:\n  {}",
        graph.ffi_violations.join("\n  ")
    );
}

#[test]
fn the_checker_sees_cycles_through_reexports_and_ignores_comments() {
    let files = [
        ("lib.rs", "mod a;\nmod b;\npub use crate::a::A;\n"),
        ("a/mod.rs", "mod inner;\npub(crate) use inner::A;\n"),
        ("a/inner.rs", "use crate::b::B;\npub struct A(B);\n"),
        (
            "b.rs",
            "// use crate::A;\npub struct B { r#type: u8 }\nfn f() -> &'static str { r#\"crate::A\"# }\n",
        ),
    ];
    assert!(find_cycle(&build(&from_text(&files))).is_none());
    let mut with_back_edge = files;
    with_back_edge[3].1 = "pub struct B { r#type: u8 }\nfn f(_: crate::A) {}\n";
    let cycle = find_cycle(&build(&from_text(&with_back_edge))).expect("a cycle");
    assert_eq!(cycle.len(), 2, "{cycle:?}");
    // Inline test modules: `super` is the file's module.
    let inline = [
        ("lib.rs", "mod a;\nmod b;\n"),
        (
            "a.rs",
            "pub fn f() {}\n#[cfg(test)]\nmod tests { use super::*; use crate::b::g; }\n",
        ),
        ("b.rs", "pub fn g() { crate::a::f() }\n"),
    ];
    assert!(find_cycle(&build(&from_text(&inline))).is_some());
}

#[test]
fn the_checker_sees_ffi_reaching_past_the_public_api() {
    let files = [
        (
            "lib.rs",
            "pub mod ffi;\nmod image;\npub use crate::image::Image;\n",
        ),
        ("image.rs", "pub struct Image;\npub(crate) fn check() {}\n"),
        ("ffi/mod.rs", "use crate::Image;\n"),
    ];
    assert!(build(&from_text(&files)).ffi_violations.is_empty());
    let mut inner = files;
    inner[2].1 = "use crate::Image;\nfn f() { crate::image::check() }\n";
    assert_eq!(build(&from_text(&inner)).ffi_violations.len(), 1);
}
