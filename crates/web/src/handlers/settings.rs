//! The plan's settings in the draft revision: the organisation (a
//! department added, renamed, moved, ended with its successor, its items
//! following), the axes and their values, and as editable tables the
//! glossary, the status scale, the levels' names and numbering, the
//! promotion bodies and their meetings. Every save goes into the draft
//! (versioned, checked, audited) like a node's; a refused one shows the
//! page again with what was typed. The council reads; the office edits.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use gyokaku_domain::edit::Edit;
use gyokaku_domain::numbers::Numbering;
use gyokaku_domain::settings::{DepartmentFields, LevelFields, Setting, TermFields};
use gyokaku_domain::{
    Axis, AxisKind, AxisValue, Body, BodyKind, DepartmentKind, Meeting, Member, PlanDate,
    PlanDocument, StatusLevel,
};
use gyokaku_store::PlanRef;

use crate::auth::Auth;
use crate::error::{url_encode, AppError};
use crate::form::{CsrfForm, FormData};
use crate::handlers::drafts::{
    office, office_or_council, plan_ref, refusal, version_of, working, Done,
};
use crate::handlers::{html, see_other};
use crate::i18n::Tr;
use crate::views::Chrome;
use crate::AppState;

/// One input of an editable table.
pub struct Cell {
    pub name: &'static str,
    pub value: String,
    /// The accessible name: the column and the row number.
    pub label: String,
    pub max: usize,
    pub area: bool,
    /// A select's options (value, label); empty for a text input.
    pub options: Vec<(String, String)>,
    /// Hidden inputs carried in the cell (the row's key).
    pub hidden: Vec<(&'static str, String)>,
}

pub struct TableForm {
    pub part: &'static str,
    pub heading: String,
    pub hint: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

pub struct DeptRow {
    pub href: String,
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent: String,
    pub abbreviation: String,
    pub ended: String,
    pub successor: String,
}

pub struct AxisRow {
    pub href: String,
    pub key: String,
    pub name: String,
    pub kind: String,
    pub values: String,
}

#[derive(Template)]
#[template(path = "draft_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    heading: String,
    base_path: String,
    office: bool,
    version: String,
    error: String,
    departments: Vec<DeptRow>,
    axes: Vec<AxisRow>,
    tables: Vec<TableForm>,
}

#[derive(Template)]
#[template(path = "draft_department.html")]
struct DepartmentPage {
    chrome: Chrome,
    heading: String,
    action: String,
    back: String,
    version: String,
    error: String,
    new: bool,
    id: String,
    name: String,
    abbreviation: String,
    kind: String,
    parent: String,
    valid_to: String,
    successor: String,
    move_items: bool,
    note: String,
    kinds: Vec<(&'static str, String)>,
    departments: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "draft_axis.html")]
struct AxisPage {
    chrome: Chrome,
    heading: String,
    action: String,
    back: String,
    version: String,
    error: String,
    new: bool,
    key: String,
    name: String,
    name_en: String,
    kind: String,
    kinds: Vec<(&'static str, String)>,
    values: TableForm,
}

const NUMBERINGS: [(Numbering, &str, &str); 7] = [
    (Numbering::Arabic, "arabic", "1"),
    (Numbering::Paren, "paren", "(1)"),
    (Numbering::FullwidthParen, "fullwidth_paren", "（１）"),
    (Numbering::Circled, "circled", "①"),
    (Numbering::DashCircled, "dash_circled", "1-①"),
    (Numbering::No, "no_dot", "No.1"),
    (Numbering::None, "none", "—"),
];
const BODY_KINDS: [(BodyKind, &str, &str); 4] = [
    (BodyKind::Council, "council", "settings.body_council"),
    (BodyKind::Internal, "internal", "settings.body_internal"),
    (BodyKind::Office, "office", "settings.body_office"),
    (BodyKind::Other, "other", "settings.body_other"),
];
const DEPT_KINDS: [(DepartmentKind, &str, &str); 3] = [
    (
        DepartmentKind::Department,
        "department",
        "settings.kind_department",
    ),
    (
        DepartmentKind::Division,
        "division",
        "settings.kind_division",
    ),
    (DepartmentKind::Pseudo, "pseudo", "settings.kind_pseudo"),
];
const AXIS_KINDS: [(AxisKind, &str, &str); 3] = [
    (AxisKind::Multi, "multi", "settings.axis_multi"),
    (AxisKind::Single, "single", "settings.axis_single"),
    (AxisKind::Flag, "flag", "settings.axis_flag"),
];

/// A column of an editable table: its form name, header and input.
struct Column {
    name: &'static str,
    header: String,
    max: usize,
    area: bool,
    options: Vec<(String, String)>,
}

fn text(name: &'static str, header: &str, max: usize) -> Column {
    Column {
        name,
        header: header.to_string(),
        max,
        area: false,
        options: Vec::new(),
    }
}

fn area(name: &'static str, header: &str) -> Column {
    Column {
        area: true,
        ..text(name, header, 20_000)
    }
}

fn select(name: &'static str, header: &str, options: Vec<(String, String)>) -> Column {
    Column {
        options,
        ..text(name, header, 200)
    }
}

/// A table of rows (each as its columns' values, then the hidden key),
/// with `blank` empty rows to add to.
fn table(
    part: &'static str,
    heading: String,
    hint: String,
    columns: Vec<Column>,
    key: Option<&'static str>,
    rows: Vec<(Vec<String>, String)>,
    blank: usize,
) -> TableForm {
    let width = columns.len();
    let all = rows
        .into_iter()
        .chain((0..blank).map(|_| (vec![String::new(); width], String::new())));
    TableForm {
        part,
        heading,
        hint,
        headers: columns.iter().map(|c| c.header.clone()).collect(),
        rows: all
            .enumerate()
            .map(|(i, (values, k))| {
                columns
                    .iter()
                    .zip(values)
                    .enumerate()
                    .map(|(ci, (c, value))| Cell {
                        name: c.name,
                        value,
                        label: format!("{} {}", c.header, i + 1),
                        max: c.max,
                        area: c.area,
                        options: c.options.clone(),
                        hidden: match (ci, key) {
                            (0, Some(name)) => vec![(name, k.clone())],
                            _ => Vec::new(),
                        },
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Selects always carry a value: they do not make a row filled in.
const SELECTS: [&str; 4] = ["achieved", "kind", "body", "numbering"];

/// The submitted rows of a table: each column's values in order, the
/// hidden key, rows left blank (their selects aside) dropped.
fn rows_of(form: &FormData, names: &[&str], key: Option<&str>) -> Vec<(Vec<String>, String)> {
    let cols: Vec<Vec<&str>> = names.iter().map(|n| form.all(n).collect()).collect();
    let keys: Vec<&str> = key.map(|k| form.all(k).collect()).unwrap_or_default();
    let n = cols.iter().map(Vec::len).max().unwrap_or(0).min(500);
    (0..n)
        .map(|i| {
            (
                cols.iter()
                    .map(|c| c.get(i).copied().unwrap_or("").to_string())
                    .collect::<Vec<_>>(),
                keys.get(i).copied().unwrap_or("").to_string(),
            )
        })
        .filter(|(v, k)| {
            // A level's row stands for the level, blank or not.
            (key == Some("key") && !k.is_empty())
                || names
                    .iter()
                    .zip(v)
                    .any(|(n, x)| !SELECTS.contains(n) && !x.trim().is_empty())
        })
        .collect()
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn bad(ja: String, en: String) -> AppError {
    AppError::BadRequest(ja, en)
}

fn date(s: &str, what: &str) -> Result<Option<PlanDate>, AppError> {
    match opt(s) {
        None => Ok(None),
        Some(t) => PlanDate::parse(&t).map(Some).map_err(|_| {
            bad(
                format!("{what}「{t}」を日付として読めません（例: 2026-03-31、令和8年3月31日）"),
                format!("{what} '{t}' is not a date (e.g. 2026-03-31, 令和8年3月31日)"),
            )
        }),
    }
}

// ---------------------------------------------------------------------
// The tables

const GLOSSARY: [&str; 4] = ["term", "reading", "description", "note"];
const SCALE: [&str; 4] = ["code", "label", "label_en", "achieved"];
const LEVELS: [&str; 4] = ["name", "name_en", "numbering", "prefix"];
const BODIES: [&str; 4] = ["name", "kind", "role", "members"];
const MEETINGS: [&str; 7] = [
    "body", "title", "number", "date", "end_date", "agenda", "kinds",
];

fn yes_no(tr: Tr) -> Vec<(String, String)> {
    vec![
        ("yes".into(), tr.s("settings.achieved_yes").into()),
        ("no".into(), tr.s("settings.achieved_no").into()),
    ]
}

fn glossary_rows(doc: &PlanDocument) -> Vec<(Vec<String>, String)> {
    doc.glossary
        .iter()
        .map(|g| {
            (
                vec![
                    g.term.clone(),
                    g.reading.clone().unwrap_or_default(),
                    g.description.clone(),
                    g.note.clone().unwrap_or_default(),
                ],
                g.term.clone(),
            )
        })
        .collect()
}

fn scale_rows(doc: &PlanDocument) -> Vec<(Vec<String>, String)> {
    doc.header
        .status_scale
        .iter()
        .map(|l| {
            (
                vec![
                    l.code.clone(),
                    l.label.clone(),
                    l.label_en.clone().unwrap_or_default(),
                    if l.achieved { "yes" } else { "no" }.into(),
                ],
                String::new(),
            )
        })
        .collect()
}

fn level_rows(doc: &PlanDocument) -> Vec<(Vec<String>, String)> {
    doc.header
        .levels
        .iter()
        .map(|l| {
            let numbering = NUMBERINGS
                .iter()
                .find(|(n, _, _)| *n == l.numbering)
                .map_or("none", |(_, k, _)| k);
            (
                vec![
                    l.name.clone().unwrap_or_default(),
                    l.name_en.clone().unwrap_or_default(),
                    numbering.into(),
                    l.prefix.clone().unwrap_or_default(),
                ],
                l.key.clone(),
            )
        })
        .collect()
}

fn body_rows(doc: &PlanDocument) -> Vec<(Vec<String>, String)> {
    doc.header
        .bodies
        .iter()
        .map(|b| {
            let kind = BODY_KINDS
                .iter()
                .find(|(k, _, _)| *k == b.kind)
                .map_or("other", |(_, k, _)| k);
            let members = b
                .members
                .iter()
                .map(|m| {
                    let (role, aff, name) = m.cells();
                    format!("{role}｜{aff}｜{name}")
                })
                .collect::<Vec<_>>()
                .join("\n");
            (
                vec![
                    b.name.clone(),
                    kind.into(),
                    b.role.clone().unwrap_or_default(),
                    members,
                ],
                String::new(),
            )
        })
        .collect()
}

fn meeting_rows(doc: &PlanDocument) -> Vec<(Vec<String>, String)> {
    doc.header
        .meetings
        .iter()
        .map(|m| {
            (
                vec![
                    m.body.clone(),
                    m.title.clone(),
                    m.number.map(|n| n.to_string()).unwrap_or_default(),
                    m.date.map(|d| d.to_string()).unwrap_or_default(),
                    m.end_date.map(|d| d.to_string()).unwrap_or_default(),
                    m.agenda.clone().unwrap_or_default(),
                    m.kinds.join("、"),
                ],
                String::new(),
            )
        })
        .collect()
}

/// The five tables, from the draft or (for the part that was refused) as
/// typed.
fn tables(tr: Tr, doc: &PlanDocument, typed: Option<(&str, &FormData)>) -> Vec<TableForm> {
    let rows =
        |part: &str, names: &[&str], key: Option<&str>, stored: Vec<(Vec<String>, String)>| {
            match typed {
                Some((p, form)) if p == part => rows_of(form, names, key),
                _ => stored,
            }
        };
    let s = |k: &str| tr.s(k).to_string();
    let numberings = NUMBERINGS
        .iter()
        .map(|(_, k, l)| (k.to_string(), l.to_string()))
        .collect();
    let body_kinds = BODY_KINDS
        .iter()
        .map(|(_, k, l)| (k.to_string(), tr.s(l).to_string()))
        .collect();
    let bodies: Vec<(String, String)> = doc
        .header
        .bodies
        .iter()
        .map(|b| (b.name.clone(), b.name.clone()))
        .collect();
    vec![
        table(
            "levels",
            s("settings.levels"),
            s("settings.levels_hint"),
            vec![
                text("name", &s("settings.name"), 60),
                text("name_en", &s("settings.name_en"), 60),
                select("numbering", &s("settings.numbering"), numberings),
                text("prefix", &s("settings.prefix"), 20),
            ],
            Some("key"),
            rows("levels", &LEVELS, Some("key"), level_rows(doc)),
            0,
        ),
        table(
            "scale",
            s("settings.scale"),
            s("settings.scale_hint"),
            vec![
                text("code", &s("settings.code"), 40),
                text("label", &s("settings.label"), 200),
                text("label_en", &s("settings.label_en"), 200),
                select("achieved", &s("settings.achieved"), yes_no(tr)),
            ],
            None,
            rows("scale", &SCALE, None, scale_rows(doc)),
            3,
        ),
        table(
            "glossary",
            s("settings.glossary"),
            s("settings.glossary_hint"),
            vec![
                text("term", &s("settings.term"), 200),
                text("reading", &s("settings.reading"), 200),
                area("description", &s("settings.description")),
                area("note", &s("draft.note")),
            ],
            Some("was"),
            rows("glossary", &GLOSSARY, Some("was"), glossary_rows(doc)),
            3,
        ),
        table(
            "bodies",
            s("settings.bodies"),
            s("settings.bodies_hint"),
            vec![
                text("name", &s("settings.name"), 200),
                select("kind", &s("settings.body_kind"), body_kinds),
                text("role", &s("settings.role"), 500),
                area("members", &s("settings.members")),
            ],
            None,
            rows("bodies", &BODIES, None, body_rows(doc)),
            2,
        ),
        table(
            "meetings",
            s("settings.meetings"),
            s("settings.meetings_hint"),
            vec![
                select("body", &s("settings.body"), bodies),
                text("title", &s("settings.meeting_title"), 200),
                text("number", &s("settings.number"), 6),
                text("date", &s("settings.date"), 20),
                text("end_date", &s("settings.end_date"), 20),
                area("agenda", &s("settings.agenda")),
                text("kinds", &s("settings.kinds"), 200),
            ],
            None,
            rows("meetings", &MEETINGS, None, meeting_rows(doc)),
            3,
        ),
    ]
}

/// The setting a table's form makes.
fn setting_of(part: &str, form: &FormData) -> Result<Setting, AppError> {
    match part {
        "glossary" => Ok(Setting::Glossary {
            terms: rows_of(form, &GLOSSARY, Some("was"))
                .into_iter()
                .map(|(v, was)| TermFields {
                    was: opt(&was),
                    term: v[0].trim().to_string(),
                    reading: opt(&v[1]),
                    description: v[2].trim().to_string(),
                    note: opt(&v[3]),
                })
                .collect(),
        }),
        "scale" => Ok(Setting::Scale {
            levels: rows_of(form, &SCALE, None)
                .into_iter()
                .map(|(v, _)| StatusLevel {
                    code: v[0].trim().to_string(),
                    label: v[1].trim().to_string(),
                    label_en: opt(&v[2]),
                    achieved: v[3] == "yes",
                })
                .collect(),
        }),
        "levels" => Ok(Setting::Levels {
            levels: rows_of(form, &LEVELS, Some("key"))
                .into_iter()
                .map(|(v, key)| LevelFields {
                    key,
                    name: opt(&v[0]),
                    name_en: opt(&v[1]),
                    numbering: NUMBERINGS
                        .iter()
                        .find(|(_, k, _)| *k == v[2])
                        .map_or(Numbering::None, |(n, _, _)| *n),
                    prefix: opt(&v[3]),
                })
                .collect(),
        }),
        "bodies" => {
            let mut bodies = Vec::new();
            for (v, _) in rows_of(form, &BODIES, None) {
                let mut members = Vec::new();
                for (i, line) in v[3].lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let parts: Vec<&str> = line.split(['｜', '|']).map(str::trim).collect();
                    let (role, aff, name) = match parts.as_slice() {
                        [name] => ("", "", *name),
                        [role, name] => (*role, "", *name),
                        [role, aff, name] => (*role, *aff, *name),
                        _ => {
                            return Err(bad(
                                format!(
                                    "「{}」の委員 {}行目: 「役職｜所属｜氏名」の形で書いてください",
                                    v[0].trim(),
                                    i + 1
                                ),
                                format!(
                                    "'{}', member line {}: write role｜affiliation｜name",
                                    v[0].trim(),
                                    i + 1
                                ),
                            ))
                        }
                    };
                    members.push(Member {
                        role: opt(role),
                        affiliation: opt(aff),
                        name: name.to_string(),
                    });
                }
                bodies.push(Body {
                    name: v[0].trim().to_string(),
                    kind: BODY_KINDS
                        .iter()
                        .find(|(_, k, _)| *k == v[1])
                        .map_or(BodyKind::Other, |(b, _, _)| *b),
                    role: opt(&v[2]),
                    members,
                });
            }
            Ok(Setting::Bodies { bodies })
        }
        "meetings" => {
            let mut meetings = Vec::new();
            for (v, _) in rows_of(form, &MEETINGS, None) {
                let number = match opt(&gyokaku_domain::text::to_halfwidth(&v[2])) {
                    None => None,
                    Some(n) => Some(n.parse::<u32>().map_err(|_| {
                        bad(
                            format!("回「{n}」を数として読めません"),
                            format!("the number '{n}' is not a whole number"),
                        )
                    })?),
                };
                meetings.push(Meeting {
                    body: v[0].trim().to_string(),
                    title: v[1].trim().to_string(),
                    number,
                    date: date(&v[3], "開催日")?,
                    end_date: date(&v[4], "終了日")?,
                    agenda: opt(&v[5]),
                    kinds: v[6].split(['、', ',', '，']).filter_map(opt).collect(),
                });
            }
            Ok(Setting::Meetings { meetings })
        }
        _ => Err(AppError::NotFound),
    }
}

fn kind_label<K: PartialEq + Copy>(tr: Tr, kinds: &[(K, &str, &str)], k: K) -> String {
    kinds
        .iter()
        .find(|(x, _, _)| *x == k)
        .map(|(_, _, l)| tr.s(l).to_string())
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
async fn settings_page(
    state: &AppState,
    auth: &Auth,
    r: &PlanRef,
    office: bool,
    done: Option<&str>,
    typed: Option<(&str, &FormData)>,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let (doc, version, _, _) = working(state, r).await?;
    let base_path = format!("/p/{}/{}", r.city, r.plan);
    let flat = doc.organisation.flatten();
    let name_of = |id: &str| {
        flat.iter()
            .find(|(d, _)| d.id == id)
            .map_or(id.to_string(), |(d, _)| d.name.clone())
    };
    let departments = flat
        .iter()
        .map(|(d, parent)| DeptRow {
            href: format!("{base_path}/draft/departments/{}", url_encode(&d.id)),
            id: d.id.clone(),
            name: d.name.clone(),
            kind: kind_label(tr, &DEPT_KINDS, d.kind),
            parent: parent.map(name_of).unwrap_or_default(),
            abbreviation: d.abbreviation.clone().unwrap_or_default(),
            ended: d.valid_to.map(|x| x.wareki()).unwrap_or_default(),
            successor: d.successor.as_deref().map(name_of).unwrap_or_default(),
        })
        .collect();
    let axes = doc
        .header
        .axes
        .iter()
        .map(|a| AxisRow {
            href: format!("{base_path}/draft/axes/{}", url_encode(&a.key)),
            key: a.key.clone(),
            name: a.name.clone(),
            kind: kind_label(tr, &AXIS_KINDS, a.kind),
            values: a
                .values
                .iter()
                .map(|v| v.label.clone())
                .collect::<Vec<_>>()
                .join(tr.s("comma")),
        })
        .collect();
    let title = doc.header.plan.title.clone();
    let page = SettingsPage {
        chrome: Chrome::new(
            auth,
            tr.s("settings.title"),
            format!("{base_path}/draft/settings"),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(title.clone(), base_path.clone())
        .crumb(tr.s("draft.title"), format!("{base_path}/draft"))
        .with_notice(done),
        heading: format!("{} — {title}", tr.s("settings.title")),
        tables: tables(tr, &doc, typed),
        base_path,
        office,
        version: version.map(|v| v.to_string()).unwrap_or_default(),
        error,
        departments,
        axes,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

/// GET `/p/{city}/{plan}/draft/settings`.
pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    let office = office_or_council(&auth)?;
    let r = plan_ref(&city, &plan)?;
    settings_page(
        &state,
        &auth,
        &r,
        office,
        q.done.as_deref(),
        None,
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// Saves one setting into the draft; refused, `again` renders the form
/// once more with why.
async fn save(
    state: &AppState,
    auth: &Auth,
    r: &PlanRef,
    setting: Result<Setting, AppError>,
    form: &FormData,
    back: &str,
) -> Result<Result<Response, (String, StatusCode)>, AppError> {
    let saved = match setting {
        Ok(setting) => state
            .store
            .edit_draft(
                r,
                &Edit::Setting { setting },
                version_of(form),
                &auth.user().actor(),
            )
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Ok(see_other(back, "draft_saved"))),
        Err(e) => Ok(Err(refusal(auth.tr, e)?)),
    }
}

/// POST `/p/{city}/{plan}/draft/settings/{part}`: one table, whole.
pub async fn save_table(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, part)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let setting = setting_of(&part, &form);
    if matches!(setting, Err(AppError::NotFound)) {
        return Err(AppError::NotFound);
    }
    let back = format!("/p/{}/{}/draft/settings", r.city, r.plan);
    match save(&state, &auth, &r, setting, &form, &back).await? {
        Ok(res) => Ok(res),
        Err((message, status)) => {
            settings_page(
                &state,
                &auth,
                &r,
                true,
                None,
                Some((&part, &form)),
                message,
                status,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------
// A department

#[allow(clippy::too_many_arguments)]
fn department_page(
    auth: &Auth,
    r: &PlanRef,
    doc: &PlanDocument,
    id: Option<&str>,
    version: Option<i64>,
    typed: &FormData,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let base_path = format!("/p/{}/{}", r.city, r.plan);
    let stored = id.and_then(|id| {
        doc.organisation
            .flatten()
            .into_iter()
            .find(|(d, _)| d.id == id)
            .map(|(d, p)| (d.clone(), p.map(str::to_string)))
    });
    let value = |name: &str, from: &dyn Fn() -> String| {
        if typed.0.is_empty() {
            from()
        } else {
            typed.raw(name).to_string()
        }
    };
    let d = stored.as_ref().map(|(d, _)| d);
    let kind_key = |k: DepartmentKind| {
        DEPT_KINDS
            .iter()
            .find(|(x, _, _)| *x == k)
            .map_or("division", |(_, key, _)| key)
            .to_string()
    };
    let heading = match d {
        Some(d) => format!("{} — {}", tr.s("settings.edit_department"), d.name),
        None => tr.s("settings.add_department").to_string(),
    };
    let action = match id {
        Some(id) => format!("{base_path}/draft/departments/{}", url_encode(id)),
        None => format!("{base_path}/draft/departments"),
    };
    let page = DepartmentPage {
        chrome: Chrome::new(auth, heading.clone(), action.clone())
            .crumb(tr.s("home.title"), "/")
            .crumb(
                tr.s("settings.title"),
                format!("{base_path}/draft/settings"),
            ),
        heading,
        back: format!("{base_path}/draft/settings"),
        version: version.map(|v| v.to_string()).unwrap_or_default(),
        error,
        new: id.is_none(),
        id: match id {
            Some(id) => id.to_string(),
            None => value("id", &|| String::new()),
        },
        name: value("name", &|| d.map(|d| d.name.clone()).unwrap_or_default()),
        abbreviation: value("abbreviation", &|| {
            d.and_then(|d| d.abbreviation.clone()).unwrap_or_default()
        }),
        kind: value("kind", &|| {
            d.map_or("division".into(), |d| kind_key(d.kind))
        }),
        parent: value("parent", &|| {
            stored
                .as_ref()
                .and_then(|(_, p)| p.clone())
                .unwrap_or_default()
        }),
        valid_to: value("valid_to", &|| {
            d.and_then(|d| d.valid_to)
                .map(|x| x.to_string())
                .unwrap_or_default()
        }),
        successor: value("successor", &|| {
            d.and_then(|d| d.successor.clone()).unwrap_or_default()
        }),
        move_items: typed.get("move_items").is_some(),
        note: value("note", &|| {
            d.and_then(|d| d.note.clone()).unwrap_or_default()
        }),
        kinds: DEPT_KINDS
            .iter()
            .map(|(_, k, l)| (*k, tr.s(l).to_string()))
            .collect(),
        departments: doc
            .organisation
            .flatten()
            .into_iter()
            .filter(|(x, _)| Some(x.id.as_str()) != id)
            .map(|(x, _)| (x.id.clone(), x.name.clone()))
            .collect(),
        action,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

fn department_fields(form: &FormData) -> Result<DepartmentFields, AppError> {
    Ok(DepartmentFields {
        name: form.raw("name").trim().to_string(),
        abbreviation: form.get("abbreviation").map(str::to_string),
        kind: DEPT_KINDS
            .iter()
            .find(|(_, k, _)| Some(*k) == form.get("kind"))
            .map_or(DepartmentKind::Division, |(d, _, _)| *d),
        parent: form.get("parent").map(str::to_string),
        valid_to: date(form.raw("valid_to"), "廃止日")?,
        successor: form.get("successor").map(str::to_string),
        note: form.get("note").map(str::to_string),
        move_items: form.get("move_items").is_some(),
    })
}

/// GET `/p/{city}/{plan}/draft/departments/{id}` (`new` for a new one).
pub async fn department_form(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let (doc, version, _, _) = working(&state, &r).await?;
    let id = (id != "new").then_some(id);
    if let Some(id) = &id {
        if !doc.organisation.flatten().iter().any(|(d, _)| &d.id == id) {
            return Err(AppError::NotFound);
        }
    }
    department_page(
        &auth,
        &r,
        &doc,
        id.as_deref(),
        version,
        &FormData::default(),
        String::new(),
        StatusCode::OK,
    )
}

async fn department_post(
    state: AppState,
    auth: Auth,
    r: PlanRef,
    id: Option<String>,
    form: FormData,
) -> Result<Response, AppError> {
    office(&auth)?;
    let new = id.is_none();
    let setting = department_fields(&form).map(|fields| {
        let id = id.clone().unwrap_or_else(|| {
            form.get("id")
                .map(str::to_string)
                .unwrap_or_else(|| match &fields.parent {
                    Some(p) => format!("{p}/{}", fields.name),
                    None => fields.name.clone(),
                })
        });
        Setting::Department { id, new, fields }
    });
    let back = format!("/p/{}/{}/draft/settings", r.city, r.plan);
    match save(&state, &auth, &r, setting, &form, &back).await? {
        Ok(res) => Ok(res),
        Err((message, status)) => {
            let (doc, version, _, _) = working(&state, &r).await?;
            department_page(
                &auth,
                &r,
                &doc,
                id.as_deref(),
                version,
                &form,
                message,
                status,
            )
        }
    }
}

/// POST `/p/{city}/{plan}/draft/departments/{id}`.
pub async fn department_save(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, id)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let r = plan_ref(&city, &plan)?;
    department_post(state, auth, r, Some(id), form).await
}

/// POST `/p/{city}/{plan}/draft/departments`: a new department.
pub async fn department_add(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let r = plan_ref(&city, &plan)?;
    department_post(state, auth, r, None, form).await
}

// ---------------------------------------------------------------------
// An axis

const VALUES: [&str; 5] = ["code", "number", "label", "label_en", "description"];

#[allow(clippy::too_many_arguments)]
fn axis_page(
    auth: &Auth,
    r: &PlanRef,
    doc: &PlanDocument,
    key: Option<&str>,
    version: Option<i64>,
    typed: &FormData,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let base_path = format!("/p/{}/{}", r.city, r.plan);
    let a = key.and_then(|k| doc.header.axes.iter().find(|a| a.key == k));
    let is_typed = !typed.0.is_empty();
    let value = |name: &str, stored: String| {
        if is_typed {
            typed.raw(name).to_string()
        } else {
            stored
        }
    };
    let stored_rows = a
        .map(|a| {
            a.values
                .iter()
                .map(|v| {
                    (
                        vec![
                            v.code.clone(),
                            v.number.clone().unwrap_or_default(),
                            v.label.clone(),
                            v.label_en.clone().unwrap_or_default(),
                            v.description.clone().unwrap_or_default(),
                        ],
                        String::new(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let rows = if is_typed {
        rows_of(typed, &VALUES, None)
    } else {
        stored_rows
    };
    let s = |k: &str| tr.s(k).to_string();
    let heading = match a {
        Some(a) => format!("{} — {}", s("settings.edit_axis"), a.name),
        None => s("settings.add_axis"),
    };
    let action = match key {
        Some(k) => format!("{base_path}/draft/axes/{}", url_encode(k)),
        None => format!("{base_path}/draft/axes"),
    };
    let kind = a
        .and_then(|a| AXIS_KINDS.iter().find(|(k, _, _)| *k == a.kind))
        .map_or("multi", |(_, k, _)| k);
    let page = AxisPage {
        chrome: Chrome::new(auth, heading.clone(), action.clone())
            .crumb(tr.s("home.title"), "/")
            .crumb(
                tr.s("settings.title"),
                format!("{base_path}/draft/settings"),
            ),
        heading,
        back: format!("{base_path}/draft/settings"),
        version: version.map(|v| v.to_string()).unwrap_or_default(),
        error,
        new: key.is_none(),
        key: value("key", key.unwrap_or("").to_string()),
        name: value("name", a.map(|a| a.name.clone()).unwrap_or_default()),
        name_en: value(
            "name_en",
            a.and_then(|a| a.name_en.clone()).unwrap_or_default(),
        ),
        kind: value("kind", kind.to_string()),
        kinds: AXIS_KINDS
            .iter()
            .map(|(_, k, l)| (*k, tr.s(l).to_string()))
            .collect(),
        values: table(
            "values",
            s("settings.values"),
            s("settings.values_hint"),
            vec![
                text("code", &s("settings.code"), 40),
                text("number", &s("settings.number"), 20),
                text("label", &s("settings.label"), 200),
                text("label_en", &s("settings.label_en"), 200),
                area("description", &s("settings.description")),
            ],
            None,
            rows,
            3,
        ),
        action,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

fn axis_of(key: &str, form: &FormData) -> Axis {
    Axis {
        key: key.to_string(),
        name: form.raw("name").trim().to_string(),
        name_en: form.get("name_en").map(str::to_string),
        kind: AXIS_KINDS
            .iter()
            .find(|(_, k, _)| Some(*k) == form.get("kind"))
            .map_or(AxisKind::Multi, |(a, _, _)| *a),
        values: rows_of(form, &VALUES, None)
            .into_iter()
            .map(|(v, _)| AxisValue {
                code: v[0].trim().to_string(),
                number: opt(&v[1]),
                label: v[2].trim().to_string(),
                label_en: opt(&v[3]),
                description: opt(&v[4]),
            })
            .collect(),
    }
}

/// GET `/p/{city}/{plan}/draft/axes/{key}` (`new` for a new one).
pub async fn axis_form(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, key)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    office(&auth)?;
    let r = plan_ref(&city, &plan)?;
    let (doc, version, _, _) = working(&state, &r).await?;
    let key = (key != "new").then_some(key);
    if let Some(k) = &key {
        if !doc.header.axes.iter().any(|a| &a.key == k) {
            return Err(AppError::NotFound);
        }
    }
    axis_page(
        &auth,
        &r,
        &doc,
        key.as_deref(),
        version,
        &FormData::default(),
        String::new(),
        StatusCode::OK,
    )
}

async fn axis_post(
    state: AppState,
    auth: Auth,
    r: PlanRef,
    key: Option<String>,
    form: FormData,
) -> Result<Response, AppError> {
    office(&auth)?;
    let k = key
        .clone()
        .unwrap_or_else(|| form.raw("key").trim().to_string());
    let setting = Ok(Setting::Axis {
        key: k.clone(),
        axis: (form.get("action") != Some("delete")).then(|| axis_of(&k, &form)),
    });
    if key.is_none()
        && working(&state, &r)
            .await?
            .0
            .header
            .axes
            .iter()
            .any(|a| a.key == k)
    {
        let (doc, version, _, _) = working(&state, &r).await?;
        let (ja, en) = (
            format!("分類キー「{k}」はすでにあります"),
            format!("axis key '{k}' exists already"),
        );
        let message = if auth.tr.lang == gyokaku_domain::present::Lang::Ja {
            ja
        } else {
            en
        };
        return axis_page(
            &auth,
            &r,
            &doc,
            None,
            version,
            &form,
            message,
            StatusCode::BAD_REQUEST,
        );
    }
    let back = format!("/p/{}/{}/draft/settings", r.city, r.plan);
    match save(&state, &auth, &r, setting, &form, &back).await? {
        Ok(res) => Ok(res),
        Err((message, status)) => {
            let (doc, version, _, _) = working(&state, &r).await?;
            axis_page(
                &auth,
                &r,
                &doc,
                key.as_deref(),
                version,
                &form,
                message,
                status,
            )
        }
    }
}

/// POST `/p/{city}/{plan}/draft/axes/{key}` (`action=delete` removes it).
pub async fn axis_save(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan, key)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let r = plan_ref(&city, &plan)?;
    axis_post(state, auth, r, Some(key), form).await
}

/// POST `/p/{city}/{plan}/draft/axes`: a new axis.
pub async fn axis_add(
    State(state): State<AppState>,
    auth: Auth,
    Path((city, plan)): Path<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let r = plan_ref(&city, &plan)?;
    axis_post(state, auth, r, None, form).await
}
