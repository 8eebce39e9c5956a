// A viewer (庁内閲覧) reads but cannot change anything: no edit, review or
// opinion form, no cycle controls, and the server refuses a forged save.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ISHIOKA, as, camera, dashboard, ensureOpen, item, launch, noProblems, story } from './helpers.mjs';

const TEST = 'viewer';
const ITEM = '1-4'; // 働き方改革の実施 (総務課), open for reporting

describe('a viewer sees no edit form (石岡市 1-4)', () => {
  let browser;
  let viewer;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);

  before(async () => {
    browser = await launch();
    await ensureOpen(browser, ISHIOKA);
  });
  after(async () => {
    await browser?.close();
  });

  step('the item page has no form to change anything', async () => {
    viewer = await as(browser, 'viewer', item(ISHIOKA, ITEM));
    assert.match(await viewer.locator('header .who').innerText(), /庁内閲覧者（庁内閲覧）/);
    assert.match(await viewer.locator('.status-line').innerText(), /報告を受け付けています/);
    assert.equal(await viewer.locator('#edit-form').count(), 0);
    assert.equal(await viewer.locator('#review-form').count(), 0);
    assert.equal(await viewer.locator('#opinion').count(), 0);
    assert.equal(await viewer.locator('main form[method=post]').count(), 0, 'no form that posts');
    assert.equal(
      (await viewer.locator('#not-editable').innerText()).trim(),
      'この取組を編集する権限がありません（担当課の取組のみ編集できます）。',
    );
    // The content is there to read.
    assert.match(await viewer.locator('h1').innerText(), /働き方改革の実施/);
    await viewer.locator('#history').waitFor();
    await shot(viewer, 'item page');
  });

  step('the dashboard has no cycle controls and no opinion form', async () => {
    await viewer.goto(dashboard(ISHIOKA));
    await viewer.locator('#cycle-state').waitFor();
    assert.equal(await viewer.locator('#deadline').count(), 0);
    assert.equal(await viewer.getByRole('button', { name: '年度を締め切る' }).count(), 0);
    assert.equal(await viewer.locator('#plan-opinion').count(), 0);
    assert.equal(await viewer.getByRole('link', { name: '利用者管理' }).count(), 0);
    await shot(viewer, 'dashboard');
    noProblems(viewer);
  });

  step('a save posted anyway (with a valid CSRF token) is refused with 403', async () => {
    await viewer.goto(item(ISHIOKA, ITEM));
    const csrf = await viewer.locator('form[action="/logout"] input[name=_csrf]').inputValue();
    assert.ok(csrf.length >= 32);
    const res = await viewer.request.post(`${ISHIOKA}/items/${ITEM}/2025`, {
      form: { _csrf: csrf, version: '', result: '閲覧者による書き込み', action: 'save' },
      maxRedirects: 0,
    });
    assert.equal(res.status(), 403);
    // Refused for the role, not for the token.
    assert.match(await res.text(), /この操作を行う権限がありません。/);
    await viewer.reload();
    assert.equal((await viewer.locator('#item-state').innerText()).trim(), '未着手');
    assert.doesNotMatch(await viewer.locator('#history').innerText(), /閲覧者による書き込み/);
  });
});
