//! The revision history page (改訂履歴): each stored revision of the plan
//! up to the one the published year is reported against, what changed in
//! it field by field (targets before → after), and the items it retired.

use askama::Template;

use gyokaku_domain::diff::{field_label, retirement_text, Change};
use gyokaku_domain::present;

use super::{DynTemplate, Frame, Site};
use crate::PublishError;

pub struct RevisionBlock {
    pub number: u32,
    pub anchor: String,
    pub kind: String,
    pub title: String,
    pub date: String,
    pub applies_from: String,
    pub reason: String,
    pub decided_by: String,
    pub changes: Vec<ChangeLine>,
}

pub struct ChangeLine {
    pub kind: &'static str,
    pub subject: String,
    /// The node's or indicator's name where the publication knows it.
    pub name: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

pub struct RetiredLine {
    pub id: String,
    pub title: String,
    pub retirement: String,
}

#[derive(Template)]
#[template(path = "site/revisions.html")]
struct RevisionsPage {
    f: Frame,
    revisions: Vec<RevisionBlock>,
    retired: Vec<RetiredLine>,
}

impl Site<'_> {
    /// Whether the page is written: the publication has a stored history.
    pub(super) fn has_revisions(&self) -> bool {
        !self.p.history.is_empty()
    }

    fn change_line(&self, c: &Change) -> ChangeLine {
        let lang = self.tr.lang;
        let name = match &c.subject {
            gyokaku_domain::diff::Subject::Node(id) => {
                self.p.model.entry(id).map(|e| e.title.clone()).or_else(|| {
                    self.p
                        .model
                        .retired
                        .nodes
                        .iter()
                        .find(|r| &r.node.id == id)
                        .map(|r| r.node.title.clone())
                })
            }
            gyokaku_domain::diff::Subject::Indicator(id) => self
                .p
                .doc
                .indicators
                .iter()
                .chain(&self.p.model.retired.indicators)
                .find(|i| &i.id == id)
                .map(|i| i.name.clone()),
            _ => None,
        };
        ChangeLine {
            kind: c.kind.label(lang),
            subject: c.subject.label(lang),
            name: name.unwrap_or_default(),
            field: c
                .field
                .map(|f| field_label(f, lang).to_string())
                .unwrap_or_default(),
            before: c.before.clone().unwrap_or_default(),
            after: c.after.clone().unwrap_or_default(),
        }
    }

    pub(super) fn revisions_page(&self) -> Result<String, PublishError> {
        let lang = self.tr.lang;
        let revisions = self
            .p
            .history
            .iter()
            .rev()
            .map(|s| RevisionBlock {
                number: s.number,
                anchor: format!("rev-{}", s.number),
                kind: s.entry.kind.clone(),
                title: s.entry.title.clone().unwrap_or_default(),
                date: s
                    .entry
                    .date
                    .map(|d| present::date(lang, d))
                    .unwrap_or_default(),
                applies_from: s
                    .entry
                    .applies_from
                    .map(|y| present::fiscal_year(lang, y))
                    .unwrap_or_default(),
                reason: s.entry.reason.clone().unwrap_or_default(),
                decided_by: s.entry.decided_by.clone().unwrap_or_default(),
                changes: s.changes.iter().map(|c| self.change_line(c)).collect(),
            })
            .collect();
        let retired = self
            .p
            .model
            .retired
            .nodes
            .iter()
            .map(|r| RetiredLine {
                id: r.node.id.clone(),
                title: r.node.title.clone(),
                retirement: r
                    .node
                    .retired
                    .as_ref()
                    .map(|x| retirement_text(x, lang))
                    .unwrap_or_default(),
            })
            .collect();
        RevisionsPage {
            f: self.frame(self.tr.s("nav_revisions").to_string(), "", "revisions.html"),
            revisions,
            retired,
        }
        .render_page()
    }
}
