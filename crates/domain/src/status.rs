//! 実施状況の集計 — the status summary (count per status, total, share
//! counted as achieved), as 安中's 図表-2 prints it.

use serde::Serialize;

use crate::plan::StatusLevel;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusRow {
    pub code: String,
    pub label: String,
    pub achieved: bool,
    pub count: u32,
}

/// The summary over one set of items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusSummary {
    pub rows: Vec<StatusRow>,
    /// Items with a status on the scale.
    pub total: u32,
    /// Items with no status reported (shown apart, never as a status).
    pub unreported: u32,
    /// Items whose status counts as achieved.
    pub achieved: u32,
}

impl StatusSummary {
    /// Counts `statuses` (one entry per item: its status code, or `None`
    /// when it has none) against the scale. A code not on the scale is an
    /// error: the caller parsed it at the edge, so it cannot happen here
    /// unless data was written behind the program's back.
    pub fn compute<'a>(
        scale: &[StatusLevel],
        statuses: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Result<Self, String> {
        let mut rows: Vec<StatusRow> = scale
            .iter()
            .map(|s| StatusRow {
                code: s.code.clone(),
                label: s.label.clone(),
                achieved: s.achieved,
                count: 0,
            })
            .collect();
        let mut unreported = 0;
        for status in statuses {
            match status {
                None => unreported += 1,
                Some(code) => match rows.iter_mut().find(|r| r.code == code) {
                    Some(row) => row.count += 1,
                    None => return Err(code.to_string()),
                },
            }
        }
        let total = rows.iter().map(|r| r.count).sum();
        let achieved = rows.iter().filter(|r| r.achieved).map(|r| r.count).sum();
        Ok(StatusSummary {
            rows,
            total,
            unreported,
            achieved,
        })
    }

    /// Share achieved in whole percent, rounded half up (24 of 36 → 67%).
    /// `None` when no item has a status.
    pub fn achieved_percent(&self) -> Option<u32> {
        (self.total > 0).then(|| (self.achieved * 200 + self.total) / (self.total * 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn annaka_scale() -> Vec<StatusLevel> {
        [
            ("全体の目標達成", true),
            ("年度目標達成", true),
            ("年度目標一部達成", true),
            ("目標に向け実施中", false),
            ("実施に向け検討中", false),
            ("計画中止", false),
        ]
        .into_iter()
        .map(|(l, a)| StatusLevel {
            code: l.into(),
            label: l.into(),
            label_en: None,
            achieved: a,
        })
        .collect()
    }

    #[test]
    fn annaka_fy2023_is_24_of_36_or_67_percent() {
        let scale = annaka_scale();
        let mut items: Vec<Option<&str>> = Vec::new();
        for (code, n) in [
            ("年度目標達成", 13),
            ("年度目標一部達成", 11),
            ("目標に向け実施中", 8),
            ("実施に向け検討中", 4),
        ] {
            items.extend(std::iter::repeat_n(Some(code), n));
        }
        let s = StatusSummary::compute(&scale, items).unwrap();
        assert_eq!(s.total, 36);
        assert_eq!(s.achieved, 24);
        assert_eq!(s.achieved_percent(), Some(67));
        assert_eq!(s.rows[1].count, 13);
    }

    #[test]
    fn unknown_status_is_refused_and_unreported_kept_apart() {
        let scale = annaka_scale();
        assert_eq!(
            StatusSummary::compute(&scale, [Some("A")]).unwrap_err(),
            "A"
        );
        let s = StatusSummary::compute(&scale, [None, Some("計画中止")]).unwrap();
        assert_eq!(
            (s.total, s.unreported, s.achieved_percent()),
            (1, 1, Some(0))
        );
        assert_eq!(
            StatusSummary::compute(&scale, [])
                .unwrap()
                .achieved_percent(),
            None
        );
    }

    proptest! {
        #[test]
        fn counts_add_up(picks in proptest::collection::vec(proptest::option::of(0usize..6), 0..200)) {
            let scale = annaka_scale();
            let s = StatusSummary::compute(&scale, picks.iter().map(|p| p.map(|i| scale[i].code.as_str()))).unwrap();
            prop_assert_eq!(s.total + s.unreported, picks.len() as u32);
            prop_assert!(s.achieved <= s.total);
            if let Some(p) = s.achieved_percent() { prop_assert!(p <= 100); }
        }
    }
}
