//! A user's own account: changing the password.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::auth::{self, Auth, MIN_PASSWORD_CHARS};
use crate::error::AppError;
use crate::form::CsrfForm;
use crate::handlers::admin::DoneQuery;
use crate::handlers::{html, see_other};
use crate::views::{role_key, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    login: String,
    role: String,
    depts: String,
    errors: Vec<String>,
    min_chars: usize,
}

fn account_page(
    auth: &Auth,
    errors: Vec<String>,
    done: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let u = auth.user();
    let page = AccountPage {
        chrome: Chrome::new(auth, tr.s("account.title"), "/account")
            .crumb(tr.s("home.title"), "/")
            .with_notice(done),
        login: u.login.clone(),
        role: tr.s(role_key(u.role)).to_string(),
        depts: u
            .departments
            .iter()
            .map(|d| d.dept.clone())
            .collect::<Vec<_>>()
            .join("、"),
        errors,
        min_chars: MIN_PASSWORD_CHARS,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn page(auth: Auth, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    account_page(&auth, vec![], q.done.as_deref(), StatusCode::OK)
}

pub async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    let tr = auth.tr;
    let login = auth.user().login.clone();
    let Some((_, hash)) = state.store.credentials(&login).await? else {
        return Err(AppError::Forbidden);
    };
    let mut errors = Vec::new();
    if !auth::verify_password(form.raw("current").to_string(), hash).await {
        errors.push(tr.s("error.current_password").to_string());
    }
    let new = form.raw("password").to_string();
    if new.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(tr.f("error.password_short", &[&MIN_PASSWORD_CHARS]));
    } else if new != form.raw("password2") {
        errors.push(tr.s("error.password_mismatch").to_string());
    }
    if !errors.is_empty() {
        return account_page(&auth, errors, None, StatusCode::BAD_REQUEST);
    }
    let hash = auth::hash_password(new).await?;
    state
        .store
        .set_password(auth.user().id, &hash, Some(&auth.token_hash), &login)
        .await?;
    Ok(see_other("/account", "password"))
}
