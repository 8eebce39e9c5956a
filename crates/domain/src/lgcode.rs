//! 全国地方公共団体コード: the 6-digit local government code (5 digits and a
//! check digit), e.g. 石岡市 082058.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::text::{compact, Bilingual};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalGovCode([u8; 6]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalGovCodeError {
    #[error("{}", self.both())]
    Shape(String),
    #[error("{}", self.both())]
    CheckDigit { input: String, expected: u8 },
}

impl Bilingual for LocalGovCodeError {
    fn ja(&self) -> String {
        match self {
            LocalGovCodeError::Shape(s) => {
                format!("「{s}」は全国地方公共団体コード（6桁の数字）ではありません")
            }
            LocalGovCodeError::CheckDigit { input, expected } => format!(
                "全国地方公共団体コード「{input}」の検査数字が誤っています（{}{expected} が正しい形です）",
                &input[..5]
            ),
        }
    }
    fn en(&self) -> String {
        match self {
            LocalGovCodeError::Shape(s) => {
                format!("'{s}' is not a local government code (6 digits)")
            }
            LocalGovCodeError::CheckDigit { input, expected } => format!(
                "local government code '{input}' has a wrong check digit (expected {}{expected})",
                &input[..5]
            ),
        }
    }
}

/// Check digit of the first five digits: (11 − Σ dᵢ·[6,5,4,3,2] mod 11) mod 10.
pub fn check_digit(five: [u8; 5]) -> u8 {
    let sum: u32 = five
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(d, w)| *d as u32 * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

impl LocalGovCode {
    pub fn parse(input: &str) -> Result<Self, LocalGovCodeError> {
        let s = compact(input);
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LocalGovCodeError::Shape(input.trim().to_string()));
        }
        let mut d = [0u8; 6];
        for (i, b) in s.bytes().enumerate() {
            d[i] = b - b'0';
        }
        let expected = check_digit([d[0], d[1], d[2], d[3], d[4]]);
        if d[5] != expected {
            return Err(LocalGovCodeError::CheckDigit { input: s, expected });
        }
        Ok(LocalGovCode(d))
    }

    /// Completes a 5-digit code (as prefecture tables write it) with its check digit.
    pub fn from_five(input: &str) -> Result<Self, LocalGovCodeError> {
        let s = compact(input);
        if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LocalGovCodeError::Shape(input.trim().to_string()));
        }
        let b: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        let c = check_digit([b[0], b[1], b[2], b[3], b[4]]);
        Ok(LocalGovCode([b[0], b[1], b[2], b[3], b[4], c]))
    }

    /// The prefecture part (first two digits), 01–47.
    pub fn prefecture_number(self) -> u8 {
        self.0[0] * 10 + self.0[1]
    }
}

impl fmt::Display for LocalGovCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for LocalGovCode {
    type Err = LocalGovCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LocalGovCode::parse(s)
    }
}

impl Serialize for LocalGovCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalGovCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = LocalGovCode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a 6-digit local government code as a quoted string ('082058')")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LocalGovCode, E> {
                LocalGovCode::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LocalGovCode, E> {
                // An unquoted code loses its leading zero in YAML: take it
                // back only when the result is a valid code.
                LocalGovCode::parse(&format!("{v:06}")).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes_pass() {
        for c in ["082058", "102113", "012131", "011002"] {
            assert_eq!(LocalGovCode::parse(c).unwrap().to_string(), c);
        }
        assert_eq!(
            LocalGovCode::from_five("10006").unwrap().to_string(),
            "100064"
        );
    }

    #[test]
    fn wrong_check_digit_names_the_right_one() {
        let e = LocalGovCode::parse("082059").unwrap_err();
        assert_eq!(
            e,
            LocalGovCodeError::CheckDigit {
                input: "082059".into(),
                expected: 8
            }
        );
        assert!(e.ja().contains("082058"));
        assert!(LocalGovCode::parse("08205").is_err());
        assert!(LocalGovCode::parse("abcdef").is_err());
        assert!(LocalGovCode::parse("０８２０５８").is_ok());
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_is_valid(five in proptest::array::uniform5(0u8..10)) {
            let prefix: String = five.iter().map(|d| char::from(b'0' + d)).collect();
            let valid = (0..10).filter(|c| LocalGovCode::parse(&format!("{prefix}{c}")).is_ok()).count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        fn never_panics(s in "\\PC{0,10}") {
            let _ = LocalGovCode::parse(&s);
            let _ = LocalGovCode::from_five(&s);
        }
    }
}
