//! Submitted forms as ordered name/value pairs, with the CSRF check.

use axum::extract::{FromRequest, Request};
use axum::Form;

use crate::auth::Auth;
use crate::error::AppError;

/// A urlencoded form body. Field order is kept; repeated names (checkbox
/// groups) are all kept.
#[derive(Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name` as typed (not trimmed), empty when absent.
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Checks the form's CSRF token against the session's.
    pub fn csrf(&self, auth: &Auth) -> Result<(), AppError> {
        auth.check_csrf(self.get("_csrf"))
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(Form(pairs)) => Ok(FormData(pairs)),
            Err(e) => Err(AppError::BadRequest(
                format!("フォームの内容を読めません: {e}"),
                format!("the form could not be read: {e}"),
            )),
        }
    }
}
