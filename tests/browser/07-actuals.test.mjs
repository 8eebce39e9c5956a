// Indicator actuals in the web app (石岡市): 総務課 finds its indicators in
// the registry, enters a policy-level indicator's actual on its page with
// the keyboard, then fills in the downloaded template and uploads it,
// checks the preview and applies it. axe-core checks both pages.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { axe } from './axe.mjs';
import {
  FY,
  ISHIOKA,
  camera,
  ensureOpen,
  launch,
  login,
  newPage,
  noProblems,
  notice,
  readTable,
  row,
  story,
  submitBy,
} from './helpers.mjs';

const TEST = 'actuals';
const NAME = '仕事にやりがいを持つ市職員の割合'; // o1, on 基本施策 1 (no item)

describe('indicator actuals: one on its page, more from a table (石岡市)', () => {
  let browser;
  let editor;
  const shot = camera(TEST);
  const step = story(it, () => browser, shot);

  before(async () => {
    browser = await launch();
    await ensureOpen(browser, ISHIOKA);
  });
  after(async () => {
    await browser?.close();
  });

  step("the registry lists the department's own indicators, linked to their pages", async () => {
    editor = await newPage(browser, { bypassCSP: true });
    await login(editor, 'editor', '/indicators?dept=mine');
    const table = await readTable(editor.locator('#registry'));
    assert.ok(table.rows.some((r) => r.label.startsWith(NAME)), 'o1 is 総務課’s');
    assert.ok(!table.rows.some((r) => r.label.startsWith('実質赤字比率')), '財政 is not');
    await submitBy(editor, editor.getByRole('link', { name: NAME }));
    assert.match(await editor.locator('h1').innerText(), new RegExp(NAME));
    await shot(editor, 'indicator page');
    await axe(editor);
  });

  step('an actual is typed with full-width digits and saved with the keyboard', async () => {
    const field = editor.getByLabel(`令和7(2025)年度 実績値`);
    await field.fill('４８．５');
    await editor.getByLabel('令和7(2025)年度 備考').fill('職員アンケート（速報）');
    await Promise.all([editor.waitForNavigation(), field.press('Enter')]);
    assert.equal(await notice(editor), '実績を保存しました。');
    assert.equal(await editor.getByLabel('令和7(2025)年度 実績値').inputValue(), '48.5');
    const changes = await readTable(editor.locator('#changes'));
    assert.match(changes.rows[0].cells['操作した人'], /soumu/);
    await shot(editor, 'saved');
    noProblems(editor);
  });

  step('the template holds 総務課’s indicators with their names', async () => {
    await editor.goto(`${ISHIOKA}/actuals`);
    await axe(editor);
    const [download] = await Promise.all([
      editor.waitForEvent('download'),
      editor.getByRole('button', { name: '担当指標の表をダウンロード（CSV）' }).click(),
    ]);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('\uFEFFindicator,fy,value,unit,note,name\r\n'), text.slice(0, 80));
    assert.match(text, new RegExp(`o1,${FY},48.5,%,職員アンケート（速報）,${NAME}`));
    assert.doesNotMatch(text, /^o2-1,/m, 'not 総務課’s');
  });

  step('a filled-in table is previewed, then applied', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gyokaku-actuals-'));
    const file = path.join(dir, 'actuals.csv');
    writeFileSync(
      file,
      `indicator,fy,value,unit,note,name\r\no1,${FY},48.5,%,職員アンケート（速報）,${NAME}\r\nr1-1,R7,31,件,,職員提案の提案数\r\n`,
    );
    await editor.getByLabel('記入した表（CSV または .xlsx）').setInputFiles(file);
    await submitBy(editor, editor.getByRole('button', { name: 'アップロードして変更を確認' }));
    assert.equal((await editor.locator('#preview-counts').innerText()).trim(), '変更 1 件、変更なし 1 件');
    const preview = await readTable(editor.locator('#preview'));
    assert.equal(row(preview, '職員提案の提案数').cells['変更'], '新規');
    assert.equal(row(preview, NAME).cells['変更'], '変更なし');
    await shot(editor, 'preview');
    await axe(editor);
    await submitBy(editor, editor.getByRole('button', { name: 'この内容で反映する' }));
    assert.equal(await notice(editor), '実績を取り込みました。');
    await editor.goto(`${ISHIOKA}/indicators/r1-1`);
    assert.equal(await editor.getByLabel('令和7(2025)年度 実績値').inputValue(), '31');
    noProblems(editor);
  });

  step('a table with an indicator of another department is refused whole, located', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gyokaku-actuals-'));
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, `indicator,fy,value,unit,note\nr1-1,${FY},32,,\no2-1,${FY},-4.0,,\n`);
    await editor.goto(`${ISHIOKA}/actuals`);
    await editor.getByLabel('記入した表（CSV または .xlsx）').setInputFiles(file);
    await submitBy(editor, editor.getByRole('button', { name: 'アップロードして変更を確認' }));
    const errors = await editor.locator('#upload-errors').innerText();
    assert.match(errors, /bad\.csv 3行目 indicator列: 指標「o2-1」の実績を入力する権限がありません/);
    assert.equal(await editor.getByRole('button', { name: 'この内容で反映する' }).count(), 0);
    await shot(editor, 'refused');
    await editor.goto(`${ISHIOKA}/indicators/r1-1`);
    assert.equal(await editor.getByLabel('令和7(2025)年度 実績値').inputValue(), '31', 'nothing written');
  });
});
