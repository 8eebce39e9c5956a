//! User-facing text: Japanese first, English from the locale files
//! (`locales/ja.yaml`, `locales/en.yaml`), both embedded in the binary.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The UI's two languages are the languages every output is written in, so
/// a page hands its language straight to the shared presentation functions.
pub use gyokaku_domain::present::Lang;

type Table = HashMap<String, String>;

fn parse(name: &str, text: &str) -> Table {
    // The files are part of the binary and checked by a test; a broken one
    // is a build defect, not input.
    serde_norway::from_str(text).unwrap_or_else(|e| panic!("locales/{name}.yaml: {e}"))
}

fn tables() -> &'static (Table, Table) {
    static TABLES: OnceLock<(Table, Table)> = OnceLock::new();
    TABLES.get_or_init(|| {
        (
            parse("ja", include_str!("../locales/ja.yaml")),
            parse("en", include_str!("../locales/en.yaml")),
        )
    })
}

/// The translator handed to every template.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The text for `key`; the key itself when missing (a test keeps the
    /// files complete, so this shows up in review rather than as a blank).
    pub fn s<'a>(&self, key: &'a str) -> &'a str {
        let (ja, en) = tables();
        let table = match self.lang {
            Lang::Ja => ja,
            Lang::En => en,
        };
        match table.get(key) {
            Some(v) => v.as_str(),
            None => key,
        }
    }

    /// `s(key)` with `{0}`, `{1}`… replaced by `args`.
    pub fn f(&self, key: &str, args: &[&dyn std::fmt::Display]) -> String {
        let mut out = self.s(key).to_string();
        for (i, a) in args.iter().enumerate() {
            out = out.replace(&format!("{{{i}}}"), &a.to_string());
        }
        out
    }

    /// Picks the Japanese or English of a pair the domain provides.
    pub fn pick<'a>(&self, ja: &'a str, en: Option<&'a str>) -> &'a str {
        self.lang.pick(ja, en)
    }

    /// A message the domain or the store gives in both languages.
    pub fn text(&self, message: &dyn gyokaku_domain::Bilingual) -> String {
        match self.lang {
            Lang::En => message.en(),
            Lang::Ja => message.ja(),
        }
    }

    pub fn is_en(&self) -> bool {
        self.lang.is_en()
    }
}

/// Every key of both files, for the completeness test.
pub fn keys() -> (Vec<String>, Vec<String>) {
    let (ja, en) = tables();
    let mut a: Vec<String> = ja.keys().cloned().collect();
    let mut b: Vec<String> = en.keys().cloned().collect();
    a.sort();
    b.sort();
    (a, b)
}
