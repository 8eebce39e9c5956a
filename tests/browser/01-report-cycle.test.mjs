// The yearly report of one item, end to end, each step by the role that
// does it in a city hall: the office opens reporting; 総務課 fills and
// submits 石岡市's item 1-1; the office returns it; 総務課 fixes and
// resubmits; the office accepts; the dashboard shows the change.
//
// 石岡市's plan has no status scale (status_scale: [] in
// examples/ishioka/plan.yaml), so its summary table cannot change with a
// status: 02-summary.test.mjs checks the summary's counts on 安中市.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ISHIOKA,
  as,
  camera,
  dashboard,
  item,
  launch,
  notice,
  noProblems,
  num,
  readTable,
  row,
  story,
  submitBy,
  tableByCaption,
} from './helpers.mjs';

const TEST = 'report-cycle';
const ITEM = '1-1';
const TITLE = '多様な人材の確保';

describe('a department reports, the office returns and then accepts (石岡市 1-1)', () => {
  let browser;
  let office;
  let editor;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);
  const first = {
    result: '民間経験者採用試験を実施し、3名を採用した。',
    self: '概ね計画どおり。',
    fixed: '民間経験者3名・任期付職員1名を採用し、目標の4名を達成した。',
  };

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  // The values of a select's options that are not its blank placeholder.
  const choosable = async (options) =>
    (await options.evaluateAll((os) => os.map((o) => o.value))).filter((v) => v !== '');

  // The dashboard's item line and missing-department line for 1-1 / 総務課.
  async function dashState(page) {
    await page.goto(dashboard(ISHIOKA));
    const line = page.locator('#items tbody tr', { hasText: TITLE });
    await assert.doesNotReject(line.waitFor(), `no line for ${TITLE} in #items`);
    const state = (await line.locator('td').last().innerText()).trim();
    let missing = null;
    if ((await page.locator('#missing').count()) > 0) {
      const m = await readTable(page.locator('#missing'));
      const r = m.rows.find((x) => x.label === '総務課');
      missing = r ? num(r.cells['未提出']) : 0;
    }
    return { state, missing };
  }

  step('the office opens reporting for 令和7年度 with a deadline', async () => {
    office = await as(browser, 'office', dashboard(ISHIOKA));
    const cycle = office.locator('#cycle-state');
    assert.equal((await cycle.innerText()).trim(), 'この年度の報告はまだ開始されていません。');
    assert.equal(await office.locator('#missing').count(), 0, 'no missing list before reporting opens');
    const summary = await readTable(tableByCaption(office, '全体と基本方針ごとの評価区分別件数'));
    assert.deepEqual(summary.headers, ['区分', '報告あり', '未報告', '達成率'], 'no status columns: 石岡 has no scale');
    assert.equal(row(summary, '全体').cells['未報告'], '26');
    await shot(office, 'dashboard before opening');

    await office.locator('#deadline').fill('2026-05-31');
    await submitBy(office, office.getByRole('button', { name: '報告の受付を開始' }));
    assert.equal(await notice(office), '報告の受付を開始しました。');
    assert.match(await cycle.innerText(), /報告を受け付けています。/);
    assert.match(await cycle.innerText(), /提出期限: 2026-05-31/);
    assert.match(await cycle.getAttribute('class'), /state-open/);
    await assert.doesNotReject(office.getByRole('button', { name: '年度を締め切る' }).waitFor());
    const missing = await readTable(office.locator('#missing'));
    assert.deepEqual(row(missing, '総務課').cells, { 担当課: '総務課', 未提出: '7', 担当取組数: '7' });
    assert.equal((await dashState(office)).state, '未着手');
    await shot(office, 'reporting opened');
    noProblems(office);
  });

  step('総務課 fills in item 1-1 and submits it', async () => {
    editor = await as(browser, 'editor', dashboard(ISHIOKA));
    // The department finds its item on the dashboard, marked as its own.
    const line = editor.locator('#items tbody tr', { hasText: TITLE });
    assert.match(await line.innerText(), /担当/);
    await submitBy(editor, line.getByRole('link', { name: TITLE }));
    assert.equal(new URL(editor.url()).pathname, `${ISHIOKA}/items/${ITEM}`);
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '未着手');

    const form = editor.locator('#edit-form');
    await form.waitFor();
    // 石岡 has no status scale: nothing to choose as a status (tested below).
    assert.deepEqual(await choosable(editor.locator('#status option')), []);
    await editor.getByLabel('取組実績').fill(first.result);
    await editor.getByLabel('自己評価').fill(first.self);
    await editor.getByLabel('次年度の方向性').selectOption({ label: '継続' });
    await editor.getByLabel('歳出削減額').fill('300万円');
    await editor.getByLabel('歳入確保額').fill('1,500,000円');
    await shot(editor, 'form filled');

    await submitBy(editor, form.getByRole('button', { name: '提出する' }));
    assert.equal(await notice(editor), '提出しました。');
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '提出済');
    assert.equal(await editor.locator('#edit-form').count(), 0, 'a submitted report is not editable');
    assert.match(await editor.locator('#not-editable').innerText(), /提出済みまたは確認済みのため編集できません/);
    // What was typed is what is stored, amounts in the Japanese form.
    const history = await readTable(editor.locator('#history'));
    const y = row(history, '令和7(2025)年度').cells;
    assert.equal(y['取組実績'], first.result);
    assert.equal(y['自己評価'], first.self);
    assert.equal(y['次年度の方向性'], '継続');
    assert.equal(y['歳出削減額'], '300万円');
    assert.equal(y['歳入確保額'], '150万円');
    assert.equal(y['報告状況'], '提出済');
    assert.match(await editor.locator('#thread li.rv-submit').innerText(), /提出/);
    await shot(editor, 'submitted');

    const d = await dashState(editor);
    assert.deepEqual(d, { state: '提出済', missing: 6 }, '総務課 has one item fewer to submit');
    noProblems(editor);
  });

  step('the office cannot return without a comment, then returns it with one', async () => {
    await office.goto(item(ISHIOKA, ITEM));
    assert.equal((await office.locator('#item-state').innerText()).trim(), '提出済');
    const review = office.locator('#review-form');
    await review.waitFor();
    assert.equal(await office.locator('#edit-form').count(), 0, 'the office reviews, it does not edit a submitted report');
    await shot(office, 'review form');

    await submitBy(office, review.getByRole('button', { name: '差し戻す' }));
    const errors = office.locator('#form-errors');
    await errors.waitFor();
    assert.equal(await errors.getAttribute('role'), 'alert');
    assert.equal((await office.locator('#item-state').innerText()).trim(), '提出済', 'nothing changed');
    await shot(office, 'return refused without comment');

    await office.getByLabel('コメント（差戻しの場合は必須）').fill('採用人数の目標に対する達成状況を自己評価に書いてください。');
    await submitBy(office, office.locator('#review-form').getByRole('button', { name: '差し戻す' }));
    assert.equal(await notice(office), '差し戻しました。');
    assert.equal((await office.locator('#item-state').innerText()).trim(), '差戻し');
    assert.match(await office.locator('#thread li.rv-return').innerText(), /採用人数の目標に対する達成状況/);
    assert.equal(await office.locator('#review-form').count(), 0);
    await shot(office, 'returned');
    noProblems(office);
  });

  step('総務課 sees the comment, fixes the report and submits it again', async () => {
    assert.deepEqual(await dashState(editor), { state: '差戻し', missing: 7 });
    await editor.goto(item(ISHIOKA, ITEM));
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '差戻し');
    assert.match(await editor.locator('#thread').innerText(), /採用人数の目標に対する達成状況を自己評価に書いてください。/);
    // The returned report is editable again and keeps what was stored.
    const form = editor.locator('#edit-form');
    await form.waitFor();
    assert.equal(await editor.getByLabel('取組実績').inputValue(), first.result);
    assert.equal(await editor.getByLabel('次年度の方向性').inputValue(), '継続');
    assert.equal(await editor.getByLabel('歳出削減額').inputValue(), '300万円');
    await editor.getByLabel('自己評価').fill(first.fixed);
    await shot(editor, 'fixing the returned report');

    await submitBy(editor, form.getByRole('button', { name: '提出する' }));
    assert.equal(await notice(editor), '提出しました。');
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '提出済');
    const kinds = await editor.locator('#thread li strong').allInnerTexts();
    assert.deepEqual(kinds, ['提出', '差戻し', '提出']);
    await shot(editor, 'resubmitted');
    noProblems(editor);
  });

  step('the office accepts it and the dashboard shows it accepted', async () => {
    assert.deepEqual(await dashState(office), { state: '提出済', missing: 6 });
    await office.goto(item(ISHIOKA, ITEM));
    const history = await readTable(office.locator('#history'));
    assert.equal(row(history, '令和7(2025)年度').cells['自己評価'], first.fixed, 'the office reviews the fixed text');
    await office.getByLabel('コメント（差戻しの場合は必須）').fill('確認しました。');
    await submitBy(office, office.locator('#review-form').getByRole('button', { name: '確認済みにする' }));
    assert.equal(await notice(office), '確認済みにしました。');
    assert.equal((await office.locator('#item-state').innerText()).trim(), '確認済');
    assert.deepEqual(await office.locator('#thread li strong').allInnerTexts(), ['提出', '差戻し', '提出', '確認']);
    assert.equal(await office.locator('#edit-form').count(), 0);
    await shot(office, 'accepted');

    const d = await dashState(office);
    assert.deepEqual(d, { state: '確認済', missing: 6 });
    // The per-department table still counts 総務課's 7 items.
    const byDept = await readTable(tableByCaption(office, '担当課ごとの評価区分別件数'));
    assert.equal(num(row(byDept, '総務課').cells['未報告']) + num(row(byDept, '総務課').cells['報告あり']), 7);
    await office.locator('#items').scrollIntoViewIfNeeded();
    await shot(office, 'dashboard after acceptance');

    // The department can no longer change an accepted report.
    await editor.goto(item(ISHIOKA, ITEM));
    assert.equal((await editor.locator('#item-state').innerText()).trim(), '確認済');
    assert.equal(await editor.locator('#edit-form').count(), 0);
    await shot(editor, 'accepted as the department sees it');
    noProblems(office);
    noProblems(editor);
  });

  // Once kept as todo tests for app bugs, fixed since.
  it(
    'shows no status select on a plan without a status scale',
    async () => {
      const page = await as(browser, 'editor', item(ISHIOKA, '1-4'));
      await page.locator('#edit-form').waitFor();
      assert.equal(await page.locator('#status').count(), 0, 'a select with nothing to choose');
      await page.context().close();
    },
  );

  it(
    'offers the year shown in the year select of a plan without a period',
    async () => {
      const page = await as(browser, 'viewer', dashboard(ISHIOKA, 2026));
      assert.match(await page.locator('#cycle-h').innerText(), /令和8\(2026\)年度/);
      assert.equal(await page.locator('#fy').inputValue(), '2026', 'the select does not show the year of the page');
      await page.context().close();
    },
  );
});
