// What renderTemplate adds on top of Go: the output-to-source map, the missing keys the
// checker warns about, and TemplateError's position and user-facing message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderTemplate, TemplateError } from '../index.js';
import { GoFunc, GoFuncError, GoMap, GoSlice, templateData, type GoValue } from '../value.js';

const FILE = 'recipes/base.yaml';

function render(source: string, vars: Record<string, string> = {}, funcs?: ReadonlyMap<string, GoFunc>) {
  return renderTemplate(source, { name: 'base.yaml', file: FILE, data: templateData(vars), ...(funcs ? { funcs } : {}) });
}

function renderError(source: string, data: GoValue = templateData({})): TemplateError {
  try {
    renderTemplate(source, { name: 'base.yaml', file: FILE, data });
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  assert.fail('expected a TemplateError');
}

describe('sourceAt', () => {
  test('text maps character for character', () => {
    const src = 'architecture: {{ .arch }}\nactions:\n  - action: run\n';
    const r = render(src, { arch: 'arm64' });
    assert.equal(r.text, 'architecture: arm64\nactions:\n  - action: run\n');
    const at = (needle: string) => r.sourceAt(r.text.indexOf(needle));
    assert.deepEqual(at('architecture'), { file: FILE, line: 1, col: 1 });
    assert.deepEqual(at('actions'), { file: FILE, line: 2, col: 1 });
    assert.deepEqual(at('action: run'), { file: FILE, line: 3, col: 5 });
    assert.deepEqual(at('run'), { file: FILE, line: 3, col: 13 });
  });

  test('action output maps to the action', () => {
    const src = 'a: 1\nb: {{ .long }} tail\n';
    const r = render(src, { long: 'a much longer value' });
    const start = r.text.indexOf('a much');
    for (const off of [start, start + 5, start + 'a much longer value'.length - 1]) {
      assert.deepEqual(r.sourceAt(off), { file: FILE, line: 2, col: 4 });
    }
    // Text after the action maps back to its own place, shifted by the action's length.
    assert.deepEqual(r.sourceAt(r.text.indexOf('tail')), { file: FILE, line: 2, col: 16 });
  });

  test('trimmed and multi-line actions, ranges and templates', () => {
    const src = '{{- range $i := 2 }}\n- item{{ $i }}\n{{- end }}\n{{ define "t" }}T{{ . }}{{ end }}x: {{ template "t" 7 }}';
    const r = render(src);
    assert.equal(r.text, '\n- item0\n- item1\nx: T7');
    assert.deepEqual(r.sourceAt(r.text.indexOf('- item1')), { file: FILE, line: 2, col: 1 });
    assert.deepEqual(r.sourceAt(r.text.indexOf('1')), { file: FILE, line: 2, col: 7 });
    // Output of a defined template maps into the definition.
    assert.deepEqual(r.sourceAt(r.text.indexOf('T')), { file: FILE, line: 4, col: 17 });
    assert.deepEqual(r.sourceAt(r.text.indexOf('7')), { file: FILE, line: 4, col: 18 });
  });

  test('columns count UTF-16 units and the end of the text maps past the last character', () => {
    const src = 'é😀 {{ "x" }}!';
    const r = render(src);
    assert.equal(r.text, 'é😀 x!');
    assert.deepEqual(r.sourceAt(r.text.indexOf('x')), { file: FILE, line: 1, col: 5 });
    assert.deepEqual(r.sourceAt(r.text.length), { file: FILE, line: 1, col: src.length + 1 });
  });

  test('stays fast on large outputs', () => {
    const line = 'key{{ .n }}: value {{ .n }}\n';
    const r = render(line.repeat(20000), { n: '7' });
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) r.sourceAt((i * 7919) % r.text.length);
    assert.ok(performance.now() - t0 < 500);
    assert.deepEqual(r.sourceAt(r.text.lastIndexOf('value')), { file: FILE, line: 20000, col: 14 });
  });
});

describe('missingKeys', () => {
  test('records each absent key read by field syntax, at the key', () => {
    const src = 'a: {{ .arch }}\nb: {{ .suite }} {{ $.mirror }}\nc: {{ .suite }}';
    const r = render(src, { arch: 'amd64' });
    assert.deepEqual(r.missingKeys, [
      { key: 'suite', where: { file: FILE, line: 2, col: 8 }, printed: true },
      { key: 'mirror', where: { file: FILE, line: 2, col: 22 }, printed: true },
      { key: 'suite', where: { file: FILE, line: 3, col: 8 }, printed: true },
    ]);
    assert.equal(r.text, 'a: amd64\nb: <no value> <no value>\nc: <no value>');
  });

  test('the idiom or .x "default" reports the key as read, not printed; index and set keys not at all', () => {
    const r = render('{{ $s := or .suite "bookworm" }}{{ or .arch "amd64" }}{{ index . "other" }}{{ .set }}{{ if .maybe }}x{{ end }}', { set: '' });
    assert.deepEqual(
      r.missingKeys.map((k) => [k.key, k.printed]),
      [['suite', false], ['arch', false], ['maybe', false]],
    );
  });

  test('a missing key printed through a pipeline is marked printed', () => {
    const r = render('{{ .x }}{{ .y | print }}', {});
    assert.deepEqual(r.missingKeys.map((k) => [k.key, k.printed]), [['x', true], ['y', false]]);
    assert.equal(r.text, '<no value><nil>', 'as Go renders it');
  });

  test('keys in chains and variables point at the missing name', () => {
    const data = new GoMap('interface {}', new Map<string, GoValue>([['cfg', new GoMap('string', new Map([['a', '1']]))]]));
    const r = renderTemplate('{{ .cfg.b }} {{ $c := .cfg }}{{ $c.zz }}', { name: 't', file: FILE, data });
    assert.deepEqual(r.missingKeys, [
      { key: 'b', where: { file: FILE, line: 1, col: 9 }, printed: true },
      { key: 'zz', where: { file: FILE, line: 1, col: 36 }, printed: true },
    ]);
  });

  test('none when everything is set', () => {
    assert.deepEqual(render('{{ .a }}{{ range $k, $v := . }}{{ $k }}{{ end }}', { a: 'x' }).missingKeys, []);
  });
});

describe('TemplateError', () => {
  test('parse error: Go reports the line; where adds the column of the offending item', () => {
    const e = renderError('a: 1\nb: {{ .x | }}\nc: {{ nosuch 1 }}\n');
    assert.equal(e.goMessage, 'template: base.yaml:3: function "nosuch" not defined');
    assert.equal(e.message, 'function "nosuch" not defined');
    assert.deepEqual(e.where, { file: FILE, line: 3, col: 7 });
  });

  test('lexer error: unclosed action, started on an earlier line', () => {
    const e = renderError('a: 1\nb: {{ .x \n');
    assert.equal(e.goMessage, 'template: base.yaml:3: unclosed action started at base.yaml:2');
    assert.equal(e.message, 'unclosed action started at base.yaml:2');
    assert.equal(e.where?.line, 3);
  });

  test('exec error: message drops the location, where has a 1-based column', () => {
    const e = renderError('arch: x\nx: é {{ range 3.5 }}{{ end }}');
    assert.equal(e.goMessage, 'template: base.yaml:2:15: executing "base.yaml" at <3.5>: range can\'t iterate over 3.5');
    assert.equal(e.message, 'executing "base.yaml" at <3.5>: range can\'t iterate over 3.5');
    // Go's column counts bytes from 0 (é is two); ours counts characters from 1.
    assert.deepEqual(e.where, { file: FILE, line: 2, col: 15 });
  });

  test('a function error and a panic are both reported as Go reports them', () => {
    const funcs = new Map([
      ['fails', new GoFunc('fails', [], false, 'string', true, () => { throw new GoFuncError('it failed'); })],
      ['panics', new GoFunc('panics', ['string'], false, 'string', false, (s) => { throw new Error(`bad ${String(s)}`); })],
    ]);
    const render2 = (src: string) => {
      try {
        render(src, {}, funcs);
      } catch (e) {
        if (e instanceof TemplateError) return e;
      }
      return assert.fail('expected an error');
    };
    assert.equal(render2('{{ fails }}').goMessage, 'template: base.yaml:1:3: executing "base.yaml" at <fails>: error calling fails: it failed');
    assert.equal(render2('\n {{ "x" | panics }}').message, 'executing "base.yaml" at <panics>: error calling panics: bad x');
  });

  test('values handed to functions: nil interfaces stay nil, invalid values become zero', () => {
    const seen: GoValue[] = [];
    const funcs = new Map([
      ['see', new GoFunc('see', ['interface {}'], true, 'string', false, (...a) => { seen.push(...a); return ''; })],
      ['list', new GoFunc('list', ['interface {}'], true, '[]interface {}', false, (...a) => new GoSlice('interface {}', a))],
    ]);
    render('{{ see nil .missing (index (list nil) 0) 3 }}', {}, funcs);
    assert.deepEqual(seen, [null, null, null, 3n]);
  });
});
