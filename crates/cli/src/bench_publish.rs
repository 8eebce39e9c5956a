//! `gyokaku bench publish`: publishes a synthetic plan (by default 2,000
//! items × 5 years × 3 indicators) and, in the same run on the same tmpfs,
//! has Hugo (Debian's `hugo`) build the same number of simple pages from
//! Markdown. Reports both times and their ratio, and the time of the PDF
//! report of the same plan on its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use gyokaku_domain::FiscalYear;

/// A scratch folder on tmpfs (/dev/shm) when there is one: on these
/// machines a disk mostly measures the filesystem.
fn scratch() -> anyhow::Result<tempfile::TempDir> {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::Builder::new()
            .prefix("gyokaku-bench")
            .tempdir_in(shm)?
    } else {
        tempfile::tempdir()?
    };
    Ok(dir)
}

/// Runs of gyokaku and of Hugo, interleaved; their medians are compared.
const RUNS: usize = 5;

fn count_html(dir: &Path) -> usize {
    let mut n = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                n += count_html(&p);
            } else if p.extension().is_some_and(|x| x == "html") {
                n += 1;
            }
        }
    }
    n
}

/// A Hugo site of `pages` simple Japanese pages.
fn hugo_site(dir: &Path, pages: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir.join("content/items"))?;
    std::fs::create_dir_all(dir.join("layouts/_default"))?;
    std::fs::write(
        dir.join("hugo.toml"),
        "baseURL = \"http://example.invalid/\"\nlanguageCode = \"ja\"\ntitle = \"ベンチマーク\"\n\
         disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n",
    )?;
    std::fs::write(
        dir.join("layouts/_default/single.html"),
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
         <body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n",
    )?;
    std::fs::write(
        dir.join("layouts/_default/list.html"),
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\
         <body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>\n",
    )?;
    for i in 0..pages {
        std::fs::write(
            dir.join(format!("content/items/item-{i}.md")),
            format!(
                "---\ntitle: \"取組{i}：業務の見直しと効率化\"\n---\n\n\
                 事務の効率化に向け、定型的業務の見直しを進める。\n\n\
                 | 年度 | 評価 | 実績 |\n|---|---|---|\n| 令和7年度 | A | 計画どおり実施した。 |\n"
            ),
        )?;
    }
    Ok(())
}

pub async fn run(items: usize, years: usize, indicators: usize) -> anyhow::Result<()> {
    let doc = crate::bench::synthetic_plan(items, years, indicators);
    let fy: FiscalYear = doc
        .progress
        .iter()
        .map(|p| p.fy)
        .max()
        .context("no years")?;
    let publication = gyokaku_publish::Publication::new(doc, fy, "2026-06-30", vec![]);
    let tmp = scratch()?;
    // The parts, once, for the breakdown; then the whole, as a user runs it.
    let err = |e: gyokaku_publish::PublishError| anyhow::anyhow!("{e}");
    let t = Instant::now();
    let tables = gyokaku_publish::opendata::tables(&publication);
    let t_tables = t.elapsed();
    let t = Instant::now();
    let parts = tmp.path().join("parts");
    let data = gyokaku_publish::opendata::write(&publication, &tables, &parts.join("data"))
        .map_err(err)?;
    let t_csv = t.elapsed();
    let t = Instant::now();
    let xlsx = gyokaku_publish::xlsx::workbook(&publication, &tables).map_err(err)?;
    let t_xlsx = t.elapsed();
    let t = Instant::now();
    let listing = gyokaku_publish::site::Listing::of(&data);
    gyokaku_publish::site::write(&publication, &parts, &listing, false).map_err(err)?;
    let t_site = t.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "parts: tables {:.0} ms, CSV + datapackage {:.0} ms, workbook {:.0} ms ({} KB), site {:.0} ms",
        ms(t_tables),
        ms(t_csv),
        ms(t_xlsx),
        xlsx.len() / 1024,
        ms(t_site)
    );
    let Some(hugo) = ["/usr/bin/hugo", "/usr/local/bin/hugo"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
    else {
        bail!("hugo not found: the reference needs Debian's hugo (apt-get install hugo)");
    };
    let site = tmp.path().join("hugo-src");
    // Runs of each, interleaved so that both see the same machine; the
    // medians are compared (these machines are shared and noisy).
    let mut ours = Vec::new();
    let mut site_only = Vec::new();
    let mut theirs = Vec::new();
    let mut files = Vec::new();
    let mut hugo_pages = 0;
    for run in 0..RUNS {
        let out: PathBuf = tmp.path().join(format!("gyokaku-{run}"));
        let started = Instant::now();
        files = gyokaku_publish::write_all(&publication, &out, None).map_err(err)?;
        ours.push(started.elapsed());
        let started = Instant::now();
        gyokaku_publish::site::write(
            &publication,
            &tmp.path().join(format!("site-{run}")),
            &listing,
            false,
        )
        .map_err(err)?;
        site_only.push(started.elapsed());
        if run == 0 {
            hugo_site(&site, count_html(&out))?;
        }
        let hugo_out = tmp.path().join(format!("hugo-out-{run}"));
        let started = Instant::now();
        let status = Command::new(&hugo)
            .args(["--quiet", "-s"])
            .arg(&site)
            .arg("-d")
            .arg(&hugo_out)
            .status()
            .context("cannot run hugo")?;
        theirs.push(started.elapsed());
        if !status.success() {
            bail!("hugo failed ({status})");
        }
        hugo_pages = count_html(&hugo_out);
    }
    let median = |v: &mut Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let (ours, site_only, theirs) = (
        median(&mut ours),
        median(&mut site_only),
        median(&mut theirs),
    );
    let pages = count_html(&tmp.path().join("gyokaku-0"));
    println!(
        "plan: {items} items × {years} years × {indicators} indicators; output on {}; median of {RUNS} interleaved runs",
        tmp.path().display()
    );
    println!(
        "gyokaku publish: {} files ({pages} HTML pages, both languages) in {ours:.2} s = {:.0} pages/s; the site alone {site_only:.2} s",
        files.len(),
        pages as f64 / ours
    );
    println!(
        "hugo (reference): {hugo_pages} HTML pages in {theirs:.2} s = {:.0} pages/s",
        hugo_pages as f64 / theirs
    );
    println!(
        "ratio gyokaku / hugo time, the site alone (HTML pages, search index, assets): {:.2}",
        site_only / theirs
    );
    println!(
        "ratio gyokaku / hugo time, the whole publication (site + open data + workbook): {:.2} (below 1: gyokaku is faster)",
        ours / theirs
    );
    // The PDF report on its own (Hugo makes no PDF to compare with).
    match gyokaku_publish::FontSet::discover() {
        Ok(fonts) => {
            let started = Instant::now();
            let report = gyokaku_publish::pdf::render_report(&publication, &fonts)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "PDF report: {} pages, {} KiB in {:.2} s",
                report.pages,
                report.bytes.len() / 1024,
                started.elapsed().as_secs_f64()
            );
        }
        Err(e) => println!("PDF report: skipped ({e})"),
    }
    Ok(())
}
