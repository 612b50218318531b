// Manifests of an artifact from a root's dpkg database: the package list as dpkg-query
// lists it, licences from machine-readable copyright files, and an SPDX 2.3 document the
// official schema accepts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { declaredLicense, spdxLicenseId } from '../../../src/engine/manifest/licenses.js';
import { installedPackages } from '../../../src/engine/manifest/dpkg-status.js';
import { manifestFiles, readRootPackages, writeManifests } from '../../../src/engine/manifest/index.js';
import { purl } from '../../../src/engine/manifest/spdx.js';
import { HostRootFiles } from '../../../src/vm/host/root-files.js';
import type { RootFiles } from '../../../src/vm/machine.js';
import { validSpdx } from '../../helpers/manifest.js';

const exec = promisify(execFile);

const STATUS = `Package: zlib1g
Status: install ok installed
Priority: optional
Architecture: arm64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Maintainer: Mark Brown <broonie@debian.org>
Description: compression library - runtime
 zlib is a library implementing the deflate compression method found
 in gzip and PKZIP.
Homepage: http://zlib.net/

Package: base-files
Essential: yes
Status: install ok installed
Architecture: arm64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: libc6
Status: install ok installed
Architecture: arm64
Multi-Arch: same
Source: glibc (2.36-9+deb12u4)
Version: 2.36-9+deb12u4+b1
Description: GNU C Library: Shared libraries

Package: libc6
Status: install ok installed
Architecture: armhf
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries

Package: oldconf
Status: deinstall ok config-files
Architecture: all
Version: 1.0
Conffiles:
 /etc/oldconf.conf 0123456789abcdef0123456789abcdef

Package: purged
Status: purge ok not-installed
Architecture: arm64
`;

const DEP5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: zlib
Source: http://zlib.net/

Files: *
Copyright: 1995-2022 Jean-loup Gailly and Mark Adler
License: Zlib

Files: contrib/*
Copyright: 2004 Someone
License: GPL-2+ or Artistic, and Expat

Files: debian/*
Copyright: 2000 Someone Else
License: Zlib-Style
 Permission is granted to anyone to use this software for any purpose.
`;

async function fakeRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-manifest-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'var/lib/dpkg'), { recursive: true });
  await writeFile(join(dir, 'var/lib/dpkg/status'), STATUS);
  for (const pkg of ['zlib1g', 'libc6-doc', 'base-files']) await mkdir(join(dir, 'usr/share/doc', pkg), { recursive: true });
  await writeFile(join(dir, 'usr/share/doc/zlib1g/copyright'), DEP5);
  // A package's doc directory may be a link to another's (an absolute one stays in the root).
  await writeFile(join(dir, 'usr/share/doc/libc6-doc/copyright'), 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: FSF\nLicense: LGPL-2.1+ with GCC-exception\n');
  await symlink('/usr/share/doc/libc6-doc', join(dir, 'usr/share/doc/libc6'));
  await writeFile(join(dir, 'usr/share/doc/base-files/copyright'), 'This is the Debian prepackaged version of base-files.\nGPL, see /usr/share/common-licenses/GPL.\n');
  return dir;
}

test('the manifest lists exactly what dpkg-query -W lists, for a foreign-architecture root', async (t) => {
  const root = await fakeRoot(t);
  const artifact = join(root, '..', `${root.split('/').pop()}.tar`);
  t.after(() => Promise.all([artifact, ...manifestFiles(artifact)].map((f) => rm(f, { force: true }))));
  await writeFile(artifact, 'the artifact\n');
  await writeManifests(artifact, await readRootPackages(new HostRootFiles(root)), undefined);
  const manifest = await readFile(`${artifact}.manifest`, 'utf8');
  const { stdout } = await exec('dpkg-query', [`--admindir=${join(root, 'var/lib/dpkg')}`, '-W', '-f', '${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\n']);
  assert.equal(manifest, stdout);
  assert.equal(manifest.split('\n')[0], 'base-files\t12.4+deb12u5\tarm64\tbase-files');
  assert.ok(manifest.includes('libc6\t2.36-9+deb12u4+b1\tarm64\tglibc\nlibc6\t2.36-9+deb12u4\tarmhf\tglibc\n'), 'both architectures of a package');
  assert.ok(manifest.includes('oldconf\t1.0\tall\toldconf\n'), 'configuration files left: listed, as dpkg lists it');
  assert.ok(!manifest.includes('purged'), 'purged packages are not');
  const { stdout: sum } = await exec('sha256sum', [artifact], { cwd: join(root, '..') });
  assert.equal(await readFile(`${artifact}.sha256`, 'utf8'), sum.replace(artifact, artifact.split('/').pop()!));
});

test('licences: DEP-5 names become SPDX expressions; other copyright files assert nothing', () => {
  assert.equal(spdxLicenseId('GPL-2+'), 'GPL-2.0-or-later');
  assert.equal(spdxLicenseId('LGPL-2.1'), 'LGPL-2.1-only');
  assert.equal(spdxLicenseId('Expat'), 'MIT');
  assert.equal(spdxLicenseId('BSD-3-clause'), 'BSD-3-Clause');
  assert.equal(spdxLicenseId('Zlib-Style'), undefined);
  const zlib = declaredLicense(DEP5)!;
  assert.equal(zlib.expression, 'Zlib AND ((GPL-2.0-or-later OR Artistic-1.0) AND MIT) AND LicenseRef-Zlib-Style');
  assert.deepEqual([...zlib.refs], [['LicenseRef-Zlib-Style', 'Permission is granted to anyone to use this software for any purpose.']]);
  assert.equal(declaredLicense('GPL, see /usr/share/common-licenses/GPL.\n'), undefined);
  assert.equal(purl(installedPackages(STATUS).find((p) => p.name === 'zlib1g')!), 'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=arm64');
});

test('the SPDX document validates against the SPDX 2.3 schema and describes the artifact', async (t) => {
  const root = await fakeRoot(t);
  const artifact = join(root, 'image.tar');
  await writeFile(artifact, 'the artifact\n');
  await writeManifests(artifact, await readRootPackages(new HostRootFiles(root)), 1700000000);
  // Loosely typed: the test reads many of its fields.
  const doc = (await validSpdx(`${artifact}.spdx.json`)) as any;
  assert.equal(doc.creationInfo.created, '2023-11-14T22:13:20Z', 'SOURCE_DATE_EPOCH dates it');
  const artifactPkg = doc.packages.find((p: { SPDXID: string }) => p.SPDXID === 'SPDXRef-Artifact');
  assert.deepEqual(artifactPkg.checksums, [{ algorithm: 'SHA256', checksumValue: (await readFile(`${artifact}.sha256`, 'utf8')).split(' ')[0] }]);
  assert.ok(doc.relationships.some((r: Record<string, string>) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES' && r.relatedSpdxElement === 'SPDXRef-Artifact'));
  const byName = (name: string, arch: string) => doc.packages.find((p: { name: string; externalRefs?: { referenceLocator: string }[] }) => p.name === name && p.externalRefs?.[0]?.referenceLocator.endsWith(`arch=${arch}`));
  assert.equal(byName('libc6', 'armhf').licenseDeclared, 'LicenseRef-LGPL-2.1-with-GCC-exception', 'read through the doc directory link');
  assert.equal(byName('base-files', 'arm64').licenseDeclared, 'NOASSERTION');
  assert.equal(byName('zlib1g', 'arm64').versionInfo, '1:1.2.13.dfsg-1');
  assert.equal(doc.packages.length, 1 + 5);
  assert.equal(doc.relationships.filter((r: Record<string, string>) => r.relationshipType === 'CONTAINS').length, 5);
  assert.ok(doc.hasExtractedLicensingInfos.some((l: { licenseId: string }) => l.licenseId === 'LicenseRef-Zlib-Style'));
  // The same bytes and epoch give the same document.
  const first = await readFile(`${artifact}.spdx.json`, 'utf8');
  await writeManifests(artifact, await readRootPackages(new HostRootFiles(root)), 1700000000);
  assert.equal(await readFile(`${artifact}.spdx.json`, 'utf8'), first);
});

test('a tree without a dpkg database has an empty manifest, and its SPDX document only the artifact', async (t) => {
  const root = await fakeRoot(t);
  const artifact = join(root, 'opt.tar');
  await writeFile(artifact, 'x');
  await writeManifests(artifact, await readRootPackages(new HostRootFiles(root), '/usr/share/doc'), undefined);
  assert.equal(await readFile(`${artifact}.manifest`, 'utf8'), '');
  assert.equal(JSON.parse(await readFile(`${artifact}.spdx.json`, 'utf8')).packages.length, 1);
});

/** Root files over a fake: `fail` says what a read of a path does instead of reading. */
function fakeFiles(contents: Record<string, string>, fail: Record<string, Error>): RootFiles {
  return {
    readFile: async (path: string) => {
      if (fail[path]) throw fail[path];
      if (path in contents) return Buffer.from(contents[path]!);
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    },
  } as unknown as RootFiles;
}

test('a missing dpkg database or copyright file means none; any other read error is thrown, not an empty manifest', async () => {
  const status = '/var/lib/dpkg/status';
  const copyright = '/usr/share/doc/zlib1g/copyright';
  assert.deepEqual((await readRootPackages(fakeFiles({}, {}))).packages, []);
  const none = await readRootPackages(fakeFiles({ [status]: STATUS }, {}));
  assert.ok(none.packages.some((p) => p.name === 'zlib1g'));
  assert.equal(none.licenses.size, 0, 'no copyright file: no licence, as before');
  // As a VM's guest reports it: the message alone.
  assert.equal((await readRootPackages(fakeFiles({ [status]: STATUS }, { [copyright]: new Error(`ENOENT: no such file or directory, open '${copyright}'`) }))).licenses.size, 0);
  const denied = Object.assign(new Error(`EACCES: permission denied, open '${status}'`), { code: 'EACCES' });
  await assert.rejects(readRootPackages(fakeFiles({}, { [status]: denied })), /EACCES/);
  await assert.rejects(readRootPackages(fakeFiles({ [status]: STATUS }, { [copyright]: new Error('the VM stopped unexpectedly') })), /the VM stopped unexpectedly/);
  await assert.rejects(readRootPackages(fakeFiles({ [status]: STATUS }, { [copyright]: Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }) })), /EIO/);
});
