// Licences from a package's /usr/share/doc/PKG/copyright, when it is machine-readable
// (DEP-5): the short names of its License fields, turned into one SPDX licence
// expression. Debian's short names mostly differ from SPDX's (GPL-2+ is
// GPL-2.0-or-later, Expat is MIT); a name SPDX does not have becomes a LicenseRef, whose
// text the document must then carry.
import { parseDeb822 } from './dpkg-status.js';

export interface DeclaredLicense {
  /** An SPDX licence expression. */
  readonly expression: string;
  /** The LicenseRef-… names used in it, with the text the copyright file gives them. */
  readonly refs: ReadonlyMap<string, string>;
}

/** Debian names whose SPDX identifier is not the name with a version suffix rule. */
const RENAMED: Readonly<Record<string, string>> = {
  expat: 'MIT',
  artistic: 'Artistic-1.0',
  'artistic-1.0': 'Artistic-1.0',
  'artistic-2.0': 'Artistic-2.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'apache-2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'cc0-1.0': 'CC0-1.0',
  isc: 'ISC',
  zlib: 'Zlib',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2.0': 'MPL-2.0',
  'python-2.0': 'Python-2.0',
  'psf-2': 'PSF-2.0',
  'ofl-1.1': 'OFL-1.1',
  'unicode-dfs-2016': 'Unicode-DFS-2016',
  x11: 'X11',
  mit: 'MIT',
  '0bsd': '0BSD',
  curl: 'curl',
  'openssl': 'OpenSSL',
  'bsl-1.0': 'BSL-1.0',
  'epl-1.0': 'EPL-1.0',
  'epl-2.0': 'EPL-2.0',
  'cc-by-3.0': 'CC-BY-3.0',
  'cc-by-4.0': 'CC-BY-4.0',
  'cc-by-sa-3.0': 'CC-BY-SA-3.0',
  'cc-by-sa-4.0': 'CC-BY-SA-4.0',
  'wtfpl': 'WTFPL',
  unlicense: 'Unlicense',
};

/** The GNU families, whose Debian names are FAMILY-N[.N][+]. */
const GNU = /^(a?gpl|lgpl|gfdl)-(\d+(?:\.\d+)?)(\+)?$/i;

/** The SPDX identifier of one Debian short name, or undefined when SPDX has none. */
export function spdxLicenseId(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (RENAMED[lower]) return RENAMED[lower];
  const gnu = GNU.exec(name);
  if (gnu) {
    const version = gnu[2]!.includes('.') ? gnu[2]! : `${gnu[2]}.0`;
    return `${gnu[1]!.toUpperCase()}-${version}-${gnu[3] ? 'or-later' : 'only'}`;
  }
  return undefined;
}

/** A LicenseRef name for what SPDX has no identifier for (letters, digits, `.` and `-` only). */
function licenseRef(name: string): string {
  return `LicenseRef-${name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed'}`;
}

/**
 * One DEP-5 License short line as an SPDX expression: `or`/`and` as in SPDX (and binding
 * tighter), a comma grouping what comes before it, `X with Y exception` kept whole as a
 * LicenseRef (SPDX's exception names are not Debian's).
 */
function expression(line: string, ref: (name: string) => string): string {
  const groups = line.split(',').map((g) => g.trim()).filter(Boolean);
  let out = '';
  for (const group of groups) {
    const m = /^(and|or)\s+(.*)$/i.exec(group);
    const [op, body] = m && out ? [m[1]!.toUpperCase(), m[2]!] : ['AND', group];
    const terms = body.split(/\s+(and|or)\s+/i);
    const parts: string[] = [];
    for (let i = 0; i < terms.length; i++) {
      if (i % 2 === 1) parts.push(terms[i]!.toUpperCase());
      else {
        const name = terms[i]!.trim();
        parts.push(spdxLicenseId(name) ?? ref(name));
      }
    }
    const text = parts.join(' ');
    const grouped = (e: string) => (e.includes(' ') ? `(${e})` : e);
    out = out ? `${grouped(out)} ${op} ${grouped(text)}` : text;
  }
  return out;
}

/** What a copyright file declares; undefined when it is not machine-readable or names none. */
export function declaredLicense(copyright: string): DeclaredLicense | undefined {
  const stanzas = parseDeb822(copyright);
  if (!/^https?:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\//.test(stanzas[0]?.get('format') ?? '')) return undefined;
  // A License field's lines after the first (in a Files paragraph or a stand-alone one) are the licence's text.
  const texts = new Map<string, string>();
  for (const s of stanzas) {
    const license = s.get('license');
    if (license === undefined) continue;
    const [name, ...text] = license.split('\n');
    if (text.length) texts.set(name!.trim().toLowerCase(), text.join('\n'));
  }
  const refs = new Map<string, string>();
  const ref = (name: string) => {
    const id = licenseRef(name);
    refs.set(id, texts.get(name.toLowerCase()) ?? `The licence "${name}", as the package's copyright file names it.`);
    return id;
  };
  const expressions = new Set<string>();
  for (const s of stanzas) {
    const name = s.get('license')?.split('\n')[0]!.trim();
    if (name && (s.has('files') || s === stanzas[0])) expressions.add(expression(name, ref));
  }
  if (expressions.size === 0) return undefined;
  const all = [...expressions];
  return { expression: all.length === 1 ? all[0]! : all.map((e) => (/ (AND|OR) /.test(e) ? `(${e})` : e)).join(' AND '), refs };
}
