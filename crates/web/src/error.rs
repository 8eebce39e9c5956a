//! Errors as responses. An error page is bilingual: it is rendered where
//! the request's language may not be known.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use gyokaku_domain::{Bilingual, Refusal};
use gyokaku_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No live session: go and log in, then come back to `next`.
    #[error("login required")]
    Login { next: String },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("CSRF token missing or wrong")]
    Csrf,
    /// Bad input: (Japanese, English).
    #[error("{1}")]
    BadRequest(String, String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// Bad input, in the words of a locale key (both languages).
    pub fn bad(key: &str) -> AppError {
        use crate::i18n::{Lang, Tr};
        AppError::BadRequest(
            Tr::new(Lang::Ja).s(key).to_string(),
            Tr::new(Lang::En).s(key).to_string(),
        )
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    ja: &'a str,
    en: &'a str,
}

fn page(status: StatusCode, ja: &str, en: &str) -> Response {
    let body = ErrorPage {
        status: status.as_u16(),
        ja,
        en,
    }
    .render()
    .unwrap_or_else(|_| format!("{status}"));
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Login { next } => {
                let next = if next.starts_with('/') && !next.starts_with("//") {
                    next
                } else {
                    "/".into()
                };
                Redirect::to(&format!("/login?next={}", url_encode(&next))).into_response()
            }
            AppError::Forbidden => page(
                StatusCode::FORBIDDEN,
                "この操作を行う権限がありません。",
                "You are not allowed to do this.",
            ),
            AppError::NotFound => page(
                StatusCode::NOT_FOUND,
                "ページが見つかりません。",
                "Page not found.",
            ),
            AppError::Csrf => page(
                StatusCode::FORBIDDEN,
                "フォームの有効期限が切れたか、不正な送信です。ページを読み込み直してからやり直してください。",
                "The form has expired or was not sent from this site. Reload the page and try again.",
            ),
            AppError::BadRequest(ja, en) => page(StatusCode::BAD_REQUEST, &ja, &en),
            AppError::Store(e) => match &e {
                StoreError::NotFound(_) => page(StatusCode::NOT_FOUND, &e.ja(), &e.en()),
                StoreError::Conflict { .. } => page(StatusCode::CONFLICT, &e.ja(), &e.en()),
                StoreError::Invalid(_) | StoreError::AlreadyExists(_) => {
                    page(StatusCode::BAD_REQUEST, &e.ja(), &e.en())
                }
                // The store's own check of who may do what.
                StoreError::Refused(Refusal::Role(_) | Refusal::NotResponsible) => {
                    page(StatusCode::FORBIDDEN, &e.ja(), &e.en())
                }
                StoreError::Refused(_) => page(StatusCode::BAD_REQUEST, &e.ja(), &e.en()),
                _ => {
                    tracing::error!(error = %e, "store error");
                    page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "サーバーで問題が起きました。時間をおいてやり直してください。",
                        "Something went wrong on the server. Please try again later.",
                    )
                }
            },
            AppError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "サーバーで問題が起きました。時間をおいてやり直してください。",
                    "Something went wrong on the server. Please try again later.",
                )
            }
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
