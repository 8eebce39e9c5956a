//! The office starts a plan in the web app: the prefecture, then the city
//! from the national list shipped with the product, the plan's facts, its
//! departments one per line, and a starting template. The new plan has no
//! nodes yet: the office adds them in the plan's draft.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use gyokaku_domain::municipalities;
use gyokaku_domain::start::{new_plan, NewPlan, Template as Shape};
use gyokaku_domain::{Bilingual, FiscalYear, LocalGovCode, Period};
use gyokaku_store::{OnExisting, StoreError};

use crate::auth::Auth;
use crate::error::AppError;
use crate::form::{CsrfForm, FormData};
use crate::handlers::{html, see_other};
use crate::views::Chrome;
use crate::AppState;

#[derive(Template)]
#[template(path = "new_plan.html")]
struct NewPlanPage {
    chrome: Chrome,
    prefectures: Vec<&'static str>,
    prefecture: String,
    cities: Vec<(String, String)>,
    templates: Vec<(&'static str, String)>,
    /// What was typed, kept when a start is refused.
    city: String,
    id: String,
    title: String,
    generation: String,
    period_from: String,
    period_to: String,
    draft: bool,
    template: String,
    departments: String,
    error: String,
}

#[derive(Deserialize)]
pub struct Pick {
    pref: Option<String>,
}

fn office(auth: &Auth) -> Result<(), AppError> {
    if crate::policy::is_office(auth.user()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn page(auth: &Auth, prefecture: &str, typed: Option<&FormData>, error: String) -> NewPlanPage {
    let tr = auth.tr;
    let get = |name: &str| typed.map(|f| f.raw(name).to_string()).unwrap_or_default();
    NewPlanPage {
        chrome: Chrome::new(auth, tr.s("start.title"), "/plans/new").crumb(tr.s("home.title"), "/"),
        prefectures: municipalities::prefectures(),
        prefecture: prefecture.to_string(),
        cities: municipalities::in_prefecture(prefecture)
            .map(|m| (m.code.to_string(), format!("{} ({})", m.name, m.code)))
            .collect(),
        templates: Shape::ALL
            .iter()
            .map(|t| {
                (
                    t.key(),
                    tr.s(&format!("start.template_{}", t.key())).to_string(),
                )
            })
            .collect(),
        city: get("city"),
        id: get("id"),
        title: get("title"),
        generation: get("generation"),
        period_from: get("period_from"),
        period_to: get("period_to"),
        draft: typed.is_some_and(|f| f.get("draft").is_some()),
        template: typed
            .and_then(|f| f.get("template").map(str::to_string))
            .unwrap_or_else(|| "two".into()),
        departments: get("departments"),
        error,
    }
}

pub async fn form(auth: Auth, Query(q): Query<Pick>) -> Result<Response, AppError> {
    office(&auth)?;
    let pref = q.pref.unwrap_or_default();
    if !pref.is_empty() && !municipalities::prefectures().contains(&pref.as_str()) {
        return Err(AppError::NotFound);
    }
    html(&page(&auth, &pref, None, String::new()))
}

fn year(
    form: &FormData,
    name: &str,
    label_ja: &str,
    label_en: &str,
) -> Result<Option<FiscalYear>, AppError> {
    form.get(name)
        .map(|y| {
            FiscalYear::parse(y).map_err(|e| {
                AppError::BadRequest(
                    format!("{label_ja}: {}", e.ja()),
                    format!("{label_en}: {}", e.en()),
                )
            })
        })
        .transpose()
}

fn spec(form: &FormData) -> Result<NewPlan, AppError> {
    let city = LocalGovCode::parse(form.raw("city").trim()).map_err(|e| {
        AppError::BadRequest(format!("団体: {}", e.ja()), format!("city: {}", e.en()))
    })?;
    let from = year(form, "period_from", "計画期間（始め）", "period from")?;
    let to = year(form, "period_to", "計画期間（終わり）", "period to")?;
    let period = match (from, to) {
        (Some(from), Some(to)) => Some(Period { from, to }),
        (None, None) => None,
        _ => return Err(AppError::BadRequest(
            "計画期間は始めと終わりの両方を入力するか、両方とも空にしてください（期間の定めなし）"
                .into(),
            "give both ends of the period, or neither (no fixed period)".into(),
        )),
    };
    Ok(NewPlan {
        city,
        id: form.raw("id").to_string(),
        title: form.raw("title").to_string(),
        generation: form.get("generation").map(str::to_string),
        period,
        draft: form.get("draft").is_some(),
        template: form
            .get("template")
            .and_then(Shape::from_key)
            .unwrap_or(Shape::TwoLevels),
        departments: form.raw("departments").to_string(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office(&auth)?;
    let tr = auth.tr;
    let ja = tr.lang == gyokaku_domain::present::Lang::Ja;
    let made = spec(&form)
        .and_then(|s| new_plan(&s).map_err(|e| AppError::BadRequest(e.message.ja, e.message.en)));
    let made = made.and_then(|mut doc| {
        gyokaku_interchange::check_document(&mut doc)
            .map(|()| doc)
            .map_err(|e| AppError::BadRequest(e.to_string(), e.to_string()))
    });
    let result = match made {
        Ok(doc) => state
            .store
            .import_plan(&doc, OnExisting::Refuse, &auth.user().login)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(see_other(
            &format!("/p/{}/{}/draft", r.city, r.plan),
            "plan_started",
        )),
        Err(e) => {
            let (message, status) = match e {
                AppError::BadRequest(j, en) => (if ja { j } else { en }, StatusCode::BAD_REQUEST),
                AppError::Store(e @ StoreError::AlreadyExists(_)) => (
                    if ja {
                        format!(
                            "{}（別の計画IDにしてください）",
                            e.ja().split('（').next().unwrap_or("")
                        )
                    } else {
                        format!(
                            "{} (choose another plan id)",
                            e.en().split(" (").next().unwrap_or("")
                        )
                    },
                    StatusCode::CONFLICT,
                ),
                e => return Err(e),
            };
            let pref = LocalGovCode::parse(form.raw("city").trim())
                .ok()
                .and_then(|c| municipalities::find(&c))
                .map(|m| m.prefecture)
                .unwrap_or("");
            let mut resp = html(&page(&auth, pref, Some(&form), message))?;
            *resp.status_mut() = status;
            Ok(resp)
        }
    }
}
