//! 実施状況の集計 — the status summary (count per status, total, share
//! counted as achieved), as 安中's 図表-2 prints it.

use serde::Serialize;

use crate::plan::StatusLevel;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusRow {
    pub code: String,
    pub label: String,
    pub label_en: Option<String>,
    pub achieved: bool,
    pub count: u32,
    /// `false` for a code the plan's scale does not have: a data error,
    /// shown on a row of its own and never counted as achieved.
    pub on_scale: bool,
}

/// The summary over one set of items, counting accepted reports only (the
/// caller passes `None` for an item without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct StatusSummary {
    /// One row per step of the scale, in its order, then one per code
    /// found that is not on it.
    pub rows: Vec<StatusRow>,
    /// Items with an accepted report (報告あり).
    pub reported: u32,
    /// Items without one (報告なし): nothing reported, or a draft, a
    /// submission or a returned report the office has not accepted.
    pub unreported: u32,
    /// Reported items whose report gives no status (every report of a
    /// plan without a scale).
    pub no_status: u32,
    /// Reported items whose status counts as achieved.
    pub achieved: u32,
    /// The plan has a status scale: without one there is no achieved share.
    pub scaled: bool,
}

impl StatusSummary {
    /// Counts one entry per item — `None`: no accepted report; `Some(None)`:
    /// accepted without a status; `Some(Some(code))` — against the scale.
    pub fn compute<'a>(
        scale: &[StatusLevel],
        items: impl IntoIterator<Item = Option<Option<&'a str>>>,
    ) -> Self {
        let mut s = StatusSummary {
            rows: scale
                .iter()
                .map(|l| StatusRow {
                    code: l.code.clone(),
                    label: l.label.clone(),
                    label_en: l.label_en.clone(),
                    achieved: l.achieved,
                    count: 0,
                    on_scale: true,
                })
                .collect(),
            scaled: !scale.is_empty(),
            ..StatusSummary::default()
        };
        for item in items {
            match item {
                None => s.unreported += 1,
                Some(None) => {
                    s.reported += 1;
                    s.no_status += 1;
                }
                Some(Some(code)) => {
                    s.reported += 1;
                    match s.rows.iter_mut().find(|r| r.code == code) {
                        Some(row) => row.count += 1,
                        None => s.rows.push(StatusRow {
                            code: code.to_string(),
                            label: code.to_string(),
                            label_en: None,
                            achieved: false,
                            count: 1,
                            on_scale: false,
                        }),
                    }
                }
            }
        }
        s.achieved = s.rows.iter().filter(|r| r.achieved).map(|r| r.count).sum();
        s
    }

    /// Items counted: reported and unreported.
    pub fn items(&self) -> u32 {
        self.reported + self.unreported
    }

    /// Reported items with a status (on the scale or not).
    pub fn rated(&self) -> u32 {
        self.rows.iter().map(|r| r.count).sum()
    }

    /// Items whose status is not on the scale.
    pub fn off_scale(&self) -> u32 {
        self.rows
            .iter()
            .filter(|r| !r.on_scale)
            .map(|r| r.count)
            .sum()
    }

    /// The count for a status code (0 when no item has it).
    pub fn count_of(&self, code: &str) -> u32 {
        self.rows
            .iter()
            .find(|r| r.code == code)
            .map_or(0, |r| r.count)
    }

    /// Share achieved among items with a status, in whole percent, rounded
    /// half up (24 of 36 → 67%). `None` without a scale or without any
    /// status: shown as '—', never as 0%.
    pub fn achieved_percent(&self) -> Option<u32> {
        let rated = self.rated();
        (self.scaled && rated > 0).then(|| (self.achieved * 200 + rated) / (rated * 2))
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
        let mut items: Vec<Option<Option<&str>>> = Vec::new();
        for (code, n) in [
            ("年度目標達成", 13),
            ("年度目標一部達成", 11),
            ("目標に向け実施中", 8),
            ("実施に向け検討中", 4),
        ] {
            items.extend(std::iter::repeat_n(Some(Some(code)), n));
        }
        let s = StatusSummary::compute(&scale, items);
        assert_eq!(s.reported, 36);
        assert_eq!(s.achieved, 24);
        assert_eq!(s.achieved_percent(), Some(67));
        assert_eq!(s.rows[1].count, 13);
    }

    #[test]
    fn a_code_off_the_scale_gets_its_own_row_and_never_counts_as_achieved() {
        let scale = annaka_scale();
        let s = StatusSummary::compute(
            &scale,
            [
                Some(Some("A")),
                Some(Some("年度目標達成")),
                None,
                Some(None),
            ],
        );
        assert_eq!((s.reported, s.unreported, s.no_status), (3, 1, 1));
        assert_eq!(s.rows.len(), 7);
        assert_eq!(s.rows[6].code, "A");
        assert!(!s.rows[6].on_scale && !s.rows[6].achieved);
        assert_eq!((s.achieved, s.off_scale(), s.rated()), (1, 1, 2));
        assert_eq!(s.achieved_percent(), Some(50));
    }

    #[test]
    fn no_scale_counts_reports_and_has_no_achieved_share() {
        // A plan with no status scale, 21 accepted reports without a status.
        let s = StatusSummary::compute(&[], std::iter::repeat_n(Some(None), 21));
        assert_eq!((s.reported, s.unreported, s.no_status), (21, 0, 21));
        assert_eq!(s.achieved_percent(), None);
        let none = StatusSummary::compute(&annaka_scale(), [None, None]);
        assert_eq!((none.reported, none.unreported), (0, 2));
        assert_eq!(none.achieved_percent(), None);
    }

    proptest! {
        #[test]
        fn counts_add_up(picks in proptest::collection::vec(proptest::option::of(0usize..6), 0..200)) {
            let scale = annaka_scale();
            let s = StatusSummary::compute(&scale, picks.iter().map(|p| Some(p.map(|i| scale[i].code.as_str()))));
            prop_assert_eq!(s.reported + s.unreported, picks.len() as u32);
            prop_assert!(s.achieved <= s.rated());
            if let Some(p) = s.achieved_percent() { prop_assert!(p <= 100); }
        }
    }
}
