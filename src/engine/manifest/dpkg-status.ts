// The packages of a root as its dpkg database lists them, read from var/lib/dpkg/status
// rather than by running dpkg-query: the file is the same for every architecture, and a
// root in a VM is read through the machine's file operations.

/** One package as `dpkg-query -W` shows it. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The source package (dpkg-query's ${source:Package}): the Source field without its
   * version, or the package's own name. */
  readonly source: string;
  /** ${source:Version}: the version in the Source field's parentheses, or the package's. */
  readonly sourceVersion: string;
  readonly maintainer?: string;
  readonly homepage?: string;
}

/** The stanzas of a deb822 file, each as its fields (continuation lines kept, joined with newlines). */
export function parseDeb822(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (/^[ \t]/.test(line)) {
      if (current && last !== undefined) current.set(last, `${current.get(last)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) stanzas.push((current = new Map()));
    last = line.slice(0, colon).trim().toLowerCase();
    current.set(last, line.slice(colon + 1).trim());
  }
  return stanzas;
}

/**
 * The packages dpkg-query -W lists: every stanza whose state is not not-installed (so
 * packages left with only their configuration files are listed too, as dpkg lists them),
 * sorted by name and architecture as dpkg-query sorts them.
 */
export function installedPackages(status: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const s of parseDeb822(status)) {
    const name = s.get('package');
    const state = s.get('status')?.split(/\s+/)[2];
    if (!name || !state || state === 'not-installed') continue;
    const version = s.get('version') ?? '';
    const src = /^(\S+)(?:\s+\((\S+)\))?$/.exec(s.get('source') ?? '');
    const maintainer = s.get('maintainer');
    const homepage = s.get('homepage');
    packages.push({
      name,
      version,
      architecture: s.get('architecture') ?? '',
      source: src?.[1] ?? name,
      sourceVersion: src?.[2] ?? version,
      ...(maintainer ? { maintainer } : {}),
      ...(homepage ? { homepage } : {}),
    });
  }
  const byName = (a: InstalledPackage, b: InstalledPackage) => cmp(a.name, b.name) || cmp(a.architecture, b.architecture);
  return packages.sort(byName);
}

/** Byte order, as dpkg compares names (not the locale's). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The manifest: package, version, architecture and source package, tab-separated, one a line. */
export function manifestText(packages: readonly InstalledPackage[]): string {
  return packages.map((p) => `${p.name}\t${p.version}\t${p.architecture}\t${p.source}\n`).join('');
}
