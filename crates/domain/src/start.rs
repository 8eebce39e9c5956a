//! A new plan from a starting template, so that a city is running in
//! minutes: the city picked from the national list, the plan's facts, its
//! departments typed one per line, and levels with a status scale from one
//! of a few templates. The office then adds the plan's nodes in a draft.

use crate::edit::{refuse, FieldError};
use crate::lgcode::LocalGovCode;
use crate::municipalities;
use crate::plan::{Department, DepartmentKind, Organisation, Period, PlanDocument, FORMAT};

/// The starting shapes offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// 方針 → 取組, scale A–D.
    TwoLevels,
    /// 基本方針 → 推進項目 → 取組, a 6-step scale like 安中's.
    ThreeLevels,
    /// 方針 → 取組 without a status scale (reported as text only).
    NoScale,
}

impl Template {
    pub fn key(self) -> &'static str {
        match self {
            Template::TwoLevels => "two",
            Template::ThreeLevels => "three",
            Template::NoScale => "noscale",
        }
    }

    pub fn from_key(key: &str) -> Option<Template> {
        [
            Template::TwoLevels,
            Template::ThreeLevels,
            Template::NoScale,
        ]
        .into_iter()
        .find(|t| t.key() == key)
    }

    pub const ALL: [Template; 3] = [
        Template::TwoLevels,
        Template::ThreeLevels,
        Template::NoScale,
    ];
}

/// What the office says of a new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub city: LocalGovCode,
    pub id: String,
    pub title: String,
    pub generation: Option<String>,
    /// `None`: a standing plan with no fixed period (or a draft without one).
    pub period: Option<Period>,
    pub draft: bool,
    pub template: Template,
    /// One department per line; `部/課` puts a 課 under its 部.
    pub departments: String,
}

/// The levels and scale of a template, as plan.yaml would write them.
fn shape(t: Template) -> serde_json::Value {
    let level = |key: &str,
                 name: &str,
                 en: &str,
                 numbering: &str,
                 prefix: Option<&str>,
                 items: bool| {
        let mut l =
            serde_json::json!({"key": key, "name": name, "name_en": en, "numbering": numbering});
        if let Some(p) = prefix {
            l["prefix"] = p.into();
        }
        if items {
            l["items"] = true.into();
        }
        l
    };
    let step = |code: &str, label: &str, en: &str, achieved: bool| serde_json::json!({"code": code, "label": label, "label_en": en, "achieved": achieved});
    match t {
        Template::TwoLevels | Template::NoScale => serde_json::json!({
            "levels": [
                level("policy", "方針", "Policy", "arabic", Some("方針"), false),
                level("item", "取組", "Item", "paren", None, true),
            ],
            "status_scale": if t == Template::NoScale { serde_json::json!([]) } else { serde_json::json!([
                step("A", "計画どおり実施", "Done as planned", true),
                step("B", "おおむね計画どおり", "Mostly as planned", true),
                step("C", "一部実施", "Partly done", false),
                step("D", "未実施", "Not done", false),
            ]) },
        }),
        Template::ThreeLevels => serde_json::json!({
            "levels": [
                level("policy", "基本方針", "Basic policy", "arabic", Some("基本方針"), false),
                level("measure", "推進項目", "Measure", "paren", None, false),
                level("item", "取組", "Item", "circled", None, true),
            ],
            "status_scale": [
                step("全体の目標達成", "全体の目標達成", "Overall target achieved", true),
                step("年度目標達成", "年度目標達成", "Yearly target achieved", true),
                step("年度目標一部達成", "年度目標一部達成", "Yearly target partly achieved", false),
                step("目標に向け実施中", "目標に向け実施中", "Under way", false),
                step("実施に向け検討中", "実施に向け検討中", "Being considered", false),
                step("計画中止", "計画中止", "Stopped", false),
            ],
        }),
    }
}

/// A template's levels and status scale (what a blank plan workbook
/// starts from).
pub fn template_shape(t: Template) -> (Vec<crate::plan::Level>, Vec<crate::plan::StatusLevel>) {
    let s = shape(t);
    (
        serde_json::from_value(s["levels"].clone()).unwrap_or_default(),
        serde_json::from_value(s["status_scale"].clone()).unwrap_or_default(),
    )
}

/// The departments typed one per line (`総務部`, `総務部/総務課`), as a tree.
fn departments(text: &str) -> Result<Vec<Department>, FieldError> {
    let mut top: Vec<Department> = Vec::new();
    let dept = |id: String, name: &str, kind| Department::new(id, name, kind);
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('/').map(str::trim).collect();
        if parts.len() > 2 || parts.iter().any(|p| p.is_empty() || p.chars().count() > 60) {
            return Err(refuse(
                "departments",
                format!(
                    "{}行目「{line}」: 部署は「部」か「部/課」の形で、1行に1つ書いてください",
                    i + 1
                ),
                format!(
                    "line {} '{line}': one department per line, as 部 or 部/課",
                    i + 1
                ),
            ));
        }
        let exists = |list: &[Department], id: &str| list.iter().any(|d| d.id == id);
        match parts.as_slice() {
            [name] => {
                if !exists(&top, name) {
                    top.push(dept(name.to_string(), name, DepartmentKind::Division));
                }
            }
            [parent, name] => {
                if !exists(&top, parent) {
                    top.push(dept(parent.to_string(), parent, DepartmentKind::Department));
                }
                let p = top.iter_mut().find(|d| d.id == *parent).ok_or_else(|| {
                    refuse(
                        "departments",
                        "部署を読めません",
                        "cannot read the departments",
                    )
                })?;
                p.kind = DepartmentKind::Department;
                let id = format!("{parent}/{name}");
                if exists(&p.children, &id) {
                    return Err(refuse(
                        "departments",
                        format!("{}行目: 「{line}」が重複しています", i + 1),
                        format!("line {}: '{line}' is given twice", i + 1),
                    ));
                }
                p.children.push(dept(id, name, DepartmentKind::Division));
            }
            _ => unreachable!("one or two parts"),
        }
    }
    Ok(top)
}

/// The new plan, with no nodes yet, or the field at fault.
pub fn new_plan(spec: &NewPlan) -> Result<PlanDocument, FieldError> {
    let city = municipalities::find(&spec.city).ok_or_else(|| {
        refuse(
            "city",
            format!(
                "団体コード {} は全国地方公共団体コードの一覧にありません",
                spec.city
            ),
            format!("{} is not in the list of local government codes", spec.city),
        )
    })?;
    let id = spec.id.trim();
    if id.is_empty()
        || id.len() > 40
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(refuse(
            "id",
            "計画IDは40文字以内の英数字・ハイフン・下線で入力してください（例: taiko-5）",
            "a plan id has at most 40 letters, digits, - or _ (e.g. taiko-5)",
        ));
    }
    let title = spec.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(refuse(
            "title",
            "計画の名称を200文字以内で入力してください",
            "enter the plan's title, at most 200 characters",
        ));
    }
    if let Some(p) = spec.period {
        if p.to < p.from {
            return Err(refuse(
                "period_to",
                "計画期間の終わりが始まりより前です",
                "the period ends before it starts",
            ));
        }
    }
    let mut header = serde_json::json!({
        "format": FORMAT,
        "city": {"code": city.code.to_string(), "name": city.name, "prefecture": city.prefecture},
        "plan": {"id": id, "title": title, "draft": spec.draft},
    });
    if let Some(g) = spec
        .generation
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        header["plan"]["generation"] = g.into();
    }
    if let Some(p) = spec.period {
        header["plan"]["period"] = serde_json::json!({"from": p.from.year(), "to": p.to.year()});
    }
    let shape = shape(spec.template);
    header["levels"] = shape["levels"].clone();
    header["status_scale"] = shape["status_scale"].clone();
    let header = serde_json::from_value(header).map_err(|e| {
        refuse(
            "template",
            format!("計画を組み立てられません: {e}"),
            format!("cannot build the plan: {e}"),
        )
    })?;
    Ok(PlanDocument {
        header,
        organisation: Organisation {
            as_of: None,
            note: None,
            departments: departments(&spec.departments)?,
        },
        nodes: Vec::new(),
        indicators: Vec::new(),
        glossary: Vec::new(),
        fiscal: Vec::new(),
        progress: Vec::new(),
        indicator_values: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wareki::FiscalYear;

    fn spec() -> NewPlan {
        NewPlan {
            city: LocalGovCode::parse("082015").unwrap(),
            id: "taiko-1".into(),
            title: "行財政改革大綱".into(),
            generation: Some("第1次".into()),
            period: Some(Period {
                from: FiscalYear::new(2026).unwrap(),
                to: FiscalYear::new(2030).unwrap(),
            }),
            draft: false,
            template: Template::ThreeLevels,
            departments: "総務部\n総務部/総務課\n総務部/財政課\n\n行革推進室\n".into(),
        }
    }

    #[test]
    fn a_plan_starts_from_a_template_for_a_city_on_the_list() {
        let doc = new_plan(&spec()).unwrap();
        assert_eq!(doc.header.city.name, "水戸市");
        assert_eq!(doc.header.city.prefecture, "茨城県");
        assert_eq!(doc.header.levels.len(), 3);
        assert_eq!(doc.header.status_scale.len(), 6);
        let flat: Vec<(String, Option<String>)> = doc
            .organisation
            .flatten()
            .into_iter()
            .map(|(d, p)| (d.id.clone(), p.map(str::to_string)))
            .collect();
        assert_eq!(
            flat,
            vec![
                ("総務部".to_string(), None),
                ("総務部/総務課".to_string(), Some("総務部".to_string())),
                ("総務部/財政課".to_string(), Some("総務部".to_string())),
                ("行革推進室".to_string(), None),
            ]
        );
    }

    #[test]
    fn a_bad_start_names_its_field() {
        for (change, field) in [
            (
                NewPlan {
                    city: LocalGovCode::parse("082058").unwrap(),
                    ..spec()
                },
                None,
            ),
            (
                NewPlan {
                    id: "大綱 5".into(),
                    ..spec()
                },
                Some("id"),
            ),
            (
                NewPlan {
                    title: " ".into(),
                    ..spec()
                },
                Some("title"),
            ),
            (
                NewPlan {
                    departments: "総務部/総務課/係".into(),
                    ..spec()
                },
                Some("departments"),
            ),
            (
                NewPlan {
                    departments: "総務部/総務課\n総務部/総務課".into(),
                    ..spec()
                },
                Some("departments"),
            ),
        ] {
            assert_eq!(
                new_plan(&change).err().map(|e| e.field),
                field,
                "{change:?}"
            );
        }
    }
}
