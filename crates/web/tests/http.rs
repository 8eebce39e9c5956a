//! The web app over real HTTP: the app is started on port 0 on a real
//! SQLite file and on a real PostgreSQL database (GYOKAKU_TEST_POSTGRES_URL,
//! which scripts/test provides), and driven by an HTTP client that keeps
//! cookies and CSRF tokens as a browser does.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use gyokaku_domain::{walk_nodes, FiscalYear, PlanDocument, StatusLevel};
use gyokaku_store::{DeptRef, NewUser, OnExisting, PlanRef, Role, SqlStore};
use reqwest::StatusCode;
use sqlx::Connection;

static COUNTER: AtomicU32 = AtomicU32::new(0);
const PASSWORD: &str = "correct-horse-battery";
const CITY: &str = "082058";
const PLAN: &str = "/p/082058/challenge";

async fn sqlite_store() -> (SqlStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.sqlite").display());
    (SqlStore::connect(&url).await.unwrap(), dir)
}

async fn postgres_store() -> Option<SqlStore> {
    let Ok(admin) = std::env::var("GYOKAKU_TEST_POSTGRES_URL") else {
        if std::env::var("GYOKAKU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("GYOKAKU_REQUIRE_POSTGRES=1 but GYOKAKU_TEST_POSTGRES_URL is not set");
        }
        eprintln!("SKIPPED on PostgreSQL: set GYOKAKU_TEST_POSTGRES_URL (scripts/test does)");
        return None;
    };
    let name = format!(
        "gyokaku_w_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    Some(SqlStore::connect(&format!("{base}/{name}")).await.unwrap())
}

/// 石岡市's plan with a three-step scale (the draft plan defines none).
fn ishioka() -> PlanDocument {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ishioka");
    let mut doc = gyokaku_interchange::read_plan_dir(&dir).unwrap();
    doc.header.status_scale = [
        ("A", "順調", true),
        ("B", "概ね順調", true),
        ("C", "遅れ", false),
    ]
    .into_iter()
    .map(|(code, label, achieved)| StatusLevel {
        code: code.into(),
        label: label.into(),
        label_en: None,
        achieved,
    })
    .collect();
    // An indicator of 総務課's item 1-1 itself (石岡's hang off policies).
    doc.indicators.push(gyokaku_domain::Indicator {
        retired: None,
        id: "t1".into(),
        node: Some("1-1".into()),
        kind: gyokaku_domain::IndicatorKind::Reference,
        name: "採用試験の受験者数".into(),
        definition: None,
        unit: Some("人".into()),
        source: None,
        cumulative: false,
        challenge: false,
        baseline: None,
        target: None,
        note: None,
    });
    // One actual, for the registry: 職員提案の提案数 (baseline 20 in R2,
    // target 30 in R5) reached 25 in R4.
    doc.indicator_values.push(gyokaku_domain::IndicatorValue {
        indicator: "r1-1".into(),
        fy: FiscalYear::new(2022).unwrap(),
        value: gyokaku_domain::Decimal::parse("25").unwrap(),
        note: None,
        demo: false,
    });
    doc
}

fn annaka() -> PlanDocument {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/annaka");
    gyokaku_interchange::read_plan_dir(&dir).unwrap()
}

/// The running app and what the stories need to know about its data.
struct App {
    base: String,
    store: SqlStore,
    /// An item of 総務課 (the editor's department).
    own_item: String,
    /// An item no department of the editor is responsible for.
    other_item: String,
    server: tokio::task::JoinHandle<()>,
    _dir: Option<tempfile::TempDir>,
    _published: tempfile::TempDir,
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn start(store: SqlStore, dir: Option<tempfile::TempDir>) -> App {
    let doc = ishioka();
    let leaves: Vec<_> = walk_nodes(&doc.nodes)
        .into_iter()
        .filter(|(n, _, _)| n.children.is_empty())
        .map(|(n, _, _)| n.clone())
        .collect();
    let own_item = leaves
        .iter()
        .find(|n| n.departments == ["総務課"])
        .unwrap()
        .id
        .clone();
    let other_item = leaves
        .iter()
        .find(|n| !n.departments.is_empty() && !n.departments.iter().any(|d| d == "総務課"))
        .unwrap()
        .id
        .clone();
    store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    store
        .import_plan(&annaka(), OnExisting::Refuse, "test")
        .await
        .unwrap();
    let hash = gyokaku_web::hash_password(PASSWORD.into()).await.unwrap();
    for (login, role, depts) in [
        ("office", Role::Office, vec![]),
        ("editor", Role::Editor, vec!["総務課"]),
        ("editor2", Role::Editor, vec!["行革推進課"]),
        ("council", Role::Council, vec![]),
        ("viewer", Role::Viewer, vec![]),
    ] {
        store
            .create_user(
                &NewUser {
                    login: login.into(),
                    display_name: format!("{login} さん"),
                    password_hash: hash.clone(),
                    role,
                    departments: depts
                        .into_iter()
                        .map(|d| DeptRef {
                            city: CITY.parse().unwrap(),
                            dept: d.into(),
                        })
                        .collect(),
                },
                "test",
            )
            .await
            .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let published = tempfile::tempdir().unwrap();
    let app = gyokaku_web::router(
        gyokaku_web::state(store.clone(), false).with_publish_dir(published.path()),
    );
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    App {
        base,
        store,
        own_item,
        other_item,
        server,
        _dir: dir,
        _published: published,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
    csrf: String,
}

struct Page {
    status: StatusCode,
    location: String,
    body: String,
}

impl Page {
    fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

fn attr_after(html: &str, marker: &str) -> Option<String> {
    let at = html.find(marker)? + marker.len();
    let rest = &html[at..];
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

impl Browser {
    fn new(app: &App) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        let status = res.status();
        for c in res.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.into(), v.into());
            }
        }
        let location = res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = res.text().await.unwrap();
        if let Some(t) = attr_after(&body, "name=\"_csrf\" value=\"") {
            self.csrf = t;
        }
        Page {
            status,
            location,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    /// Posts a form with this session's CSRF token (unless the form
    /// already names `_csrf`).
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "_csrf") {
            form.push(("_csrf".into(), self.csrf.clone()));
        }
        self.post_raw(path, &form, None).await
    }

    async fn post_raw(
        &mut self,
        path: &str,
        form: &[(String, String)],
        origin: Option<&str>,
    ) -> Page {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }

    /// Posts a file as `multipart/form-data` with this session's CSRF token.
    async fn upload(&mut self, path: &str, name: &str, bytes: &[u8]) -> Page {
        let boundary = "gyokaku-http-test-boundary-5Qw2";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n",
            self.csrf
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    /// A download: status and bytes.
    async fn bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        (res.status(), res.bytes().await.unwrap().to_vec())
    }

    async fn login_as(app: &App, login: &str) -> Browser {
        let mut b = Browser::new(app);
        let page = b.login(login, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{login} logs in");
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        b
    }

    async fn login(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        let pre = attr_after(&form.body, "name=\"_pre\" value=\"").unwrap();
        let fields = vec![
            ("_pre".to_string(), pre),
            ("login".to_string(), login.to_string()),
            ("password".to_string(), password.to_string()),
            ("next".to_string(), "/".to_string()),
        ];
        self.post_raw("/login", &fields, None).await
    }
}

fn item_path(item: &str) -> String {
    format!("{PLAN}/items/{item}/2025")
}

/// The cells of the first body row of the first summary table (全体):
/// counts per status, total, unreported, share achieved.
fn whole_row(html: &str) -> Vec<String> {
    let table = &html[html.find("class=\"summary\"").unwrap()..];
    let row = &table[table.find("<tbody>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c[..c.find("</td>").unwrap()].to_string())
        .collect()
}

/// The whole yearly cycle, in the order a city lives it.
async fn whole_cycle(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    let mut editor = Browser::login_as(&app, "editor").await;
    let mut council = Browser::login_as(&app, "council").await;
    let own = app.own_item.clone();

    // Before the office opens the year, nobody can report.
    editor.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let early = editor
        .post(&item_path(&own), &[("action", "save"), ("result", "x")])
        .await;
    assert_eq!(early.status, StatusCode::FORBIDDEN);

    office.get(&format!("{PLAN}?fy=2025")).await;
    let opened = office
        .post(
            &format!("{PLAN}/cycle"),
            &[
                ("fy", "2025"),
                ("action", "open"),
                ("deadline", "令和8年5月31日"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let dash = office.get(&opened.location).await;
    assert!(dash.has("2026-05-31"), "deadline shown as a date");
    assert!(
        dash.has("id=\"missing\""),
        "departments yet to submit are listed"
    );
    let before = whole_row(&dash.body);

    // The editor saves a draft, with amounts typed the Japanese way.
    let page = editor.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    assert!(page.has("id=\"edit-form\""));
    let saved = editor
        .post(
            &item_path(&own),
            &[
                ("action", "save"),
                ("version", ""),
                ("status", "A"),
                ("result", "研修を3回実施した。"),
                ("self_evaluation", "順調"),
                ("direction", "継続"),
                ("spending_cut", "300万円"),
                ("revenue", "1.2億円"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let r = PlanRef {
        city: CITY.parse().unwrap(),
        plan: "challenge".into(),
    };
    let fy = FiscalYear::new(2025).unwrap();
    let stored = app.store.progress(&r, &own, fy).await.unwrap().unwrap();
    assert_eq!(stored.progress.spending_cut.unwrap().0, 3_000_000);
    assert_eq!(stored.progress.revenue.unwrap().0, 120_000_000);
    assert_eq!(stored.state.key(), "draft");

    // Submit, from the page's own version.
    let page = editor.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let version = attr_after(&page.body, "name=\"version\" value=\"").unwrap();
    assert_eq!(version, "1");
    let submitted = editor
        .post(
            &item_path(&own),
            &[
                ("action", "submit"),
                ("version", &version),
                ("status", "A"),
                ("result", "研修を3回実施した。"),
                ("direction", "継続"),
            ],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let page = editor.get(&submitted.location).await;
    assert!(page.has("提出しました"));
    assert!(
        !page.has("id=\"edit-form\""),
        "a submitted report is frozen"
    );

    // The office returns it with a comment; a return needs one.
    let page = office.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    assert!(page.has("id=\"review-form\""));
    let v = attr_after(
        &page.body[page.body.find("review-form").unwrap()..],
        "name=\"version\" value=\"",
    )
    .unwrap();
    let empty = office
        .post(
            &format!("{}/review", item_path(&own)),
            &[("decision", "return"), ("comment", " "), ("version", &v)],
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let returned = office
        .post(
            &format!("{}/review", item_path(&own)),
            &[
                ("decision", "return"),
                ("comment", "実施回数の根拠を追記してください"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER);

    // The editor sees why, fixes and resubmits.
    let page = editor.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    assert!(page.has("実施回数の根拠を追記してください"));
    assert!(
        page.has("id=\"edit-form\""),
        "a returned report is editable"
    );
    let v = attr_after(&page.body, "name=\"version\" value=\"").unwrap();
    let resubmitted = editor
        .post(
            &item_path(&own),
            &[
                ("action", "submit"),
                ("version", &v),
                ("status", "A"),
                ("result", "研修を3回（4月・8月・1月）実施した。"),
                ("direction", "継続"),
            ],
        )
        .await;
    assert_eq!(resubmitted.status, StatusCode::SEE_OTHER);

    // The office accepts; the summary changes.
    let page = office.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let v = attr_after(
        &page.body[page.body.find("review-form").unwrap()..],
        "name=\"version\" value=\"",
    )
    .unwrap();
    let accepted = office
        .post(
            &format!("{}/review", item_path(&own)),
            &[("decision", "accept"), ("comment", ""), ("version", &v)],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let dash = office.get(&format!("{PLAN}?fy=2025")).await;
    let after = whole_row(&dash.body);
    let n = |row: &[String], i: usize| row[i].parse::<u32>().unwrap();
    assert_eq!(
        n(&after, 0),
        n(&before, 0) + 1,
        "one more A: {before:?} → {after:?}"
    );
    assert_eq!(n(&after, 3), n(&before, 3) + 1, "total");
    assert_eq!(n(&after, 4) + 1, n(&before, 4), "one fewer unreported");

    // The council gives opinions on the item and on the plan.
    council.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let op = council
        .post(
            &format!("{}/opinion", item_path(&own)),
            &[("body", "成果指標も示すとよい")],
        )
        .await;
    assert_eq!(op.status, StatusCode::SEE_OTHER);
    council.get(&format!("{PLAN}?fy=2025")).await;
    let op = council
        .post(
            &format!("{PLAN}/opinion"),
            &[("fy", "2025"), ("body", "全体として順調")],
        )
        .await;
    assert_eq!(op.status, StatusCode::SEE_OTHER);
    let dash = office.get(&format!("{PLAN}?fy=2025")).await;
    assert!(dash.has("全体として順調"));

    // The office closes the year: frozen for everyone, reopening audited.
    let closed = office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2025"), ("action", "close")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let other = app.other_item.clone();
    let mut editor2 = Browser::login_as(&app, "editor2").await;
    editor2.get(&format!("{PLAN}/items/{other}?fy=2025")).await;
    let late = office
        .post(&item_path(&other), &[("action", "save"), ("result", "x")])
        .await;
    assert_eq!(
        late.status,
        StatusCode::FORBIDDEN,
        "closed year is frozen, even for the office"
    );
    let page = council.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    assert!(!page.has("id=\"opinion\""), "no opinions on a closed year");
    let reopened = office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2025"), ("action", "open")],
        )
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let actions: Vec<String> = app
        .store
        .audit_log(&r, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "open_cycle",
        "save_item",
        "submit_item",
        "return_item",
        "accept_item",
        "add_opinion",
        "close_cycle",
        "reopen_cycle",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "audited: {a} in {actions:?}"
        );
    }
    let log = office.get(&format!("{PLAN}/audit")).await;
    assert!(log.has("reopen_cycle") && log.has("研修を3回"));
    let item = office.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    assert!(item.has("id=\"changes\""), "the item shows its own changes");
}

/// Every route for every role, allowed and denied, including another
/// department's item by direct URL.
async fn authorisation_matrix(app: App) {
    {
        let mut office = Browser::login_as(&app, "office").await;
        office.get(PLAN).await;
        let opened = office
            .post(
                &format!("{PLAN}/cycle"),
                &[("fy", "2025"), ("action", "open")],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    }
    let own = app.own_item.clone();
    let other = app.other_item.clone();
    let editor_id = app
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.login == "editor")
        .unwrap()
        .id;
    let user_page = format!("/admin/users/{editor_id}");
    let gets: Vec<(String, [bool; 4])> = vec![
        // (path, allowed for [office, editor, council, viewer])
        ("/".into(), [true, true, true, true]),
        (PLAN.into(), [true, true, true, true]),
        (format!("{PLAN}?fy=2024&status=-"), [true, true, true, true]),
        (
            format!("{PLAN}/items/{own}?fy=2025"),
            [true, true, true, true],
        ),
        (
            format!("{PLAN}/items/{other}?fy=2025"),
            [true, true, true, true],
        ),
        (format!("{PLAN}/audit"), [true, false, false, false]),
        (format!("{PLAN}/revisions"), [true, false, true, false]),
        (format!("{PLAN}/draft"), [true, false, true, false]),
        ("/plans/new".into(), [true, false, false, false]),
        (
            format!("{PLAN}/draft/nodes/1-1"),
            [true, false, false, false],
        ),
        ("/admin/users".into(), [true, false, false, false]),
        (user_page.clone(), [true, false, false, false]),
        ("/admin/audit".into(), [true, false, false, false]),
        ("/account".into(), [true, true, true, true]),
        (format!("{PLAN}/indicators/o1"), [true, true, true, true]),
        (format!("{PLAN}/actuals"), [true, true, false, false]),
        (
            format!("{PLAN}/actuals/template?fy=2025"),
            [true, true, false, false],
        ),
    ];
    let save = |item: &str| {
        (
            item_path(item),
            vec![("action", "save"), ("result", "matrix")],
        )
    };
    type Post<'a> = (String, Vec<(&'a str, &'a str)>);
    let posts: Vec<(Post, [bool; 4])> = vec![
        (save(&own), [true, true, false, false]),
        (save(&other), [true, false, false, false]),
        (
            (
                format!("{}/review", item_path(&own)),
                vec![("decision", "accept"), ("version", "1")],
            ),
            [true, false, false, false],
        ),
        (
            (
                format!("{}/opinion", item_path(&own)),
                vec![("body", "意見")],
            ),
            [false, false, true, false],
        ),
        (
            (
                format!("{PLAN}/opinion"),
                vec![("fy", "2025"), ("body", "意見")],
            ),
            [false, false, true, false],
        ),
        (
            (
                format!("{PLAN}/cycle"),
                vec![("fy", "2025"), ("action", "open")],
            ),
            [true, false, false, false],
        ),
        (
            (format!("{PLAN}/publish"), vec![("fy", "2025")]),
            [true, false, false, false],
        ),
        // 総務課 answers for 基本施策 1's outcome indicator (its items are
        // 総務課's), not for 基本施策 2's, nor for the plan-wide one.
        (
            (
                format!("{PLAN}/indicators/o1"),
                vec![("v:2025", "40"), ("ver:2025", "")],
            ),
            [true, true, false, false],
        ),
        (
            (
                format!("{PLAN}/indicators/o2-1"),
                vec![("v:2025", "-4.5"), ("ver:2025", "")],
            ),
            [true, false, false, false],
        ),
        (
            (
                format!("{PLAN}/indicators/policy"),
                vec![("v:2025", "50"), ("ver:2025", "")],
            ),
            [true, false, false, false],
        ),
        (
            (format!("{PLAN}/actuals/apply"), vec![("token", "none")]),
            [true, true, false, false],
        ),
        (
            (
                "/admin/users".into(),
                vec![
                    ("login", "newbie"),
                    ("display_name", "新人"),
                    ("role", "viewer"),
                    ("password", "long-enough-password"),
                    ("password2", "long-enough-password"),
                ],
            ),
            [true, false, false, false],
        ),
        (
            (
                user_page.clone(),
                vec![
                    ("display_name", "editor さん"),
                    ("role", "editor"),
                    ("active", "1"),
                    ("dept", "082058/総務課"),
                    ("version", "1"),
                ],
            ),
            [true, false, false, false],
        ),
    ];
    let roles = ["office", "editor", "council", "viewer"];
    for (i, role) in roles.iter().enumerate() {
        let mut b = Browser::login_as(&app, role).await;
        for (path, allowed) in &gets {
            let page = b.get(path).await;
            if allowed[i] {
                assert_eq!(page.status, StatusCode::OK, "{role} GET {path}");
            } else {
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{role} GET {path}");
            }
        }
        for ((path, fields), allowed) in &posts {
            b.get("/account").await;
            let page = b.post(path, fields).await;
            if allowed[i] {
                assert!(
                    page.status != StatusCode::FORBIDDEN && page.status.as_u16() < 500,
                    "{role} POST {path}: {}",
                    page.status
                );
            } else {
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{role} POST {path}");
            }
        }
    }
    // Without a session every page sends the browser to the login page.
    let mut anon = Browser::new(&app);
    for (path, _) in &gets {
        let page = anon.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "anonymous GET {path}");
        assert!(
            page.location.starts_with("/login?next="),
            "{}",
            page.location
        );
    }
    for ((path, fields), _) in &posts {
        let page = anon.post(path, fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "anonymous POST {path}");
        assert!(page.location.starts_with("/login"));
    }
    // The matrix changed nothing it was denied: the other department's
    // item has no report from the editor.
    let r = PlanRef {
        city: CITY.parse().unwrap(),
        plan: "challenge".into(),
    };
    let other_report = app
        .store
        .progress(&r, &other, FiscalYear::new(2025).unwrap())
        .await
        .unwrap();
    assert!(other_report.is_none_or(|p| p.updated_by == "office"));
}

/// CSRF tokens, Origin checks, cookie attributes and security headers.
async fn csrf_and_headers(app: App) {
    let mut b = Browser::new(&app);
    let login_page = b.get("/login").await;
    assert!(login_page.has("name=\"_pre\""));
    // A login posted without the pre-session token is refused.
    let forged = b
        .post_raw(
            "/login",
            &[
                ("login".into(), "office".into()),
                ("password".into(), PASSWORD.into()),
            ],
            None,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mut office = Browser::login_as(&app, "office").await;
    let res = reqwest::Client::new()
        .get(format!("{}/", app.base))
        .header("cookie", office.cookie_header())
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");

    office.get(PLAN).await;
    let open = [
        ("fy".to_string(), "2025".to_string()),
        ("action".to_string(), "open".to_string()),
    ];
    let no_token = office.post_raw(&format!("{PLAN}/cycle"), &open, None).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN, "no CSRF token");
    let mut wrong = open.to_vec();
    wrong.push(("_csrf".into(), "0".repeat(64)));
    let bad = office
        .post_raw(&format!("{PLAN}/cycle"), &wrong, None)
        .await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN, "wrong CSRF token");
    let mut right = open.to_vec();
    right.push(("_csrf".into(), office.csrf.clone()));
    let foreign = office
        .post_raw(
            &format!("{PLAN}/cycle"),
            &right,
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN, "foreign Origin");
    let ok = office
        .post_raw(&format!("{PLAN}/cycle"), &right, None)
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let r = PlanRef {
        city: CITY.parse().unwrap(),
        plan: "challenge".into(),
    };
    assert_eq!(
        app.store.cycles(&r).await.unwrap().len(),
        1,
        "only the genuine request opened the year"
    );

    // Session cookie attributes; logout ends the session for real.
    let mut b = Browser::new(&app);
    let form = b.get("/login").await;
    let pre = attr_after(&form.body, "name=\"_pre\" value=\"").unwrap();
    let res = b
        .http
        .post(format!("{}/login", app.base))
        .header("cookie", format!("gyokaku_pre={pre}"))
        .form(&[
            ("_pre", pre.as_str()),
            ("login", "viewer"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("gyokaku_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let token = cookie["gyokaku_session=".len()..cookie.find(';').unwrap()].to_string();
    let mut viewer = Browser::new(&app);
    viewer.cookies.insert("gyokaku_session".into(), token);
    assert_eq!(viewer.get("/").await.status, StatusCode::OK);
    let out = viewer.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let again = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", app.base))
        .header(
            "cookie",
            format!(
                "gyokaku_session={}",
                &cookie["gyokaku_session=".len()..cookie.find(';').unwrap()]
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "the old token is dead after logout"
    );
}

/// Repeated failures lock a login, even against the right password.
async fn login_throttling(app: App) {
    let mut b = Browser::new(&app);
    let unknown = b.login("nobody", "whatever").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.has("ログインIDまたはパスワードが正しくありません"));
    for _ in 0..4 {
        let p = b.login("council", "wrong-password").await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        assert!(p.has("正しくありません"));
    }
    let fifth = b.login("council", "wrong-password").await;
    assert!(
        fifth.has("ロックされています"),
        "locked after five failures"
    );
    let right = b.login("council", PASSWORD).await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED, "still locked");
    assert!(right.has("ロックされています"));
    // Another login is not affected.
    let other = b.login("viewer", PASSWORD).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

/// Two people edit the same item: the second save is refused with both
/// versions shown and the second person's text kept in the form.
async fn conflict_loses_nothing(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    office.get(PLAN).await;
    office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2025"), ("action", "open")],
        )
        .await;
    let own = app.own_item.clone();
    let mut tab_a = Browser::login_as(&app, "editor").await;
    let mut tab_b = Browser::login_as(&app, "editor").await;
    tab_a.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    tab_b.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let a = tab_a
        .post(
            &item_path(&own),
            &[
                ("action", "save"),
                ("version", ""),
                ("result", "Aさんの実績"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let b = tab_b
        .post(
            &item_path(&own),
            &[
                ("action", "save"),
                ("version", ""),
                ("result", "Bさんの実績"),
            ],
        )
        .await;
    assert_eq!(b.status, StatusCode::CONFLICT);
    assert!(b.has("Aさんの実績"), "the saved version is shown");
    assert!(b.has("Bさんの実績"), "what B typed is kept");
    assert!(b.has("id=\"conflict-h\""));
    // B's form now carries the current version: saving again overwrites
    // deliberately.
    let v = attr_after(
        &b.body[b.body.find("edit-form").unwrap()..],
        "name=\"version\" value=\"",
    )
    .unwrap();
    assert_eq!(v, "1");
    let b2 = tab_b
        .post(
            &item_path(&own),
            &[
                ("action", "save"),
                ("version", &v),
                ("result", "Bさんの実績"),
            ],
        )
        .await;
    assert_eq!(b2.status, StatusCode::SEE_OTHER);
}

/// Bad input is named by field, in the user's language, and nothing is
/// written.
async fn bad_input_is_named(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    office.get(PLAN).await;
    office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2025"), ("action", "open")],
        )
        .await;
    let own = app.own_item.clone();
    let mut editor = Browser::login_as(&app, "editor").await;
    editor.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let bad = editor
        .post(
            &item_path(&own),
            &[
                ("action", "save"),
                ("status", "Z"),
                ("direction", "拡大"),
                ("spending_cut", "三百万"),
                ("result", "消えてはいけない文章"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.has("評価「Z」"), "status named");
    assert!(bad.has("「拡大」"), "direction named");
    assert!(bad.has("歳出削減額"), "amount field named");
    assert!(bad.has("消えてはいけない文章"), "typed text kept");
    let r = PlanRef {
        city: CITY.parse().unwrap(),
        plan: "challenge".into(),
    };
    assert!(app
        .store
        .progress(&r, &own, FiscalYear::new(2025).unwrap())
        .await
        .unwrap()
        .is_none());
    // In English the same errors are in English.
    editor.get("/lang/en?next=/").await;
    editor.get(&format!("{PLAN}/items/{own}?fy=2025")).await;
    let bad = editor
        .post(
            &item_path(&own),
            &[("action", "save"), ("direction", "拡大")],
        )
        .await;
    assert!(bad.has("is not one of the choices"));
    assert!(bad.has("lang=\"en\""));
}

/// Accounts: the office creates one; its owner changes the password; the
/// old password stops working.
async fn accounts(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    office.get("/admin/users").await;
    let short = office
        .post(
            "/admin/users",
            &[
                ("login", "tanaka"),
                ("display_name", "田中"),
                ("role", "editor"),
                ("password", "short"),
                ("password2", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.has("10文字以上"));
    assert!(short.has("担当課を1つ以上"), "an editor needs a department");
    let made = office
        .post(
            "/admin/users",
            &[
                ("login", "tanaka"),
                ("display_name", "田中"),
                ("role", "editor"),
                ("dept", "082058/総務課"),
                ("password", "first-password-1"),
                ("password2", "first-password-1"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let mut tanaka = Browser::new(&app);
    assert_eq!(
        tanaka.login("tanaka", "first-password-1").await.status,
        StatusCode::SEE_OTHER
    );
    tanaka.get("/account").await;
    let wrong = tanaka
        .post(
            "/account",
            &[
                ("current", "nope"),
                ("password", "second-password-2"),
                ("password2", "second-password-2"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let changed = tanaka
        .post(
            "/account",
            &[
                ("current", "first-password-1"),
                ("password", "second-password-2"),
                ("password2", "second-password-2"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let mut fresh = Browser::new(&app);
    assert_eq!(
        fresh.login("tanaka", "first-password-1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.login("tanaka", "second-password-2").await.status,
        StatusCode::SEE_OTHER
    );
    // Deactivating ends the user's sessions at once.
    let users = app.store.users().await.unwrap();
    let t = users.iter().find(|u| u.login == "tanaka").unwrap();
    office.get(&format!("/admin/users/{}", t.id)).await;
    let off = office
        .post(
            &format!("/admin/users/{}", t.id),
            &[
                ("display_name", "田中"),
                ("role", "editor"),
                ("dept", "082058/総務課"),
                ("version", &t.version.to_string()),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    assert_eq!(
        fresh.get("/").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    let log = app.store.audit_log_all(50).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "create_user" && e.entity_key == "tanaka"));
    assert!(log
        .iter()
        .any(|e| e.action == "set_password" && e.entity_key == "tanaka"));
    assert!(
        log.iter()
            .all(|e| !e.after.as_deref().unwrap_or("").contains("argon2")),
        "no hash in the log"
    );
}

/// The indicator registry judges achievement by the documented method, and
/// the fiscal page ranks 安中市 among its peers as 図表-5 does.
async fn registry_and_fiscal(app: App) {
    let mut viewer = Browser::login_as(&app, "viewer").await;
    let reg = viewer
        .get("/indicators?plan=082058/challenge&as_of=2022")
        .await;
    assert_eq!(reg.status, StatusCode::OK);
    assert!(
        reg.has("20件中 1～20件を表示"),
        "石岡's 19 and the test's t1"
    );
    let row = &reg.body[reg.body.find("職員提案の提案数").expect("listed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    // (25 − 20) / (30 − 20) = 50 %, against 2/3 expected by R4: 75 % of
    // the expected progress, so moderate (60–95 %).
    assert!(row.contains("50.0%"), "{row}");
    assert!(row.contains("やや遅れ"), "{row}");
    let moderate = viewer.get("/indicators?class=moderate&as_of=2022").await;
    assert!(moderate.has("職員提案の提案数"));
    let achieved = viewer.get("/indicators?class=achieved&as_of=2022").await;
    assert!(!achieved.has("職員提案の提案数"));
    let searched = viewer
        .get("/indicators?q=%E6%8A%95%E7%A5%A8%E7%8E%87")
        .await;
    assert!(
        searched.has("選挙投票率") && !searched.has("職員提案の提案数"),
        "keyword search"
    );
    // Pending baselines are counted apart, never as zero.
    assert!(reg.has("基準値・目標値未確定"));

    let fiscal = viewer.get("/p/102113/taiko-4/fiscal").await;
    assert_eq!(fiscal.status, StatusCode::OK);
    assert!(
        fiscal.has("本市は 12 団体中 10 位"),
        "安中 is 10th of 12 on 実質公債費比率"
    );
    assert!(
        fiscal.has("role=\"img\""),
        "charts are images with text alternatives"
    );
    assert!(fiscal.has("早期健全化基準"));
    let ishioka = viewer.get("/p/082058/challenge/fiscal").await;
    assert!(ishioka.has("id=\"own-ratios\""));
    assert!(
        ishioka.has("計画に記載"),
        "石岡's own thresholds (12.59%) come from its plan"
    );
}

/// The office publishes a closed year from the dashboard; the site is then
/// served to anyone, and only inside its folder.
async fn publishing(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    office.get(&format!("{PLAN}?fy=2024")).await;
    office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2024"), ("action", "open")],
        )
        .await;
    let open = office
        .post(&format!("{PLAN}/publish"), &[("fy", "2024")])
        .await;
    assert_eq!(open.status, StatusCode::BAD_REQUEST);
    assert!(open.has("締め切ってから公表"), "an open year is refused");
    let mut editor = Browser::login_as(&app, "editor").await;
    editor.get(PLAN).await;
    let denied = editor
        .post(&format!("{PLAN}/publish"), &[("fy", "2024")])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2024"), ("action", "close")],
        )
        .await;
    let done = office
        .post(&format!("{PLAN}/publish"), &[("fy", "2024")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, "/site/082058/challenge/2024/index.html");
    let mut anyone = Browser::new(&app);
    let top = anyone
        .get("/site/082058/challenge/2024/ja/index.html")
        .await;
    assert_eq!(top.status, StatusCode::OK, "published pages need no login");
    assert!(top.has("チャレンジする市役所") && top.has("<html lang=\"ja\">"));
    let pkg = anyone
        .get("/site/082058/challenge/2024/data/datapackage.json")
        .await;
    assert_eq!(pkg.status, StatusCode::OK);
    assert!(pkg.has("tabular-data-package"));
    // The PDF report beside the site where Japanese fonts are installed.
    let pdf = anyone.get("/site/082058/challenge/2024/report.pdf").await;
    if gyokaku_publish::FontSet::discover().is_ok() {
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.body.starts_with("%PDF-"), "report.pdf is a PDF");
    } else {
        assert_eq!(pdf.status, StatusCode::NOT_FOUND);
    }
    for bad in [
        "/site/082058/challenge/2024/../../../etc/passwd",
        "/site/082058/challenge/2024/..%2F..%2Fetc%2Fpasswd",
        "/site/082058/..%2Fchallenge/2024/ja/index.html",
        "/site/082058/challenge/2023/ja/index.html",
    ] {
        assert_eq!(anyone.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
    let dash = office.get(&format!("{PLAN}?fy=2024")).await;
    assert!(
        dash.has("id=\"published-site\""),
        "the dashboard links the site"
    );
    let r = PlanRef {
        city: CITY.parse().unwrap(),
        plan: "challenge".into(),
    };
    let log = app.store.audit_log(&r, 20).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "publish" && e.actor == "office"));
}

fn plan_ref() -> PlanRef {
    PlanRef {
        city: CITY.parse().unwrap(),
        plan: "challenge".into(),
    }
}

async fn stored_actual(app: &App, indicator: &str, fy: i32) -> Option<(String, i64)> {
    app.store
        .plan_indicator_values(&plan_ref())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.value.indicator == indicator && s.value.fy.year() == fy)
        .map(|s| (s.value.value.to_string(), s.version))
}

/// Indicator actuals in the web app: a policy-level indicator entered on
/// its own page, a stale save refused with both values shown, and tables
/// uploaded as CSV (UTF-8 and Shift_JIS) previewed with located errors,
/// then applied all or nothing.
async fn actuals_in_the_web(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    office.get(PLAN).await;
    office
        .post(
            &format!("{PLAN}/cycle"),
            &[("fy", "2025"), ("action", "open")],
        )
        .await;
    assert!(
        office.get(PLAN).await.has("id=\"actuals-link\""),
        "the dashboard leads to the actuals"
    );
    let mut viewer = Browser::login_as(&app, "viewer").await;
    assert!(!viewer.get(PLAN).await.has("id=\"actuals-link\""));
    let mut editor = Browser::login_as(&app, "editor").await;
    let page = editor.get(&format!("{PLAN}/indicators/o1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("仕事にやりがいを持つ市職員の割合"));
    assert!(page.has("id=\"actuals-form\""), "総務課 may enter o1");
    assert!(page.has("name=\"v:2025\""), "only the open year is a field");
    assert!(!page.has("name=\"v:2024\""));

    // Text in a number field: refused, typed text kept, nothing written.
    let bad = editor
        .post(
            &format!("{PLAN}/indicators/o1"),
            &[("v:2025", "約50"), ("n:2025", "速報"), ("ver:2025", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("約50") && bad.has("速報"), "what was typed is kept");
    assert_eq!(stored_actual(&app, "o1", 2025).await, None);

    // Full-width digits are read; the save is audited.
    let saved = editor
        .post(
            &format!("{PLAN}/indicators/o1"),
            &[
                ("v:2025", "５２．５"),
                ("n:2025", "速報値"),
                ("ver:2025", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        stored_actual(&app, "o1", 2025).await,
        Some(("52.5".into(), 1))
    );
    let log = app.store.audit_log(&plan_ref(), 10).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.actor == "editor" && e.entity_key == "o1/2025"));

    // A save based on the page before the office's change is refused and
    // shows both values; the office's value stays.
    office.get(&format!("{PLAN}/indicators/o1")).await;
    let theirs = office
        .post(
            &format!("{PLAN}/indicators/o1"),
            &[("v:2025", "53"), ("ver:2025", "1")],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::SEE_OTHER);
    let stale = editor
        .post(
            &format!("{PLAN}/indicators/o1"),
            &[("v:2025", "54"), ("ver:2025", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("value=\"54\""), "the editor's value is kept");
    assert!(
        stale.has("<td>53</td>"),
        "the stored value is shown beside it"
    );
    assert_eq!(
        stored_actual(&app, "o1", 2025).await,
        Some(("53".into(), 2))
    );

    // The template holds the editor's indicators only, with their names.
    let template = editor
        .get(&format!("{PLAN}/actuals/template?fy=2025"))
        .await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.body.starts_with('\u{FEFF}'), "a BOM for Excel");
    assert!(template
        .body
        .contains("indicator,fy,value,unit,note,name\r\n"));
    assert!(template
        .body
        .contains("o1,2025,53,%,,仕事にやりがいを持つ市職員の割合"));
    assert!(!template.body.contains("o2-1,"), "not 総務課's");

    // A table with an indicator of another department, a closed year and
    // text in a number cell: every problem located, nothing written.
    editor.get(&format!("{PLAN}/actuals")).await;
    let csv = "indicator,fy,value,unit,note\n\
               r1-1,2025,31,,\n\
               o2-1,2025,-4.0,,\n\
               r1-1,2024,30,,\n\
               o6,R7,たくさん,,\n";
    let refused = editor
        .upload(&format!("{PLAN}/actuals"), "actuals.csv", csv.as_bytes())
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("actuals.csv 3行目 indicator列"),
        "{}",
        refused.body
    );
    assert!(refused.has("担当外"));
    assert!(refused.has("actuals.csv 4行目 fy列"));
    assert!(refused.has("actuals.csv 5行目 value列"));
    assert!(!refused.has("name=\"token\""), "nothing can be applied");
    assert_eq!(stored_actual(&app, "r1-1", 2025).await, None);

    // The same table as Excel on Japanese Windows saves it (Shift_JIS),
    // with the name column of the template: previewed, then applied.
    let csv = "indicator,fy,value,unit,note,name\r\n\
               r1-1,令和7年度,31,件,提案箱と電子申請の合計,職員提案の提案数\r\n\
               o1,2025,53,%,,仕事にやりがいを持つ市職員の割合\r\n";
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(csv);
    assert!(!lossy);
    let preview = editor
        .upload(&format!("{PLAN}/actuals"), "実績.csv", &sjis)
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.has("変更 1 件、変更なし 1 件"), "{}", preview.body);
    assert!(
        preview.has("提案箱と電子申請の合計"),
        "decoded from Shift_JIS"
    );
    assert_eq!(
        stored_actual(&app, "r1-1", 2025).await,
        None,
        "a preview writes nothing"
    );
    let token = attr_after(&preview.body, "name=\"token\" value=\"").unwrap();
    let applied = editor
        .post(&format!("{PLAN}/actuals/apply"), &[("token", &token)])
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert_eq!(
        stored_actual(&app, "r1-1", 2025).await,
        Some(("31".into(), 1))
    );
    let again = editor
        .post(&format!("{PLAN}/actuals/apply"), &[("token", &token)])
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "applied once only");

    // A preview overtaken by another save is refused whole.
    let csv = "indicator,fy,value,unit,note\nr1-1,2025,32,,\no1,2025,55,,\n";
    let preview = editor
        .upload(&format!("{PLAN}/actuals"), "a.csv", csv.as_bytes())
        .await;
    let token = attr_after(&preview.body, "name=\"token\" value=\"").unwrap();
    office.get(&format!("{PLAN}/indicators/r1-1")).await;
    office
        .post(
            &format!("{PLAN}/indicators/r1-1"),
            &[("v:2025", "33"), ("ver:2025", "1")],
        )
        .await;
    let overtaken = editor
        .post(&format!("{PLAN}/actuals/apply"), &[("token", &token)])
        .await;
    assert_eq!(overtaken.status, StatusCode::CONFLICT);
    assert_eq!(
        stored_actual(&app, "o1", 2025).await,
        Some(("53".into(), 2)),
        "all or nothing: o1 is not written either"
    );

    // A row left as the page showed it is not written: it cannot undo the
    // office's newer value, and it is no conflict either.
    let untouched = editor
        .post(
            &format!("{PLAN}/indicators/r1-1"),
            &[
                ("v:2025", "31"),
                ("o:2025", "31"),
                ("n:2025", "提案箱と電子申請の合計"),
                ("on:2025", "提案箱と電子申請の合計"),
                ("ver:2025", "1"),
            ],
        )
        .await;
    assert_eq!(
        untouched.status,
        StatusCode::SEE_OTHER,
        "{}",
        untouched.body
    );
    assert_eq!(
        stored_actual(&app, "r1-1", 2025).await,
        Some(("33".into(), 2))
    );

    // Once the item's report is submitted, its own indicator is frozen for
    // the editor, on the indicator page and in an upload, as the report is.
    let own_item = "/p/082058/challenge/items/1-1/2025";
    editor.get("/p/082058/challenge/items/1-1?fy=2025").await;
    let first = editor
        .post(
            &format!("{PLAN}/indicators/t1"),
            &[("v:2025", "120"), ("ver:2025", "")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The report form leaves the actual alone when it is not changed there.
    editor.get("/p/082058/challenge/items/1-1?fy=2025").await;
    office.get(&format!("{PLAN}/indicators/t1")).await;
    office
        .post(
            &format!("{PLAN}/indicators/t1"),
            &[("v:2025", "125"), ("ver:2025", "1")],
        )
        .await;
    let submitted = editor
        .post(
            own_item,
            &[
                ("action", "submit"),
                ("result", "実施"),
                ("ind:t1", "120"),
                ("was:t1", "120"),
            ],
        )
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    assert_eq!(
        stored_actual(&app, "t1", 2025).await,
        Some(("125".into(), 2)),
        "the form did not put back the value it had shown"
    );
    let frozen = editor
        .post(
            &format!("{PLAN}/indicators/t1"),
            &[("v:2025", "130"), ("ver:2025", "2")],
        )
        .await;
    assert_eq!(frozen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(frozen.has("提出済み"), "{}", frozen.body);
    let page = editor.get(&format!("{PLAN}/indicators/t1")).await;
    assert!(
        !page.has("name=\"v:2025\""),
        "no field while the report is submitted"
    );
    let csv = "indicator,fy,value,unit,note\nt1,2025,130,,\n";
    let refused = editor
        .upload(&format!("{PLAN}/actuals"), "t.csv", csv.as_bytes())
        .await;
    assert!(refused.has("t.csv 2行目 fy列"), "{}", refused.body);
    assert_eq!(
        stored_actual(&app, "t1", 2025).await,
        Some(("125".into(), 2))
    );
    // The template's rows left blank are skipped, not refused.
    let csv = "indicator,fy,value,unit,note,name\nr1-1,2025,34,,,\no1,2025,,,,\n";
    let blank = editor
        .upload(&format!("{PLAN}/actuals"), "t.csv", csv.as_bytes())
        .await;
    assert!(blank.has("変更 1 件、変更なし 0 件"), "{}", blank.body);

    // The registry, filtered to the editor's departments.
    let mine = editor.get("/indicators?dept=mine").await;
    assert!(mine.has("仕事にやりがいを持つ市職員の割合"));
    assert!(!mine.has("実質赤字比率"), "基本施策 2 is not 総務課's");
    let finance = editor
        .get("/indicators?dept=082058/%E8%B2%A1%E6%94%BF%E8%AA%B2")
        .await;
    assert!(finance.has("実質赤字比率") && !finance.has("職員提案の提案数"));
    assert!(mine.has(&format!("href=\"{PLAN}/indicators/o1\"")));
}

/// The office and the council read the plan's revisions and compare any
/// two; a revision number that is not stored is not found.
async fn revisions_in_the_web(app: App) {
    let r = plan_ref();
    let mut doc = app.store.export_plan(&r).await.unwrap();
    let first = doc.nodes[0].title.clone();
    doc.nodes[0].title = "改めた方針の名称".into();
    let options = gyokaku_domain::revision::RevisionOptions {
        kind: Some("見直し".into()),
        first_year: Some(gyokaku_domain::FiscalYear::new(2026).unwrap()),
        reason: Some("年次見直し".into()),
        ..Default::default()
    };
    app.store
        .revise_plan(&doc, &options, Some(1), "office")
        .await
        .unwrap();
    let mut office = Browser::login_as(&app, "office").await;
    let dash = office.get(PLAN).await;
    assert!(dash.has("id=\"revisions-link\""));
    // Each year shows the plan as it applies to it.
    let y2025 = office.get(&format!("{PLAN}?fy=2025")).await;
    let y2026 = office.get(&format!("{PLAN}?fy=2026")).await;
    assert!(y2025.has(&first) && !y2025.has("改めた方針の名称"));
    assert!(
        y2026.has("改めた方針の名称") && !y2026.has(&first),
        "{}",
        y2026.body
    );
    let page = office.get(&format!("{PLAN}/revisions")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.has("見直し") && page.has("年次見直し"),
        "{}",
        page.body
    );
    assert!(
        page.has(&first) && page.has("改めた方針の名称"),
        "the diff 1 → 2"
    );
    let same = office.get(&format!("{PLAN}/revisions?from=2&to=2")).await;
    assert!(same.has("id=\"no-changes\"") && !same.has("改めた方針の名称</td>"));
    let missing = office.get(&format!("{PLAN}/revisions?from=1&to=9")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let mut council = Browser::login_as(&app, "council").await;
    let page = council.get(&format!("{PLAN}/revisions?from=1&to=2")).await;
    assert!(page.has("改めた方針の名称"));
    let mut editor = Browser::login_as(&app, "editor").await;
    let denied = editor.get(&format!("{PLAN}/revisions")).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

/// The office revises the plan in the app: a node changed and moved, one
/// added, a bad move refused with what was typed kept, a stale save a
/// conflict; the council reads the draft; adopting it makes revision 2.
async fn revising_in_the_web(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    let page = office.get(&format!("{PLAN}/draft")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("id=\"draft-state\"") && page.has("id=\"add-form\""));
    let form = office.get(&format!("{PLAN}/draft/nodes/1-2")).await;
    assert!(form.has("研修制度の充実"), "{}", form.body);
    // Renamed and moved under 基本施策2, in one save.
    let saved = office
        .post(
            &format!("{PLAN}/draft/nodes/1-2"),
            &[
                ("action", "save"),
                ("version", ""),
                ("title", "研修制度の充実と見直し"),
                ("parent", "2"),
                ("departments", "総務課"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // The same form again (version none): a conflict, typed text kept.
    let stale = office
        .post(
            &format!("{PLAN}/draft/nodes/1-1"),
            &[
                ("action", "save"),
                ("version", ""),
                ("title", "古い版からの変更"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.has("古い版からの変更") && stale.has("id=\"node-error\""));
    // Under itself: refused, the field named, what was typed kept.
    let bad = office
        .post(
            &format!("{PLAN}/draft/nodes/1"),
            &[
                ("action", "save"),
                ("version", "1"),
                ("title", "打ち直した名称"),
                ("parent", "1-1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.has("自分自身やその下の項目") && bad.has("打ち直した名称"));
    let added = office
        .post(
            &format!("{PLAN}/draft/add"),
            &[
                ("version", "1"),
                ("parent", "1"),
                ("level", "initiative"),
                ("id", "1-new"),
                ("title", "デジタル人材の育成"),
                ("departments", "総務課"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    // A yearly plan and SDGs; a line that is not a year refused, kept.
    let scheduled = office
        .post(
            &format!("{PLAN}/draft/nodes/1-1"),
            &[
                ("action", "save"),
                ("version", "2"),
                ("title", "多様な人材の確保"),
                ("parent", "1"),
                ("departments", "総務課"),
                ("sdgs", "8"),
                ("sdgs", "16"),
                ("schedule", "令和8年度： 検討\nR9: 実施"),
            ],
        )
        .await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.body
    );
    let bad_year = office
        .post(
            &format!("{PLAN}/draft/nodes/1-1"),
            &[
                ("action", "save"),
                ("version", "3"),
                ("title", "多様な人材の確保"),
                ("parent", "1"),
                ("schedule", "来年: 何か"),
            ],
        )
        .await;
    assert_eq!(bad_year.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_year.has("1行目") && bad_year.has("来年: 何か"),
        "{}",
        bad_year.body
    );
    let draft = office.get(&format!("{PLAN}/draft")).await;
    assert!(draft.has("研修制度の充実と見直し") && draft.has("デジタル人材の育成"));
    assert!(
        draft.has("年次計画") && draft.has("令和9年度: 実施"),
        "{}",
        draft.body
    );
    assert!(draft.has("id=\"changes\"") && draft.has("1-new"));
    // The council reads it; an editor may not.
    let mut council = Browser::login_as(&app, "council").await;
    let read = council.get(&format!("{PLAN}/draft")).await;
    assert!(read.has("研修制度の充実と見直し") && !read.has("id=\"adopt-form\""));
    let mut editor = Browser::login_as(&app, "editor").await;
    assert_eq!(
        editor.get(&format!("{PLAN}/draft")).await.status,
        StatusCode::FORBIDDEN
    );
    let no = editor
        .post(&format!("{PLAN}/draft/add"), &[("id", "x"), ("title", "x")])
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
    // Adopted from FY2026: revision 2, the draft gone.
    let adopted = office
        .post(
            &format!("{PLAN}/draft/adopt"),
            &[
                ("version", "3"),
                ("kind", "見直し"),
                ("first_year", "令和8年度"),
                ("reason", "年次見直し"),
            ],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    let revisions = app.store.revisions(&plan_ref()).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[1].entry.reason.as_deref(), Some("年次見直し"));
    assert!(app.store.draft(&plan_ref()).await.unwrap().is_none());
    let doc = app.store.export_plan(&plan_ref()).await.unwrap();
    assert!(doc.nodes[1].children.iter().any(|n| n.id == "1-2"));
}

/// The office starts a plan for a city picked from the national list,
/// from a template, adds a policy and an item with its department in the
/// draft, adopts it, and the dashboard counts the item.
async fn starting_a_plan(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    let home = office.get("/").await;
    assert!(home.has("id=\"new-plan\""));
    let pick = office
        .get("/plans/new?pref=%E8%8C%A8%E5%9F%8E%E7%9C%8C")
        .await;
    assert_eq!(pick.status, StatusCode::OK);
    assert!(pick.has("水戸市 (082015)") && pick.has("id=\"start-form\""));
    let fields = |id: &'static str, departments: &'static str| {
        vec![
            ("city", "082015"),
            ("id", id),
            ("title", "水戸市行財政改革大綱"),
            ("generation", "第1次"),
            ("period_from", "令和8年度"),
            ("period_to", "R12"),
            ("template", "three"),
            ("departments", departments),
        ]
    };
    // A department line that is not 部 or 部/課: refused, typed text kept.
    let bad = office
        .post("/plans/new", &fields("taiko-1", "総務部/総務課/係"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.has("1行目") && bad.has("水戸市行財政改革大綱"),
        "{}",
        bad.body
    );
    // The id of a plan the city already has: refused.
    let taken = office
        .post(
            "/plans/new",
            &[
                ("city", "082058"),
                ("id", "challenge"),
                ("title", "重複"),
                ("template", "two"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    let made = office
        .post(
            "/plans/new",
            &fields("taiko-1", "総務部\n総務部/行政改革課\n財政課"),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location, "/p/082015/taiko-1/draft?done=plan_started");
    let plan = "/p/082015/taiko-1";
    let draft = office.get(&made.location).await;
    assert!(draft.has("計画を作りました"), "{}", draft.body);
    for (version, parent, level, id, title, dept) in [
        ("", "", "policy", "1", "持続可能な行財政運営", ""),
        ("1", "1", "measure", "1-1", "公共施設の最適化", ""),
        (
            "2",
            "1-1",
            "item",
            "1-1-1",
            "公共施設等総合管理計画の推進",
            "総務部/行政改革課",
        ),
    ] {
        let added = office
            .post(
                &format!("{plan}/draft/add"),
                &[
                    ("version", version),
                    ("parent", parent),
                    ("level", level),
                    ("id", id),
                    ("number", "1"),
                    ("title", title),
                    ("departments", dept),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{id}: {}", added.body);
    }
    // An indicator: a bound without its value is refused, field named.
    let indicator = |version: &'static str, value: &'static str| {
        vec![
            ("version", version),
            ("id", "floor-area"),
            ("name", "公共施設の延床面積"),
            ("kind", "outcome"),
            ("node", "1-1-1"),
            ("unit", "㎡"),
            ("target_kind", "at_most"),
            ("target_fy", "令和12年度"),
            ("target_value", value),
        ]
    };
    let bad = office
        .post(&format!("{plan}/draft/indicators"), &indicator("3", ""))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.has("target_value") && bad.has("目標値（数値）が必要"),
        "{}",
        bad.body
    );
    let added = office
        .post(
            &format!("{plan}/draft/indicators"),
            &indicator("3", "４５０，０００"),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let form = office
        .get(&format!("{plan}/draft/indicators/floor-area"))
        .await;
    assert!(form.has("value=\"450000\""), "{}", form.body);
    let mut tighter = indicator("4", "430000");
    tighter.retain(|(k, _)| *k != "id");
    let changed = office
        .post(&format!("{plan}/draft/indicators/floor-area"), &tighter)
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let draft = office.get(&format!("{plan}/draft")).await;
    assert!(draft.has("430000以下"), "{}", draft.body);
    let adopted = office
        .post(
            &format!("{plan}/draft/adopt"),
            &[
                ("version", "5"),
                ("kind", "策定"),
                ("first_year", "令和8年度"),
            ],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    let dash = office.get(&format!("{plan}?fy=2026")).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(
        dash.has("公共施設等総合管理計画の推進") && dash.has("行政改革課"),
        "{}",
        dash.body
    );
    let r = PlanRef {
        city: "082015".parse().unwrap(),
        plan: "taiko-1".into(),
    };
    let doc = app.store.export_plan(&r).await.unwrap();
    assert_eq!(doc.header.city.name, "水戸市");
    assert_eq!(doc.header.status_scale.len(), 6);
    assert_eq!(doc.indicators.len(), 1);
    let target = doc.indicators[0].target.as_ref().and_then(|t| t.value);
    assert_eq!(target.map(|v| v.to_string()).as_deref(), Some("430000"));
}

/// The office revises the plan in Excel: downloads it, renames an item and
/// adds one, uploads, sees the diff, takes it into the draft; a workbook
/// with an edited hidden ID is refused with its cell, a stale one is
/// refused, the council downloads but cannot upload, an editor can do
/// neither; a blank workbook filled in starts a new plan.
async fn plan_workbook_in_the_web(app: App) {
    use gyokaku_interchange::plan_book::testing::{column, rewrite, row_of};
    use gyokaku_interchange::plan_book::{SHEET_DEPTS, SHEET_NODES, SHEET_PLAN};
    let mut office = Browser::login_as(&app, "office").await;
    let draft = office.get(&format!("{PLAN}/draft")).await;
    assert!(draft.has("id=\"plan-workbook-form\""), "{}", draft.body);
    let (status, bytes) = office.bytes(&format!("{PLAN}/plan.xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    let id = column(&bytes, SHEET_NODES, "ID");
    let title = column(&bytes, SHEET_NODES, "表題");
    let level = column(&bytes, SHEET_NODES, "階層");
    let number = column(&bytes, SHEET_NODES, "番号");
    let row = row_of(&bytes, SHEET_NODES, id, "1-1");
    let after = row_of(&bytes, SHEET_NODES, id, "1-2");
    let edited = rewrite(
        &bytes,
        &[(SHEET_NODES, row, title, Some("多様な人材の確保と育成"))],
        None,
    );
    // Another department's view: the council downloads, cannot upload.
    let mut council = Browser::login_as(&app, "council").await;
    assert_eq!(
        council.bytes(&format!("{PLAN}/plan.xlsx")).await.0,
        StatusCode::OK
    );
    council.get(&format!("{PLAN}/draft")).await;
    let refused = council
        .upload(&format!("{PLAN}/draft/workbook"), "plan.xlsx", &edited)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut editor = Browser::login_as(&app, "editor").await;
    assert_eq!(
        editor.bytes(&format!("{PLAN}/plan.xlsx")).await.0,
        StatusCode::FORBIDDEN
    );
    // An edited hidden ID: refused with its cell, nothing written.
    let forged = rewrite(&bytes, &[(SHEET_NODES, after, id, Some("1-1"))], None);
    let page = office
        .upload(&format!("{PLAN}/draft/workbook"), "forged.xlsx", &forged)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let cell = format!(
        "取組!{}{}",
        gyokaku_domain::text::column_letters(id as usize),
        after + 1
    );
    assert!(page.has(&cell) && page.has("隠れたID"), "{}", page.body);
    assert!(app.store.draft(&plan_ref()).await.unwrap().is_none());
    // The edited workbook: previewed, then taken into the draft.
    let page = office
        .upload(&format!("{PLAN}/draft/workbook"), "edited.xlsx", &edited)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("id=\"changes\"") && page.has("多様な人材の確保と育成"));
    let token = attr_after(&page.body, "name=\"token\" value=\"").expect("a token");
    let applied = office
        .post(
            &format!("{PLAN}/draft/workbook/apply"),
            &[("token", &token)],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let draft = app
        .store
        .draft(&plan_ref())
        .await
        .unwrap()
        .expect("a draft");
    assert!(walk_nodes(&draft.doc.nodes)
        .iter()
        .any(|(n, _, _)| n.id == "1-1" && n.title == "多様な人材の確保と育成"));
    // The same token twice: expired.
    let again = office
        .post(
            &format!("{PLAN}/draft/workbook/apply"),
            &[("token", &token)],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    // The revision's workbook, uploaded over the draft: refused as stale.
    let stale = office
        .upload(&format!("{PLAN}/draft/workbook"), "edited.xlsx", &edited)
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stale.has("改訂案が作られたか変更されています"),
        "{}",
        stale.body
    );
    // The draft's workbook: an item added after 1-2.
    let (_, from_draft) = office.bytes(&format!("{PLAN}/plan.xlsx")).await;
    let last = gyokaku_interchange::plan_book::testing::cells(&from_draft)
        .into_iter()
        .find(|(n, _)| n == SHEET_NODES)
        .map(|(_, c)| c.keys().map(|(r, _)| *r).max().unwrap())
        .unwrap()
        + 1;
    let added = rewrite(
        &from_draft,
        &[
            (SHEET_NODES, last, level, Some("具体的な取組")),
            (SHEET_NODES, last, number, Some("9")),
            (SHEET_NODES, last, title, Some("会議資料のペーパーレス化")),
        ],
        None,
    );
    let page = office
        .upload(&format!("{PLAN}/draft/workbook"), "added.xlsx", &added)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.has("id=\"pb-replaces\"") && page.has("会議資料のペーパーレス化"));
    let token = attr_after(&page.body, "name=\"token\" value=\"").expect("a token");
    let applied = office
        .post(
            &format!("{PLAN}/draft/workbook/apply"),
            &[("token", &token)],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let draft = office.get(&format!("{PLAN}/draft")).await;
    assert!(draft.has("会議資料のペーパーレス化") && draft.has("多様な人材の確保と育成"));

    // A new plan from the blank workbook.
    let (status, blank) = office.bytes("/plans/new/plan.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let filled = rewrite(
        &blank,
        &[
            (SHEET_PLAN, 2, 1, Some("082015")),
            (SHEET_PLAN, 3, 1, Some("excel-r8")),
            (SHEET_PLAN, 4, 1, Some("水戸市行財政改革プラン")),
            (SHEET_DEPTS, 2, 1, Some("行政改革課")),
            (SHEET_NODES, 2, 0, Some("方針")),
            (SHEET_NODES, 2, 1, Some("1")),
            (SHEET_NODES, 2, 2, Some("行政運営の効率化")),
            (SHEET_NODES, 3, 0, Some("取組")),
            (SHEET_NODES, 3, 1, Some("1")),
            (SHEET_NODES, 3, 2, Some("電子申請の拡大")),
            (SHEET_NODES, 3, 5, Some("行政改革課")),
        ],
        None,
    );
    office.get("/plans/new").await;
    let made = office
        .upload("/plans/new/workbook", "new.xlsx", &filled)
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location, "/p/082015/excel-r8?done=plan_started");
    let again = office
        .upload("/plans/new/workbook", "new.xlsx", &filled)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The office changes the plan's settings in the draft: two 課 merged
/// (the items follow), a bad merger refused with what was typed kept, a
/// glossary term renamed (its marks kept), an axis added, the scale cut to
/// two steps; the council reads, an editor may not.
async fn settings_in_the_web(app: App) {
    let mut office = Browser::login_as(&app, "office").await;
    let page = office.get(&format!("{PLAN}/draft/settings")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("id=\"settings-departments\"") && page.has("id=\"glossary-form\""));
    // Without a day it ended: refused, the form as typed.
    let path = format!(
        "{PLAN}/draft/departments/{}",
        "%E8%A1%8C%E9%9D%A9%E6%8E%A8%E9%80%B2%E8%AA%B2"
    );
    let form = office.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let refused = office
        .post(
            &path,
            &[
                ("version", ""),
                ("name", "行革推進課（旧）"),
                ("kind", "division"),
                ("successor", "総務課"),
                ("move_items", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.has("廃止日") && refused.has("行革推進課（旧）"),
        "{}",
        refused.body
    );
    let merged = office
        .post(
            &path,
            &[
                ("version", ""),
                ("name", "行革推進課"),
                ("kind", "division"),
                ("valid_to", "令和8年3月31日"),
                ("successor", "総務課"),
                ("move_items", "1"),
            ],
        )
        .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let draft = app
        .store
        .draft(&plan_ref())
        .await
        .unwrap()
        .expect("a draft");
    let nodes = walk_nodes(&draft.doc.nodes);
    assert!(nodes
        .iter()
        .all(|(n, _, _)| !n.departments.iter().any(|d| d == "行革推進課")));
    assert!(nodes
        .iter()
        .any(|(n, _, _)| n.id == "1-6" && n.departments == ["総務課"]));
    // The glossary: the first term renamed keeps its marks.
    let terms = draft.doc.glossary.clone();
    let marks = terms[0].marks.len();
    let mut fields: Vec<(String, String)> = vec![("version".into(), "1".into())];
    for (i, t) in terms.iter().enumerate() {
        let term = if i == 0 {
            format!("{}（人工知能）", t.term)
        } else {
            t.term.clone()
        };
        fields.extend([
            ("was".into(), t.term.clone()),
            ("term".into(), term),
            ("reading".into(), t.reading.clone().unwrap_or_default()),
            ("description".into(), t.description.clone()),
            ("note".into(), t.note.clone().unwrap_or_default()),
        ]);
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = office
        .post(&format!("{PLAN}/draft/settings/glossary"), &pairs)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let draft = app.store.draft(&plan_ref()).await.unwrap().unwrap();
    assert_eq!(draft.doc.glossary.len(), terms.len());
    assert!(draft.doc.glossary[0].term.ends_with("（人工知能）"));
    assert_eq!(draft.doc.glossary[0].marks.len(), marks);
    // An axis with two values.
    office.get(&format!("{PLAN}/draft/axes/new")).await;
    let added = office
        .post(
            &format!("{PLAN}/draft/axes"),
            &[
                ("version", "2"),
                ("key", "dx"),
                ("name", "DX"),
                ("kind", "multi"),
                ("code", "手続"),
                ("label", "手続のオンライン化"),
                ("code", "内部"),
                ("label", "内部事務の効率化"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    // The scale, two steps; a code twice is refused, rows kept.
    let twice = office
        .post(
            &format!("{PLAN}/draft/settings/scale"),
            &[
                ("version", "3"),
                ("code", "A"),
                ("label", "順調"),
                ("achieved", "yes"),
                ("code", "A"),
                ("label", "遅れ"),
                ("achieved", "no"),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(
        twice.has("二度") && twice.has("value=\"遅れ\""),
        "{}",
        twice.body
    );
    let settings = office.get(&format!("{PLAN}/draft/settings")).await;
    assert!(settings.has("手続のオンライン化") && settings.has("id=\"settings-axes\""));
    // The node form marks the new axis and fills a text section.
    let form = office.get(&format!("{PLAN}/draft/nodes/1-1")).await;
    assert!(form.has("name=\"axis:dx\"") && form.has("name=\"section:vision\""));
    let marked = office
        .post(
            &format!("{PLAN}/draft/nodes/1-1"),
            &[
                ("action", "save"),
                ("version", "3"),
                ("title", "多様な人材の確保"),
                ("parent", "1"),
                ("departments", "総務課"),
                ("axes_shown", "1"),
                ("axis:dx", "手続"),
                ("sections_shown", "1"),
                ("section:vision", "多様な人材が活躍する市役所"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let draft = app.store.draft(&plan_ref()).await.unwrap().unwrap();
    let n = walk_nodes(&draft.doc.nodes)
        .into_iter()
        .find(|(n, _, _)| n.id == "1-1")
        .unwrap()
        .0
        .clone();
    assert_eq!(
        n.axes.get("dx"),
        Some(&gyokaku_domain::AxisMark::Codes(vec!["手続".into()]))
    );
    assert_eq!(
        n.sections.get("vision").map(String::as_str),
        Some("多様な人材が活躍する市役所")
    );
    // A value that is not the axis's: refused.
    let wrong = office
        .post(
            &format!("{PLAN}/draft/nodes/1-1"),
            &[
                ("action", "save"),
                ("version", "4"),
                ("title", "多様な人材の確保"),
                ("parent", "1"),
                ("axes_shown", "1"),
                ("axis:dx", "存在しない値"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    // The scale as the page posts it: blank rows (their selects set) drop.
    let scale = office
        .post(
            &format!("{PLAN}/draft/settings/scale"),
            &[
                ("version", "4"),
                ("code", "A"),
                ("label", "順調"),
                ("label_en", ""),
                ("achieved", "yes"),
                ("code", "C"),
                ("label", "遅れ"),
                ("label_en", "Late"),
                ("achieved", "no"),
                ("code", ""),
                ("label", ""),
                ("label_en", ""),
                ("achieved", "yes"),
            ],
        )
        .await;
    assert_eq!(scale.status, StatusCode::SEE_OTHER, "{}", scale.body);
    let draft = app.store.draft(&plan_ref()).await.unwrap().unwrap();
    let codes: Vec<(&str, bool)> = draft
        .doc
        .header
        .status_scale
        .iter()
        .map(|l| (l.code.as_str(), l.achieved))
        .collect();
    assert_eq!(codes, [("A", true), ("C", false)]);
    // The council reads, cannot save; an editor cannot read.
    let mut council = Browser::login_as(&app, "council").await;
    let read = council.get(&format!("{PLAN}/draft/settings")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(
        read.has("手続のオンライン化")
            && !read.has("下書きに保存")
            && !read.has("id=\"add-department\"")
    );
    let denied = council
        .post(&format!("{PLAN}/draft/settings/scale"), &[("version", "4")])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let mut editor = Browser::login_as(&app, "editor").await;
    assert_eq!(
        editor.get(&format!("{PLAN}/draft/settings")).await.status,
        StatusCode::FORBIDDEN
    );
}

macro_rules! on_both_backends {
    ($($name:ident => $story:ident;)*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (store, dir) = super::sqlite_store().await;
                    super::$story(super::start(store, Some(dir)).await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(store) = super::postgres_store().await {
                        super::$story(super::start(store, None).await).await;
                    }
                }
            )*
        }
    };
}

on_both_backends! {
    the_whole_yearly_cycle_works_over_http => whole_cycle;
    every_route_checks_every_role => authorisation_matrix;
    forms_need_csrf_tokens_and_pages_send_security_headers => csrf_and_headers;
    repeated_login_failures_lock_the_login => login_throttling;
    a_save_over_a_newer_version_is_refused_and_loses_nothing => conflict_loses_nothing;
    bad_input_is_named_and_nothing_is_written => bad_input_is_named;
    accounts_are_created_and_passwords_changed => accounts;
    the_registry_judges_indicators_and_peers_are_ranked => registry_and_fiscal;
    the_office_publishes_a_closed_year => publishing;
    actuals_are_entered_and_uploaded_in_the_web_app => actuals_in_the_web;
    the_office_and_the_council_read_the_revisions => revisions_in_the_web;
    the_office_revises_the_plan_in_the_app => revising_in_the_web;
    the_office_starts_a_plan_from_a_template => starting_a_plan;
    the_office_revises_the_plan_in_excel => plan_workbook_in_the_web;
    the_office_changes_the_plans_settings => settings_in_the_web;
}
