// The office starts a plan for 水戸市 in the web app: the city picked from
// the national list, a template, its policy, five items with their
// department and an indicator added in the draft and adopted; a year is
// opened and the city's 総務課 reports; the office then renames and moves
// an item, previews the change and adopts the revision; the report stays.
// axe-core checks every page on the way.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axe } from './axe.mjs';
import { camera, launch, login, newPage, noProblems, notice, story, submitBy } from './helpers.mjs';

const TEST = 'start';
const PLAN = '/p/082015/taiko-9';
const SOUMU = '総務部/総務課';

describe('the office starts a plan and revises it (水戸市)', () => {
  let browser;
  let office;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  const add = async (parent, level, id, number, title, dept) => {
    const form = office.locator('#add-form');
    await form.getByLabel('上位の項目').selectOption(parent);
    await form.getByLabel('階層').selectOption(level);
    await form.getByLabel('ID').fill(id);
    await form.getByLabel('番号').fill(number);
    await form.getByLabel('名称').fill(title);
    if (dept) await form.getByLabel(dept.split('/').pop()).check();
    await submitBy(office, form.getByRole('button', { name: '追加' }));
    assert.equal(await notice(office), '下書きに保存しました。');
  };

  step('a plan is started for a city picked from the national list', async () => {
    office = await newPage(browser, { bypassCSP: true });
    await login(office, 'office', '/');
    await submitBy(office, office.locator('#new-plan'));
    await axe(office);
    await office.getByLabel('都道府県').selectOption('茨城県');
    await submitBy(office, office.getByRole('button', { name: '市区町村を表示' }));
    await office.getByLabel('団体').selectOption('082015');
    await office.getByLabel('計画ID（英数字）').fill('taiko-9');
    await office.getByLabel('計画の名称').fill('水戸市行財政改革大綱');
    await office.getByLabel('始め', { exact: true }).fill('令和8年度');
    await office.getByLabel('終わり').fill('令和12年度');
    await office.getByRole('radio', { name: /評価A/ }).check();
    await office.getByLabel('部署（1行に1つ）').fill(`総務部\n${SOUMU}\n財政課`);
    await axe(office);
    await shot(office, 'new plan form');
    await submitBy(office, office.getByRole('button', { name: '計画を作る', exact: true }));
    assert.equal(await notice(office), '計画を作りました。方針と取組を追加してください。');
    assert.equal(new URL(office.url()).pathname, `${PLAN}/draft`);
  });

  step('a policy, five items and an indicator are added, then adopted', async () => {
    await add('', 'policy', '1', '1', '効率的な行政運営', null);
    for (const n of [1, 2, 3, 4, 5]) {
      await add('1', 'item', `1-${n}`, String(n), `取組その${n}`, SOUMU);
    }
    const ind = office.locator('#add-indicator-form');
    await ind.getByLabel('ID').fill('staff');
    await ind.getByLabel('指標名').fill('職員提案の件数');
    await ind.getByLabel('対象の項目').selectOption('1-1');
    await ind.getByLabel('単位').fill('件');
    await submitBy(office, ind.getByRole('button', { name: '追加' }));
    assert.equal(await notice(office), '下書きに保存しました。');
    assert.equal(await office.locator('#draft-nodes tbody tr').count(), 6);
    await axe(office);
    await shot(office, 'draft with items');
    await office.getByLabel('種別').fill('策定');
    await office.getByLabel('適用開始年度').fill('令和8年度');
    await submitBy(office, office.getByRole('button', { name: '改訂として確定' }));
    assert.equal(await notice(office), '改訂として確定しました。');
  });

  step('the office opens 令和8年度 and 総務課 reports on an item', async () => {
    await office.goto(`${PLAN}?fy=2026`);
    await office.locator('#deadline').fill('2027-05-31');
    await submitBy(office, office.getByRole('button', { name: '報告の受付を開始' }));
    assert.equal(await notice(office), '報告の受付を開始しました。');
    const editor = await newPage(browser);
    await login(editor, 'mito', `${PLAN}/items/1-3?fy=2026`);
    await editor.getByLabel('取組実績').fill('研修を2回実施した。');
    await submitBy(editor, editor.locator('#edit-form').getByRole('button', { name: '提出する' }));
    assert.equal(await notice(editor), '提出しました。');
    await editor.context().close();
  });

  step('the office renames and moves an item, previews and adopts the revision', async () => {
    await office.goto(`${PLAN}/draft`);
    await add('', 'policy', '2', '2', '市民との協働', null);
    await submitBy(office, office.getByRole('link', { name: '1-3', exact: true }));
    await office.getByLabel('名称', { exact: true }).fill('職員研修の充実');
    await office.getByLabel('上位の項目').selectOption('2');
    await office.getByLabel('番号').fill('1');
    await submitBy(office, office.getByRole('button', { name: '下書きに保存' }));
    const changes = await office.locator('#changes').innerText();
    assert.match(changes, /職員研修の充実/);
    assert.match(changes, /移動/);
    await axe(office);
    await shot(office, 'revision preview');
    await office.getByLabel('適用開始年度').fill('令和8年度');
    await submitBy(office, office.getByRole('button', { name: '改訂として確定' }));
    assert.equal(await notice(office), '改訂として確定しました。');
    noProblems(office);
  });

  step("the editor's report is intact, under the new name", async () => {
    const editor = await newPage(browser);
    await login(editor, 'mito', `${PLAN}/items/1-3?fy=2026`);
    assert.match(await editor.locator('h1').innerText(), /職員研修の充実/);
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '提出済');
    assert.match(await editor.locator('main').innerText(), /研修を2回実施した。/);
    await shot(editor, 'report intact');
    await editor.context().close();
  });
});
