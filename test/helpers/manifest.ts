// Checks of the manifests a build writes next to a tarball, against the tools themselves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { tarRead } from './debstep.js';

const exec = promisify(execFile);

/** What `dpkg-query -W` lists in the dpkg database under `admindir`, in the manifest's columns. */
export async function dpkgQueryList(admindir: string): Promise<string> {
  return (await exec('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', '${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\n'])).stdout;
}

/** Validates against the vendored SPDX 2.3 JSON schema; returns the document. */
export async function validSpdx(file: string): Promise<{ packages: { name: string; licenseDeclared: string }[] }> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const schema = JSON.parse(await readFile(new URL('../fixtures/spdx/spdx-schema-2.3.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  assert.ok(validate(doc), JSON.stringify(validate.errors));
  return doc as { packages: { name: string; licenseDeclared: string }[] };
}

/** The tarball's manifest lists what dpkg-query lists in its root, its sha256 file checks,
 * its SPDX document validates and has each package and the tarball. Returns the manifest. */
export async function checkTarballManifests(tar: string): Promise<string> {
  const admin = await mkdtemp(join(tmpdir(), 'debstep-admindir-'));
  try {
    await mkdir(admin, { recursive: true });
    await writeFile(join(admin, 'status'), await tarRead(tar, './var/lib/dpkg/status'));
    const listed = await dpkgQueryList(admin);
    assert.ok(listed.split('\n').length > 50, 'a real root has packages');
    const manifest = await readFile(`${tar}.manifest`, 'utf8');
    assert.equal(manifest, listed);
    await exec('sha256sum', ['--check', '--strict', `${basename(tar)}.sha256`], { cwd: dirname(tar) });
    const { packages } = await validSpdx(`${tar}.spdx.json`);
    assert.equal(packages.length, listed.trim().split('\n').length + 1, 'each package, and the tarball');
    assert.ok(packages.some((p) => p.licenseDeclared !== 'NOASSERTION'), 'licences read from copyright files');
    return manifest;
  } finally {
    await rm(admin, { recursive: true, force: true });
  }
}
