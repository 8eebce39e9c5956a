// The English switch: a link in the header (and on the login page) that
// remembers the choice and comes back to the same page, now in English
// (html lang="en"), and back to Japanese.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ISHIOKA, as, camera, ensureOpen, item, launch, newPage, noProblems, story, submitBy } from './helpers.mjs';

const TEST = 'language';
const ITEM = '1-5'; // 自主研究会の支援 (総務課)

describe('switching the language to English and back', () => {
  let browser;
  let editor;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);
  const lang = (page) => page.locator('html').getAttribute('lang');

  before(async () => {
    browser = await launch();
    await ensureOpen(browser, ISHIOKA);
  });
  after(async () => {
    await browser?.close();
  });

  step('the login page switches to English', async () => {
    const page = await newPage(browser);
    await page.goto('/login');
    assert.equal(await lang(page), 'ja');
    const link = page.getByRole('link', { name: 'English' });
    assert.equal(await link.getAttribute('lang'), 'en', 'the link says in which language it is');
    await submitBy(page, link);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await lang(page), 'en');
    assert.equal((await page.locator('h2').innerText()).trim(), 'Log in');
    await page.getByLabel('Login ID').waitFor();
    await shot(page, 'login in English');
    await page.context().close();
  });

  step('an item page switches to English and stays on the item', async () => {
    editor = await as(browser, 'editor', item(ISHIOKA, ITEM));
    assert.equal(await lang(editor), 'ja');
    assert.equal(await editor.getByRole('button', { name: '一時保存' }).count(), 1);
    const nav = editor.getByRole('navigation', { name: 'メインメニュー' });
    await submitBy(editor, nav.getByRole('link', { name: 'English' }));

    const url = new URL(editor.url());
    assert.equal(`${url.pathname}${url.search}`, item(ISHIOKA, ITEM), 'back on the same page');
    assert.equal(await lang(editor), 'en');
    const form = editor.locator('#edit-form');
    assert.equal(await form.getByRole('button', { name: 'Save draft' }).count(), 1);
    assert.equal(await form.getByRole('button', { name: 'Submit' }).count(), 1);
    await editor.getByLabel('Result', { exact: true }).waitFor();
    assert.equal((await editor.locator('#item-state').innerText()).trim(), 'Not started');
    assert.equal(await editor.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Plans' }).count(), 1);
    await shot(editor, 'item in English');
  });

  step('a draft saved in English is confirmed in English', async () => {
    await editor.getByLabel('Result', { exact: true }).fill('Two study groups met monthly.');
    await submitBy(editor, editor.getByRole('button', { name: 'Save draft' }));
    assert.equal((await editor.getByRole('status').innerText()).trim(), 'Draft saved.');
    assert.equal((await editor.locator('#item-state').innerText()).trim(), 'Draft');
    assert.equal(await lang(editor), 'en', 'the choice is remembered');
    await shot(editor, 'draft saved in English');
  });

  step('the switch back to Japanese', async () => {
    const link = editor.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: '日本語' });
    assert.equal(await link.getAttribute('lang'), 'ja');
    await submitBy(editor, link);
    assert.equal(await lang(editor), 'ja');
    assert.equal(await editor.getByRole('button', { name: '一時保存' }).count(), 1);
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '作成中');
    await shot(editor, 'back in Japanese');
    noProblems(editor);
  });
});
