//! Every municipality of Japan with its 全国地方公共団体コード, shipped with
//! the product (data/localgov.csv, CC0, from Code for FUKUI's localgovjp):
//! what a new plan's city is picked from.

use std::sync::LazyLock;

use crate::lgcode::LocalGovCode;

/// A municipality (or a ward of a designated city) as the list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub code: LocalGovCode,
    pub prefecture: &'static str,
    /// 石岡市; a ward as 札幌市 中央区.
    pub name: &'static str,
    pub kana: &'static str,
}

const DATA: &str = include_str!("../data/localgov.csv");

static ALL: LazyLock<Vec<Municipality>> = LazyLock::new(|| {
    DATA.lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.split(',');
            let (code, prefecture, name, kana) = (f.next()?, f.next()?, f.next()?, f.next()?);
            Some(Municipality {
                code: LocalGovCode::parse(code).ok()?,
                prefecture,
                name,
                kana,
            })
        })
        .collect()
});

/// Every municipality, in the list's order (by prefecture, then code).
pub fn all() -> &'static [Municipality] {
    &ALL
}

/// The 47 prefectures in the list's order (北海道 first).
pub fn prefectures() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in all() {
        if out.last() != Some(&m.prefecture) {
            out.push(m.prefecture);
        }
    }
    out
}

/// The municipalities of one prefecture.
pub fn in_prefecture(prefecture: &str) -> impl Iterator<Item = &'static Municipality> + '_ {
    all().iter().filter(move |m| m.prefecture == prefecture)
}

/// A municipality by its code.
pub fn find(code: &LocalGovCode) -> Option<&'static Municipality> {
    all().iter().find(|m| &m.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_every_municipality_and_ward() {
        // 1,741 municipalities and 175 wards, every code valid.
        assert_eq!(all().len(), 1916);
        assert_eq!(all().iter().filter(|m| !m.name.contains(' ')).count(), 1741);
        let prefs = prefectures();
        assert_eq!(prefs.len(), 47);
        assert_eq!((prefs[0], prefs[46]), ("北海道", "沖縄県"));
        let ishioka = find(&LocalGovCode::parse("082058").unwrap()).unwrap();
        assert_eq!((ishioka.prefecture, ishioka.name), ("茨城県", "石岡市"));
        assert_eq!(
            in_prefecture("群馬県")
                .filter(|m| m.name == "安中市")
                .count(),
            1
        );
    }
}
