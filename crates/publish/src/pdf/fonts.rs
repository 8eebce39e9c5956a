//! The fonts the PDF report is set in: Debian's Noto CJK collections
//! (`fonts-noto-cjk`), found at run time, or the fonts of a directory named
//! by `GYOKAKU_FONT_DIR`. Nothing is bundled and nothing is downloaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::PublishError;

/// Where Debian's `fonts-noto-cjk` puts its collections.
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/opentype/noto";

/// Environment variable naming a directory of fonts to use instead.
pub const FONT_DIR_ENV: &str = "GYOKAKU_FONT_DIR";

/// Families tried first for Japanese text, in order.
const PREFERRED: [&str; 4] = [
    "Noto Sans CJK JP",
    "Noto Serif CJK JP",
    "Noto Sans JP",
    "Noto Serif JP",
];

/// Loaded fonts (every face of every collection) and the families the
/// report asks for. Cheap to clone: the font data is shared.
#[derive(Clone)]
pub struct FontSet(Arc<Inner>);

struct Inner {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    families: Vec<String>,
    files: Vec<PathBuf>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("families", &self.0.families)
            .field("faces", &self.0.fonts.len())
            .field("files", &self.0.files)
            .finish()
    }
}

impl FontSet {
    /// The fonts of `GYOKAKU_FONT_DIR` when it is set, else Debian's Noto
    /// CJK collections (`NotoSansCJK-*.ttc`, `NotoSerifCJK-*.ttc` in
    /// `/usr/share/fonts/opentype/noto`). When none is found the error says
    /// what to install.
    pub fn discover() -> Result<FontSet, PublishError> {
        match std::env::var_os(FONT_DIR_ENV) {
            Some(dir) if !dir.is_empty() => FontSet::from_dir(Path::new(&dir)),
            _ => FontSet::noto_cjk(Path::new(DEFAULT_FONT_DIR)),
        }
    }

    /// Debian's Noto CJK collections in `dir`.
    pub fn noto_cjk(dir: &Path) -> Result<FontSet, PublishError> {
        let files = font_files(dir, |name| {
            (name.starts_with("NotoSansCJK-") || name.starts_with("NotoSerifCJK-"))
                && name.ends_with(".ttc")
        });
        if files.is_empty() {
            return Err(PublishError::NoFonts {
                searched: format!(
                    "{}/NotoSansCJK-*.ttc, {}/NotoSerifCJK-*.ttc",
                    dir.display(),
                    dir.display()
                ),
            });
        }
        FontSet::from_files(files)
    }

    /// Every font file (`.ttc`, `.otc`, `.ttf`, `.otf`) directly in `dir`.
    pub fn from_dir(dir: &Path) -> Result<FontSet, PublishError> {
        let files = font_files(dir, |name| {
            let lower = name.to_ascii_lowercase();
            [".ttc", ".otc", ".ttf", ".otf"]
                .iter()
                .any(|ext| lower.ends_with(ext))
        });
        if files.is_empty() {
            return Err(PublishError::NoFonts {
                searched: format!("{FONT_DIR_ENV}={}", dir.display()),
            });
        }
        FontSet::from_files(files)
    }

    /// Loads every face of the given files, in the order given. At least
    /// one face must cover Japanese (kana and kanji).
    pub fn from_files(files: Vec<PathBuf>) -> Result<FontSet, PublishError> {
        let mut fonts = Vec::new();
        for path in &files {
            let data = std::fs::read(path)?;
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        let japanese = |f: &&Font| {
            let c = &f.info().coverage;
            c.contains('あ' as u32) && c.contains('漢' as u32)
        };
        let mut families: Vec<String> = PREFERRED
            .iter()
            .filter(|name| {
                fonts
                    .iter()
                    .filter(japanese)
                    .any(|f| f.info().family == **name)
            })
            .map(|name| name.to_string())
            .collect();
        if families.is_empty() {
            if let Some(f) = fonts.iter().find(japanese) {
                families.push(f.info().family.clone());
            }
        }
        if families.is_empty() {
            return Err(PublishError::NoFonts {
                searched: files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(FontSet(Arc::new(Inner {
            fonts,
            book,
            families,
            files,
        })))
    }

    /// The families the report is set in, the first for all text.
    pub fn families(&self) -> &[String] {
        &self.0.families
    }

    /// The files the fonts were read from.
    pub fn files(&self) -> &[PathBuf] {
        &self.0.files
    }

    pub(super) fn book(&self) -> &LazyHash<FontBook> {
        &self.0.book
    }

    pub(super) fn font(&self, index: usize) -> Option<Font> {
        self.0.fonts.get(index).cloned()
    }
}

/// The files in `dir` whose names `keep`, sorted by name so the same
/// directory always gives the same fonts in the same order.
fn font_files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_directory_names_what_to_install() {
        let dir = tempfile::tempdir().unwrap();
        let e = FontSet::noto_cjk(dir.path()).unwrap_err();
        use gyokaku_domain::Bilingual;
        assert!(
            e.ja().contains("apt-get install fonts-noto-cjk"),
            "{}",
            e.ja()
        );
        assert!(
            e.en().contains("apt-get install fonts-noto-cjk"),
            "{}",
            e.en()
        );
        assert!(e.en().contains("NotoSansCJK-*.ttc"), "{}", e.en());
        let e = FontSet::from_dir(dir.path()).unwrap_err();
        assert!(e.en().contains(FONT_DIR_ENV), "{}", e.en());
    }

    #[test]
    fn a_font_without_japanese_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("junk.ttf"), b"not a font").unwrap();
        let e = FontSet::from_dir(dir.path()).unwrap_err();
        assert!(matches!(e, PublishError::NoFonts { .. }), "{e:?}");
    }
}
