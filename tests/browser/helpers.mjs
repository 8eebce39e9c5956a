// Shared helpers of the browser tests: the server under test, Chromium,
// logging in, screenshots, and reading the dashboard's tables.
//
// The environment is set by scripts/browser-test:
//   GYOKAKU_URL            the server (http://127.0.0.1:PORT)
//   GYOKAKU_TEST_PASSWORD  every test account's password
//   GYOKAKU_ARTIFACTS      where screenshots go
//   CHROMIUM               the browser (default /usr/bin/chromium)

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through scripts/browser-test`);
  return v;
}

export const BASE = need('GYOKAKU_URL').replace(/\/$/, '');
export const PASSWORD = need('GYOKAKU_TEST_PASSWORD');
export const ARTIFACTS = process.env.GYOKAKU_ARTIFACTS || path.resolve('../../target/browser-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

// The accounts scripts/browser-test creates.
export const USERS = {
  office: { login: 'office', name: '行革担当' },
  editor: { login: 'soumu', name: '総務課担当' }, // 082058/総務課
  council: { login: 'council', name: '推進委員' },
  viewer: { login: 'viewer', name: '庁内閲覧者' },
  mito: { login: 'mito', name: '水戸総務課担当' }, // 082015/総務部/総務課 (09-start)
};

// 石岡市: items 1-1, 1-2, 1-4 and 1-5 are 総務課's; the plan has no status scale.
export const ISHIOKA = '/p/082058/challenge';
// 安中市 第4次大綱: a six-level status scale; items have no departments.
export const ANNAKA = '/p/102113/taiko-4';
export const FY = 2025;

export const item = (plan, id, fy = FY) => `${plan}/items/${encodeURIComponent(id)}?fy=${fy}`;
export const dashboard = (plan, fy = FY) => `${plan}?fy=${fy}`;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A fresh browser context (its own cookies) in Japanese, as a city's staff would have. */
export async function newPage(browser, { locale = 'ja-JP', bypassCSP = false } = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    locale,
    // Only to inject axe-core: the app's CSP allows no inline script.
    bypassCSP,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // Anything the page logs as an error (CSP violations included) fails the test.
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  return page;
}

/** Logs in through the form; ends on `next` (or the plan list). */
export async function login(page, who, next) {
  const u = USERS[who] ?? who;
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await page.locator('#login').fill(u.login);
  await page.locator('#password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.locator('form[action="/login"] button[type=submit]').click(),
  ]);
  // The header names who is logged in.
  assert.match(await page.locator('header .who').innerText(), new RegExp(u.name));
}

/** Logs in as `who` in a context of its own and returns the page. */
export async function as(browser, who, next) {
  const page = await newPage(browser);
  await login(page, who, next);
  return page;
}

/**
 * Screenshots, one per step, named by test and step:
 * `<test>--<nn>-<step>.png` in GYOKAKU_ARTIFACTS.
 */
export function camera(testName) {
  let n = 0;
  const slug = (s) =>
    s
      .normalize('NFKC')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase();
  return async (page, step) => {
    n += 1;
    const file = path.join(ARTIFACTS, `${slug(testName)}--${String(n).padStart(2, '0')}-${slug(step)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** The text of the status notice (role=status) on the page. */
export async function notice(page) {
  const n = page.getByRole('status');
  await n.waitFor();
  return (await n.innerText()).trim();
}

/** Clicks a button that submits a form and waits for the next page. */
export async function submitBy(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

/**
 * A table as rows of cells: `{ headers: [...], rows: [{ label, cells: {header: text} }] }`.
 * The first column (th scope=row) is the row's label.
 */
export async function readTable(table) {
  return table.evaluate((t) => {
    const headers = [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const rows = [...t.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.children].map((c) => c.textContent.trim());
      const byHeader = {};
      headers.forEach((h, i) => {
        byHeader[h] = cells[i];
      });
      return { label: cells[0], cells: byHeader };
    });
    return { caption: t.querySelector('caption')?.textContent.trim(), headers, rows };
  });
}

/** The table with this caption. */
export function tableByCaption(page, caption) {
  return page.locator('table', { has: page.locator('caption', { hasText: caption }) }).first();
}

/** One row of a table (by its label), failing clearly when it is missing. */
export function row(table, label) {
  const r = table.rows.find((x) => x.label === label || x.label.startsWith(label));
  assert.ok(r, `no row「${label}」in「${table.caption}」; rows: ${table.rows.map((x) => x.label).join(' / ')}`);
  return r;
}

export const num = (s) => {
  assert.match(s ?? '', /^\d+$/, `not a count: ${JSON.stringify(s)}`);
  return Number(s);
};

/**
 * As the office, opens reporting for the year if it is not open yet (tests
 * that only need an open year use this; the cycle test opens it itself).
 */
export async function ensureOpen(browser, plan, fy = FY) {
  const page = await as(browser, 'office', dashboard(plan, fy));
  const state = page.locator('#cycle-state');
  if (!(await state.getAttribute('class')).includes('state-open')) {
    await page.locator('#deadline').fill(`${fy + 1}-05-31`);
    await submitBy(page, page.getByRole('button', { name: '報告の受付を開始' }));
    assert.equal(await notice(page), '報告の受付を開始しました。');
  }
  assert.match(await state.getAttribute('class'), /state-open/);
  await page.context().close();
}

/**
 * Steps of one story, run in order; once a step fails the later ones are
 * skipped (they would only fail for the same reason), and every open page
 * is photographed with `shot` as `failed-<step>`.
 */
export function story(it, browserOf, shot) {
  let broken = null;
  return (name, fn) =>
    it(name, async (t) => {
      if (broken) {
        t.skip(`an earlier step failed: ${broken}`);
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        broken = name;
        const browser = browserOf();
        for (const c of browser ? browser.contexts() : []) {
          for (const p of c.pages()) {
            await shot(p, `failed ${name}`).catch(() => {});
          }
        }
        throw e;
      }
    });
}

/** Fails when a page logged an error (a CSP violation, a script error). */
export function noProblems(page) {
  assert.deepEqual(page.problems, [], `the page logged errors at ${page.url()}`);
}
