//! gyokaku's web app: the daily tool of a reform office, its departments
//! and its council. Server-rendered HTML that works without JavaScript;
//! every route checks authorisation on the server.
#![forbid(unsafe_code)]

pub mod auth;
use gyokaku_publish::charts;
mod error;
mod form;
mod handlers;
pub mod i18n;
mod pending;
pub mod policy;
mod views;

use std::net::SocketAddr;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use gyokaku_store::SqlStore;

pub use auth::hash_password;
pub use error::AppError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: SqlStore,
    /// Plan structures, cached until a plan is re-imported.
    plans: std::sync::Arc<views::PlanCache>,
    /// Mark cookies `Secure` (the app is served over https).
    pub secure_cookies: bool,
    /// Uploaded workbooks previewed and waiting to be applied.
    pub workbooks: pending::Pending<handlers::workbook::PendingBook>,
    /// Plan workbooks previewed and waiting to go into the draft.
    pub plan_books: pending::Pending<handlers::plan_workbook::PendingPlan>,
    /// Uploaded tables of indicator actuals previewed and waiting.
    pub actuals: pending::Pending<handlers::actuals::PendingActuals>,
    /// Where published years are written and served from (`/site/…`).
    pub publish_dir: std::path::PathBuf,
}

impl AppState {
    /// Publishes into `dir` (by default a folder in the system's temp dir).
    pub fn with_publish_dir(mut self, dir: impl Into<std::path::PathBuf>) -> AppState {
        self.publish_dir = dir.into();
        self
    }
}

/// All routes of the app.
pub fn router(state: AppState) -> Router {
    use handlers::{
        account, actuals, admin, drafts, fiscal, indicators, items, plan_workbook, plans, publish,
        revisions, session, settings, start, workbook,
    };
    Router::new()
        .route("/", get(plans::home))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{code}", get(session::set_lang))
        .route(
            "/account",
            get(account::page).post(account::change_password),
        )
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route(
            "/admin/users/{id}",
            get(admin::user_page).post(admin::update_user),
        )
        .route("/admin/audit", get(admin::audit))
        .route("/indicators", get(indicators::registry))
        .route("/p/{city}/{plan}", get(plans::dashboard))
        .route("/p/{city}/{plan}/fiscal", get(fiscal::page))
        .route("/p/{city}/{plan}/publish", post(publish::publish))
        .route("/site/{city}/{plan}/{fy}/{*rest}", get(publish::serve_site))
        .route("/p/{city}/{plan}/cycle", post(plans::cycle_action))
        .route("/p/{city}/{plan}/opinion", post(plans::plan_opinion))
        .route("/p/{city}/{plan}/audit", get(plans::audit))
        .route("/p/{city}/{plan}/revisions", get(revisions::page))
        .route("/plans/new", get(start::form).post(start::create))
        .route("/p/{city}/{plan}/draft", get(drafts::page))
        .route("/p/{city}/{plan}/draft/add", post(drafts::add))
        .route("/p/{city}/{plan}/draft/adopt", post(drafts::adopt))
        .route("/p/{city}/{plan}/draft/discard", post(drafts::discard))
        .route(
            "/p/{city}/{plan}/draft/indicators",
            post(drafts::add_indicator),
        )
        .route(
            "/p/{city}/{plan}/draft/indicators/{indicator}",
            get(drafts::indicator_form).post(drafts::indicator_save),
        )
        .route(
            "/p/{city}/{plan}/draft/nodes/{node}",
            get(drafts::node_form).post(drafts::node_save),
        )
        .route(
            "/p/{city}/{plan}/workbook",
            get(workbook::download).post(workbook::upload),
        )
        .route("/p/{city}/{plan}/workbook/apply", post(workbook::apply))
        .route("/p/{city}/{plan}/plan.xlsx", get(plan_workbook::download))
        .route(
            "/p/{city}/{plan}/draft/workbook",
            post(plan_workbook::upload),
        )
        .route(
            "/p/{city}/{plan}/draft/workbook/apply",
            post(plan_workbook::apply),
        )
        .route("/plans/new/plan.xlsx", get(plan_workbook::blank))
        .route("/p/{city}/{plan}/draft/settings", get(settings::page))
        .route(
            "/p/{city}/{plan}/draft/settings/{part}",
            post(settings::save_table),
        )
        .route(
            "/p/{city}/{plan}/draft/departments",
            post(settings::department_add),
        )
        .route(
            "/p/{city}/{plan}/draft/departments/{id}",
            get(settings::department_form).post(settings::department_save),
        )
        .route("/p/{city}/{plan}/draft/axes", post(settings::axis_add))
        .route(
            "/p/{city}/{plan}/draft/axes/{key}",
            get(settings::axis_form).post(settings::axis_save),
        )
        .route("/plans/new/workbook", post(plan_workbook::create))
        .route(
            "/p/{city}/{plan}/indicators/{id}",
            get(actuals::page).post(actuals::enter),
        )
        .route(
            "/p/{city}/{plan}/actuals",
            get(actuals::form).post(actuals::upload),
        )
        .route("/p/{city}/{plan}/actuals/template", get(actuals::template))
        .route("/p/{city}/{plan}/actuals/apply", post(actuals::apply))
        .route("/p/{city}/{plan}/items/{node}", get(items::page))
        .route("/p/{city}/{plan}/items/{node}/{fy}", post(items::save))
        .route(
            "/p/{city}/{plan}/items/{node}/{fy}/review",
            post(items::review),
        )
        .route(
            "/p/{city}/{plan}/items/{node}/{fy}/opinion",
            post(items::opinion),
        )
        .route("/static/app.css", get(static_css))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

async fn static_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

/// One structured log line per request: method, path, status, time.
async fn log_request(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(%method, %path, status, ms, "request");
    } else {
        tracing::info!(%method, %path, status, ms, "request");
    }
    res
}

/// Headers on every response: no framing, no sniffing, a strict content
/// security policy (no inline script, nothing from elsewhere), and no
/// caching of pages that show a signed-in user's data.
async fn security_headers(req: Request, next: Next) -> Response {
    let is_static =
        req.uri().path().starts_with("/static/") || req.uri().path().starts_with("/site/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A state-changing request whose `Origin` names another site is refused
/// before any handler runs (defence in depth beside the CSRF tokens).
async fn same_origin(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if let Some(origin) = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
        {
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            if origin != "null" && origin_host != host {
                return (StatusCode::FORBIDDEN, AppError::Csrf).into_response();
            }
        }
    }
    next.run(req).await
}

/// Serves the app on `listener` until Ctrl-C or SIGTERM, then finishes
/// the requests in flight.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Serves the app on `listener` until the task is dropped (benchmarks and
/// tests, which stop it themselves).
pub async fn serve_until_dropped(
    state: AppState,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// The state handlers see, for tests that drive the router directly.
pub fn state(store: SqlStore, secure_cookies: bool) -> AppState {
    AppState {
        store,
        plans: Default::default(),
        secure_cookies,
        workbooks: Default::default(),
        plan_books: Default::default(),
        actuals: Default::default(),
        publish_dir: std::env::temp_dir().join("gyokaku-published"),
    }
}
