import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debianMirror, parseDeb822, parseSourcesList } from '../../../../src/engine/machine/host-mirror.js';

test('one-line sources: options, comments, the security archive skipped', () => {
  const sources = parseSourcesList(
    '# comment\ndeb [signed-by=/x.gpg] http://mirror.invalid/debian-security bookworm-security main\ndeb http://mirror.invalid/debian/ bookworm main contrib # trailing\ndeb-src http://src.invalid/debian bookworm main\n',
  );
  assert.equal(sources.length, 2);
  assert.deepEqual(sources[1], { uri: 'http://mirror.invalid/debian/', suites: ['bookworm'], components: ['main', 'contrib'] });
  assert.equal(debianMirror(sources), 'http://mirror.invalid/debian');
});

test('deb822 sources: several URIs, disabled stanzas, continuation lines', () => {
  const sources = parseDeb822(
    'Types: deb deb-src\nURIs: http://a.invalid/debian\n http://b.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nEnabled: no\nURIs: http://off.invalid/debian\nSuites: sid\nComponents: main\n',
  );
  assert.deepEqual(sources.map((s) => s.uri), ['http://a.invalid/debian', 'http://b.invalid/debian']);
  assert.deepEqual(sources[0]!.suites, ['bookworm', 'bookworm-updates']);
});

test('a host without a Debian archive has no default mirror', () => {
  assert.equal(debianMirror(parseSourcesList('deb http://archive.invalid/ubuntu noble main\n')), undefined);
});
