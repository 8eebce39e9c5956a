//! The office revises its plan in the web app: a draft revision edited one
//! node at a time (change, move, renumber, add, retire, restore), previewed
//! as a diff against the revision it started from, then adopted with a
//! kind, date, reason and first year, or discarded. The council reads the
//! draft. Every save is versioned: a stale one is refused with both
//! versions named and what was typed kept in the form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use gyokaku_domain::edit::{Edit, IndicatorFields, NodeFields};
use gyokaku_domain::indicator::{Baseline, IndicatorKind, Target, TargetKind};
use gyokaku_domain::revision::RevisionOptions;
use gyokaku_domain::Decimal;
use gyokaku_domain::{
    walk_nodes, AxisKind, AxisMark, Bilingual, FiscalYear, PlanDate, PlanDocument, RetireReason,
    Retirement, Role,
};
use gyokaku_store::{PlanRef, StoreError};

use crate::auth::Auth;
use crate::error::AppError;
use crate::form::{CsrfForm, FormData};
use crate::handlers::revisions::{change_rows, ChangeRow};
use crate::handlers::{html, see_other};
use crate::views::Chrome;
use crate::AppState;

pub struct NodeRow {
    pub id: String,
    /// The node's edit page.
    pub href: String,
    pub depth: usize,
    pub label: String,
    pub title: String,
    pub departments: String,
    pub retired: String,
}

pub struct IndicatorRow {
    pub id: String,
    pub href: String,
    pub name: String,
    pub node: String,
    pub target: String,
    pub retired: String,
}

#[derive(Template)]
#[template(path = "draft.html")]
struct DraftPage {
    chrome: Chrome,
    heading: String,
    base_path: String,
    office: bool,
    has_draft: bool,
    base: u32,
    version: String,
    updated: String,
    changes: Vec<ChangeRow>,
    nodes: Vec<NodeRow>,
    indicators: Vec<IndicatorRow>,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(String, String)>,
    parents: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    error: String,
}

#[derive(Template)]
#[template(path = "draft_indicator.html")]
struct IndicatorPage {
    chrome: Chrome,
    heading: String,
    action: String,
    back: String,
    version: String,
    retired: bool,
    name: String,
    kind: String,
    node: String,
    unit: String,
    definition: String,
    cumulative: bool,
    baseline_fy: String,
    baseline_value: String,
    baseline_pending: String,
    target_kind: String,
    target_fy: String,
    target_value: String,
    target_text: String,
    note: String,
    kinds: Vec<(&'static str, &'static str)>,
    target_kinds: Vec<(&'static str, &'static str)>,
    nodes: Vec<(String, String)>,
    error: String,
}

#[derive(Template)]
#[template(path = "draft_node.html")]
struct NodePage {
    chrome: Chrome,
    heading: String,
    action: String,
    back: String,
    version: String,
    retired: bool,
    retirement: String,
    title: String,
    title_en: String,
    number: String,
    parent: String,
    body: String,
    note: String,
    checked: Vec<String>,
    parents: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    into: Vec<(String, String)>,
    /// Goals 1–17 with whether the node names them.
    sdgs: Vec<(u8, bool)>,
    /// The yearly plan, one year a line (令和8年度: 検討).
    schedule: String,
    /// The plan's text sections: (key, label, text).
    sections: Vec<(String, String, String)>,
    axes: Vec<AxisChoice>,
    error: String,
}

/// An axis on the node form: its values with whether the node has them
/// (a flag axis: one value, the flag).
pub struct AxisChoice {
    pub key: String,
    pub name: String,
    pub flag: bool,
    pub single: bool,
    pub values: Vec<(String, String, bool)>,
}

pub(crate) fn plan_ref(city: &str, plan: &str) -> Result<PlanRef, AppError> {
    Ok(PlanRef {
        city: gyokaku_domain::LocalGovCode::parse(city).map_err(|_| AppError::NotFound)?,
        plan: plan.to_string(),
    })
}

pub(crate) fn office_or_council(auth: &Auth) -> Result<bool, AppError> {
    match auth.user().role {
        Role::Office => Ok(true),
        Role::Council => Ok(false),
        _ => Err(AppError::Forbidden),
    }
}

pub(crate) fn office(auth: &Auth) -> Result<(), AppError> {
    match auth.user().role {
        Role::Office => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The draft, or the plan as it stands where no draft is begun, with the
/// draft's version (`None`: none yet) and the revision it starts from.
pub(crate) async fn working(
    state: &AppState,
    r: &PlanRef,
) -> Result<(PlanDocument, Option<i64>, u32, String), AppError> {
    let w = state.store.working(r).await.map_err(not_found)?;
    let (version, updated) = match w.draft {
        Some(d) => (
            Some(d.version),
            format!("{} {}", d.updated_at, d.updated_by),
        ),
        None => (None, String::new()),
    };
    Ok((w.doc, version, w.base, updated))
}

/// A plan that is not there is a 404.
pub(crate) fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound,
        e => e.into(),
    }
}

/// Nodes a node may sit under: those still reported on, as `id title`.
fn parent_choices(doc: &PlanDocument) -> Vec<(String, String)> {
    walk_nodes(&doc.nodes)
        .into_iter()
        .filter(|(n, _, _)| n.retired.is_none())
        .map(|(n, depth, _)| {
            (
                n.id.clone(),
                format!("{}{} {}", "　".repeat(depth), n.id, n.title),
            )
        })
        .collect()
}

fn department_choices(doc: &PlanDocument) -> Vec<(String, String)> {
    doc.organisation
        .flatten()
        .into_iter()
        .map(|(d, _)| (d.id.clone(), d.name.clone()))
        .collect()
}

/// A number typed as 3 or ３; empty is none.
fn parse_number(s: &str) -> Result<Option<u32>, AppError> {
    let ascii: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    if ascii.is_empty() {
        return Ok(None);
    }
    ascii.parse::<u32>().map(Some).map_err(|_| {
        AppError::BadRequest(
            format!("番号「{s}」を数として読めません"),
            format!("cannot read the number '{s}'"),
        )
    })
}

fn text(form: &FormData, name: &str) -> Option<String> {
    form.get(name).map(str::to_string)
}

/// The yearly plan typed one year a line: `令和8年度: 検討` (or R8, 2026;
/// a full-width colon too).
fn parse_schedule(text: &str) -> Result<std::collections::BTreeMap<FiscalYear, String>, AppError> {
    let mut out = std::collections::BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || {
            AppError::BadRequest(
                format!(
                    "年次計画の{}行目「{line}」: 「令和8年度: 内容」の形で書いてください",
                    i + 1
                ),
                format!(
                    "yearly plan, line {} '{line}': write it as '2026: what is planned'",
                    i + 1
                ),
            )
        };
        let (year, what) = line.split_once([':', '：']).ok_or_else(bad)?;
        let fy = FiscalYear::parse(year.trim()).map_err(|_| bad())?;
        if out.insert(fy, what.trim().to_string()).is_some() {
            return Err(AppError::BadRequest(
                format!("年次計画の{}行目: {}が重複しています", i + 1, fy.wareki()),
                format!(
                    "yearly plan, line {}: {} is given twice",
                    i + 1,
                    fy.english()
                ),
            ));
        }
    }
    Ok(out)
}

/// The sections and axis marks a node form shows (with a marker); a form
/// without them (adding a node) leaves them as they are.
fn sections_and_axes(form: &FormData) -> Sections {
    let sections = form.get("sections_shown").map(|_| {
        form.0
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("section:")
                    .map(|k| (k.to_string(), v.clone()))
            })
            .collect()
    });
    let axes = form.get("axes_shown").map(|_| {
        let mut marks: std::collections::BTreeMap<String, AxisMark> = Default::default();
        for (k, v) in &form.0 {
            if let Some(key) = k.strip_prefix("axis:") {
                if v.trim().is_empty() {
                    continue;
                }
                match marks
                    .entry(key.to_string())
                    .or_insert(AxisMark::Codes(Vec::new()))
                {
                    AxisMark::Codes(list) => list.push(v.clone()),
                    AxisMark::Flag(_) => {}
                }
            } else if let Some(key) = k.strip_prefix("flag:") {
                marks.insert(key.to_string(), AxisMark::Flag(true));
            }
        }
        marks
    });
    (sections, axes)
}

type Sections = (
    Option<std::collections::BTreeMap<String, String>>,
    Option<std::collections::BTreeMap<String, AxisMark>>,
);

/// A node's fields as submitted.
fn fields_of(form: &FormData) -> Result<NodeFields, AppError> {
    let (sections, axes) = sections_and_axes(form);
    Ok(NodeFields {
        sections,
        axes,
        sdgs: form
            .all("sdgs")
            .filter_map(|g| g.trim().parse().ok())
            .collect(),
        schedule: parse_schedule(form.raw("schedule"))?,
        title: form.raw("title").trim().to_string(),
        title_en: text(form, "title_en"),
        body: text(form, "body"),
        number: parse_number(form.raw("number"))?,
        parent: text(form, "parent"),
        departments: form
            .all("departments")
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect(),
        note: text(form, "note"),
    })
}

pub(crate) fn version_of(form: &FormData) -> Option<i64> {
    form.get("version").and_then(|v| v.parse().ok())
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    let office = office_or_council(&auth)?;
    let r = plan_ref(&city, &plan)?;
    draft_page(
        &state,
        &auth,
        &r,
        office,
        q.done.as_deref(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

async fn draft_page(
    state: &AppState,
    auth: &Auth,
    r: &PlanRef,
    office: bool,
    done: Option<&str>,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let lang = tr.lang;
    let (doc, version, base, updated) = working(state, r).await?;
    let changes = if version.is_some() {
        let before = state.store.revision_structure(r, base).await?;
        change_rows(&before, &doc, lang)
    } else {
        Vec::new()
    };
    let base_path = format!("/p/{}/{}", r.city, r.plan);
    let names: std::collections::HashMap<String, String> =
        department_choices(&doc).into_iter().collect();
    let nodes = walk_nodes(&doc.nodes)
        .into_iter()
        .map(|(n, depth, parent)| {
            let level = doc.header.levels.iter().find(|l| l.key == n.level);
            NodeRow {
                id: n.id.clone(),
                href: format!(
                    "{base_path}/draft/nodes/{}",
                    crate::error::url_encode(&n.id)
                ),
                depth,
                label: level
                    .map(|l| l.label(n.number, parent.and_then(|p| p.number)))
                    .unwrap_or_default(),
                title: n.title.clone(),
                departments: n
                    .departments
                    .iter()
                    .map(|d| names.get(d).cloned().unwrap_or_else(|| d.clone()))
                    .collect::<Vec<_>>()
                    .join(tr.s("comma")),
                retired: n
                    .retired
                    .as_ref()
                    .map(|x| gyokaku_domain::diff::retirement_text(x, lang))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let title = doc.header.plan.title.clone();
    let page = DraftPage {
        chrome: Chrome::new(auth, tr.s("draft.title"), format!("{base_path}/draft"))
            .crumb(tr.s("home.title"), "/")
            .crumb(title.clone(), base_path.clone())
            .with_notice(done),
        heading: format!("{} — {title}", tr.s("draft.title")),
        base_path: base_path.clone(),
        office,
        has_draft: version.is_some(),
        base,
        version: version.map(|v| v.to_string()).unwrap_or_default(),
        updated,
        changes,
        nodes,
        indicators: doc
            .indicators
            .iter()
            .map(|i| IndicatorRow {
                id: i.id.clone(),
                href: format!(
                    "{base_path}/draft/indicators/{}",
                    crate::error::url_encode(&i.id)
                ),
                name: i.name.clone(),
                node: i.node.clone().unwrap_or_default(),
                target: gyokaku_domain::present::target(i),
                retired: i
                    .retired
                    .as_ref()
                    .map(|x| gyokaku_domain::diff::retirement_text(x, lang))
                    .unwrap_or_default(),
            })
            .collect(),
        kinds: KINDS.to_vec(),
        levels: doc
            .header
            .levels
            .iter()
            .map(|l| {
                (
                    l.key.clone(),
                    l.name.clone().unwrap_or_else(|| l.key.clone()),
                )
            })
            .collect(),
        parents: parent_choices(&doc),
        departments: department_choices(&doc),
        error,
    };
    let mut resp = html(&page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// The message and status of a refused save, shown on the page again.
pub(crate) fn refusal(tr: crate::i18n::Tr, e: AppError) -> Result<(String, StatusCode), AppError> {
    let in_lang = |ja: String, en: String| {
        if tr.lang == gyokaku_domain::present::Lang::Ja {
            ja
        } else {
            en
        }
    };
    match e {
        AppError::Store(StoreError::Invalid(m)) => {
            Ok((in_lang(m.ja, m.en), StatusCode::BAD_REQUEST))
        }
        AppError::Store(
            e @ (StoreError::Conflict { .. } | StoreError::RevisionConflict { .. }),
        ) => Ok((in_lang(e.ja(), e.en()), StatusCode::CONFLICT)),
        AppError::BadRequest(ja, en) => Ok((in_lang(ja, en), StatusCode::BAD_REQUEST)),
        e => Err(e),
    }
}

pub async fn node_form(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let (doc, version, _, _) = working(&state, &r).await?;
    let (n, _, parent) = walk_nodes(&doc.nodes)
        .into_iter()
        .find(|(n, _, _)| n.id == id)
        .ok_or(AppError::NotFound)?;
    let fields = NodeFields::of(n, parent.map(|p| p.id.as_str()));
    node_page(
        &auth,
        &r,
        &doc,
        &id,
        version,
        &fields,
        None,
        String::new(),
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn node_page(
    auth: &Auth,
    r: &PlanRef,
    doc: &PlanDocument,
    id: &str,
    version: Option<i64>,
    f: &NodeFields,
    typed_schedule: Option<&str>,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let base_path = format!("/p/{}/{}", r.city, r.plan);
    let n = walk_nodes(&doc.nodes)
        .into_iter()
        .find(|(n, _, _)| n.id == id)
        .map(|(n, _, _)| n)
        .ok_or(AppError::NotFound)?;
    let page = NodePage {
        chrome: Chrome::new(
            auth,
            tr.s("draft.edit_node"),
            format!("{base_path}/draft/nodes/{id}"),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(doc.header.plan.title.clone(), base_path.clone())
        .crumb(tr.s("draft.title"), format!("{base_path}/draft")),
        heading: format!("{} — {} {}", tr.s("draft.edit_node"), id, n.title),
        action: format!("{base_path}/draft/nodes/{}", crate::error::url_encode(id)),
        back: format!("{base_path}/draft"),
        version: version.map(|v| v.to_string()).unwrap_or_default(),
        retired: n.retired.is_some(),
        retirement: n
            .retired
            .as_ref()
            .map(|x| gyokaku_domain::diff::retirement_text(x, tr.lang))
            .unwrap_or_default(),
        title: f.title.clone(),
        title_en: f.title_en.clone().unwrap_or_default(),
        number: f.number.map(|n| n.to_string()).unwrap_or_default(),
        parent: f.parent.clone().unwrap_or_default(),
        body: f.body.clone().unwrap_or_default(),
        note: f.note.clone().unwrap_or_default(),
        checked: f.departments.clone(),
        parents: parent_choices(doc)
            .into_iter()
            .filter(|(p, _)| p != id)
            .collect(),
        departments: department_choices(doc),
        into: parent_choices(doc)
            .into_iter()
            .filter(|(p, _)| p != id)
            .collect(),
        sdgs: (1..=17u8).map(|g| (g, f.sdgs.contains(&g))).collect(),
        sections: doc
            .header
            .sections
            .iter()
            .map(|s| {
                let text = f
                    .sections
                    .as_ref()
                    .and_then(|m| m.get(&s.key).cloned())
                    .unwrap_or_default();
                (s.key.clone(), s.label.clone(), text)
            })
            .collect(),
        axes: doc
            .header
            .axes
            .iter()
            .map(|a| {
                let mark = f.axes.as_ref().and_then(|m| m.get(&a.key));
                let flag = a.kind == AxisKind::Flag;
                let values = if flag {
                    vec![(
                        "1".to_string(),
                        a.name.clone(),
                        matches!(mark, Some(AxisMark::Flag(true))),
                    )]
                } else {
                    a.values
                        .iter()
                        .map(|v| {
                            let on =
                                matches!(mark, Some(AxisMark::Codes(c)) if c.contains(&v.code));
                            (v.code.clone(), v.label.clone(), on)
                        })
                        .collect()
                };
                AxisChoice {
                    key: a.key.clone(),
                    name: a.name.clone(),
                    flag,
                    single: a.kind == AxisKind::Single,
                    values,
                }
            })
            .collect(),
        schedule: typed_schedule.map(str::to_string).unwrap_or_else(|| {
            f.schedule
                .iter()
                .map(|(y, t)| format!("{}: {t}", y.wareki()))
                .collect::<Vec<_>>()
                .join("\n")
        }),
        error,
    };
    let mut resp = html(&page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// Saves a node's form (`action` save, retire or restore) into the draft.
pub async fn node_save(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let actor = auth.user().actor();
    let expected = version_of(&form);
    let typed = fields_of(&form);
    let edit = match form.get("action") {
        Some("retire") => Ok(Edit::Retire {
            id: id.clone(),
            retirement: Retirement {
                last_year: None,
                reason: match form.get("reason") {
                    Some("completed") => Some(RetireReason::Completed),
                    Some("merged") => Some(RetireReason::Merged),
                    Some("abolished") => Some(RetireReason::Abolished),
                    _ => None,
                },
                into: text(&form, "into"),
                note: text(&form, "retire_note"),
            },
        }),
        Some("restore") => Ok(Edit::Restore { id: id.clone() }),
        _ => fields_of(&form).map(|fields| Edit::Change {
            id: id.clone(),
            fields,
        }),
    };
    let saved = match edit {
        Ok(edit) => state
            .store
            .edit_draft(&r, &edit, expected, &actor)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(see_other(
            &format!("/p/{}/{}/draft", r.city, r.plan),
            "draft_saved",
        )),
        Err(e) => {
            let (message, status) = refusal(auth.tr, e)?;
            // The form again, as typed (the number as typed is lost only
            // when it could not be read).
            let (doc, version, _, _) = working(&state, &r).await?;
            let fields = typed.unwrap_or_else(|_| NodeFields {
                title: form.raw("title").to_string(),
                title_en: text(&form, "title_en"),
                body: text(&form, "body"),
                parent: text(&form, "parent"),
                departments: form.all("departments").map(str::to_string).collect(),
                note: text(&form, "note"),
                sdgs: form.all("sdgs").filter_map(|g| g.parse().ok()).collect(),
                sections: sections_and_axes(&form).0,
                axes: sections_and_axes(&form).1,
                ..Default::default()
            });
            node_page(
                &auth,
                &r,
                &doc,
                &id,
                version,
                &fields,
                Some(form.raw("schedule")),
                message,
                status,
            )
        }
    }
}

/// Saves one edit into the draft and goes back to the draft page; a
/// refused edit shows the draft page again with why.
async fn edit_then_draft(
    state: &AppState,
    auth: &Auth,
    r: &PlanRef,
    edit: Result<Edit, AppError>,
    version: Option<i64>,
) -> Result<Response, AppError> {
    let saved = match edit {
        Ok(edit) => state
            .store
            .edit_draft(r, &edit, version, &auth.user().actor())
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(see_other(
            &format!("/p/{}/{}/draft", r.city, r.plan),
            "draft_saved",
        )),
        Err(e) => {
            let (message, status) = refusal(auth.tr, e)?;
            draft_page(state, auth, r, true, None, message, status).await
        }
    }
}

/// Adds a node to the draft.
pub async fn add(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let edit = fields_of(&form).map(|fields| Edit::Add {
        id: form.raw("id").trim().to_string(),
        level: form.raw("level").to_string(),
        fields,
    });
    edit_then_draft(&state, &auth, &r, edit, version_of(&form)).await
}

/// Adopts the draft as the plan's next revision.
pub async fn adopt(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let actor = auth.user().actor();
    let parsed = (|| -> Result<RevisionOptions, AppError> {
        let first_year = FiscalYear::parse(form.raw("first_year").trim()).map_err(|e| {
            AppError::BadRequest(
                format!("最初の年度: {}", e.ja()),
                format!("first year: {}", e.en()),
            )
        })?;
        let date = match form.get("date") {
            None => None,
            Some(d) => Some(PlanDate::parse(d).map_err(|e| {
                AppError::BadRequest(format!("決定日: {}", e.ja()), format!("date: {}", e.en()))
            })?),
        };
        Ok(RevisionOptions {
            kind: Some(form.get("kind").unwrap_or("見直し").to_string()),
            date,
            first_year: Some(first_year),
            reason: text(&form, "reason"),
            decided_by: text(&form, "decided_by"),
        })
    })();
    let expected = version_of(&form).unwrap_or(0);
    let done = match parsed {
        Ok(options) => state
            .store
            .adopt_draft(&r, &options, expected, &actor)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(
            &format!("/p/{}/{}/revisions", r.city, r.plan),
            "draft_adopted",
        )),
        Err(e) => {
            let (message, status) = refusal(auth.tr, e)?;
            draft_page(&state, &auth, &r, true, None, message, status).await
        }
    }
}

const KINDS: [(&str, &str); 3] = [
    ("outcome", "成果指標"),
    ("policy", "政策指標"),
    ("reference", "参考指標"),
];

const TARGET_KINDS: [(&str, &str); 8] = [
    ("", "（なし）"),
    ("value", "目標値"),
    ("at_most", "以下"),
    ("at_least", "以上"),
    ("increase", "基準値より増"),
    ("decrease", "基準値より減"),
    ("keep", "維持"),
    ("pending", "未定"),
];

fn target_kind(key: &str) -> Option<TargetKind> {
    serde_json::from_value(serde_json::Value::String(key.to_string())).ok()
}

fn decimal(form: &FormData, name: &str, ja: &str, en: &str) -> Result<Option<Decimal>, AppError> {
    form.get(name)
        .map(|v| {
            Decimal::parse(v).map_err(|_| {
                AppError::BadRequest(
                    format!("{ja}「{v}」を数値として読めません"),
                    format!("cannot read {en} '{v}' as a number"),
                )
            })
        })
        .transpose()
}

fn fiscal_year(
    form: &FormData,
    name: &str,
    ja: &str,
    en: &str,
) -> Result<Option<FiscalYear>, AppError> {
    form.get(name)
        .map(|v| {
            FiscalYear::parse(v).map_err(|e| {
                AppError::BadRequest(format!("{ja}: {}", e.ja()), format!("{en}: {}", e.en()))
            })
        })
        .transpose()
}

/// An indicator's fields as submitted.
fn indicator_fields(form: &FormData) -> Result<IndicatorFields, AppError> {
    let baseline_fy = fiscal_year(form, "baseline_fy", "基準年度", "baseline year")?;
    let baseline_value = decimal(form, "baseline_value", "基準値", "the baseline")?;
    let baseline_pending = text(form, "baseline_pending");
    let baseline =
        (baseline_fy.is_some() || baseline_value.is_some() || baseline_pending.is_some())
            .then_some(Baseline {
                fy: baseline_fy,
                value: baseline_value,
                pending: baseline_pending,
            });
    let target = match form.get("target_kind") {
        None => None,
        Some(k) => Some(Target {
            kind: target_kind(k).ok_or_else(|| {
                AppError::BadRequest(
                    format!("目標の種類「{k}」がありません"),
                    format!("no target kind '{k}'"),
                )
            })?,
            fy: fiscal_year(form, "target_fy", "目標年度", "target year")?,
            value: decimal(form, "target_value", "目標値", "the target")?,
            text: text(form, "target_text"),
        }),
    };
    Ok(IndicatorFields {
        node: text(form, "node"),
        kind: form
            .get("kind")
            .and_then(IndicatorKind::from_key)
            .unwrap_or(IndicatorKind::Outcome),
        name: form.raw("name").trim().to_string(),
        unit: text(form, "unit"),
        definition: text(form, "definition"),
        source: None,
        cumulative: form.get("cumulative").is_some(),
        challenge: false,
        baseline,
        target,
        note: text(form, "note"),
    })
}

#[allow(clippy::too_many_arguments)]
fn indicator_page(
    auth: &Auth,
    r: &PlanRef,
    doc: &PlanDocument,
    id: &str,
    version: Option<i64>,
    typed: Option<&FormData>,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let i = doc
        .indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    let base_path = format!("/p/{}/{}", r.city, r.plan);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let get = |name: &str, stored: String| typed.map(|f| f.raw(name).to_string()).unwrap_or(stored);
    let b = i.baseline.clone();
    let t = i.target.clone();
    let page = IndicatorPage {
        chrome: Chrome::new(
            auth,
            tr.s("draft.edit_indicator"),
            format!("{base_path}/draft/indicators/{id}"),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(doc.header.plan.title.clone(), base_path.clone())
        .crumb(tr.s("draft.title"), format!("{base_path}/draft")),
        heading: format!("{} — {} {}", tr.s("draft.edit_indicator"), id, i.name),
        action: format!(
            "{base_path}/draft/indicators/{}",
            crate::error::url_encode(id)
        ),
        back: format!("{base_path}/draft"),
        version: version.map(|v| v.to_string()).unwrap_or_default(),
        retired: i.retired.is_some(),
        name: get("name", i.name.clone()),
        kind: get("kind", i.kind.key().to_string()),
        node: get("node", opt(&i.node)),
        unit: get("unit", opt(&i.unit)),
        definition: get("definition", opt(&i.definition)),
        cumulative: typed.map_or(i.cumulative, |f| f.get("cumulative").is_some()),
        baseline_fy: get(
            "baseline_fy",
            b.as_ref()
                .and_then(|b| b.fy)
                .map(|y| y.year().to_string())
                .unwrap_or_default(),
        ),
        baseline_value: get(
            "baseline_value",
            b.as_ref()
                .and_then(|b| b.value)
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        baseline_pending: get(
            "baseline_pending",
            b.as_ref()
                .and_then(|b| b.pending.clone())
                .unwrap_or_default(),
        ),
        target_kind: get(
            "target_kind",
            t.as_ref()
                .and_then(|t| serde_json::to_value(t.kind).ok())
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        ),
        target_fy: get(
            "target_fy",
            t.as_ref()
                .and_then(|t| t.fy)
                .map(|y| y.year().to_string())
                .unwrap_or_default(),
        ),
        target_value: get(
            "target_value",
            t.as_ref()
                .and_then(|t| t.value)
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        target_text: get(
            "target_text",
            t.as_ref().and_then(|t| t.text.clone()).unwrap_or_default(),
        ),
        note: get("note", opt(&i.note)),
        kinds: KINDS.to_vec(),
        target_kinds: TARGET_KINDS.to_vec(),
        nodes: parent_choices(doc),
        error,
    };
    let mut resp = html(&page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn indicator_form(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let (doc, version, _, _) = working(&state, &r).await?;
    indicator_page(
        &auth,
        &r,
        &doc,
        &id,
        version,
        None,
        String::new(),
        StatusCode::OK,
    )
}

/// Saves an indicator's form (`action` save or retire) into the draft.
pub async fn indicator_save(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let edit = match form.get("action") {
        Some("retire") => Ok(Edit::RetireIndicator {
            id: id.clone(),
            retirement: Retirement {
                last_year: None,
                reason: Some(RetireReason::Abolished),
                into: None,
                note: text(&form, "retire_note"),
            },
        }),
        _ => indicator_fields(&form).map(|fields| Edit::ChangeIndicator {
            id: id.clone(),
            fields,
        }),
    };
    let saved = match edit {
        Ok(edit) => state
            .store
            .edit_draft(&r, &edit, version_of(&form), &auth.user().actor())
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(see_other(
            &format!("/p/{}/{}/draft", r.city, r.plan),
            "draft_saved",
        )),
        Err(e) => {
            let (message, status) = refusal(auth.tr, e)?;
            let (doc, version, _, _) = working(&state, &r).await?;
            indicator_page(&auth, &r, &doc, &id, version, Some(&form), message, status)
        }
    }
}

/// Adds an indicator to the draft.
pub async fn add_indicator(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let edit = indicator_fields(&form).map(|fields| Edit::AddIndicator {
        id: form.raw("id").trim().to_string(),
        fields,
    });
    edit_then_draft(&state, &auth, &r, edit, version_of(&form)).await
}

/// Throws the draft away.
pub async fn discard(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let actor = auth.user().actor();
    match state
        .store
        .discard_draft(&r, version_of(&form).unwrap_or(0), &actor)
        .await
    {
        Ok(()) => Ok(see_other(
            &format!("/p/{}/{}/draft", r.city, r.plan),
            "draft_discarded",
        )),
        Err(e) => {
            let (message, status) = refusal(auth.tr, e.into())?;
            draft_page(&state, &auth, &r, true, None, message, status).await
        }
    }
    .map(IntoResponse::into_response)
}
