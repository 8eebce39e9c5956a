// A department completes its report with the keyboard alone: no clicks, no
// fill(). Focus moves with Tab, text is typed, the select is changed with
// the arrow keys and the buttons are pressed with Enter and Space. Every
// control reached must show where the focus is.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ISHIOKA, PASSWORD, USERS, camera, ensureOpen, item, launch, newPage, noProblems, story } from './helpers.mjs';

const TEST = 'keyboard';
const ITEM = '1-2'; // 研修制度の充実, 総務課

describe('keyboard-only completion of the report form (石岡市 1-2)', () => {
  let browser;
  let page;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);
  const text = {
    result: '階層別研修を12回開催し、延べ340人が受講した。',
    self: '受講者アンケートの満足度は92%。',
  };

  before(async () => {
    browser = await launch();
    await ensureOpen(browser, ISHIOKA);
    page = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
  });

  /** What has the focus: `#id`, or `button:<text>`, `a:<text>`. */
  const focused = () =>
    page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return 'body';
      if (e.id) return `#${e.id}`;
      return `${e.tagName.toLowerCase()}:${e.textContent.trim()}`;
    });

  /** The focused element draws a visible focus indicator. */
  async function assertFocusVisible() {
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
    });
    assert.ok(
      (style.style !== 'none' && style.width >= 2) || style.shadow !== 'none',
      `no visible focus on ${await focused()}: ${JSON.stringify(style)}`,
    );
  }

  /** Presses Tab until `target` has the focus; returns the way there. */
  async function tabTo(target, max = 40) {
    const path = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      path.push(f);
      if (f === target) return path;
    }
    assert.fail(`Tab never reached ${target}; focus went ${path.join(' → ')}`);
  }

  async function press(key) {
    await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  }

  step('log in with the keyboard', async () => {
    await page.goto(`/login?next=${encodeURIComponent(item(ISHIOKA, ITEM))}`);
    await tabTo('#login', 5);
    await assertFocusVisible();
    await page.keyboard.type(USERS.editor.login);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), '#password');
    await page.keyboard.type(PASSWORD);
    await press('Enter');
    assert.equal(new URL(page.url()).pathname, `${ISHIOKA}/items/${ITEM}`);
    assert.match(await page.locator('header .who').innerText(), /総務課担当/);
  });

  step('the skip link comes first and leads to the main content', async () => {
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'a:本文へ移動');
    await assertFocusVisible();
    assert.ok(await page.getByRole('link', { name: '本文へ移動' }).isVisible(), 'the skip link shows when focused');
    await shot(page, 'skip link');
    await page.keyboard.press('Enter');
    // A same-page link changes the address without a navigation event:
    // wait for the fragment rather than reading the address at once.
    await page.waitForFunction(() => location.hash === '#main');
    assert.equal(new URL(page.url()).hash, '#main');
  });

  step('fill every field and save a draft with Enter', async () => {
    assert.equal((await page.locator('#item-state').innerText()).trim(), '未着手');
    // From the main content, Tab reaches the form; then the fields come
    // in the order they are shown.
    const way = await tabTo('#result');
    assert.equal(way[0], '#fy', 'after the skip link, Tab goes on from the main content');
    await assertFocusVisible();
    await page.keyboard.type(text.result);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), '#self_evaluation');
    await assertFocusVisible();
    await page.keyboard.type(text.self);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), '#direction');
    await assertFocusVisible();
    // Options: （方向性を選択）, 継続, 拡充, …
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#direction').inputValue(), '拡充');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), '#spending_cut');
    await assertFocusVisible();
    await page.keyboard.type('120万円');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), '#revenue');
    await page.keyboard.type('0.5億円');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'button:一時保存');
    await assertFocusVisible();
    await shot(page, 'form typed, focus on save');
    await press('Enter');

    assert.equal((await page.getByRole('status').innerText()).trim(), '一時保存しました。');
    assert.equal((await page.locator('#item-state').innerText()).trim(), '作成中');
    assert.equal(await page.locator('#result').inputValue(), text.result);
    assert.equal(await page.locator('#self_evaluation').inputValue(), text.self);
    assert.equal(await page.locator('#direction').inputValue(), '拡充');
    assert.equal(await page.locator('#spending_cut').inputValue(), '120万円');
    assert.equal(await page.locator('#revenue').inputValue(), '5,000万円');
    await shot(page, 'draft saved');
  });

  step('submit with Space on the submit button', async () => {
    const way = await tabTo('button:提出する');
    assert.ok(way.includes('#result'), 'the way to the button passes the form fields');
    await assertFocusVisible();
    await shot(page, 'focus on submit');
    await press('Space');
    assert.equal((await page.getByRole('status').innerText()).trim(), '提出しました。');
    assert.equal((await page.locator('#item-state').innerText()).trim(), '提出済');
    assert.equal(await page.locator('#edit-form').count(), 0);
    await shot(page, 'submitted');
    noProblems(page);
  });
});
