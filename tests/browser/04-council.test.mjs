// A member of the council (推進委員) writes an opinion on an item; the
// office reads it in the item's thread. The council neither edits nor
// reviews.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axe } from './axe.mjs';
import {
  ISHIOKA,
  as,
  camera,
  dashboard,
  ensureOpen,
  item,
  launch,
  login,
  newPage,
  notice,
  noProblems,
  story,
  submitBy,
} from './helpers.mjs';

const TEST = 'council';
const ITEM = '1-3'; // 窓口サービスの向上 (全庁)
const OPINION = '窓口の待ち時間を年度ごとに公表し、改善の効果が市民に見えるようにしてください。';

describe('a council member writes an opinion on an item (石岡市 1-3)', () => {
  let browser;
  let council;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);

  before(async () => {
    browser = await launch();
    await ensureOpen(browser, ISHIOKA);
  });
  after(async () => {
    await browser?.close();
  });

  step('the council sees an opinion form and no edit or review form', async () => {
    council = await as(browser, 'council', item(ISHIOKA, ITEM));
    assert.match(await council.locator('header .who').innerText(), /推進委員（推進委員）/);
    assert.equal(await council.locator('#edit-form').count(), 0);
    assert.equal(await council.locator('#review-form').count(), 0);
    await council.getByLabel('この取組への意見').waitFor();
    assert.equal(await council.getByRole('button', { name: '意見を送る' }).count(), 1);
    // An empty opinion is not sent: the browser asks for the text first.
    await council.getByRole('button', { name: '意見を送る' }).click();
    assert.equal(await council.locator('#opinion').evaluate((e) => e.validity.valueMissing), true);
    assert.equal(new URL(council.url()).search, '?fy=2025', 'still on the same page');
    await shot(council, 'opinion form');
  });

  step('the opinion is sent and shown in the thread', async () => {
    await council.getByLabel('この取組への意見').fill(OPINION);
    await submitBy(council, council.getByRole('button', { name: '意見を送る' }));
    assert.equal(await notice(council), '意見を登録しました。');
    const entry = council.locator('#thread li.rv-opinion');
    assert.equal(await entry.count(), 1);
    assert.match(await entry.innerText(), /委員意見/);
    assert.match(await entry.innerText(), new RegExp(OPINION));
    assert.match(await entry.innerText(), /council/);
    assert.equal(await council.locator('#opinion').inputValue(), '', 'the form is empty again');
    await shot(council, 'opinion recorded');
    noProblems(council);
  });

  step('the office reads the opinion on the item page', async () => {
    const office = await as(browser, 'office', item(ISHIOKA, ITEM));
    assert.match(await office.locator('#thread').innerText(), new RegExp(OPINION));
    assert.equal(await office.locator('#opinion').count(), 0, 'only the council gives opinions');
    await shot(office, 'office reads the opinion');
    noProblems(office);
  });

  step('the council reads the plan\'s revisions from the dashboard', async () => {
    const page = await newPage(browser, { bypassCSP: true });
    await login(page, 'council', dashboard(ISHIOKA));
    await page.locator('#revisions-link').click();
    await page.waitForURL(/\/revisions$/);
    const rows = page.locator('#revisions tbody tr');
    assert.ok((await rows.count()) >= 1, 'revision 1 at least');
    assert.match(await rows.first().innerText(), /^1\s/);
    // scripts/browser-test revised 石岡's plan once: 2 against 1 by default.
    assert.match(await page.locator('#changes').innerText(), /目標値/);
    assert.match(await page.locator('#changes').innerText(), /基準値より増（見直し）/);
    await page.locator('#rev-to').selectOption('1');
    await page.getByRole('button', { name: '比べる' }).click();
    await page.locator('#no-changes').waitFor();
    await axe(page);
    await shot(page, 'revisions');
    noProblems(page);
  });
});
