//! The reform office's administration: accounts, roles, departments, and
//! the office-wide change log.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use gyokaku_domain::Bilingual;
use gyokaku_store::{DeptRef, NewUser, Role, StoreError, User, UserUpdate};

use crate::auth::{self, Auth, MIN_PASSWORD_CHARS};
use crate::error::AppError;
use crate::form::{CsrfForm, FormData};
use crate::handlers::plans::{audit_lines, AuditLine, Opt};
use crate::handlers::{html, see_other};
use crate::i18n::Tr;
use crate::policy;
use crate::views::{role_key, Chrome};
use crate::AppState;

fn office_only(auth: &Auth) -> Result<(), AppError> {
    if policy::is_office(auth.user()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A department a user can be given: `city/dept` as the form value.
pub struct DeptChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// Every department of every stored plan, per city, in plan order.
async fn dept_choices(state: &AppState, chosen: &[DeptRef]) -> Result<Vec<DeptChoice>, AppError> {
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for p in state.store.list_plans().await? {
        let r = gyokaku_store::PlanRef {
            city: p
                .city_code
                .parse()
                .map_err(|_| AppError::Internal("city code".into()))?,
            plan: p.plan_id.clone(),
        };
        let doc = state.store.export_plan(&r).await?;
        for (d, parent) in doc.organisation.flatten() {
            let value = format!("{}/{}", p.city_code, d.id);
            if seen.insert(value.clone(), ()).is_some() {
                continue;
            }
            let indent = if parent.is_some() { "　" } else { "" };
            out.push(DeptChoice {
                checked: chosen
                    .iter()
                    .any(|c| c.city.to_string() == p.city_code && c.dept == d.id),
                label: format!("{} {indent}{}", p.city_name, d.name),
                value,
            });
        }
    }
    Ok(out)
}

fn parse_depts(form: &FormData) -> Vec<DeptRef> {
    form.all("dept")
        .filter_map(|v| v.split_once('/'))
        .filter_map(|(city, dept)| {
            Some(DeptRef {
                city: gyokaku_domain::LocalGovCode::parse(city).ok()?,
                dept: dept.to_string(),
            })
        })
        .collect()
}

fn role_opts(tr: Tr, current: Option<Role>) -> Vec<Opt> {
    Role::ALL
        .iter()
        .map(|r| Opt {
            value: r.key().to_string(),
            label: tr.s(role_key(*r)).to_string(),
            selected: current == Some(*r),
        })
        .collect()
}

pub struct UserLine {
    pub href: String,
    pub login: String,
    pub name: String,
    pub role: String,
    pub depts: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserLine>,
    roles: Vec<Opt>,
    depts: Vec<DeptChoice>,
    login: String,
    name: String,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

async fn users_page(
    state: &AppState,
    auth: &Auth,
    carry: (&FormData, Vec<String>),
    done: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let (form, errors) = carry;
    let users = state.store.users().await?;
    let lines = users
        .iter()
        .map(|u| UserLine {
            href: format!("/admin/users/{}", u.id),
            login: u.login.clone(),
            name: u.display_name.clone(),
            role: tr.s(role_key(u.role)).to_string(),
            depts: u
                .departments
                .iter()
                .map(|d| d.dept.rsplit('/').next().unwrap_or(&d.dept).to_string())
                .collect::<Vec<_>>()
                .join("、"),
            active: u.active,
        })
        .collect();
    let chosen = parse_depts(form);
    let page = UsersPage {
        chrome: Chrome::new(auth, tr.s("users.title"), "/admin/users")
            .crumb(tr.s("home.title"), "/")
            .with_notice(done),
        users: lines,
        roles: role_opts(tr, form.get("role").and_then(Role::from_key)),
        depts: dept_choices(state, &chosen).await?,
        login: form.get("login").unwrap_or("").to_string(),
        name: form.get("display_name").unwrap_or("").to_string(),
        errors,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn users(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    office_only(&auth)?;
    users_page(
        &state,
        &auth,
        (&FormData::default(), vec![]),
        q.done.as_deref(),
        StatusCode::OK,
    )
    .await
}

fn password_problem(tr: Tr, password: &str, confirm: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some(tr.f("error.password_short", &[&MIN_PASSWORD_CHARS]))
    } else if password != confirm {
        Some(tr.s("error.password_mismatch").to_string())
    } else {
        None
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office_only(&auth)?;
    let tr = auth.tr;
    let mut errors = Vec::new();
    let login = form.get("login").unwrap_or("").to_string();
    let name = form.get("display_name").unwrap_or("").to_string();
    if login.is_empty() {
        errors.push(tr.s("error.login_required").to_string());
    }
    if name.is_empty() {
        errors.push(tr.s("error.name_required").to_string());
    }
    let role = form.get("role").and_then(Role::from_key);
    if role.is_none() {
        errors.push(tr.s("error.role").to_string());
    }
    let password = form.raw("password").to_string();
    if let Some(p) = password_problem(tr, &password, form.raw("password2")) {
        errors.push(p);
    }
    let departments = parse_depts(&form);
    if role == Some(Role::Editor) && departments.is_empty() {
        errors.push(tr.s("error.editor_needs_dept").to_string());
    }
    if let (true, Some(role)) = (errors.is_empty(), role) {
        let new = NewUser {
            login,
            display_name: name,
            password_hash: auth::hash_password(password).await?,
            role,
            departments,
        };
        match state.store.create_user(&new, &auth.user().login).await {
            Ok(_) => return Ok(see_other("/admin/users", "user")),
            Err(e @ (StoreError::AlreadyExists(_) | StoreError::Invalid(_))) => {
                errors.push(if tr.is_en() { e.en() } else { e.ja() })
            }
            Err(e) => return Err(e.into()),
        }
    }
    users_page(
        &state,
        &auth,
        (&form, errors),
        None,
        StatusCode::BAD_REQUEST,
    )
    .await
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    chrome: Chrome,
    action: String,
    login: String,
    name: String,
    version: i64,
    active: bool,
    roles: Vec<Opt>,
    depts: Vec<DeptChoice>,
    errors: Vec<String>,
}

async fn user_page_for(
    state: &AppState,
    auth: &Auth,
    user: &User,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let page = UserPage {
        chrome: Chrome::new(
            auth,
            user.login.clone(),
            format!("/admin/users/{}", user.id),
        )
        .crumb(tr.s("home.title"), "/")
        .crumb(tr.s("users.title"), "/admin/users"),
        action: format!("/admin/users/{}", user.id),
        login: user.login.clone(),
        name: user.display_name.clone(),
        version: user.version,
        active: user.active,
        roles: role_opts(tr, Some(user.role)),
        depts: dept_choices(state, &user.departments).await?,
        errors,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

async fn find_user(state: &AppState, id: i64) -> Result<User, AppError> {
    match state.store.user(id).await {
        Ok(u) => Ok(u),
        Err(StoreError::NotFound(_)) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

pub async fn user_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    office_only(&auth)?;
    let user = find_user(&state, id).await?;
    user_page_for(&state, &auth, &user, vec![], StatusCode::OK).await
}

pub async fn update_user(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    office_only(&auth)?;
    let tr = auth.tr;
    let user = find_user(&state, id).await?;
    let mut errors = Vec::new();
    let role = form.get("role").and_then(Role::from_key);
    if role.is_none() {
        errors.push(tr.s("error.role").to_string());
    }
    let name = form.get("display_name").unwrap_or("").to_string();
    if name.is_empty() {
        errors.push(tr.s("error.name_required").to_string());
    }
    let departments = parse_depts(&form);
    if role == Some(Role::Editor) && departments.is_empty() {
        errors.push(tr.s("error.editor_needs_dept").to_string());
    }
    let active = form.get("active") == Some("1");
    if user.id == auth.user().id && (!active || role != Some(Role::Office)) {
        errors.push(tr.s("error.self_lockout").to_string());
    }
    let password = form.raw("password").to_string();
    if !password.is_empty() {
        if let Some(p) = password_problem(tr, &password, form.raw("password2")) {
            errors.push(p);
        }
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if let (true, Some(role)) = (errors.is_empty(), role) {
        let update = UserUpdate {
            display_name: name,
            role,
            active,
            departments,
        };
        match state
            .store
            .update_user(id, &update, version, &auth.user().login)
            .await
        {
            Ok(_) => {
                if !password.is_empty() {
                    let hash = auth::hash_password(password).await?;
                    state
                        .store
                        .set_password(id, &hash, None, &auth.user().login)
                        .await?;
                }
                return Ok(see_other("/admin/users", "user"));
            }
            Err(e @ (StoreError::Conflict { .. } | StoreError::Invalid(_))) => {
                errors.push(if tr.is_en() { e.en() } else { e.ja() })
            }
            Err(e) => return Err(e.into()),
        }
    }
    let current = find_user(&state, id).await?;
    user_page_for(&state, &auth, &current, errors, StatusCode::BAD_REQUEST).await
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    heading: String,
    lines: Vec<AuditLine>,
}

/// Every change in the installation, newest first.
pub async fn audit(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    office_only(&auth)?;
    let tr = auth.tr;
    let entries = state.store.audit_log_all(1000).await?;
    html(&AuditPage {
        chrome: Chrome::new(&auth, tr.s("audit.all"), "/admin/audit")
            .crumb(tr.s("home.title"), "/"),
        heading: tr.s("audit.all").to_string(),
        lines: audit_lines(entries),
    })
}
