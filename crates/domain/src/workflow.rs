//! The yearly cycle's rules (PDCA): who acts, where a report stands, and
//! the one transition function that says what an action does to a report
//! or why it is refused. The store asks it inside its transaction; the web
//! app asks it only to decide which buttons to show.

use std::collections::HashMap;

use serde::Serialize;

use crate::lgcode::LocalGovCode;
use crate::plan::Organisation;
use crate::text::Message;

/// What a user may do, as the reform office assigns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 行革担当課 (reform office): plans, users, the cycle, review, publishing.
    Office,
    /// 担当課 (department editor): its own items, while the year is open.
    Editor,
    /// 推進委員会 (council member): reads the cycle, writes opinions.
    Council,
    /// 庁内閲覧 (internal viewer): reads.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Office, Role::Editor, Role::Council, Role::Viewer];

    pub fn key(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Editor => "editor",
            Role::Council => "council",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_key(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == s)
    }
}

/// 報告の状態 — where one item's yearly report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// 作成中: saved, not yet submitted.
    Draft,
    /// 提出済: waiting for the office.
    Submitted,
    /// 差戻し: returned to the department with a comment.
    Returned,
    /// 確認済: accepted by the office (and every imported record).
    Accepted,
}

impl ReportState {
    pub const ALL: [ReportState; 4] = [
        ReportState::Draft,
        ReportState::Submitted,
        ReportState::Returned,
        ReportState::Accepted,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Returned => "returned",
            ReportState::Accepted => "accepted",
        }
    }

    pub fn from_key(s: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|k| k.key() == s)
    }

    /// A department may still change the report.
    pub fn editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }

    /// Counted in summaries and published: only what the office accepted.
    pub fn counts(self) -> bool {
        self == ReportState::Accepted
    }
}

/// A department of a city, by the key plans use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DeptRef {
    pub city: LocalGovCode,
    pub dept: String,
}

/// Who acts: a user with a role and the departments it acts for. Every
/// write names one; the store checks it inside the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub login: String,
    pub role: Role,
    pub departments: Vec<DeptRef>,
}

impl Actor {
    /// The reform office acting from the command line or an import.
    pub fn office(login: impl Into<String>) -> Actor {
        Actor {
            login: login.into(),
            role: Role::Office,
            departments: Vec::new(),
        }
    }

    /// Whether one of the actor's departments answers for something whose
    /// departments are `depts` in `city` (a 部 answers for its 課).
    pub fn answers_for(&self, city: &LocalGovCode, depts: &[String], cov: &Coverage) -> bool {
        answers_for(&self.departments, city, depts, cov)
    }
}

/// Whether one of `mine` answers for something whose departments are
/// `depts` in `city`: the same department or one above it (a 部 for its 課).
pub fn answers_for(
    mine: &[DeptRef],
    city: &LocalGovCode,
    depts: &[String],
    cov: &Coverage,
) -> bool {
    mine.iter()
        .any(|u| &u.city == city && cov.covers_any(&u.dept, depts))
}

/// The organisation as responsibility sees it: each department with its
/// ancestors, so that a 部 covers every 課 beneath it.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Department id → itself first, then its parent, up to the top.
    chains: HashMap<String, Vec<String>>,
    /// A department reorganised away → the one that took over its work
    /// (`successor`): its staff answer for what the successor answers for.
    successors: HashMap<String, String>,
}

impl Coverage {
    pub fn of(org: &Organisation) -> Coverage {
        let flat = org.flatten();
        Coverage::from_parents(
            flat.iter()
                .map(|(d, p)| (d.id.clone(), p.map(str::to_string))),
        )
        .with_successors(
            flat.iter()
                .filter_map(|(d, _)| Some((d.id.clone(), d.successor.clone()?))),
        )
    }

    /// Adds who took over the work of departments reorganised away.
    pub fn with_successors(
        mut self,
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Coverage {
        self.successors.extend(pairs);
        self
    }

    /// From each department with its parent's id.
    pub fn from_parents(pairs: impl IntoIterator<Item = (String, Option<String>)>) -> Coverage {
        let parent: HashMap<String, Option<String>> = pairs.into_iter().collect();
        let chains = parent
            .keys()
            .map(|d| {
                let mut chain = vec![d.clone()];
                let mut cur = parent.get(d).cloned().flatten();
                while let Some(p) = cur {
                    if chain.contains(&p) {
                        break;
                    }
                    cur = parent.get(&p).cloned().flatten();
                    chain.push(p);
                }
                (d.clone(), chain)
            })
            .collect();
        Coverage {
            chains,
            successors: HashMap::new(),
        }
    }

    /// Whether `holder` covers `dept`: the same department or an ancestor.
    pub fn covers(&self, holder: &str, dept: &str) -> bool {
        let direct = |h: &str| {
            h == dept
                || self
                    .chains
                    .get(dept)
                    .is_some_and(|c| c.iter().any(|x| x == h))
        };
        // The holder's department, then whoever took over its work (a
        // merger of 課), a few steps at most.
        let mut h = holder;
        for _ in 0..8 {
            if direct(h) {
                return true;
            }
            match self.successors.get(h) {
                Some(next) if next != h => h = next,
                _ => return false,
            }
        }
        false
    }

    /// Whether `holder` covers any of `depts`.
    pub fn covers_any(&self, holder: &str, depts: &[String]) -> bool {
        depts.iter().any(|d| self.covers(holder, d))
    }
}

/// What an actor does to an item's yearly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 保存: keep a draft.
    Save,
    /// 提出: hand the report to the office.
    Submit,
    /// 確認: the office accepts a submitted report.
    Accept,
    /// 差戻し: the office returns a submitted report with a comment.
    Return,
}

impl Action {
    pub fn key(self) -> &'static str {
        match self {
            Action::Save => "save_item",
            Action::Submit => "submit_item",
            Action::Accept => "accept_item",
            Action::Return => "return_item",
        }
    }
}

/// What the transition needs to know besides the report's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    /// The year is open for reporting (a closed year is frozen for all).
    pub open: bool,
    /// The actor's departments answer for the item.
    pub responsible: bool,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The year is not open for reporting.
    YearNotOpen,
    /// The actor's role may not do this at all.
    Role(Role),
    /// An editor acting on another department's item.
    NotResponsible,
    /// Submitted or accepted: only the office can return it.
    Locked(ReportState),
    /// Only a submitted report can be accepted or returned.
    NotSubmitted(Option<ReportState>),
}

impl Refusal {
    pub fn message(self) -> Message {
        match self {
            Refusal::YearNotOpen => Message::new(
                "この年度は報告を受け付けていません",
                "this year is not open for reporting",
            ),
            Refusal::Role(r) => Message::new(
                format!("この操作は権限（{}）ではできません", role_ja(r)),
                format!("a {} may not do this", r.key()),
            ),
            Refusal::NotResponsible => Message::new(
                "担当外の取組です（所属する課・部の取組だけを編集できます）",
                "this item belongs to another department (you may edit only your departments' items)",
            ),
            Refusal::Locked(_) => Message::new(
                "提出済みまたは確認済みの報告は変更できません（行革担当課に差戻しを依頼してください）",
                "a submitted or accepted report cannot be changed (ask the office to return it)",
            ),
            Refusal::NotSubmitted(_) => Message::new(
                "提出されていない報告は確認・差戻しできません",
                "only a submitted report can be accepted or returned",
            ),
        }
    }
}

fn role_ja(r: Role) -> &'static str {
    match r {
        Role::Office => "行革担当課",
        Role::Editor => "担当課",
        Role::Council => "推進委員",
        Role::Viewer => "閲覧者",
    }
}

/// The one rule of the cycle: what `action` by `actor` does to a report in
/// `state` (`None`: nothing reported yet), or why it may not.
pub fn transition(
    state: Option<ReportState>,
    action: Action,
    actor: &Actor,
    at: Situation,
) -> Result<ReportState, Refusal> {
    if !at.open {
        return Err(Refusal::YearNotOpen);
    }
    match action {
        Action::Save | Action::Submit => {
            match actor.role {
                Role::Office => {}
                Role::Editor if at.responsible => {}
                Role::Editor => return Err(Refusal::NotResponsible),
                r => return Err(Refusal::Role(r)),
            }
            if let Some(s) = state.filter(|s| !s.editable()) {
                return Err(Refusal::Locked(s));
            }
            Ok(if action == Action::Submit {
                ReportState::Submitted
            } else {
                ReportState::Draft
            })
        }
        Action::Accept | Action::Return => {
            if actor.role != Role::Office {
                return Err(Refusal::Role(actor.role));
            }
            if state != Some(ReportState::Submitted) {
                return Err(Refusal::NotSubmitted(state));
            }
            Ok(if action == Action::Accept {
                ReportState::Accepted
            } else {
                ReportState::Returned
            })
        }
    }
}

/// What an actor may do with one report, for showing buttons: each is the
/// transition function asked in advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rights {
    pub edit: bool,
    pub review: bool,
    pub opine: bool,
}

impl Rights {
    pub fn of(actor: &Actor, state: Option<ReportState>, at: Situation) -> Rights {
        Rights {
            edit: transition(state, Action::Save, actor, at).is_ok(),
            review: transition(state, Action::Accept, actor, at).is_ok(),
            opine: may_opine(actor, at.open).is_ok(),
        }
    }
}

/// Council opinions: by council members, while the year is open.
pub fn may_opine(actor: &Actor, open: bool) -> Result<(), Refusal> {
    if !open {
        return Err(Refusal::YearNotOpen);
    }
    match actor.role {
        Role::Council => Ok(()),
        r => Err(Refusal::Role(r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Department, DepartmentKind};

    fn dept(id: &str, children: Vec<Department>) -> Department {
        Department {
            id: id.into(),
            name: id.into(),
            abbreviation: None,
            kind: DepartmentKind::Division,
            valid_from: None,
            valid_to: None,
            successor: None,
            note: None,
            children,
        }
    }

    fn city(s: &str) -> LocalGovCode {
        LocalGovCode::parse(s).unwrap()
    }

    fn actor(role: Role, depts: &[&str]) -> Actor {
        Actor {
            login: "u".into(),
            role,
            departments: depts
                .iter()
                .map(|d| DeptRef {
                    city: city("082058"),
                    dept: d.to_string(),
                })
                .collect(),
        }
    }

    const OPEN_MINE: Situation = Situation {
        open: true,
        responsible: true,
    };

    #[test]
    fn a_bu_answers_for_its_ka_in_its_own_city_only() {
        let org = Organisation {
            as_of: None,
            note: None,
            departments: vec![
                dept("総務部", vec![dept("総務部/総務課", vec![])]),
                dept("財政課", vec![]),
            ],
        };
        let cov = Coverage::of(&org);
        let item = vec!["総務部/総務課".to_string()];
        let ishioka = city("082058");
        assert!(actor(Role::Editor, &["総務部"]).answers_for(&ishioka, &item, &cov));
        assert!(actor(Role::Editor, &["総務部/総務課"]).answers_for(&ishioka, &item, &cov));
        assert!(!actor(Role::Editor, &["財政課"]).answers_for(&ishioka, &item, &cov));
        assert!(!actor(Role::Editor, &["総務部"]).answers_for(&city("102113"), &item, &cov));
        assert!(cov.covers("総務部", "総務部/総務課"));
        assert!(!cov.covers("総務部/総務課", "総務部"));
        assert!(cov.covers("外部", "外部"));
    }

    #[test]
    fn editors_save_and_submit_their_own_open_items() {
        let e = actor(Role::Editor, &[]);
        assert_eq!(
            transition(None, Action::Save, &e, OPEN_MINE),
            Ok(ReportState::Draft)
        );
        assert_eq!(
            transition(Some(ReportState::Returned), Action::Submit, &e, OPEN_MINE),
            Ok(ReportState::Submitted)
        );
        assert_eq!(
            transition(Some(ReportState::Submitted), Action::Save, &e, OPEN_MINE),
            Err(Refusal::Locked(ReportState::Submitted))
        );
        let theirs = Situation {
            open: true,
            responsible: false,
        };
        assert_eq!(
            transition(None, Action::Save, &e, theirs),
            Err(Refusal::NotResponsible)
        );
        let closed = Situation {
            open: false,
            responsible: true,
        };
        let office = actor(Role::Office, &[]);
        assert_eq!(
            transition(None, Action::Save, &office, closed),
            Err(Refusal::YearNotOpen)
        );
    }

    #[test]
    fn only_the_office_reviews_and_only_submitted_reports() {
        let office = actor(Role::Office, &[]);
        assert_eq!(
            transition(
                Some(ReportState::Submitted),
                Action::Return,
                &office,
                OPEN_MINE
            ),
            Ok(ReportState::Returned)
        );
        assert_eq!(
            transition(Some(ReportState::Draft), Action::Accept, &office, OPEN_MINE),
            Err(Refusal::NotSubmitted(Some(ReportState::Draft)))
        );
        let e = actor(Role::Editor, &[]);
        assert_eq!(
            transition(Some(ReportState::Submitted), Action::Accept, &e, OPEN_MINE),
            Err(Refusal::Role(Role::Editor))
        );
        for r in [Role::Council, Role::Viewer] {
            assert_eq!(
                transition(None, Action::Save, &actor(r, &[]), OPEN_MINE),
                Err(Refusal::Role(r))
            );
        }
    }

    #[test]
    fn rights_are_the_transition_asked_in_advance() {
        let council = actor(Role::Council, &[]);
        assert_eq!(
            Rights::of(&council, None, OPEN_MINE),
            Rights {
                edit: false,
                review: false,
                opine: true
            }
        );
        assert_eq!(
            Rights::of(&actor(Role::Viewer, &[]), None, OPEN_MINE),
            Rights::default()
        );
        let office = actor(Role::Office, &[]);
        assert!(Rights::of(&office, Some(ReportState::Submitted), OPEN_MINE).review);
        assert!(!Rights::of(&office, Some(ReportState::Submitted), OPEN_MINE).edit);
    }

    #[test]
    fn staff_of_a_merged_division_answer_for_its_successor() {
        // 企画課 merged into 政策・デジタル推進課 (both under 企画政策部).
        let cov = Coverage::from_parents([
            ("企画政策部".to_string(), None),
            ("企画課".to_string(), Some("企画政策部".to_string())),
            (
                "政策・デジタル推進課".to_string(),
                Some("企画政策部".to_string()),
            ),
            ("財政課".to_string(), None),
        ])
        .with_successors([("企画課".to_string(), "政策・デジタル推進課".to_string())]);
        assert!(cov.covers("企画課", "政策・デジタル推進課"));
        assert!(cov.covers("企画課", "企画課"));
        assert!(
            !cov.covers("政策・デジタル推進課", "企画課"),
            "not the other way"
        );
        assert!(!cov.covers("企画課", "財政課"));
        assert!(
            !cov.covers("企画課", "企画政策部"),
            "a 課 never covers its 部"
        );
        // A loop of successors ends.
        let looped = Coverage::from_parents([("A".to_string(), None), ("B".to_string(), None)])
            .with_successors([
                ("A".to_string(), "B".to_string()),
                ("B".to_string(), "A".to_string()),
            ]);
        assert!(!looped.covers("A", "C"));
    }
}
