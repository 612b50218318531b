// The Debian mirror of the host's apt sources: the default for recipes that name none, so
// builds use the mirror (or proxy) this machine is already set up for.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError } from '../../core/errors.js';

export interface AptSource {
  readonly uri: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
}

/** Entries of a one-line-style sources.list. */
export function parseSourcesList(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    // deb [options] uri suite components...
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ uri: m[1]!, suites: [m[2]!], components: m[3]!.split(/\s+/).filter(Boolean) });
  }
  return out;
}

/** Entries of a deb822-style .sources file. */
export function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let key = '';
    for (const line of para.split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([\w-]+):\s*(.*)$/.exec(line);
      if (m) fields.set((key = m[1]!.toLowerCase()), m[2]!);
      else if (/^\s/.test(line) && key) fields.set(key, `${fields.get(key)} ${line.trim()}`);
    }
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') continue;
    for (const uri of words('uris')) out.push({ uri, suites: words('suites'), components: words('components') });
  }
  return out;
}

/** The mirror that serves Debian's main archive: a URI ending in /debian, not the security one. */
export function debianMirror(sources: readonly AptSource[]): string | undefined {
  const main = sources.find((s) => /\/debian\/?$/.test(s.uri) && !s.suites.some((x) => x.endsWith('-security')));
  return main?.uri.replace(/\/$/, '');
}

/** Reads /etc/apt/sources.list and sources.list.d/ (or another root's). */
export async function hostAptSources(etc = '/etc/apt'): Promise<AptSource[]> {
  // A host without that apt file has no sources in it.
  const read = (p: string) => readFile(p, 'utf8').catch(() => '');
  const sources = parseSourcesList(await read(join(etc, 'sources.list')));
  // No sources.list.d: no sources there.
  const names = (await readdir(join(etc, 'sources.list.d')).catch(() => [] as string[])).sort();
  for (const name of names) {
    const path = join(etc, 'sources.list.d', name);
    if (name.endsWith('.list')) sources.push(...parseSourcesList(await read(path)));
    else if (name.endsWith('.sources')) sources.push(...parseDeb822(await read(path)));
  }
  return sources;
}

export async function hostDebianMirror(): Promise<string> {
  const mirror = debianMirror(await hostAptSources());
  if (!mirror) {
    throw new HostError("the host's apt sources name no Debian mirror, and the recipe names none", {
      hint: 'add mirror: (debootstrap) or mirrors: (mmdebstrap) to the recipe, or pass one with -t mirror:URL if the recipe reads it',
    });
  }
  return mirror;
}
