//! Submitted forms as ordered name/value pairs, with the CSRF check.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::Form;

use crate::auth::Auth;
use crate::error::AppError;
use crate::AppState;

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

/// A form of a signed-in page whose CSRF token has been checked against
/// the session's: taking it is the check, so no handler can forget it.
pub struct CsrfForm(pub FormData);

impl FromRequest<AppState> for CsrfForm {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let auth = Auth::from_request_parts(&mut parts, state).await?;
        let form = FormData::from_request(Request::from_parts(parts, body), state).await?;
        form.csrf(&auth)?;
        Ok(CsrfForm(form))
    }
}

/// A file sent with its form (`multipart/form-data`: `_csrf`, `file`).
pub struct Upload {
    pub csrf: Option<String>,
    /// The file's name as sent and its bytes; `None` when none was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    /// Reads the whole form; a body over the size limit is refused with
    /// the message under `too_large` (a locale key).
    pub async fn read(mut multipart: Multipart, too_large: &str) -> Result<Upload, AppError> {
        let fail = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::bad(too_large)
            } else {
                AppError::BadRequest(
                    format!("送信された内容を読めません: {e}"),
                    format!("the upload could not be read: {e}"),
                )
            }
        };
        let mut upload = Upload {
            csrf: None,
            file: None,
        };
        while let Some(field) = multipart.next_field().await.map_err(fail)? {
            match field.name() {
                Some("_csrf") => upload.csrf = Some(field.text().await.map_err(fail)?),
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_string();
                    let bytes = field.bytes().await.map_err(fail)?;
                    if !(name.is_empty() && bytes.is_empty()) {
                        upload.file = Some((name, bytes.to_vec()));
                    }
                }
                _ => {}
            }
        }
        Ok(upload)
    }
}
