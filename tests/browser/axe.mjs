// axe-core (from npm) run in the page under test: the accessibility check
// of both the published site and the web app.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
// WCAG 2.0 and 2.1, levels A and AA (= JIS X 8341-3:2016 AA), and axe's
// best practices, which check landmarks and headings more closely.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules, best practices) and fails listing every violation. */
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ path: AXE });
  }
  const r = await page.evaluate(
    // preload: false, or axe fetches the stylesheets with XMLHttpRequest,
    // which file:// refuses (only css-orientation-lock needs them: see the
    // stylesheet test below).
    (tags) =>
      window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
        preload: false,
      }),
    TAGS,
  );
  const text = r.violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary.replace(/\n/g, '\n      ')}`)
        .join('\n');
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
      const tags = v.tags.filter((t) => t.startsWith('wcag') || t === 'best-practice').join(' ');
      return `  ${v.id} (${v.impact}, ${tags}): ${v.help}\n  ${v.helpUrl}\n${nodes}${more}`;
    })
    .join('\n');
  assert.equal(r.violations.length, 0, `axe-core: ${r.violations.length} violation(s) at ${page.url()}\n${text}`);
}

