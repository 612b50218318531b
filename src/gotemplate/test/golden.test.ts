// Every golden case (src/gotemplate/test/golden/*.jsonl, produced by Go 1.24 through
// test/oracle) must render byte for byte as Go rendered it, or fail with Go's exact
// error message.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { recipeFuncs } from '../funcs/index.js';
import { renderTemplate, TemplateError } from '../index.js';
import { templateData } from '../value.js';

interface GoldenCase {
  readonly name: string;
  readonly template: string;
  readonly data?: Record<string, string>;
  readonly file?: string;
  readonly out: string;
  readonly err: string;
}

const dir = join(import.meta.dirname, 'golden');
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
const funcs = recipeFuncs();

function render(c: GoldenCase) {
  const name = c.file ?? 'recipe.yaml';
  return renderTemplate(c.template, { name, file: name, data: templateData(c.data ?? {}), funcs });
}

test('golden files exist', () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  const cases = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as GoldenCase);
  describe(file, () => {
    for (const c of cases) {
      test(c.name, () => {
        if (c.err === '') {
          assert.equal(render(c).text, c.out);
          return;
        }
        assert.throws(
          () => render(c),
          (e: unknown) => {
            assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
            assert.equal(e.goMessage, c.err);
            return true;
          },
        );
      });
    }
  });
}
