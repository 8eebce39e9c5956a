//! Request handlers, one module per area. Each checks the session, the
//! CSRF token of every form, and the user's rights before anything else.

pub mod account;
pub mod actuals;
pub mod admin;
pub mod drafts;
pub mod fiscal;
pub mod indicators;
pub mod items;
pub mod plan_workbook;
pub mod plans;
pub mod publish;
pub mod revisions;
pub mod session;
pub mod settings;
pub mod start;
pub mod workbook;

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::AppError;

/// Renders a page template as an HTML response.
pub fn html(t: &impl Template) -> Result<Response, AppError> {
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        t.render()?,
    )
        .into_response())
}

/// A page already rendered.
pub fn html_text(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// After a successful POST: back to a page, with a one-time notice.
pub fn see_other(path: &str, done: &str) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}done={done}")).into_response()
}
