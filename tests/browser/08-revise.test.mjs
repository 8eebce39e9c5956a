// The office revises 石岡市's plan in the web app: from the dashboard to the
// draft, one node renamed and moved under another policy, the change
// previewed, a bad move refused with what was typed kept, then the draft
// adopted as a revision from 令和8年度. axe-core checks each page.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { axe } from './axe.mjs';
import { ISHIOKA, camera, dashboard, launch, login, newPage, noProblems, notice, story, submitBy } from './helpers.mjs';

const TEST = 'revise';
const RENAMED = '研修制度の充実と見直し';

describe('the office revises the plan in the app (石岡市)', () => {
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

  step('the draft page is reached from the dashboard', async () => {
    office = await newPage(browser, { bypassCSP: true });
    await login(office, 'office', dashboard(ISHIOKA));
    await submitBy(office, office.locator('#draft-link'));
    assert.match(await office.locator('h1').innerText(), /計画の見直し/);
    await axe(office);
    await shot(office, 'draft page');
  });

  step('a node is renamed and moved under 基本施策2', async () => {
    await submitBy(office, office.getByRole('link', { name: '1-2', exact: true }));
    await office.getByLabel('名称', { exact: true }).fill(RENAMED);
    await office.getByLabel('上位の項目').selectOption('2');
    await axe(office);
    await submitBy(office, office.getByRole('button', { name: '下書きに保存' }));
    assert.equal(await notice(office), '下書きに保存しました。');
    const changes = await office.locator('#changes').innerText();
    assert.match(changes, new RegExp(RENAMED));
    assert.match(changes, /移動/);
    await shot(office, 'draft with changes');
    noProblems(office);
  });

  step('moving a policy under its own item is refused, what was typed kept', async () => {
    await submitBy(office, office.getByRole('link', { name: '1', exact: true }));
    await office.getByLabel('名称', { exact: true }).fill('打ち直した名称');
    await office.getByLabel('上位の項目').selectOption('1-1');
    await submitBy(office, office.getByRole('button', { name: '下書きに保存' }));
    assert.match(await office.locator('#node-error').innerText(), /自分自身やその下の項目/);
    assert.equal(await office.getByLabel('名称', { exact: true }).inputValue(), '打ち直した名称');
    await axe(office);
    await shot(office, 'refused move');
  });

  step('the draft is adopted as a revision from 令和8年度', async () => {
    await office.goto(office.url().replace(/\/nodes\/.*$/, ''));
    await office.getByLabel('適用開始年度').fill('令和8年度');
    await office.getByLabel('理由').fill('研修体系の見直し');
    await submitBy(office, office.getByRole('button', { name: '改訂として確定' }));
    assert.equal(await notice(office), '改訂として確定しました。');
    assert.match(new URL(office.url()).pathname, /\/revisions$/);
    assert.match(await office.locator('#revisions').innerText(), /研修体系の見直し/);
    await shot(office, 'adopted');
    noProblems(office);
  });
});
