// Structs (fields and methods), and func values called with call: data the golden tables
// cannot carry. Expected results were printed by Go 1.24's text/template for the same data:
// map[string]any{"t": T{"tee"}, "f": func(a, b int) int, "v": func(...string) string,
// "e": func() (int, error) failing, "p": func() int panicking}, where T has the field Name,
// a String method and the methods below.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoFunc, GoFuncError, GoMap, type GoStruct, type GoValue } from '../value.js';
import { renderOrError } from './render-or-error.js';

class T implements GoStruct {
  readonly type = 'main.T';
  constructor(readonly name: string) {}
  field(name: string): GoValue | undefined {
    return name === 'Name' ? this.name : undefined;
  }
  method(name: string): GoFunc | undefined {
    switch (name) {
      case 'Greet':
        return new GoFunc('Greet', ['string'], false, 'string', false, (s) => `hi ${String(s)} from ${this.name}`);
      case 'Fail':
        return new GoFunc('Fail', [], false, 'string', true, () => {
          throw new GoFuncError('boom');
        });
      case 'Self':
        return new GoFunc('Self', [], false, 'main.T', false, () => new T(this.name + '!'));
      case 'Count':
        return new GoFunc('Count', ['int'], false, 'int', false, (n) => (n as bigint) * 2n);
      case 'Join':
        return new GoFunc('Join', ['string', 'string'], true, 'string', false, (sep, ...p) => p.join(sep as string));
    }
    return undefined;
  }
  format(): string {
    return 'T-stringer';
  }
}

const data = new GoMap(
  'interface {}',
  new Map<string, GoValue>([
    ['t', new T('tee')],
    ['f', new GoFunc('f', ['int', 'int'], false, 'int', false, (a, b) => (a as bigint) + (b as bigint))],
    ['v', new GoFunc('v', ['string'], true, 'string', false, (...s) => s.join('+'))],
    ['e', new GoFunc('e', [], false, 'int', true, () => { throw new GoFuncError('bad'); })],
    ['p', new GoFunc('p', [], false, 'int', false, () => { throw new Error('oops'); })],
  ]),
);

const run = (src: string) => renderOrError(src, data);

const cases: [string, string][] = [
  ['{{ .t.Name }}', 'tee'],
  ['{{ .t.Greet "x" }}', 'hi x from tee'],
  ['{{ .t.Greet }}', 'ERR template: t:1:5: executing "t" at <.t.Greet>: wrong number of args for Greet: want 1 got 0'],
  ['{{ .t.Name 1 }}', 'ERR template: t:1:5: executing "t" at <.t.Name>: Name has arguments but cannot be invoked as function'],
  ['{{ .t.Nope }}', 'ERR template: t:1:5: executing "t" at <.t.Nope>: can\'t evaluate field Nope in type interface {}'],
  ['{{ "y" | .t.Greet }}', 'hi y from tee'],
  ['{{ .t.Greet 3 }}', 'ERR template: t:1:12: executing "t" at <3>: expected string; found 3'],
  ['{{ .t.Fail }}', 'ERR template: t:1:5: executing "t" at <.t.Fail>: error calling Fail: boom'],
  ['{{ .t.Self.Self.Name }}', 'tee!!'],
  ['{{ .t.Count 2.0 }}', '4'],
  ['{{ .t.Count "2" }}', 'ERR template: t:1:12: executing "t" at <"2">: expected integer; found "2"'],
  ['{{ .t.Join "," "a" "b" }}', 'a,b'],
  ['{{ .t.Join }}', 'ERR template: t:1:5: executing "t" at <.t.Join>: wrong number of args for Join: want at least 1 got 0'],
  ['{{ .t }}', 'T-stringer'],
  ['{{ printf "%v|%s" .t .t }}', 'T-stringer|T-stringer'],
  ['{{ with $x := .t }}{{ $x.Greet "v" }}{{ end }}', 'hi v from tee'],
  ['{{ call .f 1 2 }}', '3'],
  ['{{ call .f 1 }}', 'ERR template: t:1:3: executing "t" at <call .f 1>: error calling call: wrong number of args for .f: got 1 want 2'],
  ['{{ call .f 1 "2" }}', 'ERR template: t:1:3: executing "t" at <call .f 1 "2">: error calling call: arg 1: value has type string; should be int'],
  ['{{ call .v }}', ''],
  ['{{ call .v "a" "b" }}', 'a+b'],
  ['{{ call .v 1 }}', 'ERR template: t:1:3: executing "t" at <call .v 1>: error calling call: arg 0: value has type int; should be string'],
  ['{{ call .e }}', 'ERR template: t:1:3: executing "t" at <call .e>: error calling call: bad'],
  ['{{ call .p }}', 'ERR template: t:1:3: executing "t" at <call .p>: error calling call: oops'],
  ['{{ .f }}', 'ERR template: t:1:3: executing "t" at <{{.f}}>: can\'t print {{.f}} of type func(int, int) int'],
  ['{{ .f 1 2 }}', 'ERR template: t:1:3: executing "t" at <.f>: f is not a method but has arguments'],
  ['{{ 3 | call .f 1 }}', '4'],
  ['{{ call .f 1 nil }}', 'ERR template: t:1:3: executing "t" at <call .f 1 nil>: error calling call: arg 1: value is nil; should be of type int'],
  ['{{ call .f (index "a" 0) 1 }}', '98'],
  ['{{ if .t }}yes{{ end }}', 'yes'],
  ['{{ .t.Self.Greet "z" }}', 'hi z from tee!'],
  ['{{ (.t.Self).Name }}', 'tee!'],
  ['{{ eq .t .t }}', 'true'],
  ['{{ len .t }}', 'ERR template: t:1:3: executing "t" at <len .t>: error calling len: len of type main.T'],
  ['{{ index .t 0 }}', 'ERR template: t:1:3: executing "t" at <index .t 0>: error calling index: can\'t index item of type main.T'],
  ['{{ range .t }}{{ end }}', 'ERR template: t:1:9: executing "t" at <.t>: range can\'t iterate over T-stringer'],
];

for (const [src, want] of cases) {
  test(src, () => assert.equal(run(src), want));
}
