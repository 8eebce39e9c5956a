//! Logging in and out, and the language switch.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use gyokaku_store::iso_in;

use crate::auth::{self, Auth, LANG_COOKIE, PRE_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::form::{CsrfForm, FormData};
use crate::handlers::html;
use crate::i18n::{Lang, Tr};
use crate::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    tr: Tr,
    next: String,
    pre: String,
    login: String,
    error: String,
}

impl LoginPage {
    fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }
    fn other_lang(&self) -> &'static str {
        self.tr.lang.other().code()
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only paths on this site are followed after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    next: String,
    login: String,
    error: String,
    status: axum::http::StatusCode,
) -> Result<Response, AppError> {
    // A pre-session token, double-submitted as cookie and form field,
    // guards the login form itself against cross-site posting.
    let pre = auth::random_token();
    let page = LoginPage {
        tr: Tr::new(auth::lang_of(headers)),
        next,
        pre: pre.clone(),
        login,
        error,
    };
    let mut res = html(&page)?;
    *res.status_mut() = status;
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            PRE_COOKIE,
            &pre,
            Some(3600),
            auth::secure_request(state, headers),
        )
        .parse()
        .map_err(|_| AppError::Internal("cookie".into()))?,
    );
    Ok(res)
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    login_page(
        &state,
        &headers,
        safe_next(q.next.as_deref()),
        String::new(),
        String::new(),
        axum::http::StatusCode::OK,
    )
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, AppError> {
    let tr = Tr::new(auth::lang_of(&headers));
    let pre_ok = match (auth::cookie(&headers, PRE_COOKIE), form.get("_pre")) {
        (Some(c), Some(f)) => auth::same_token(c, f),
        _ => false,
    };
    if !pre_ok {
        return Err(AppError::Csrf);
    }
    let login = form.get("login").unwrap_or("").to_string();
    let password = form.raw("password").to_string();
    let next = safe_next(form.get("next"));
    let fail = |key: &str| {
        login_page(
            &state,
            &headers,
            next.clone(),
            login.clone(),
            tr.s(key).to_string(),
            axum::http::StatusCode::UNAUTHORIZED,
        )
    };
    if login.is_empty() {
        return fail("login.failed");
    }
    if state.store.login_locked_until(&login).await?.is_some() {
        return fail("login.locked");
    }
    let creds = state.store.credentials(&login).await?;
    // Unknown logins cost the same hashing time as known ones.
    let (user, hash) = match creds {
        Some((u, h)) => (Some(u), h),
        None => (None, DUMMY_HASH.to_string()),
    };
    let ok = auth::verify_password(password, hash).await;
    match user {
        Some(u) if ok && u.active => {
            state.store.clear_login_failures(&login).await?;
            let token = auth::random_token();
            let csrf = auth::random_token();
            state
                .store
                .create_session(
                    &auth::token_hash(&token),
                    u.id,
                    &csrf,
                    &iso_in(auth::SESSION_SECS),
                )
                .await?;
            tracing::info!(login = %u.login, "login");
            let secure = auth::secure_request(&state, &headers);
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            for c in [
                auth::set_cookie(SESSION_COOKIE, &token, None, secure),
                auth::set_cookie(PRE_COOKIE, "", Some(0), secure),
            ] {
                h.append(
                    header::SET_COOKIE,
                    c.parse().map_err(|_| AppError::Internal("cookie".into()))?,
                );
            }
            Ok(res)
        }
        _ => {
            let n = state
                .store
                .record_login_failure(&login, auth::LOGIN_FAILURE_LIMIT, auth::LOGIN_LOCK_SECS)
                .await?;
            tracing::warn!(login = %login, failures = n, "failed login");
            if n >= auth::LOGIN_FAILURE_LIMIT {
                fail("login.locked")
            } else {
                fail("login.failed")
            }
        }
    }
}

/// An argon2id hash of a random password nobody knows, verified against
/// when the login does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
    _: CsrfForm,
) -> Result<Response, AppError> {
    state.store.end_session(&auth.token_hash).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            auth::secure_request(&state, &headers),
        )
        .parse()
        .map_err(|_| AppError::Internal("cookie".into()))?,
    );
    Ok(res)
}

/// `/lang/en?next=/path`: remembers the language (a preference, not a
/// change of data, so a plain link) and goes back.
pub async fn set_lang(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    let mut res = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(365 * 86400),
            auth::secure_request(&state, &headers),
        )
        .parse()
        .map_err(|_| AppError::Internal("cookie".into()))?,
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_site() {
        assert_eq!(super::safe_next(Some("/p/1/x?fy=2025")), "/p/1/x?fy=2025");
        assert_eq!(super::safe_next(Some("//evil.example/")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example/")), "/");
        assert_eq!(super::safe_next(Some("/\\evil")), "/");
        assert_eq!(super::safe_next(None), "/");
    }

    #[tokio::test]
    async fn dummy_hash_is_a_valid_argon2id_hash() {
        // If it were malformed, unknown logins would answer faster.
        let h = argon2::PasswordHash::new(super::DUMMY_HASH).unwrap();
        assert_eq!(h.algorithm.as_str(), "argon2id");
        assert!(!crate::auth::verify_password("guess".into(), super::DUMMY_HASH.into()).await);
    }
}
