//! `gyokaku bench web`: load on the web app's dashboard and an item page
//! with wrk, beside nginx serving a static file of the same size, in the
//! same run on the same machine. Reports p50/p99 latency and requests per
//! second, and gyokaku's throughput as a ratio to nginx's.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use gyokaku_store::{iso_in, NewUser, OnExisting, Role, SqlStore};

/// What wrk measured for one URL.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkResult {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: u64,
}

fn duration_ms(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, factor) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        return None;
    };
    num.trim().parse::<f64>().ok().map(|v| v * factor)
}

/// Reads wrk's `--latency` report.
pub fn parse_wrk(out: &str) -> Option<WrkResult> {
    let mut rps = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut non_2xx = 0;
    for line in out.lines() {
        let t = line.trim();
        if let Some(v) = t.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = t.strip_prefix("50%") {
            p50 = duration_ms(v);
        } else if let Some(v) = t.strip_prefix("99%") {
            p99 = duration_ms(v);
        } else if let Some(v) = t.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = v.trim().parse().unwrap_or(0);
        }
    }
    Some(WrkResult {
        requests_per_sec: rps?,
        p50_ms: p50?,
        p99_ms: p99?,
        non_2xx,
    })
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// One plain HTTP/1.1 GET, for checking a page before loading it.
fn get(addr: &str, path: &str, cookie: &str) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no HTTP header end")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .context("no status")?;
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 || eol + 2 + size > b.len() {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[(eol + 4 + size).min(b.len())..];
    }
    out
}

fn wrk(url: &str, cookie: &str, seconds: u32, connections: u32) -> anyhow::Result<WrkResult> {
    let out = Command::new(which("wrk").context("wrk not found")?)
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-H",
            &format!("Cookie: {cookie}"),
            url,
        ])
        .output()
        .context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_wrk(&text).with_context(|| format!("cannot read wrk's report:\n{text}"))
}

/// nginx on `port`, serving `root`, until dropped.
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(dir: &Path, port: u16) -> anyhow::Result<Nginx> {
    let bin = which("nginx").context("nginx not found (apt-get install nginx)")?;
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "worker_processes auto;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n  fastcgi_temp_path {d}/tmp;\n  uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n  default_type text/html;\n\
             server {{ listen 127.0.0.1:{port}; root {d}/www; }}\n}}\n",
            d = dir.display()
        ),
    )?;
    let child = Command::new(bin)
        .args([
            "-c",
            &conf.display().to_string(),
            "-p",
            &dir.display().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start nginx")?;
    let guard = Nginx(child);
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(guard);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    bail!("nginx did not start (see {}/error.log)", dir.display())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub async fn run(
    items: usize,
    years: usize,
    seconds: u32,
    connections: u32,
    postgres: Option<String>,
) -> anyhow::Result<()> {
    if which("wrk").is_none() || which("nginx").is_none() {
        bail!("this benchmark needs wrk and nginx (Debian: apt-get install wrk nginx); scripts/bench-web installs them");
    }
    let tmp = tempfile::tempdir()?;
    let url = match &postgres {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", tmp.path().join("bench.sqlite").display()),
    };
    let store = SqlStore::connect(&url).await?;
    let doc = crate::bench::synthetic_plan(items, years, 3);
    let last = doc
        .progress
        .iter()
        .map(|p| p.fy)
        .max()
        .context("no years")?;
    let plan = store
        .import_plan(&doc, OnExisting::DiscardHistory, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .open_cycle(&plan, last, Some("2030-05-31"), "bench")
        .await?;
    let login = format!("bench-{}", std::process::id());
    let user = store
        .create_user(
            &NewUser {
                login,
                display_name: "bench".into(),
                password_hash: gyokaku_web::hash_password("bench-password".into())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                role: Role::Office,
                departments: vec![],
            },
            "bench",
        )
        .await?;
    let token = gyokaku_web::auth::random_token();
    store
        .create_session(
            &gyokaku_web::auth::token_hash(&token),
            user.id,
            &gyokaku_web::auth::random_token(),
            &iso_in(3600),
        )
        .await?;
    let cookie = format!("gyokaku_session={token}");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let state = gyokaku_web::state(store.clone(), false);
    let server = tokio::spawn(async move {
        let _ = gyokaku_web::serve_until_dropped(state, listener).await;
    });

    let dashboard = format!("/p/{}/{}?fy={}", plan.city, plan.plan, last.year());
    let item_id = &doc.nodes[0].children[0].id;
    let item = format!(
        "/p/{}/{}/items/{item_id}?fy={}",
        plan.city,
        plan.plan,
        last.year()
    );
    // The registry of every indicator of the plan (3 per item), judged.
    let registry = format!("/indicators?as_of={}", last.year());
    let (a2, c2, d2, i2, r2) = (
        addr.clone(),
        cookie.clone(),
        dashboard.clone(),
        item.clone(),
        registry.clone(),
    );
    let (dash_page, item_page, reg_page, single) = tokio::task::spawn_blocking(move || {
        let t = std::time::Instant::now();
        let d = get(&a2, &d2, &c2)?;
        let td = t.elapsed();
        let t = std::time::Instant::now();
        let i = get(&a2, &i2, &c2)?;
        let ti = t.elapsed();
        let t = std::time::Instant::now();
        let r = get(&a2, &r2, &c2)?;
        Ok::<_, anyhow::Error>((d, i, r, (td, ti, t.elapsed())))
    })
    .await??;
    println!(
        "one request alone: dashboard {:.1} ms, item page {:.1} ms, registry of {} indicators {:.1} ms",
        single.0.as_secs_f64() * 1000.0,
        single.1.as_secs_f64() * 1000.0,
        doc.indicators.len(),
        single.2.as_secs_f64() * 1000.0
    );
    if dash_page.0 != 200 || item_page.0 != 200 || reg_page.0 != 200 {
        bail!(
            "pages answer {}, {} and {}, not 200",
            dash_page.0,
            item_page.0,
            reg_page.0
        );
    }

    // nginx serves the dashboard's own bytes as a static file.
    let ngx_dir = tmp.path().join("nginx");
    std::fs::create_dir_all(ngx_dir.join("www"))?;
    std::fs::create_dir_all(ngx_dir.join("tmp"))?;
    std::fs::write(ngx_dir.join("www/dashboard.html"), &dash_page.1)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for p in [tmp.path(), &ngx_dir, &ngx_dir.join("www")] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755))?;
        }
        std::fs::set_permissions(
            ngx_dir.join("www/dashboard.html"),
            std::fs::Permissions::from_mode(0o644),
        )?;
    }
    let port = free_port()?;
    let _nginx = start_nginx(&ngx_dir, port)?;

    println!(
        "plan: {items} items × {years} years, 30 departments, {} ({}); wrk -t2 -c{connections} -d{seconds}s",
        if postgres.is_some() { "PostgreSQL" } else { "SQLite" },
        std::env::consts::ARCH
    );
    println!(
        "dashboard {} bytes, item page {} bytes, registry {} bytes",
        dash_page.1.len(),
        item_page.1.len(),
        reg_page.1.len()
    );
    let reg_label = format!("gyokaku registry ({})", doc.indicators.len());
    let c = cookie.clone();
    let a = addr.clone();
    let results =
        tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<(String, WrkResult)>> {
            Ok(vec![
                (
                    "nginx static (same bytes)".to_string(),
                    wrk(
                        &format!("http://127.0.0.1:{port}/dashboard.html"),
                        &c,
                        seconds,
                        connections,
                    )?,
                ),
                (
                    "gyokaku dashboard".to_string(),
                    wrk(&format!("http://{a}{dashboard}"), &c, seconds, connections)?,
                ),
                (
                    "gyokaku item page".to_string(),
                    wrk(&format!("http://{a}{item}"), &c, seconds, connections)?,
                ),
                (
                    reg_label,
                    wrk(&format!("http://{a}{registry}"), &c, seconds, connections)?,
                ),
            ])
        })
        .await??;
    server.abort();
    let nginx_rps = results[0].1.requests_per_sec;
    println!(
        "\n{:<28} {:>12} {:>10} {:>10} {:>14}",
        "target", "requests/s", "p50 ms", "p99 ms", "rps / nginx"
    );
    for (name, r) in &results {
        println!(
            "{:<28} {:>12.1} {:>10.2} {:>10.2} {:>14.3}",
            name,
            r.requests_per_sec,
            r.p50_ms,
            r.p99_ms,
            r.requests_per_sec / nginx_rps
        );
        if r.non_2xx > 0 {
            bail!("{name}: {} responses were not 2xx/3xx", r.non_2xx);
        }
    }
    store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_report() {
        let out = "Running 10s test @ http://127.0.0.1:8080/\n  2 threads and 16 connections\n\
  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     5.12ms    2.01ms  40.00ms   80.00%\n\
  Latency Distribution\n     50%    4.50ms\n     75%    6.00ms\n     90%    8.00ms\n     99%   15.20ms\n\
  31000 requests in 10.00s, 100.00MB read\nRequests/sec:   3100.25\nTransfer/sec:     10.00MB\n";
        let r = parse_wrk(out).unwrap();
        assert_eq!(r.requests_per_sec, 3100.25);
        assert_eq!(r.p50_ms, 4.5);
        assert_eq!(r.p99_ms, 15.2);
        assert_eq!(r.non_2xx, 0);
        assert_eq!(duration_ms("850.00us"), Some(0.85));
        assert_eq!(duration_ms("1.50s"), Some(1500.0));
        assert!(parse_wrk("garbage").is_none());
    }

    #[test]
    fn dechunks_a_body() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
    }
}
