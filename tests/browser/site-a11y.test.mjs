// Accessibility of the published site (gyokaku publish) to JIS X 8341-3:2016
// level AA, i.e. WCAG 2.1 AA: axe-core in Debian's Chromium over every page
// type, in Japanese and English, opened from file://; plus what axe cannot
// see: no request leaves the site, one h1 and one main per page, charts
// with a name and their numbers in a table beside them, the skip link,
// the offline search, and the site without JavaScript.
//
// Run through scripts/site-test, which publishes the sites and sets:
//   GYOKAKU_SITE_ISHIOKA    石岡市 R6 from the demo database
//   GYOKAKU_SITE_ANNAKA     安中市 taiko-4 R7 (meetings, glossary, peers)
//   GYOKAKU_SITE_ITEMS      a site whose items have indicators with actuals
//   GYOKAKU_SITE_RECORDED   安中市 taiko-3 R6 (summaries printed in the plan)
//   GYOKAKU_SITE_MATRIX     tests/plans/matrix R7 (plan page, item lists,
//                           matrix and ○ table)
//   GYOKAKU_SITE_ARTIFACTS  where the screenshots go
//   CHROMIUM                the browser (default /usr/bin/chromium)
// Without them (e.g. under scripts/browser-test) the file is skipped.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { axe } from './axe.mjs';

const env = process.env;
const SITES = {
  ishioka: env.GYOKAKU_SITE_ISHIOKA,
  annaka: env.GYOKAKU_SITE_ANNAKA,
  items: env.GYOKAKU_SITE_ITEMS,
  recorded: env.GYOKAKU_SITE_RECORDED,
  matrix: env.GYOKAKU_SITE_MATRIX,
};
const ready = Object.values(SITES).every(Boolean);
const ARTIFACTS = env.GYOKAKU_SITE_ARTIFACTS || path.resolve('../../target/site-artifacts');
const LANGS = ['ja', 'en'];

const url = (site, rel) => pathToFileURL(path.join(SITES[site], rel)).href;
const read = (site, rel) => readFileSync(path.join(SITES[site], rel), 'utf8');
const files = (site, dir) =>
  existsSync(path.join(SITES[site], dir))
    ? readdirSync(path.join(SITES[site], dir))
        .filter((f) => f.endsWith('.html'))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];

/** The first item page (in Japanese) that `pred(html)` accepts. */
function findItem(site, pred) {
  const f = files(site, 'ja/items').find((f) => pred(read(site, `ja/items/${f}`)));
  assert.ok(f, `no item page of ${site} fits`);
  return `items/${f}`;
}

/** The first per-value item list of a site (lists/AXIS/VALUE.html). */
function firstList(site) {
  const root = path.join(SITES[site], 'ja/lists');
  const axis = existsSync(root) ? readdirSync(root).sort()[0] : undefined;
  assert.ok(axis, `${site} has no per-value item lists`);
  return `lists/${axis}/${files(site, `ja/lists/${axis}`)[0]}`;
}

// Every page type, with the site that has it: [type, site, path in the language folder].
function pageTypes() {
  const hasHistory = (html) => /<table id="history">[\s\S]*?<tbody><tr>/.test(html);
  const hasIndicatorChart = (html) => html.includes('id="ind-h"') && html.includes('<svg');
  return [
    ['top', 'ishioka', 'index.html'],
    ['top-no-effects', 'annaka', 'index.html'],
    ['recorded-summaries', 'recorded', 'index.html'],
    ['policy', 'ishioka', `policies/${files('ishioka', 'ja/policies')[0]}`],
    ['item-history', 'ishioka', findItem('ishioka', hasHistory)],
    ['item-indicators', 'items', findItem('items', hasIndicatorChart)],
    ['indicators', 'ishioka', 'indicators.html'],
    ['fiscal-own', 'ishioka', 'fiscal.html'],
    ['fiscal-peers', 'annaka', 'fiscal.html'],
    ['meetings', 'annaka', 'meetings.html'],
    ['glossary', 'annaka', 'glossary.html'],
    ['data', 'ishioka', 'data.html'],
    ['plan', 'matrix', 'plan.html'],
    ['plan-chapters', 'annaka', 'plan.html'],
    ['item-list', 'matrix', 'items.html'],
    ['item-list-filtered', 'matrix', firstList('matrix')],
    ['classifications', 'matrix', 'classifications.html'],
    ['revisions', 'matrix', 'revisions.html'],
    ['item-classified', 'matrix', findItem('matrix', (html) => html.includes('id="classification"'))],
  ];
}

let browser;
let context;

async function launch() {
  return chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
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

async function newContext(options = {}) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  c.setDefaultTimeout(10_000);
  return c;
}

/**
 * A page that records every request that is not to a file (the site must
 * make none), every file it could not load, and every error it logged.
 */
async function open(ctx, href) {
  const page = await ctx.newPage();
  const problems = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('file:') && !u.startsWith('data:')) problems.push(`request to ${u}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed to load ${r.url()}: ${r.failure()?.errorText}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  await page.goto(href, { waitUntil: 'load' });
  return page;
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], `${page.url()} made a request or logged an error`);
}

const shot = (page, name, fullPage = true) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
};


/** Structure: lang, one h1, one main, headings in order, unique ids, lang on every element valid. */
async function structure(page, lang) {
  const s = await page.evaluate(() => {
    const heads = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return {
      lang: document.documentElement.getAttribute('lang'),
      title: document.title,
      h1: document.querySelectorAll('h1').length,
      main: document.querySelectorAll('main, [role=main]').length,
      heads,
      dupIds: ids.filter((id, i) => ids.indexOf(id) !== i),
      langs: [...document.querySelectorAll('[lang]')].map((e) => e.getAttribute('lang')),
      // Japanese text whose language is not Japanese (WCAG 3.1.2): in the
      // English pages, content shown as the plan writes it must be lang="ja".
      // A chart is one image named by its title, so its inner text is not read.
      unmarked: (() => {
        const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
        const out = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let t = walk.nextNode(); t; t = walk.nextNode()) {
          const el = t.parentElement;
          if (!cjk.test(t.textContent) || el.closest('svg, script, style')) continue;
          if (el.closest('[lang]')?.getAttribute('lang') !== 'ja') out.push(`<${el.tagName.toLowerCase()}> ${t.textContent.trim().slice(0, 40)}`);
        }
        return out;
      })(),
    };
  });
  assert.equal(s.lang, lang, 'html[lang]');
  assert.ok(s.title.trim(), 'a title');
  assert.equal(s.h1, 1, 'exactly one h1');
  assert.equal(s.main, 1, 'exactly one main landmark');
  assert.equal(s.heads[0], 1, 'the first heading is the h1');
  s.heads.forEach((h, i) => {
    if (i > 0) assert.ok(h <= s.heads[i - 1] + 1, `heading levels skip: ${s.heads.join(' ')}`);
  });
  assert.deepEqual(s.dupIds, [], 'duplicate ids');
  for (const l of s.langs) assert.ok(['ja', 'en'].includes(l), `lang="${l}"`);
  assert.deepEqual(s.unmarked.slice(0, 12), [], `Japanese text not marked lang="ja" (${s.unmarked.length})`);
}

/**
 * Every chart is an image with a title, and every number it shows is in a
 * table near it (the closest enclosing element that holds a table).
 */
async function charts(page) {
  const found = await page.evaluate(() =>
    [...document.querySelectorAll('svg.chart')].map((svg) => {
      const title = svg.querySelector(':scope > title');
      const labelled = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
      // Bars carry their value as text; points as "R5: 12" in their title.
      const values = [
        ...[...svg.querySelectorAll('text.value')].map((t) => t.textContent),
        ...[...svg.querySelectorAll('circle.point > title')].map((t) => t.textContent.replace(/^[^:]*:\s*/, '')),
      ];
      let near = svg.parentElement;
      while (near && !near.querySelector('table')) near = near.parentElement;
      const cells = near ? [...near.querySelectorAll('table td, table th')].map((c) => c.textContent) : [];
      // Contrast with the page (WCAG 1.4.3 for text, 1.4.11 for the marks
      // that carry the data); axe-core does not look inside an SVG.
      const lum = (c) => {
        const [r, g, b] = c.match(/[\d.]+/g).map(Number).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
      let bg = 'rgb(255, 255, 255)';
      for (let e = svg.parentElement; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') {
          bg = c;
          break;
        }
      }
      const lowContrast = [];
      for (const el of svg.querySelectorAll('text, line:not(.grid), polyline, circle, rect')) {
        const st = getComputedStyle(el);
        const paint = el.tagName === 'text' || el.tagName === 'rect' || el.tagName === 'circle' ? st.fill : st.stroke;
        if (!paint.startsWith('rgb')) continue;
        const need = el.tagName === 'text' ? 4.5 : 3;
        const r = ratio(paint, bg);
        if (r < need) lowContrast.push(`${el.tagName}.${el.getAttribute('class')} ${paint} on ${bg}: ${r.toFixed(2)} < ${need}`);
      }
      // No text is cut off at the chart's edge.
      const vb = svg.viewBox.baseVal;
      const clipped = [...svg.querySelectorAll('text')]
        .map((t) => ({ t, b: t.getBBox() }))
        .filter(({ b }) => b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5)
        .map(({ t, b }) => `"${t.textContent}" at x ${b.x.toFixed(0)}–${(b.x + b.width).toFixed(0)} of ${vb.width}`);
      return {
        clipped,
        lowContrast,
        id: title?.id || svg.outerHTML.slice(0, 80),
        role: svg.getAttribute('role'),
        title: title?.textContent.trim() ?? '',
        labelled: labelled.map((id) => document.getElementById(id)?.textContent.trim() ?? null),
        values,
        cells,
        hasTable: Boolean(near),
      };
    }),
  );
  const nums = (s) => (s.replace(/[,，]/g, '').replace(/▲/g, '-').match(/-?\d+(?:\.\d+)?/g) || []).map(Number);
  for (const c of found) {
    assert.equal(c.role, 'img', `${c.id}: role=img`);
    assert.ok(c.title, `${c.id}: a <title>`);
    assert.ok(c.labelled.length && c.labelled.every(Boolean), `${c.id}: aria-labelledby points at its title/desc`);
    assert.deepEqual(c.lowContrast, [], `${c.id}: contrast`);
    assert.deepEqual(c.clipped, [], `${c.id}: text cut off at the edge of the chart`);
    assert.ok(c.hasTable, `${c.id}: no table near the chart`);
    assert.ok(c.values.length > 0, `${c.id}: the chart shows no value`);
    const inTable = c.cells.flatMap(nums);
    for (const v of c.values) {
      for (const n of nums(v)) {
        assert.ok(
          inTable.some((t) => Math.abs(t - n) < 0.006),
          `${c.id}: the chart's value ${v} is in no table near it`,
        );
      }
    }
  }
  return found.length;
}

/**
 * Every relative link of the page leads to a file that exists (and to an
 * element with that id, for a #fragment): the site is usable from file://.
 */
async function links(page) {
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], link[href], script[src]')].map((a) => a.href || a.src),
  );
  for (const h of hrefs) {
    assert.ok(h.startsWith('file:'), `a link that leaves the site: ${h}`);
    const u = new URL(h);
    const file = fileURLToPath(new URL(u.pathname, u));
    assert.ok(existsSync(file), `${page.url()}: broken link ${h}`);
    if (u.hash && file.endsWith('.html')) {
      const id = decodeURIComponent(u.hash.slice(1));
      assert.ok(readFileSync(file, 'utf8').includes(`id="${id}"`), `${page.url()}: no #${id} in ${file}`);
    }
  }
}

describe('published site: JIS X 8341-3 AA (WCAG 2.1 AA)', { skip: ready ? false : 'run through scripts/site-test' }, () => {
  before(async () => {
    browser = await launch();
    context = await newContext();
  });
  after(async () => {
    await browser?.close();
  });

  for (const site of ['ishioka', 'annaka']) {
    it(`language chooser (${site})`, async () => {
      const page = await open(context, url(site, 'index.html'));
      await structure(page, 'ja');
      await links(page);
      await axe(page);
      // Both languages are one Tab away.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('hreflang')), 'ja');
      if (site === 'ishioka') await shot(page, 'chooser');
      noProblems(page);
      await page.close();
    });
  }

  const types = ready ? pageTypes() : [];
  for (const lang of LANGS) {
    for (const [type, site, rel] of types) {
      it(`${lang} ${type}: ${site}/${lang}/${rel}`, async () => {
        const page = await open(context, url(site, `${lang}/${rel}`));
        await structure(page, lang);
        const n = await charts(page);
        if (type.startsWith('top') || type.startsWith('fiscal') || type === 'item-indicators') {
          assert.ok(n > 0, 'this page type has charts');
        }
        await links(page);
        await axe(page);
        // The chart data stay readable when the details are opened too.
        if (await page.locator('figure.chart details').count()) {
          await page.locator('figure.chart details summary').first().click();
          await axe(page);
        }
        await shot(page, `${lang}-${type}`);
        noProblems(page);
        await page.close();
      });
    }
  }

  it('the top page: the chart has its data table', async () => {
    for (const lang of LANGS) {
      const page = await open(context, url('ishioka', `${lang}/index.html`));
      const fig = page.locator('figure.chart').first();
      await assert.doesNotReject(fig.locator('svg[role=img]').waitFor());
      const rows = await fig.locator('table tbody tr').count();
      const bars = await fig.locator('svg text.value').count();
      assert.ok(rows > 0 && rows === bars, `one table row per bar (${rows} rows, ${bars} bars)`);
      noProblems(page);
      await page.close();
    }
  });

  it('the stylesheet: no external resource, no orientation lock (WCAG 1.3.4)', () => {
    const css = read('ishioka', 'assets/site.css');
    assert.doesNotMatch(css, /@import|url\(|orientation/, 'site.css loads nothing and allows both orientations');
    const js = read('ishioka', 'assets/search.js');
    assert.doesNotMatch(js, /fetch\(|XMLHttpRequest|https?:/, 'search.js requests nothing');
  });

  it('keyboard: the skip link comes first and moves focus to main', async () => {
    for (const lang of LANGS) {
      for (const rel of ['index.html', pageTypes().find(([t]) => t === 'item-history')[2]]) {
        const page = await open(context, url('ishioka', `${lang}/${rel}`));
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => {
          const a = document.activeElement;
          const r = a.getBoundingClientRect();
          return { cls: a.className, href: a.getAttribute('href'), visible: r.left >= 0 && r.top >= 0 && r.width > 0 };
        });
        assert.equal(first.cls, 'skip', `${lang}/${rel}: the first Tab stop is the skip link`);
        assert.equal(first.href, '#main');
        assert.ok(first.visible, 'the focused skip link is on screen');
        if (rel === 'index.html') await shot(page, `${lang}-keyboard-skip-link`, false);
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'Enter moves focus to main');
        // The next Tab stop is inside main, past the header's links.
        await page.keyboard.press('Tab');
        assert.ok(
          await page.evaluate(() => document.querySelector('main').contains(document.activeElement)),
          'after the skip link, Tab continues inside main',
        );
        noProblems(page);
        await page.close();
      }
    }
  });

  it('keyboard: every link and control is reachable with Tab and shows focus', async () => {
    const page = await open(context, url('ishioka', 'ja/index.html'));
    const expected = await page.evaluate(
      () =>
        [...document.querySelectorAll('a[href], input, summary, [tabindex]:not([tabindex="-1"])')].filter(
          (e) => e.getClientRects().length > 0,
        ).length,
    );
    const seen = new Set();
    for (let i = 0; i < expected + 5; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const a = document.activeElement;
        if (a === document.body) return null;
        const s = getComputedStyle(a);
        const marked = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
        const key = a.outerHTML.slice(0, 120) + [...a.parentNode.children].indexOf(a);
        return { key, marked, what: a.outerHTML.slice(0, 80) };
      });
      if (!f) break;
      assert.ok(f.marked, `no visible focus on ${f.what}`);
      seen.add(f.key);
    }
    assert.ok(seen.size >= expected, `Tab reached ${seen.size} of ${expected} focusable elements`);
    noProblems(page);
    await page.close();
  });

  it('search works offline, from the top and from an item page', async () => {
    const target = pageTypes().find(([t]) => t === 'item-history')[2];
    // The item's title as the search index has it; search for a part of it.
    const index = JSON.parse(read('ishioka', 'assets/search-ja.js').replace(/^[^=]*=\s*/, '').replace(/;\s*$/, ''));
    const entry = index.find((e) => e[1] === target);
    assert.ok(entry, `${target} is in the search index`);
    const h1 = read('ishioka', `ja/${target}`).match(/<h1[^>]*>([^<]*)<\/h1>/)[1].trim();
    const fragment = [...entry[0]].slice(-4).join('');
    for (const lang of LANGS) {
      for (const from of ['index.html', target]) {
        const page = await open(context, url('ishioka', `${lang}/${from}`));
        const box = page.locator('#search');
        await box.waitFor({ state: 'visible' });
        await page.locator('#q').fill(fragment);
        const hit = page.locator('#search-results a', { hasText: fragment }).first();
        await hit.waitFor();
        if (from === 'index.html') await shot(page, `${lang}-search`);
        await Promise.all([page.waitForURL((u) => u.href.endsWith(target)), hit.click()]);
        assert.equal(new URL(page.url()).protocol, 'file:');
        assert.match(page.url(), new RegExp(`/${lang}/${target.replace('.', '\\.')}$`));
        assert.equal((await page.locator('h1').innerText()).trim(), h1);
        // Nothing found says so.
        await page.locator('#q').fill('zzzzzz');
        await assert.doesNotReject(page.locator('#search-results p').waitFor());
        await axe(page);
        noProblems(page);
        await page.close();
      }
    }
  });

  it('without JavaScript every page is usable: the search stays hidden and links work', async () => {
    const noJs = await newContext({ javaScriptEnabled: false });
    try {
      for (const lang of LANGS) {
        const page = await open(noJs, url('ishioka', `${lang}/index.html`));
        assert.ok(await page.locator('#search').isHidden(), 'the search box stays hidden');
        assert.ok(await page.locator('#summary').isVisible(), 'the summary table is shown');
        // The chart's data table opens without a script.
        await page.locator('figure.chart summary').first().click();
        assert.ok(await page.locator('figure.chart details table').first().isVisible());
        for (const [name, file] of [
          ['indicators', 'indicators.html'],
          ['data', 'data.html'],
        ]) {
          await Promise.all([
            page.waitForURL((u) => u.href.endsWith(`/${lang}/${file}`)),
            page.locator(`header nav a[href="${file}"]`).click(),
          ]);
          assert.equal(await page.locator('h1').count(), 1, name);
          await page.goBack();
        }
        // A policy, then one of its items.
        await Promise.all([page.waitForURL(/policies\//), page.locator('ul.policies a').first().click()]);
        await Promise.all([page.waitForURL(/items\//), page.locator('#items a').first().click()]);
        assert.ok(await page.locator('#history').isVisible(), 'the item page shows its history');
        // And the other language.
        await Promise.all([
          page.waitForURL((u) => u.href.includes(`/${lang === 'ja' ? 'en' : 'ja'}/items/`)),
          page.locator('header nav a[hreflang]').click(),
        ]);
        if (lang === 'ja') await shot(page, 'no-javascript-item');
        noProblems(page);
        await page.close();
      }
    } finally {
      await noJs.close();
    }
  });

  it('narrow screens (320 CSS px, WCAG 1.4.10): no page scrolls sideways, axe still passes', async () => {
    const narrow = await newContext({ viewport: { width: 320, height: 640 } });
    try {
      const wide = [];
      for (const lang of LANGS) {
        for (const [type, site, rel] of pageTypes()) {
          const page = await open(narrow, url(site, `${lang}/${rel}`));
          // What sticks out past the right edge (a table may scroll inside its own region).
          const w = await page.evaluate(() => {
            const out = [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > 321 && !e.closest('.scroll'))
              .filter((e, _, all) => !all.includes(e.parentElement))
              .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''} ${Math.round(e.getBoundingClientRect().right)}px`);
            return { width: document.documentElement.scrollWidth, out };
          });
          if (w.width > 320) wide.push(`${lang} ${type}: ${w.width}px wide (${w.out.slice(0, 4).join(', ')})`);
          await axe(page);
          if (type === 'top' || type === 'fiscal-peers') await shot(page, `${lang}-${type}-320px`);
          noProblems(page);
          await page.close();
        }
      }
      assert.deepEqual(wide, [], 'pages wider than the 320px screen');
    } finally {
      await narrow.close();
    }
  });
});
