//! The locale files are complete: Japanese and English have the same keys,
//! and every key the code or the templates use exists in both.

use std::collections::BTreeSet;
use std::path::Path;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "html") {
            out.push(p);
        }
    }
}

/// String literals that look like locale keys (`dash.total`, `item.why.role`)
/// and start with a prefix the locale files use.
fn used_keys(prefixes: &BTreeSet<String>) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    files(&root.join("templates"), &mut paths);
    let mut keys = BTreeSet::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        for lit in text.split('"').skip(1).step_by(2) {
            let is_key = lit.contains('.')
                && lit
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c.is_ascii_digit())
                && !lit.starts_with('.')
                && !lit.ends_with('.')
                && !lit.ends_with(".html");
            let prefix = lit.split('.').next().unwrap_or("");
            if is_key && prefixes.contains(prefix) {
                keys.insert(lit.to_string());
            }
        }
    }
    keys
}

#[test]
fn japanese_and_english_have_the_same_keys_and_cover_every_use() {
    let (ja, en) = gyokaku_web::i18n::keys();
    let ja: BTreeSet<String> = ja.into_iter().collect();
    let en: BTreeSet<String> = en.into_iter().collect();
    let only_ja: Vec<_> = ja.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ja).collect();
    assert!(only_ja.is_empty(), "missing in en.yaml: {only_ja:?}");
    assert!(only_en.is_empty(), "missing in ja.yaml: {only_en:?}");
    let prefixes: BTreeSet<String> = ja
        .iter()
        .map(|k| k.split('.').next().unwrap().to_string())
        .collect();
    let used = used_keys(&prefixes);
    assert!(
        used.len() > 100,
        "the scan finds the keys in use ({})",
        used.len()
    );
    let missing: Vec<_> = used.difference(&ja).collect();
    assert!(
        missing.is_empty(),
        "used but not in the locale files: {missing:?}"
    );
}
