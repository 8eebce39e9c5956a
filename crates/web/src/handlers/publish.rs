//! The office publishes a closed year from the web app, and the app serves
//! what was published (public pages, no login) at `/site/CITY/PLAN/FY/`.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use gyokaku_domain::Bilingual;
use gyokaku_publish::{FontSet, PublishError};

use crate::auth::Auth;
use crate::error::AppError;
use crate::form::CsrfForm;
use crate::policy;
use crate::views::PlanCtx;
use crate::AppState;

/// Where a year of a plan is published under the publish folder.
pub fn site_dir(root: &Path, city: &str, plan: &str, fy: i32) -> PathBuf {
    root.join(city).join(plan).join(fy.to_string())
}

/// The Japanese fonts, read once per process (Noto CJK is large). Where
/// none are installed, they are looked for again at the next publication.
fn fonts() -> Option<FontSet> {
    static FONTS: std::sync::Mutex<Option<FontSet>> = std::sync::Mutex::new(None);
    let mut known = FONTS.lock().unwrap_or_else(|e| e.into_inner());
    if known.is_none() {
        *known = FontSet::discover()
            .map_err(|e| tracing::warn!("publishing without report.pdf: {}", e.en()))
            .ok();
    }
    known.clone()
}

pub async fn publish(
    State(state): State<AppState>,
    auth: Auth,
    UrlPath((city, plan)): UrlPath<(String, String)>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, AppError> {
    if !policy::is_office(auth.user()) {
        return Err(AppError::Forbidden);
    }
    let ctx = PlanCtx::load(&state, &city, &plan).await?;
    let fy = ctx.pick_year(form.get("fy"))?;
    let today = gyokaku_publish::today_in_japan();
    let date = form.get("date").unwrap_or(&today).to_string();
    let target = site_dir(&state.publish_dir, &ctx.city(), &ctx.r.plan, fy.year());
    // The PDF report where Japanese fonts are installed (fonts-noto-cjk or
    // GYOKAKU_FONT_DIR); the site and the data are published either way.
    let actor = &auth.user().login;
    match gyokaku_publish::publish(&state.store, &ctx.r, fy, &date, &target, fonts(), actor).await {
        Ok(_) => {}
        Err(e @ (PublishError::Open(_) | PublishError::Date(_))) => {
            return Err(AppError::BadRequest(e.ja(), e.en()))
        }
        Err(e) => return Err(AppError::Internal(e.en())),
    }
    Ok(Redirect::to(&format!(
        "/site/{}/{}/{}/index.html",
        ctx.city(),
        ctx.r.plan,
        fy.year()
    ))
    .into_response())
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf" => "application/pdf",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// A path inside a published site: plain segments only.
fn safe_path(rest: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for seg in rest.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || seg.contains('\\') || seg.starts_with('.')
        {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

/// Serves a published file. Published sites are public: no login.
pub async fn serve_site(
    State(state): State<AppState>,
    UrlPath((city, plan, fy, rest)): UrlPath<(String, String, String, String)>,
) -> Result<Response, AppError> {
    let ok_id = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let fy: i32 = fy.parse().map_err(|_| AppError::NotFound)?;
    if !ok_id(&city) || !ok_id(&plan) {
        return Err(AppError::NotFound);
    }
    let rel = safe_path(&rest).ok_or(AppError::NotFound)?;
    let path = site_dir(&state.publish_dir, &city, &plan, fy).join(rel);
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(_) => return Err(AppError::NotFound),
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type(&path)),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        Body::from(bytes),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_paths_are_served() {
        assert!(super::safe_path("ja/index.html").is_some());
        assert!(super::safe_path("../x").is_none());
        assert!(super::safe_path("ja/../../x").is_none());
        assert!(super::safe_path(".new-abc/x").is_none());
        assert!(super::safe_path("a\\b").is_none());
        assert!(super::safe_path("").is_none());
    }
}
