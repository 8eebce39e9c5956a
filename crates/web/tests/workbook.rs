//! The department workbook round trip, told as stories against the real
//! app on port 0: 財政課 downloads its workbook, fills it in offline, and
//! uploads it; a bad workbook is refused cell by cell and applies nothing,
//! a good one is previewed and applied whole, a stale one is caught.

use std::io::{Cursor, Write};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use gyokaku_domain::{Decimal, FiscalYear, Indicator, IndicatorKind, Progress, StatusLevel, Yen};
use gyokaku_store::{DeptRef, ItemEdit, NewUser, OnExisting, ReportState, Role, SqlStore};
use gyokaku_web::auth::{random_token, token_hash};

const CITY: &str = "082058";
const PLAN: &str = "challenge";
const DEPT: &str = "財政課";

struct App {
    base: String,
    store: SqlStore,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// A signed-in user: the session cookie and the CSRF token.
struct Who {
    cookie: String,
    csrf: String,
}

fn level(code: &str, label: &str) -> StatusLevel {
    StatusLevel {
        code: code.into(),
        label: label.into(),
        label_en: None,
        achieved: code != "C",
    }
}

async fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.sqlite").display());
    let store = SqlStore::connect(&url).await.unwrap();
    let mut doc = gyokaku_interchange::read_plan_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ishioka"),
    )
    .unwrap();
    doc.header.status_scale = vec![
        level("A", "計画どおり"),
        level("B", "一部達成"),
        level("C", "遅れ"),
    ];
    doc.indicators.push(Indicator {
        retired: None,
        id: "i-2-3".into(),
        node: Some("2-3".into()),
        kind: IndicatorKind::Outcome,
        name: "口座振替の件数".into(),
        definition: None,
        unit: Some("件".into()),
        source: None,
        cumulative: false,
        challenge: false,
        baseline: None,
        target: None,
        note: None,
    });
    let plan = store
        .import_plan(&doc, OnExisting::Refuse, "test")
        .await
        .unwrap();
    store
        .open_cycle(&plan, FiscalYear::new(2025).unwrap(), None, "office")
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(gyokaku_web::serve(
        gyokaku_web::state(store.clone(), false),
        listener,
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    App {
        base,
        store,
        client,
        _dir: dir,
    }
}

impl App {
    async fn user(&self, login: &str, role: Role, depts: &[&str]) -> Who {
        let user = self
            .store
            .create_user(
                &NewUser {
                    login: login.into(),
                    display_name: login.into(),
                    password_hash: "unused".into(),
                    role,
                    departments: depts
                        .iter()
                        .map(|d| DeptRef {
                            city: CITY.parse().unwrap(),
                            dept: d.to_string(),
                        })
                        .collect(),
                },
                "test",
            )
            .await
            .unwrap();
        let token = random_token();
        let csrf = random_token();
        self.store
            .create_session(
                &token_hash(&token),
                user.id,
                &csrf,
                &gyokaku_store::iso_in(3600),
            )
            .await
            .unwrap();
        Who {
            cookie: format!("gyokaku_session={token}"),
            csrf,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/p/{CITY}/{PLAN}{path}", self.base)
    }

    async fn download(&self, who: &Who, dept: &str) -> reqwest::Response {
        self.client
            .get(self.url(&format!(
                "/workbook?fy=2025&dept={}",
                dept.bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect::<String>()
            )))
            .header("cookie", &who.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn upload(&self, who: &Who, csrf: &str, name: &str, bytes: &[u8]) -> (u16, String) {
        let boundary = "gyokaku-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(bytes);
        write!(body, "\r\n--{boundary}--\r\n").unwrap();
        let res = self
            .client
            .post(self.url("/workbook"))
            .header("cookie", &who.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn apply(&self, who: &Who, csrf: &str, token: &str, action: &str) -> reqwest::Response {
        self.client
            .post(self.url("/workbook/apply"))
            .header("cookie", &who.cookie)
            .form(&[("_csrf", csrf), ("token", token), ("action", action)])
            .send()
            .await
            .unwrap()
    }

    async fn report(&self, node: &str) -> Option<gyokaku_store::StoredProgress> {
        let plan = gyokaku_store::PlanRef {
            city: CITY.parse().unwrap(),
            plan: PLAN.into(),
        };
        self.store
            .progress(&plan, node, FiscalYear::new(2025).unwrap())
            .await
            .unwrap()
    }
}

/// What a clerk does in Excel: the downloaded workbook with some cells
/// typed over, saved again (here by rust_xlsxwriter).
fn fill(bytes: &[u8], edits: &[(&str, u32, u16, &str)]) -> Vec<u8> {
    let mut xlsx: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for name in ["実績", "指標", "説明"] {
        let range = xlsx.worksheet_range(name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r0 + r as u32, (c0 + c as u32) as u16);
            match v {
                Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
        for (sheet, r, c, text) in edits {
            if *sheet == name {
                // Excel rows and columns as a clerk reads them (1-based).
                let (r, c) = (r - 1, c - 1);
                match text.parse::<f64>() {
                    Ok(n) => ws.write_number(r, c, n).map(|_| ()),
                    Err(_) if text.is_empty() => {
                        ws.write_blank(r, c, &Default::default()).map(|_| ())
                    }
                    Err(_) => ws.write_string(r, c, *text).map(|_| ()),
                }
                .unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn token_of(page: &str) -> String {
    let start = page.find("name=\"token\" value=\"").expect("an apply form")
        + "name=\"token\" value=\"".len();
    page[start..start + 64].to_string()
}

// Columns of 実績 (1-based): G 評価, H 取組実績, J 次年度の方向性,
// K 歳出削減額, N 取組ID. 財政課's rows: 2-1 (row 3), 2-3 (4), 2-4 (5).
const G: u16 = 7;
const H: u16 = 8;
const J: u16 = 10;
const K: u16 = 11;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_office_and_the_departments_editors_get_the_workbook() {
    let app = app().await;
    let editor = app.user("zaisei", Role::Editor, &[DEPT]).await;
    let other = app.user("somu", Role::Editor, &["総務課"]).await;
    let council = app.user("iin", Role::Council, &[]).await;
    let office = app.user("gyokaku", Role::Office, &[]).await;

    let res = app.download(&editor, DEPT).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with(
            "attachment; filename=\"gyokaku_082058_challenge_2025____.xlsx\"; filename*=UTF-8''"
        ),
        "{disposition}"
    );
    assert!(
        disposition.contains("%E8%B2%A1%E6%94%BF%E8%AA%B2"),
        "財政課 in the UTF-8 name"
    );
    let bytes = res.bytes().await.unwrap();
    let mut xlsx: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let ids: Vec<String> = xlsx
        .worksheet_range("実績")
        .unwrap()
        .rows()
        .skip(2)
        .map(|r| r[13].to_string())
        .collect();
    assert_eq!(ids, vec!["2-1", "2-3", "2-4"]);

    assert_eq!(app.download(&office, DEPT).await.status().as_u16(), 200);
    assert_eq!(app.download(&other, DEPT).await.status().as_u16(), 403);
    assert_eq!(app.download(&council, DEPT).await.status().as_u16(), 403);
    assert_eq!(
        app.download(&office, "no-such-dept")
            .await
            .status()
            .as_u16(),
        404
    );

    // The dashboard offers the workbook to the editor, for their department only.
    let dash = app
        .client
        .get(app.url("?fy=2025"))
        .header("cookie", &editor.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let panel = dash
        .split("id=\"workbook\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the workbook panel");
    assert!(panel.contains("<option value=\"財政課\""));
    assert!(!panel.contains("総務課"), "another department offered");
    assert!(panel.contains("enctype=\"multipart/form-data\""));
    let dash = app
        .client
        .get(app.url("?fy=2025"))
        .header("cookie", &council.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!dash.contains("id=\"workbook\""));

    // Another department's editor cannot upload 財政課's workbook either.
    let (status, _) = app.upload(&other, &other.csrf, "b.xlsx", &bytes).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_workbook_is_refused_with_cell_precise_errors_and_applies_nothing() {
    let app = app().await;
    let editor = app.user("zaisei", Role::Editor, &[DEPT]).await;
    let bytes = app.download(&editor, DEPT).await.bytes().await.unwrap();
    let bad = fill(
        &bytes,
        &[
            ("実績", 3, G, "A 計画どおり"),
            ("実績", 3, H, "これは正しい行"),
            ("実績", 4, G, "Z"),
            ("実績", 4, J, "拡大"),
            ("実績", 5, K, "たくさん"),
            ("指標", 3, 7, "四十二"),
        ],
    );
    let (status, page) = app.upload(&editor, &editor.csrf, "zaisei.xlsx", &bad).await;
    assert_eq!(status, 400, "{page}");
    for expected in [
        "実績!G4: 「Z」は評価の選択肢にありません（A 計画どおり・B 一部達成・C 遅れ）",
        "実績!J4: 「拡大」は次年度の方向性の選択肢にありません（継続・拡充・改善・縮小・統合・廃止・完了）",
        "実績!K5: 歳出削減額: 「たくさん」を金額として読めません",
        "指標!G3: 指標「口座振替の件数」の実績値「四十二」を数値として読めません",
    ] {
        assert!(page.contains(expected), "missing: {expected}\n{page}");
    }
    assert!(
        !page.contains("id=\"wb-apply\""),
        "a bad workbook can be applied"
    );
    assert!(
        app.report("2-1").await.is_none(),
        "the good row was applied"
    );

    // In English, the same cells.
    let en = Who {
        cookie: format!("{}; gyokaku_lang=en", editor.cookie),
        csrf: editor.csrf.clone(),
    };
    let (_, page) = app.upload(&en, &en.csrf, "zaisei.xlsx", &bad).await;
    assert!(
        page.contains("実績!J4: &#39;拡大&#39; is not a direction")
            || page.contains("実績!J4: '拡大' is not a direction"),
        "{page}"
    );

    // A file that is not a workbook is named.
    let (status, page) = app
        .upload(&editor, &editor.csrf, "memo.txt", b"hello")
        .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("memo.txt: Excel ブック（.xlsx）として読めません"),
        "{page}"
    );

    // No CSRF token, no reading.
    let (status, _) = app.upload(&editor, "forged", "zaisei.xlsx", &bad).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_workbook_is_previewed_then_applied_whole() {
    let app = app().await;
    let editor = app.user("zaisei", Role::Editor, &[DEPT]).await;
    let office = app.user("gyokaku", Role::Office, &[]).await;
    let bytes = app.download(&editor, DEPT).await.bytes().await.unwrap();
    let good = fill(
        &bytes,
        &[
            ("実績", 3, G, "A 計画どおり"),
            ("実績", 3, H, "基金の運用方針を見直した。"),
            ("実績", 3, J, "継続"),
            ("実績", 3, K, "300万円"),
            ("実績", 4, G, "B"),
            ("指標", 3, 7, "42"),
        ],
    );
    let (status, page) = app
        .upload(&editor, &editor.csrf, "zaisei.xlsx", &good)
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("2 件の取組で 6 項目が変わります。"), "{page}");
    for cell in [
        "実績!G3",
        "実績!H3",
        "実績!J3",
        "実績!K3",
        "実績!G4",
        "指標!G3",
    ] {
        assert!(
            page.contains(&format!("<code>{cell}</code>")),
            "{cell} not listed"
        );
    }
    assert!(page.contains("300万円"));
    assert!(
        app.report("2-1").await.is_none(),
        "a preview wrote something"
    );
    let token = token_of(&page);

    // The token is the uploader's, in their session, with a valid form.
    let res = app.apply(&editor, "forged", &token, "save").await;
    assert_eq!(res.status().as_u16(), 403);
    let res = app.apply(&office, &office.csrf, &token, "save").await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(app.report("2-1").await.is_none());

    let res = app.apply(&editor, &editor.csrf, &token, "submit").await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("fy=2025") && location.ends_with("done=submitted"),
        "{location}"
    );
    let r21 = app.report("2-1").await.unwrap();
    assert_eq!(r21.state, ReportState::Submitted);
    assert_eq!(r21.progress.status.as_deref(), Some("A"));
    assert_eq!(
        r21.progress.result.as_deref(),
        Some("基金の運用方針を見直した。")
    );
    assert_eq!(r21.progress.spending_cut, Some(Yen(3_000_000)));
    let r23 = app.report("2-3").await.unwrap();
    assert_eq!(r23.progress.status.as_deref(), Some("B"));
    let doc = app
        .store
        .export_plan(&gyokaku_store::PlanRef {
            city: CITY.parse().unwrap(),
            plan: PLAN.into(),
        })
        .await
        .unwrap();
    assert_eq!(
        doc.indicator_values
            .iter()
            .find(|v| v.indicator == "i-2-3")
            .map(|v| v.value),
        Some(Decimal::parse("42").unwrap())
    );
    assert!(
        app.report("2-4").await.is_none(),
        "an untouched row was written"
    );

    // A preview is applied once.
    let res = app.apply(&editor, &editor.csrf, &token, "save").await;
    assert_eq!(res.status().as_u16(), 400);

    // Uploading the same workbook again: the submitted rows cannot change
    // any more, and rows equal to the store are no change at all.
    let (status, page) = app
        .upload(&editor, &editor.csrf, "zaisei.xlsx", &good)
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("変更はありません"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_older_than_the_store_is_caught_per_row() {
    let app = app().await;
    let editor = app.user("zaisei", Role::Editor, &[DEPT]).await;
    let bytes = app.download(&editor, DEPT).await.bytes().await.unwrap();
    // After the download, a colleague saves 2-3 on the web.
    let plan = gyokaku_store::PlanRef {
        city: CITY.parse().unwrap(),
        plan: PLAN.into(),
    };
    app.store
        .save_item(
            &plan,
            &ItemEdit {
                progress: Progress {
                    node: "2-3".into(),
                    fy: FiscalYear::new(2025).unwrap(),
                    status: Some("C".into()),
                    result: Some("同僚の入力".into()),
                    self_evaluation: None,
                    direction: None,
                    spending_cut: None,
                    revenue: None,
                    demo: false,
                },
                indicator_values: Vec::new(),
            },
            None,
            false,
            &gyokaku_domain::Actor::office("colleague"),
        )
        .await
        .unwrap();
    // The clerk changed 2-1 and 2-3 offline.
    let stale = fill(
        &bytes,
        &[
            ("実績", 3, H, "新しい取組実績"),
            ("実績", 4, H, "古い版への記入"),
        ],
    );
    let (status, page) = app
        .upload(&editor, &editor.csrf, "zaisei.xlsx", &stale)
        .await;
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("id=\"wb-stale\""));
    assert!(
        page.contains("<code>実績!F4</code>"),
        "the stale row's cell"
    );
    assert!(page.contains("colleague"));
    assert!(!page.contains("<code>実績!F3</code>"), "2-1 is not stale");
    assert!(!page.contains("id=\"wb-apply\""));
    assert!(app.report("2-1").await.is_none());
    assert_eq!(
        app.report("2-3").await.unwrap().progress.result.as_deref(),
        Some("同僚の入力")
    );
    // Leaving 2-3 as downloaded is fine: only 2-1 changes.
    let only_mine = fill(&bytes, &[("実績", 3, H, "新しい取組実績")]);
    let (status, page) = app
        .upload(&editor, &editor.csrf, "zaisei.xlsx", &only_mine)
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("1 件の取組で 1 項目が変わります。"), "{page}");
    let res = app
        .apply(&editor, &editor.csrf, &token_of(&page), "save")
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.report("2-1").await.unwrap().progress.result.as_deref(),
        Some("新しい取組実績")
    );
    assert_eq!(
        app.report("2-3").await.unwrap().progress.result.as_deref(),
        Some("同僚の入力"),
        "the colleague's work was overwritten"
    );
}
