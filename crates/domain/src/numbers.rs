//! Numbers as plans write them: exact decimals (8.2, −5.76, ▲300), yen
//! amounts in 億円/万円, and item numbering (1, (1), （１）, ①, 1-①, No.12).

use std::cmp::Ordering;
use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::text::{compact, Bilingual};

/// An exact decimal, kept with the number of fraction digits it was written
/// with ('25.0' stays '25.0'), so that published figures match the plan.
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    mantissa: i128,
    scale: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("{}", self.both())]
    NotANumber(String),
    #[error("{}", self.both())]
    NotAnAmount(String),
    #[error("{}", self.both())]
    TooLarge(String),
    #[error("{}", self.both())]
    NotANumbering(String),
}

impl Bilingual for NumberError {
    fn ja(&self) -> String {
        match self {
            NumberError::NotANumber(s) => {
                format!("「{s}」は数値として読めません（例: 12.59, -5.76, ▲300）")
            }
            NumberError::NotAnAmount(s) => {
                format!("「{s}」は金額として読めません（例: 1500000, 300万円, 15.2億円）")
            }
            NumberError::TooLarge(s) => format!("「{s}」は大きすぎます"),
            NumberError::NotANumbering(s) => {
                format!("「{s}」は番号として読めません（例: 1, (1), ①, 1-①, No.12）")
            }
        }
    }
    fn en(&self) -> String {
        match self {
            NumberError::NotANumber(s) => {
                format!("'{s}' is not a number (e.g. 12.59, -5.76, ▲300)")
            }
            NumberError::NotAnAmount(s) => {
                format!("'{s}' is not an amount (e.g. 1500000, 300万円, 15.2億円)")
            }
            NumberError::TooLarge(s) => format!("'{s}' is too large"),
            NumberError::NotANumbering(s) => {
                format!("'{s}' is not an item number (e.g. 1, (1), ①, 1-①, No.12)")
            }
        }
    }
}

const MAX_SCALE: u8 = 12;

impl Decimal {
    pub fn from_int(v: i64) -> Self {
        Decimal {
            mantissa: v as i128,
            scale: 0,
        }
    }

    /// Reads 12.59, -5.76, −5.76, ▲5.76 / △5.76 (Japanese negative marks),
    /// 1,234.5, full-width digits and PDF-spaced digits ("8. 2").
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let bad = || NumberError::NotANumber(input.trim().to_string());
        let s = compact(input);
        let (neg, body) = match s.chars().next() {
            Some('-') => (true, &s[1..]),
            Some('▲') | Some('△') => (true, &s[s.chars().next().map_or(0, char::len_utf8)..]),
            Some('+') => (false, &s[1..]),
            _ => (false, s.as_str()),
        };
        let body: String = body.chars().filter(|c| *c != ',').collect();
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body.as_str(), ""),
        };
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if body.ends_with('.') || frac.len() > MAX_SCALE as usize || int.len() + frac.len() > 30 {
            return Err(bad());
        }
        let digits = format!("{int}{frac}");
        // Room to align any two values exactly (scale ≤ 12): 24 digits,
        // far beyond any figure a plan holds.
        if digits.trim_start_matches('0').len() > 24 {
            return Err(bad());
        }
        let m: i128 = digits.parse().map_err(|_| bad())?;
        Ok(Decimal {
            mantissa: if neg { -m } else { m },
            scale: frac.len() as u8,
        })
    }

    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }

    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// A decimal from its digits and the number of fraction digits:
    /// `from_parts(1259, 2)` is 12.59. `None` past the supported scale.
    pub(crate) fn from_parts(mantissa: i128, scale: u8) -> Option<Self> {
        (scale <= MAX_SCALE).then_some(Decimal { mantissa, scale })
    }

    /// Mantissas of both at the same scale, for exact comparison and sums.
    pub(crate) fn aligned(self, other: Decimal) -> (i128, i128, u8) {
        let scale = self.scale.max(other.scale);
        let a = self.mantissa * 10i128.pow((scale - self.scale) as u32);
        let b = other.mantissa * 10i128.pow((scale - other.scale) as u32);
        (a, b, scale)
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other);
        Some(Decimal {
            mantissa: a.checked_add(b)?,
            scale,
        })
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other);
        Some(Decimal {
            mantissa: a.checked_sub(b)?,
            scale,
        })
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Decimal {}
impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b, _) = self.aligned(*other);
        a.cmp(&b)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs().to_string();
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let scale = self.scale as usize;
        let padded = format!("{abs:0>width$}", width = scale + 1);
        let (i, fr) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{i}.{fr}")
    }
}

impl std::str::FromStr for Decimal {
    type Err = NumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::parse(s)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal number ('12.59')")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal::from_int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Decimal::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                Decimal::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// An amount of money in yen (効果額 and the like). Negative amounts are
/// allowed (a cut written ▲).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Yen(pub i64);

impl Yen {
    /// A sum that stops at the largest amount instead of overflowing.
    pub fn saturating_add(self, other: Yen) -> Yen {
        Yen(self.0.saturating_add(other.0))
    }

    /// Reads 1500000, 1,500,000円, 300万円, 15.2億円, 1億2,345万円, ▲300万円.
    pub fn parse(input: &str) -> Result<Yen, NumberError> {
        let bad = || NumberError::NotAnAmount(input.trim().to_string());
        let s = compact(input);
        let s = s.strip_suffix("/年").unwrap_or(&s);
        let s = s.strip_suffix('円').unwrap_or(s);
        if s.is_empty() {
            return Err(bad());
        }
        let (neg, s) = match s.chars().next() {
            Some('-') | Some('▲') | Some('△') => {
                (true, &s[s.chars().next().map_or(0, char::len_utf8)..])
            }
            _ => (false, s),
        };
        // Split into 億 / 万 / units parts, each a decimal.
        let mut total: i128 = 0;
        let mut rest = s;
        for (mark, unit) in [('億', 100_000_000i128), ('万', 10_000i128)] {
            if let Some(pos) = rest.find(mark) {
                let part = &rest[..pos];
                total += scaled(part, unit).ok_or_else(bad)?;
                rest = &rest[pos + mark.len_utf8()..];
            }
        }
        if !rest.is_empty() {
            total += scaled(rest, 1).ok_or_else(bad)?;
        } else if total == 0 && !s.contains(['億', '万']) {
            return Err(bad());
        }
        let total = if neg { -total } else { total };
        i64::try_from(total)
            .map(Yen)
            .map_err(|_| NumberError::TooLarge(input.trim().to_string()))
    }

    /// Compact Japanese form: 15億2,000万円, 300万円, 1,234円.
    pub fn japanese(self) -> String {
        let neg = self.0 < 0;
        let v = self.0.unsigned_abs();
        let oku = v / 100_000_000;
        let man = (v % 100_000_000) / 10_000;
        let en = v % 10_000;
        let mut out = String::new();
        if neg {
            out.push('▲');
        }
        if oku > 0 {
            out.push_str(&group(oku));
            out.push('億');
        }
        if man > 0 {
            out.push_str(&group(man));
            out.push('万');
        }
        if en > 0 || (oku == 0 && man == 0) {
            out.push_str(&group(en));
        }
        out.push('円');
        out
    }

    /// In 億円 with the given decimals (15.2億円).
    pub fn oku(self, decimals: usize) -> String {
        format!("{:.*}億円", decimals, self.0 as f64 / 1e8)
    }

    /// In 万円 with the given decimals.
    pub fn man(self, decimals: usize) -> String {
        format!("{:.*}万円", decimals, self.0 as f64 / 1e4)
    }
}

fn scaled(part: &str, unit: i128) -> Option<i128> {
    let d = Decimal::parse(part).ok()?;
    if d.is_negative() {
        return None;
    }
    let v = d.mantissa.checked_mul(unit)?;
    let div = 10i128.pow(d.scale as u32);
    // Fractions of a yen are not amounts.
    (v % div == 0).then(|| v / div)
}

/// 1234567 → "1,234,567"
pub fn group(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.japanese())
    }
}

/// How a level shows its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Numbering {
    /// 1
    Arabic,
    /// (1)
    Paren,
    /// （１）
    FullwidthParen,
    /// ①
    Circled,
    /// 1-① (the parent's number, a dash, circled)
    DashCircled,
    /// No.12 (written `no_dot`: a bare `no` is a boolean to YAML 1.1 readers)
    #[serde(rename = "no_dot")]
    No,
    /// not numbered
    None,
}

impl Numbering {
    pub fn format(self, n: u32, parent: Option<u32>) -> String {
        match self {
            Numbering::Arabic => n.to_string(),
            Numbering::Paren => format!("({n})"),
            Numbering::FullwidthParen => format!("（{}）", fullwidth_digits(n)),
            Numbering::Circled => circled(n),
            Numbering::DashCircled => match parent {
                Some(p) => format!("{p}-{}", circled(n)),
                None => circled(n),
            },
            Numbering::No => format!("No.{n}"),
            Numbering::None => String::new(),
        }
    }
}

fn fullwidth_digits(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
        .collect()
}

/// ① … ⑳, ㉑ … ㊿; beyond 50, (51).
pub fn circled(n: u32) -> String {
    let c = match n {
        1..=20 => char::from_u32(0x2460 + n - 1),
        21..=35 => char::from_u32(0x3251 + n - 21),
        36..=50 => char::from_u32(0x32B1 + n - 36),
        _ => None,
    };
    c.map_or_else(|| format!("({n})"), |c| c.to_string())
}

fn uncircle(c: char) -> Option<u32> {
    let u = c as u32;
    match u {
        0x2460..=0x2473 => Some(u - 0x2460 + 1),
        0x3251..=0x325F => Some(u - 0x3251 + 21),
        0x32B1..=0x32BF => Some(u - 0x32B1 + 36),
        _ => None,
    }
}

/// A number as written before an item: 1, 1., (1), （１）, ①, 1-①, No.12.
/// Returns the number and, for 1-①, the parent's number.
pub fn parse_numbering(input: &str) -> Result<(u32, Option<u32>), NumberError> {
    let bad = || NumberError::NotANumbering(input.trim().to_string());
    let s = compact(input);
    let num = |t: &str| -> Result<u32, NumberError> {
        if t.is_empty() || t.len() > 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(n) = uncircle(c) {
            return Ok((n, None));
        }
    }
    if let Some((p, c)) = s.split_once('-') {
        let mut cs = c.chars();
        if let (Some(ch), None) = (cs.next(), cs.next()) {
            if let Some(n) = uncircle(ch) {
                return Ok((n, Some(num(p)?)));
            }
        }
        return Ok((num(c)?, Some(num(p)?)));
    }
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        return Ok((num(inner)?, None));
    }
    if let Some(rest) = s
        .strip_prefix("No.")
        .or_else(|| s.strip_prefix("No"))
        .or_else(|| s.strip_prefix("NO."))
    {
        return Ok((num(rest)?, None));
    }
    let s = s.strip_suffix('.').unwrap_or(&s);
    Ok((num(s)?, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimals_keep_their_digits() {
        for s in ["12.59", "-5.76", "25.0", "350", "0.777", "0.001"] {
            assert_eq!(Decimal::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Decimal::parse("8. 2").unwrap().to_string(), "8.2");
        assert_eq!(Decimal::parse("▲5.76").unwrap().to_string(), "-5.76");
        assert_eq!(Decimal::parse("−10.95").unwrap().to_string(), "-10.95");
        assert_eq!(Decimal::parse("１，２３４").unwrap().to_string(), "1234");
        assert_eq!(
            Decimal::parse("25.0").unwrap(),
            Decimal::parse("25").unwrap()
        );
        assert!(Decimal::parse("●●").is_err());
        assert!(Decimal::parse("1.").is_err());
        assert!(Decimal::parse("").is_err());
        assert!(Decimal::parse("-").is_err());
    }

    #[test]
    fn amounts_in_oku_and_man() {
        assert_eq!(Yen::parse("15.2億円").unwrap(), Yen(1_520_000_000));
        assert_eq!(Yen::parse("15.2億円/年").unwrap(), Yen(1_520_000_000));
        assert_eq!(Yen::parse("300万円").unwrap(), Yen(3_000_000));
        assert_eq!(Yen::parse("1億2,345万円").unwrap(), Yen(123_450_000));
        assert_eq!(Yen::parse("1,234円").unwrap(), Yen(1234));
        assert_eq!(Yen::parse("▲300万円").unwrap(), Yen(-3_000_000));
        assert_eq!(Yen::parse("０．７億円").unwrap(), Yen(70_000_000));
        assert!(Yen::parse("0.5円").is_err());
        assert!(Yen::parse("万円").is_err());
        assert!(Yen::parse("abc").is_err());
        assert_eq!(Yen(1_520_000_000).japanese(), "15億2,000万円");
        assert_eq!(Yen(1_520_000_000).oku(1), "15.2億円");
        assert_eq!(Yen(0).japanese(), "0円");
        assert_eq!(Yen(-3_000_000).japanese(), "▲300万円");
    }

    #[test]
    fn numbering_in_and_out() {
        assert_eq!(parse_numbering("①").unwrap(), (1, None));
        assert_eq!(parse_numbering("（１２）").unwrap(), (12, None));
        assert_eq!(parse_numbering("1-③").unwrap(), (3, Some(1)));
        assert_eq!(parse_numbering("No.12").unwrap(), (12, None));
        assert_eq!(parse_numbering("3.").unwrap(), (3, None));
        assert_eq!(parse_numbering("㉑").unwrap(), (21, None));
        assert!(parse_numbering("(a)").is_err());
        assert_eq!(Numbering::DashCircled.format(2, Some(1)), "1-②");
        assert_eq!(Numbering::FullwidthParen.format(12, None), "（１２）");
        assert_eq!(Numbering::No.format(7, None), "No.7");
    }

    proptest! {
        #[test]
        fn decimal_round_trips(m in -10_000_000_000i64..10_000_000_000, scale in 0u8..6) {
            let d = Decimal { mantissa: m as i128, scale };
            prop_assert_eq!(Decimal::parse(&d.to_string()).unwrap().to_string(), d.to_string());
        }

        #[test]
        fn yen_round_trips_through_japanese(v in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(Yen::parse(&Yen(v).japanese()).unwrap(), Yen(v));
        }

        #[test]
        fn numbering_round_trips(n in 1u32..=50, p in 1u32..100) {
            for style in [Numbering::Arabic, Numbering::Paren, Numbering::FullwidthParen, Numbering::Circled, Numbering::No] {
                prop_assert_eq!(parse_numbering(&style.format(n, None)).unwrap(), (n, None));
            }
            prop_assert_eq!(parse_numbering(&Numbering::DashCircled.format(n, Some(p))).unwrap(), (n, Some(p)));
        }

        #[test]
        fn number_parsers_never_panic(s in "\\PC{0,20}") {
            let _ = Decimal::parse(&s);
            let _ = Yen::parse(&s);
            let _ = parse_numbering(&s);
        }

        #[test]
        fn amount_like_inputs_never_panic(s in "[▲△\\-]?[0-9.,]{0,8}億?[0-9.,]{0,8}万?[0-9.,]{0,6}円?") {
            let _ = Yen::parse(&s);
        }
    }
}
