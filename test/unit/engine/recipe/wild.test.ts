// Public debos recipes from independent projects (test/fixtures/wild, PROVENANCE beside
// each), with the template variables their build scripts pass: debstep accepts what debos
// accepts, with the warnings it should print; renders every recipe file byte for byte as
// debos 1.1.1 did (golden/N.log, made once with debos's binary: make-goldens.sh); plans the
// same actions in the same order; and --strict refuses the ones with unknown properties,
// naming each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { RecipeError, RecipeErrors } from '../../../../src/core/errors.js';
import type { Recipe } from '../../../../src/engine/recipe/load.js';
import { planRecipe } from '../../../../src/engine/recipe/plan.js';
import { splitVar } from '../../../../src/engine/recipe/vars.js';
import { asLogged, debosParses, debosPlan } from '../../../helpers/debos-golden.js';

const WILD = resolve(import.meta.dirname, '../../../fixtures/wild');

interface Case {
  readonly name: string;
  readonly recipe: string;
  readonly vars: readonly string[];
  /** Every warning check prints, `file:line:col: message`, the file relative to WILD. */
  readonly warnings?: readonly string[];
  /** Where debstep follows a newer debos than the golden's 1.1.1: [the golden's text, ours]. */
  readonly newerDebos?: { readonly replace: readonly (readonly [string, string])[]; readonly why: string };
}

const CASES: readonly Case[] = JSON.parse(readFileSync(join(WILD, 'cases.json'), 'utf8'));

const shown = (where: { file: string; line: number; col: number } | undefined, message: string) =>
  `${where ? `${where.file.replace(`${WILD}/`, '')}:${where.line}:${where.col}: ` : ''}${message}`;

/** Each recipe file debstep loaded, depth first as debos parses them: its path and text. */
function renders(r: Recipe): { file: string; text: string }[] {
  const own = { file: join(r.dir, basename(r.file)).replace(`${WILD}/`, '<wild>/'), text: r.text };
  return [own, ...r.actions.flatMap((a) => (a.kind === 'recipe' ? renders(a.child) : []))];
}

test('the suite holds recipes from at least 8 projects, each with its provenance', () => {
  const projects = new Set(CASES.map((c) => c.recipe.split('/')[0]!));
  assert.ok(projects.size >= 8, `${projects.size} projects`);
  for (const p of projects) assert.match(readFileSync(join(WILD, p, 'PROVENANCE'), 'utf8'), /^Repository: https:\/\/github\.com\/\S+\nCommit: [0-9a-f]{40}\n/);
});

describe('public debos recipes', () => {
  for (const [i, c] of CASES.entries()) {
    const vars = new Map(c.vars.map(splitVar));
    const file = join(WILD, c.recipe);
    const golden = debosParses(readFileSync(join(WILD, 'golden', `${i}.log`), 'utf8'));

    test(`${c.name}: check accepts it, with the warnings debos's silence hides`, async () => {
      const plan = await planRecipe(file, { vars });
      assert.deepEqual(plan.warnings.map((w) => shown(w.where, w.message)), c.warnings ?? []);
    });

    test(`${c.name}: every recipe file renders byte for byte as debos rendered it`, async () => {
      const { recipe } = await planRecipe(file, { vars });
      const ours = renders(recipe);
      assert.deepEqual(ours.map((r) => r.file), golden.map((g) => g.file));
      const replace = c.newerDebos?.replace ?? [];
      for (const [from] of replace) assert.ok(golden.some((g) => g.text.includes(from)), `the golden has ${from}`);
      for (const [j, r] of ours.entries()) {
        const expected = replace.reduce((text, [from, to]) => text.replaceAll(from, to), golden[j]!.text);
        assert.equal(asLogged(r.text), expected, `${r.file} renders differently`);
      }
    });

    test(`${c.name}: the plan is debos's, action for action`, async () => {
      const plan = await planRecipe(file, { vars });
      assert.deepEqual(plan.steps.map((s) => s.action.kind), debosPlan(golden));
    });

    test(`${c.name}: --strict refuses each unknown property, and only those`, async () => {
      const unknown = (c.warnings ?? []).filter((w) => / unknown property /.test(w));
      const loading = planRecipe(file, { vars, strict: true });
      if (unknown.length === 0) return void (await loading);
      await assert.rejects(loading, (e: unknown) => {
        const errors = e instanceof RecipeErrors ? e.errors : e instanceof RecipeError ? [e] : [];
        assert.deepEqual(errors.map((x) => shown(x.where, x.message)).sort(), [...unknown].sort());
        return true;
      });
    });
  }
});
