//! Text normalisation for what Japanese documents write: full-width digits and
//! letters (全角), ideographic spaces, and the PDF noise of spaced digits.

/// Maps full-width ASCII forms (U+FF01–U+FF5E) to ASCII and the ideographic
/// space (U+3000) to a space. Other characters are left alone, so ① or 円
/// survive.
pub fn to_halfwidth(s: &str) -> String {
    s.chars().map(halfwidth_char).collect()
}

pub(crate) fn halfwidth_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{3000}' => ' ',
        // Minus-like signs that plans use for negative numbers.
        '\u{2212}' | '\u{2010}' | '\u{2013}' => '-',
        _ => c,
    }
}

/// A spreadsheet column as Excel writes it, from a 0-based index:
/// 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Half-width form with all whitespace removed: the shape parsers match on.
pub fn compact(s: &str) -> String {
    s.chars()
        .map(halfwidth_char)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A message in Japanese and English. Every error a city user may see
/// implements this, so each layer can choose the language it shows.
/// A message for a city user, in Japanese and English: kept as two texts,
/// never joined and split again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub ja: String,
    pub en: String,
}

impl Message {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Message {
        Message {
            ja: ja.into(),
            en: en.into(),
        }
    }
}

impl Bilingual for Message {
    fn ja(&self) -> String {
        self.ja.clone()
    }
    fn en(&self) -> String {
        self.en.clone()
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.ja, self.en)
    }
}

pub trait Bilingual {
    fn ja(&self) -> String;
    fn en(&self) -> String;
    /// Both, Japanese first: `日本語 / English`.
    fn both(&self) -> String {
        format!("{} / {}", self.ja(), self.en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_spreadsheets_write_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn fullwidth_digits_and_parens_become_ascii() {
        assert_eq!(to_halfwidth("（１２）Ｒ７"), "(12)R7");
        assert_eq!(compact("令和 ７ 年度"), "令和7年度");
        assert_eq!(compact("①"), "①");
        assert_eq!(compact("−5.76"), "-5.76");
    }
}
