// The office revises 石岡市's plan in Excel: the plan's workbook is
// downloaded from the draft page, two titles are changed in it (as Excel
// would save them: the shared strings of the package), the workbook is
// uploaded and the draft revision it makes is previewed as a diff, then
// taken into the draft; a workbook whose hidden check was edited is
// refused with its sheet and cell, nothing taken; the draft is adopted.
// axe-core checks every page.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

import { axe } from './axe.mjs';
import { ISHIOKA, camera, launch, login, newPage, noProblems, notice, story, submitBy } from './helpers.mjs';

const TEST = 'excel';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const RENAMES = [
  ['多様な人材の確保', '多様な人材の確保と定着'],
  ['窓口サービスの向上', '窓口サービスのデジタル化'],
];

/** The workbook with `edit` applied to its shared strings. */
function edited(bytes, edit) {
  const files = unzipSync(new Uint8Array(bytes));
  const name = Object.keys(files).find((f) => /sharedStrings\.xml$/i.test(f));
  assert.ok(name, 'the workbook has shared strings');
  const before = strFromU8(files[name]);
  const after = edit(before);
  assert.notEqual(after, before, 'the edit changed something');
  files[name] = strToU8(after);
  return Buffer.from(zipSync(files));
}

describe('the office revises the plan in Excel (石岡市)', () => {
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

  async function download() {
    const [file] = await Promise.all([
      office.waitForEvent('download'),
      office.locator('#plan-workbook').click(),
    ]);
    assert.match(file.suggestedFilename(), /\.xlsx$/);
    return readFile(await file.path());
  }

  async function upload(name, buffer) {
    await office.locator('#plan-workbook-file').setInputFiles({ name, mimeType: XLSX, buffer });
    await submitBy(office, office.getByRole('button', { name: '変更点を確認する' }));
  }

  step('the plan is downloaded as a workbook from the draft page', async () => {
    office = await newPage(browser, { bypassCSP: true });
    await login(office, 'office', `${ISHIOKA}/draft`);
    assert.match(await office.locator('#planbook-h').innerText(), /Excel で見直す/);
    await axe(office);
    await shot(office, 'draft page with excel');
    const bytes = await download();
    assert.ok(bytes.length > 5000, 'a workbook');
    office.workbook = bytes;
  });

  step('the edited workbook is previewed as a diff', async () => {
    const bytes = edited(office.workbook, (xml) =>
      RENAMES.reduce((s, [from, to]) => s.replace(`>${from}<`, `>${to}<`), xml),
    );
    await upload('石岡市_計画.xlsx', bytes);
    assert.match(await office.locator('h1').innerText(), /変更点の確認/);
    const changes = await office.locator('#changes').innerText();
    for (const [from, to] of RENAMES) {
      assert.match(changes, new RegExp(from));
      assert.match(changes, new RegExp(to));
    }
    assert.equal(await office.locator('#changes tbody tr').count(), RENAMES.length, 'exactly the two changes');
    await axe(office);
    await shot(office, 'excel preview');
  });

  step('it is taken into the draft revision', async () => {
    await submitBy(office, office.getByRole('button', { name: '改訂案に取り込む' }));
    assert.match(await notice(office), /改訂案に取り込みました/);
    const changes = await office.locator('#changes').innerText();
    assert.match(changes, /多様な人材の確保と定着/);
    await shot(office, 'draft from excel');
    noProblems(office);
  });

  step('a workbook with an edited hidden check is refused with its cell', async () => {
    const bytes = await download();
    const forged = edited(bytes, (xml) => xml.replace(/>([0-9a-f]{15})([0-9a-f])</, (_, a, b) => `>${a}${b === '0' ? '1' : '0'}<`));
    await upload('書き換えたブック.xlsx', forged);
    const errors = await office.locator('#pb-errors').innerText();
    assert.match(errors, /(取組|組織|指標|用語)![A-Z]+\d+/);
    assert.match(errors, /隠れたID列が変更されています/);
    assert.equal(await office.locator('#pb-apply').count(), 0, 'nothing to apply');
    await axe(office);
    await shot(office, 'excel refused');
  });

  step('the draft is adopted as a revision from 令和9年度', async () => {
    await office.goto(`${ISHIOKA}/draft`);
    await office.getByLabel('適用開始年度').fill('令和9年度');
    await office.getByLabel('理由').fill('Excel で項目名を見直し');
    await submitBy(office, office.getByRole('button', { name: '改訂として確定' }));
    assert.equal(await notice(office), '改訂として確定しました。');
    assert.match(await office.locator('#revisions').innerText(), /Excel で項目名を見直し/);
    noProblems(office);
  });
});
