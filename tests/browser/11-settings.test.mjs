// The office changes 石岡市's plan settings in the draft: two 課 merged
// with their items handed over, a theme added and marked on an item, the
// glossary and status scale as tables; the draft shows the changes. axe
// checks each page; the forms work from the keyboard.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axe } from './axe.mjs';
import { ISHIOKA, camera, launch, login, newPage, noProblems, notice, story, submitBy } from './helpers.mjs';

const TEST = 'settings';
const INTO = '総務課';

describe('the office changes the plan settings in the draft (石岡市)', () => {
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

  step('the settings page is reached from the draft', async () => {
    office = await newPage(browser, { bypassCSP: true });
    await login(office, 'office', `${ISHIOKA}/draft`);
    await submitBy(office, office.locator('#settings-link'));
    assert.match(await office.locator('h1').innerText(), /計画の設定/);
    await axe(office);
    await shot(office, 'settings page');
  });

  step('two 課 are merged, the items handed over', async () => {
    // 行革推進課 is merged into 総務課.
    await submitBy(office, office.locator('#settings-departments').getByRole('link', { name: '行革推進課', exact: true }));
    await axe(office);
    await office.getByLabel('廃止日').fill('令和8年3月31日');
    await office.getByLabel('後継の部署', { exact: true }).selectOption(INTO);
    await office.getByLabel('この部署が担当する項目を後継の部署に引き継ぐ').check();
    await shot(office, 'department merger');
    await submitBy(office, office.getByRole('button', { name: '下書きに保存' }));
    assert.equal(await notice(office), '下書きに保存しました。');
    const table = await office.locator('#settings-departments').innerText();
    assert.match(table, /行革推進課[\s\S]*令和8年3月31日/);
  });

  step('a theme is added with two values', async () => {
    await submitBy(office, office.locator('#add-axis'));
    await office.getByLabel('キー').fill('dx');
    await office.getByLabel('名称', { exact: true }).fill('DX');
    await office.getByLabel('記号 1').fill('手続');
    await office.getByLabel('名称 1').fill('手続のオンライン化');
    await office.getByLabel('記号 2').fill('内部');
    await office.getByLabel('名称 2').fill('内部事務の効率化');
    await axe(office);
    await submitBy(office, office.getByRole('button', { name: '下書きに保存' }));
    assert.equal(await notice(office), '下書きに保存しました。');
    assert.match(await office.locator('#settings-axes').innerText(), /手続のオンライン化/);
  });

  step('a status is added to the scale from the keyboard', async () => {
    const form = office.locator('#scale-form');
    const empty = form.locator('input[name="code"]').filter({ hasNotText: '' });
    const codes = await form.locator('input[name="code"]').evaluateAll((xs) => xs.map((x) => x.value));
    const free = codes.findIndex((c) => c === '');
    assert.ok(free >= 0 && empty, 'a blank row to add to');
    await form.locator('input[name="code"]').nth(free).focus();
    await office.keyboard.type('E');
    await office.keyboard.press('Tab');
    await office.keyboard.type('計画変更');
    await office.keyboard.press('Tab');
    await office.keyboard.type('Plan changed');
    await submitBy(office, form.getByRole('button', { name: '下書きに保存' }));
    assert.equal(await notice(office), '下書きに保存しました。');
    await shot(office, 'settings saved');
  });

  step('the draft shows what the settings changed', async () => {
    await office.goto(`${ISHIOKA}/draft`);
    const changes = await office.locator('#changes').innerText();
    assert.match(changes, /計画変更/);
    assert.match(changes, /DX|dx/);
    await axe(office);
    await shot(office, 'draft with settings');
    noProblems(office);
  });
});
