// The summary table counts only reports the office has accepted. 安中市's
// 第4次大綱 has a six-level status scale (石岡市's plan has none), but its
// items name no department, so here the office writes the report itself.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  ANNAKA,
  as,
  camera,
  dashboard,
  ensureOpen,
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

const TEST = 'summary';
const CAPTION = '全体と基本方針ごとの評価区分別件数';
const STATUS = '年度目標達成';
const SCALE = ['全体の目標達成', '年度目標達成', '年度目標一部達成', '目標に向け実施中', '実施に向け検討中', '計画中止'];
const GROUP = '方針1 市民ニーズの把握と協働';

describe('the summary table counts a report once the office accepts it (安中市 1-1)', () => {
  let browser;
  let office;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);
  let before0;

  before(async () => {
    browser = await launch();
    await ensureOpen(browser, ANNAKA);
    office = await as(browser, 'office', dashboard(ANNAKA));
  });
  after(async () => {
    await browser?.close();
  });

  async function summary() {
    await office.goto(dashboard(ANNAKA));
    return readTable(tableByCaption(office, CAPTION));
  }

  step('the summary has a column per status and nothing reported yet', async () => {
    before0 = await summary();
    assert.deepEqual(before0.headers, ['区分', ...SCALE, '報告あり', '未報告', '達成率']);
    const whole = row(before0, '全体').cells;
    assert.equal(num(whole[STATUS]), 0);
    assert.equal(num(whole['報告あり']), 0);
    assert.equal(num(whole['未報告']), 24);
    assert.equal(whole['達成率'], '—');
    assert.equal(num(row(before0, GROUP).cells['未報告']), 3);
    await tableByCaption(office, CAPTION).scrollIntoViewIfNeeded();
    await shot(office, 'summary before');
  });

  step('a submitted report with a status is not counted yet', async () => {
    await office.goto(item(ANNAKA, '1-1'));
    const form = office.locator('#edit-form');
    await form.waitFor();
    const labels = await office.locator('#status option').allInnerTexts();
    assert.deepEqual(labels, ['（評価を選択）', ...SCALE]);
    await office.getByLabel('評価', { exact: true }).selectOption({ label: STATUS });
    await office.getByLabel('取組実績').fill('市公式LINEの配信を開始し、登録者が目標の5,000人を超えた。');
    await office.getByLabel('次年度の方向性').selectOption({ label: '拡充' });
    await shot(office, 'report with a status');
    await submitBy(office, form.getByRole('button', { name: '提出する' }));
    assert.equal(await notice(office), '提出しました。');
    assert.equal((await office.locator('#item-state').innerText()).trim(), '提出済');

    const now = await summary();
    assert.deepEqual(now.rows, before0.rows, 'submitted but not accepted: the summary is unchanged');
  });

  step('once accepted, the status column and 報告あり go up by one and 未報告 down by one', async () => {
    await office.goto(item(ANNAKA, '1-1'));
    await submitBy(office, office.locator('#review-form').getByRole('button', { name: '確認済みにする' }));
    assert.equal(await notice(office), '確認済みにしました。');
    assert.equal((await office.locator('#item-state').innerText()).trim(), '確認済');

    const now = await summary();
    for (const label of ['全体', GROUP]) {
      const b = row(before0, label).cells;
      const a = row(now, label).cells;
      for (const s of SCALE) {
        assert.equal(num(a[s]), num(b[s]) + (s === STATUS ? 1 : 0), `${label}: ${s}`);
      }
      assert.equal(num(a['報告あり']), num(b['報告あり']) + 1, `${label}: 報告あり`);
      assert.equal(num(a['未報告']), num(b['未報告']) - 1, `${label}: 未報告`);
      assert.match(a['達成率'], /^100\s*%$/, `${label}: 年度目標達成 counts as achieved`);
    }
    // Other groups are untouched.
    const other = now.rows.filter((r) => r.label !== '全体' && r.label !== GROUP);
    assert.ok(other.length > 0);
    for (const r of other) {
      assert.deepEqual(r, row(before0, r.label), `${r.label} is unchanged`);
    }
    // The item list shows the accepted status.
    const line = office.locator('#items tbody tr', { hasText: '市民ニーズに応じたわかりやすい情報の発信' });
    assert.match(await line.innerText(), new RegExp(`${STATUS}[\\s\\S]*確認済`));
    await tableByCaption(office, CAPTION).scrollIntoViewIfNeeded();
    await shot(office, 'summary after acceptance');
    noProblems(office);
  });
});
