//! What pages show, computed from the plan and its reports: the shared
//! page chrome, the plan context every plan page loads, and labels.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use gyokaku_domain::present;
use gyokaku_domain::{FiscalYear, Node, PlanDocument, PlanModel, PlanState, Report, StatusSummary};
use gyokaku_store::{
    Cycle, CycleState, PlanRef, ReportState, ReviewEntry, Role, StoreError, StoredProgress,
    StoredValue,
};

use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::policy;
use crate::AppState;

/// The frame of every signed-in page: language, user, CSRF token, title.
pub struct Chrome {
    pub tr: Tr,
    pub title: String,
    pub user_name: String,
    pub role_label: String,
    pub csrf: String,
    pub office: bool,
    /// This page's path and query, for the language switch to return to.
    pub here: String,
    pub crumbs: Vec<(String, String)>,
    /// A notice shown once after a redirect (`?done=…`).
    pub notice: String,
}

impl Chrome {
    pub fn new(auth: &Auth, title: impl Into<String>, here: impl Into<String>) -> Chrome {
        let tr = auth.tr;
        let user = auth.user();
        Chrome {
            tr,
            title: title.into(),
            user_name: user.display_name.clone(),
            role_label: tr.s(role_key(user.role)).to_string(),
            csrf: auth.session.csrf_token.clone(),
            office: policy::is_office(user),
            here: here.into(),
            crumbs: Vec::new(),
            notice: String::new(),
        }
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn other_lang(&self) -> &'static str {
        self.tr.lang.other().code()
    }

    pub fn here_encoded(&self) -> String {
        crate::error::url_encode(&self.here)
    }

    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Chrome {
        self.crumbs.push((label.into(), href.into()));
        self
    }

    pub fn with_notice(mut self, done: Option<&str>) -> Chrome {
        if let Some(key) = done.and_then(notice_key) {
            self.notice = self.tr.s(key).to_string();
        }
        self
    }
}

fn notice_key(done: &str) -> Option<&'static str> {
    Some(match done {
        "saved" => "notice.saved",
        "submitted" => "notice.submitted",
        "accepted" => "notice.accepted",
        "returned" => "notice.returned",
        "opinion" => "notice.opinion",
        "opened" => "notice.opened",
        "closed" => "notice.closed",
        "user" => "notice.user",
        "password" => "notice.password",
        "actuals" => "notice.actuals",
        "imported" => "notice.imported",
        "draft_saved" => "notice.draft_saved",
        "plan_started" => "notice.plan_started",
        "draft_adopted" => "notice.draft_adopted",
        "draft_discarded" => "notice.draft_discarded",
        "draft_uploaded" => "notice.draft_uploaded",
        _ => return None,
    })
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Office => "role.office",
        Role::Editor => "role.editor",
        Role::Council => "role.council",
        Role::Viewer => "role.viewer",
    }
}

pub fn state_key(state: Option<ReportState>) -> &'static str {
    match state {
        None => "state.none",
        Some(ReportState::Draft) => "state.draft",
        Some(ReportState::Submitted) => "state.submitted",
        Some(ReportState::Returned) => "state.returned",
        Some(ReportState::Accepted) => "state.accepted",
    }
}

/// A node's number as its level prints it (基本施策1, 1-①), given its
/// parent where the level's numbering includes the parent's number.
pub fn level_label(doc: &PlanDocument, n: &Node, parent: Option<&Node>) -> String {
    doc.header
        .levels
        .iter()
        .find(|l| l.key == n.level)
        .map(|l| l.label(n.number, parent.and_then(|p| p.number)))
        .unwrap_or_default()
}

/// One item (取組) as lists show it, parallel to the model's items.
#[derive(Debug, Clone)]
pub struct ItemInfo {
    pub id: String,
    /// 1-①, (3), No.12 — the number as the plan prints it.
    pub number: String,
    pub title: String,
    /// The top-level policy's heading.
    pub group: Option<String>,
    pub dept_ids: Vec<String>,
    pub dept_names: Vec<String>,
    /// `axis:code` for each value mark and `axis` for each flag.
    pub tags: Vec<String>,
    pub sdgs: Vec<u8>,
}

/// A plan's structure (everything but reports and actuals): the read
/// model's [`PlanModel`] with what lists show. Cached per plan until the
/// plan is re-imported.
pub struct PlanStructure {
    pub model: PlanModel,
    pub items: Vec<ItemInfo>,
    /// The departments answerable for each indicator, by indicator id: its
    /// node's, or where the node names none (a policy above its items), the
    /// departments of the items beneath it. None for plan-wide indicators.
    pub indicator_depts: HashMap<String, Vec<String>>,
}

impl std::ops::Deref for PlanStructure {
    type Target = PlanModel;
    fn deref(&self) -> &PlanModel {
        &self.model
    }
}

/// A node's departments, or the departments of the nodes beneath it.
fn answerable(node: &gyokaku_domain::Node) -> Vec<String> {
    if !node.departments.is_empty() {
        return node.departments.clone();
    }
    let mut out: Vec<String> = Vec::new();
    for (n, _, _) in gyokaku_domain::walk_nodes(&node.children) {
        for d in &n.departments {
            if !out.contains(d) {
                out.push(d.clone());
            }
        }
    }
    out
}

impl PlanStructure {
    fn new(doc: PlanDocument) -> PlanStructure {
        let model = PlanModel::new(doc);
        let items = model
            .items
            .iter()
            .map(|it| {
                let entry = model.item_entry(it);
                ItemInfo {
                    id: it.id.clone(),
                    number: entry.label.clone(),
                    title: entry.title.clone(),
                    group: it.policy.map(|p| model.policies[p].label.clone()),
                    dept_ids: it.departments.clone(),
                    dept_names: it
                        .departments
                        .iter()
                        .map(|d| model.dept_name(d).to_string())
                        .collect(),
                    tags: it.tags.clone(),
                    sdgs: it.sdgs.clone(),
                }
            })
            .collect();
        let indicator_depts = model
            .doc
            .indicators
            .iter()
            .filter_map(|i| Some((i.id.clone(), answerable(model.node(i.node.as_deref()?)?))))
            .collect();
        PlanStructure {
            model,
            items,
            indicator_depts,
        }
    }
}

/// Rendered pages kept per plan and revision (a dashboard of 500 items is
/// about 160 KB).
const PAGES_KEPT: usize = 32;

/// The key of a page kept by `PlanCtx::keep_page`: everything the page
/// depends on besides the plan's revision — the user (and its version,
/// which moves with its role and departments), the language, the page and
/// its query.
pub fn page_key(auth: &Auth, page: &str, query: Option<String>) -> String {
    let user = auth.user();
    format!(
        "{page}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        user.id,
        user.version,
        auth.tr.lang.code(),
        query.unwrap_or_default()
    )
}

/// What a cached page carries where the session's CSRF token goes: random
/// per process, so that no text a user typed can stand for it.
pub fn csrf_slot() -> &'static str {
    static SLOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SLOT.get_or_init(|| format!("csrf-slot-{}", crate::auth::random_token()))
}

/// What is cached of one plan: its structure, and reports read at one
/// revision (dropped as soon as the revision moves on).
struct CachedPlan {
    structure_stamp: String,
    /// The latest revision's structure.
    structure: Arc<PlanStructure>,
    /// Every revision's number and first year (years map to revisions).
    applies: Vec<gyokaku_domain::revision::Applies>,
    /// Earlier revisions' structures, read when a year under one is shown.
    earlier: Mutex<HashMap<u32, Arc<PlanStructure>>>,
    live: Mutex<Live>,
}

/// Every report of a plan, and the years they cover.
type ReportsAndYears = (Arc<Vec<Report>>, Arc<Vec<FiscalYear>>);

#[derive(Default)]
struct Live {
    revision: i64,
    /// Every report of the plan with its state, the years they cover, the
    /// cycles and the review threads: every change to them is audited and
    /// moves the revision.
    reports: Option<ReportsAndYears>,
    cycles: Option<Arc<Vec<Cycle>>>,
    reviews: Option<Arc<Vec<ReviewEntry>>>,
    /// Rendered pages by what they depend on besides the revision (see
    /// `PlanCtx::page`), at most `PAGES_KEPT`.
    pages: HashMap<String, Arc<String>>,
    values: Option<Arc<Vec<StoredValue>>>,
    years: HashMap<FiscalYear, Arc<Vec<StoredProgress>>>,
    states: HashMap<FiscalYear, Arc<PlanState>>,
    judged: HashMap<FiscalYear, Arc<Vec<Judged>>>,
}

/// An indicator's achievement as of a year (in the plan's indicator
/// order), with when its actuals were last written.
pub struct Judged {
    pub assessment: gyokaku_domain::Assessment,
    pub updated: String,
}

/// Plans by (city, plan). Every request still reads the plan's stamp, so
/// a change made by any process (several app servers on one PostgreSQL)
/// is seen at once.
#[derive(Default)]
pub struct PlanCache(RwLock<HashMap<(String, String), Arc<CachedPlan>>>);

fn not_found(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound,
        e => e.into(),
    }
}

impl PlanCache {
    async fn entry(
        &self,
        state: &AppState,
        r: &PlanRef,
    ) -> Result<(Arc<CachedPlan>, i64), AppError> {
        let stamp = state.store.plan_stamp(r).await.map_err(not_found)?;
        let key = (r.city.to_string(), r.plan.clone());
        let cached = self.0.read().ok().and_then(|m| m.get(&key).cloned());
        if let Some(c) = cached.filter(|c| c.structure_stamp == stamp.structure) {
            return Ok((c, stamp.revision));
        }
        let doc = state.store.export_plan(r).await.map_err(not_found)?;
        let applies = state
            .store
            .revisions(r)
            .await
            .map_err(not_found)?
            .iter()
            .map(gyokaku_store::StoredRevision::applies)
            .collect();
        let fresh = Arc::new(CachedPlan {
            structure_stamp: stamp.structure,
            structure: Arc::new(PlanStructure::new(doc)),
            applies,
            earlier: Mutex::new(HashMap::new()),
            live: Mutex::new(Live::default()),
        });
        if let Ok(mut m) = self.0.write() {
            m.insert(key, fresh.clone());
        }
        Ok((fresh, stamp.revision))
    }
}

impl CachedPlan {
    /// The live cache, emptied if the plan has changed since it was filled.
    fn live_at(&self, revision: i64) -> std::sync::MutexGuard<'_, Live> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        if live.revision != revision {
            *live = Live {
                revision,
                ..Live::default()
            };
        }
        live
    }
}

/// A plan as its pages need it: the cached structure, every report of the
/// plan (read once per revision), and the cycles read fresh on every
/// request.
#[derive(Clone)]
pub struct PlanCtx {
    pub r: PlanRef,
    pub s: Arc<PlanStructure>,
    pub cycles: Arc<Vec<Cycle>>,
    pub report_years: Arc<Vec<FiscalYear>>,
    reports: Arc<Vec<Report>>,
    cached: Arc<CachedPlan>,
    revision: i64,
}

impl std::ops::Deref for PlanCtx {
    type Target = PlanStructure;
    fn deref(&self) -> &PlanStructure {
        &self.s
    }
}

impl PlanCtx {
    pub async fn load(state: &AppState, city: &str, plan: &str) -> Result<PlanCtx, AppError> {
        let code = gyokaku_domain::LocalGovCode::parse(city).map_err(|_| AppError::NotFound)?;
        let r = PlanRef {
            city: code,
            plan: plan.to_string(),
        };
        let (cached, revision) = state.plans.entry(state, &r).await?;
        let s = cached.structure.clone();
        let known = cached.live_at(revision).cycles.clone();
        let cycles = match known {
            Some(c) => c,
            None => {
                let fresh = Arc::new(state.store.cycles(&r).await?);
                cached.live_at(revision).cycles = Some(fresh.clone());
                fresh
            }
        };
        let known = cached.live_at(revision).reports.clone();
        let (reports, report_years) = match known {
            Some(c) => c,
            None => {
                let fresh: Arc<Vec<Report>> = Arc::new(
                    state
                        .store
                        .reports(&r, None)
                        .await?
                        .into_iter()
                        .map(|p| Report {
                            progress: p.progress,
                            state: p.state,
                        })
                        .collect(),
                );
                let years: BTreeSet<FiscalYear> = fresh.iter().map(|p| p.progress.fy).collect();
                let both = (fresh, Arc::new(years.into_iter().collect()));
                cached.live_at(revision).reports = Some(both.clone());
                both
            }
        };
        Ok(PlanCtx {
            r,
            s,
            cycles,
            report_years,
            reports,
            cached,
            revision,
        })
    }

    /// The plan as year `fy` is reported against it: the structure of the
    /// revision in force for that year (the latest for the open year, an
    /// earlier one for a year closed before a revision).
    pub async fn at_year(&self, state: &AppState, fy: FiscalYear) -> Result<PlanCtx, AppError> {
        let applies = &self.cached.applies;
        let latest = applies.iter().map(|a| a.number).max();
        let number = gyokaku_domain::revision::in_force(applies, fy);
        let Some(n) = number.filter(|n| Some(*n) != latest) else {
            return Ok(self.clone());
        };
        let known = self
            .cached
            .earlier
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&n)
            .cloned();
        let s = match known {
            Some(s) => s,
            None => {
                let doc = state.store.revision_structure(&self.r, n).await?;
                let s = Arc::new(PlanStructure::new(doc));
                self.cached
                    .earlier
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(n, s.clone());
                s
            }
        };
        Ok(PlanCtx { s, ..self.clone() })
    }

    /// Review-thread entries of the plan, oldest first, read once per
    /// revision: for one year and one item, or (`node` `""`) the
    /// opinions on the whole plan.
    pub async fn reviews(
        &self,
        state: &AppState,
        fy: FiscalYear,
        node: &str,
    ) -> Result<Vec<ReviewEntry>, AppError> {
        let known = self.cached.live_at(self.revision).reviews.clone();
        let all = match known {
            Some(r) => r,
            None => {
                let fresh = Arc::new(state.store.reviews(&self.r, None, None).await?);
                self.cached.live_at(self.revision).reviews = Some(fresh.clone());
                fresh
            }
        };
        Ok(all
            .iter()
            .filter(|r| r.fy == fy && r.node.as_deref().unwrap_or("") == node)
            .cloned()
            .collect())
    }

    /// A page rendered at this revision of the plan for `key` (everything
    /// else the page depends on: the user and its version, the language,
    /// the query), with this session's CSRF token put in.
    pub fn cached_page(&self, key: &str, csrf: &str) -> Option<String> {
        let page = self.cached.live_at(self.revision).pages.get(key).cloned()?;
        Some(page.replace(csrf_slot(), csrf))
    }

    /// Keeps a page rendered with `csrf_slot()` for its CSRF token, and
    /// gives it back with this session's token.
    pub fn keep_page(&self, key: &str, page: String, csrf: &str) -> String {
        let out = page.replace(csrf_slot(), csrf);
        let mut live = self.cached.live_at(self.revision);
        if live.pages.len() >= PAGES_KEPT {
            live.pages.clear();
        }
        live.pages.insert(key.to_string(), Arc::new(page));
        out
    }

    /// The reports of one year with their versions (for forms), read once
    /// per revision of the plan.
    pub async fn year_reports(
        &self,
        state: &AppState,
        fy: FiscalYear,
    ) -> Result<Arc<Vec<StoredProgress>>, AppError> {
        let known = self.cached.live_at(self.revision).years.get(&fy).cloned();
        if let Some(r) = known {
            return Ok(r);
        }
        let fresh = Arc::new(state.store.year_reports(&self.r, fy).await?);
        self.cached
            .live_at(self.revision)
            .years
            .insert(fy, fresh.clone());
        Ok(fresh)
    }

    /// Every actual of the plan, read once per revision.
    async fn values(&self, state: &AppState) -> Result<Arc<Vec<StoredValue>>, AppError> {
        let known = self.cached.live_at(self.revision).values.clone();
        if let Some(v) = known {
            return Ok(v);
        }
        let fresh = Arc::new(state.store.plan_indicator_values(&self.r).await?);
        self.cached.live_at(self.revision).values = Some(fresh.clone());
        Ok(fresh)
    }

    /// The plan's state as of `fy` (the read model every page renders
    /// from), built once per revision of the plan and year.
    pub async fn state(
        &self,
        state: &AppState,
        fy: FiscalYear,
    ) -> Result<Arc<PlanState>, AppError> {
        let known = self.cached.live_at(self.revision).states.get(&fy).cloned();
        if let Some(s) = known {
            return Ok(s);
        }
        let values: Vec<gyokaku_domain::IndicatorValue> = self
            .values(state)
            .await?
            .iter()
            .map(|v| v.value.clone())
            .collect();
        let mut built = PlanState::build(&self.model, self.reports.iter().cloned(), &values, fy);
        // Earlier years side by side under another revision are counted over
        // that revision's items, as the publication counts them.
        let applies = &self.cached.applies;
        let now = gyokaku_domain::revision::in_force(applies, fy);
        let earlier: Vec<FiscalYear> = built
            .across
            .iter()
            .map(|(y, _)| *y)
            .filter(|y| *y < fy && gyokaku_domain::revision::in_force(applies, *y) != now)
            .collect();
        for y in earlier {
            let then = self.at_year(state, y).await?;
            let s = PlanState::build(&then.model, self.reports.iter().cloned(), &[], y);
            built.set_earlier_summary(y, s.whole);
        }
        let fresh = Arc::new(built);
        self.cached
            .live_at(self.revision)
            .states
            .insert(fy, fresh.clone());
        Ok(fresh)
    }

    /// Every indicator of the plan judged as of `as_of` (from the read
    /// model), with when its actuals were last written.
    pub async fn judged(
        &self,
        state: &AppState,
        as_of: FiscalYear,
    ) -> Result<Arc<Vec<Judged>>, AppError> {
        let known = self
            .cached
            .live_at(self.revision)
            .judged
            .get(&as_of)
            .cloned();
        if let Some(j) = known {
            return Ok(j);
        }
        let plan_state = self.state(state, as_of).await?;
        let values = self.values(state).await?;
        let mut last: HashMap<&str, &str> = HashMap::new();
        for s in values.iter() {
            let at = last.entry(s.value.indicator.as_str()).or_default();
            *at = (*at).max(s.updated_at.as_str());
        }
        let fresh: Arc<Vec<Judged>> = Arc::new(
            plan_state
                .assessments
                .iter()
                .map(|a| Judged {
                    assessment: a.clone(),
                    updated: last
                        .get(a.indicator.as_str())
                        .map(|at| present::jst(at))
                        .unwrap_or_default(),
                })
                .collect(),
        );
        self.cached
            .live_at(self.revision)
            .judged
            .insert(as_of, fresh.clone());
        Ok(fresh)
    }

    pub fn city(&self) -> String {
        self.r.city.to_string()
    }

    pub fn base(&self) -> String {
        format!("/p/{}/{}", self.r.city, self.r.plan)
    }

    pub fn cycle(&self, fy: FiscalYear) -> Option<&Cycle> {
        self.cycles.iter().find(|c| c.fy == fy)
    }

    pub fn cycle_state(&self, fy: FiscalYear) -> Option<CycleState> {
        self.cycle(fy).map(|c| c.state)
    }

    /// The years a user can pick: the plan's period, every cycle, and
    /// every year with a report.
    pub fn years(&self) -> Vec<FiscalYear> {
        let mut set: BTreeSet<FiscalYear> = BTreeSet::new();
        if let Some(p) = self.doc.header.plan.period {
            set.extend(p.years());
        }
        set.extend(self.cycles.iter().map(|c| c.fy));
        set.extend(self.report_years.iter().copied());
        set.into_iter().collect()
    }

    /// `years()` with `fy` (the year on show) among them.
    pub fn years_with(&self, fy: FiscalYear) -> Vec<FiscalYear> {
        let mut y = self.years();
        if !y.contains(&fy) {
            y.push(fy);
            y.sort();
        }
        y
    }

    /// The year a page shows unless asked: the newest open cycle, else the
    /// newest cycle, else the newest year with reports, else the first
    /// year of the plan.
    pub fn default_year(&self) -> Option<FiscalYear> {
        self.cycles
            .iter()
            .filter(|c| c.state == CycleState::Open)
            .map(|c| c.fy)
            .max()
            .or_else(|| self.cycles.iter().map(|c| c.fy).max())
            .or_else(|| self.report_years.last().copied())
            .or_else(|| self.years().first().copied())
    }

    pub fn pick_year(&self, asked: Option<&str>) -> Result<FiscalYear, AppError> {
        match asked.filter(|s| !s.is_empty()) {
            Some(s) => FiscalYear::parse(s).map_err(|_| {
                AppError::BadRequest(
                    format!("年度「{s}」を読めません（例: 2025, R7, 令和7年度）"),
                    format!("cannot read the fiscal year '{s}' (e.g. 2025, R7, 令和7年度)"),
                )
            }),
            None => self
                .default_year()
                .or_else(|| FiscalYear::new(2025).ok())
                .ok_or(AppError::NotFound),
        }
    }

    /// An item as lists show it (a node that is not an item gives `None`).
    pub fn item(&self, id: &str) -> Option<&ItemInfo> {
        self.model.item_index(id).map(|i| &self.items[i])
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.model.node(id)
    }

    /// Whether the user may enter an indicator's actuals (in an open year):
    /// the office, or an editor answerable for it (see `indicator_depts`).
    pub fn may_enter(&self, auth: &Auth, indicator: &str) -> bool {
        let user = auth.user();
        match user.role {
            gyokaku_store::Role::Office => true,
            gyokaku_store::Role::Editor => self
                .indicator_depts
                .get(indicator)
                .is_some_and(|d| policy::responsible(user, &self.r.city, d, &self.coverage)),
            gyokaku_store::Role::Council | gyokaku_store::Role::Viewer => false,
        }
    }

    /// The names of an indicator's answerable departments, joined.
    pub fn indicator_dept_names(&self, indicator: &str) -> String {
        self.indicator_depts
            .get(indicator)
            .map(|ds| {
                ds.iter()
                    .map(|d| self.dept_name(d))
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default()
    }

    pub fn responsible(&self, auth: &Auth, item: &ItemInfo) -> bool {
        policy::responsible(auth.user(), &self.r.city, &item.dept_ids, &self.coverage)
    }

    pub fn status_label(&self, tr: Tr, code: Option<&str>) -> String {
        match code {
            None => tr.s("status.none").to_string(),
            Some(c) => self
                .doc
                .header
                .status_scale
                .iter()
                .find(|s| s.code == c)
                .map(|s| status_text(tr, s))
                .unwrap_or_else(|| present::off_scale(tr.lang, c)),
        }
    }
}

/// A status as lists show it: its label, prefixed by its code unless the
/// label already starts with it (A 計画どおり, ◎ 達成).
pub fn status_text(tr: Tr, s: &gyokaku_domain::StatusLevel) -> String {
    present::status(tr.lang, &s.code, &s.label, s.label_en.as_deref())
}

/// The columns of a year's summary tables: each step of the scale, then
/// each code found that is not on it (a data error, marked as such), as
/// `(code, heading)`.
pub fn summary_columns(tr: Tr, state: &PlanState) -> Vec<(String, String)> {
    state
        .columns
        .iter()
        .map(|r| (r.code.clone(), present::status_row(tr.lang, r)))
        .collect()
}

/// A row of a summary table, ready to print.
pub struct SummaryLine {
    pub label: String,
    pub href: String,
    pub counts: Vec<u32>,
    /// Items with an accepted report (報告あり).
    pub reported: u32,
    pub unreported: u32,
    /// Whole percent, or '—' where there is no share (no scale, nothing
    /// rated): never 0% for "nothing to count".
    pub achieved_pct: String,
}

impl SummaryLine {
    /// A line with one count per column code.
    pub fn new(
        label: impl Into<String>,
        href: impl Into<String>,
        codes: &[&str],
        s: &StatusSummary,
    ) -> SummaryLine {
        SummaryLine {
            label: label.into(),
            href: href.into(),
            counts: codes.iter().map(|c| s.count_of(c)).collect(),
            reported: s.reported,
            unreported: s.unreported,
            achieved_pct: present::percent(s.achieved_percent()),
        }
    }
}
