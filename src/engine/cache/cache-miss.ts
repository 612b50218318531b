// Why an action ran instead of coming from the layer cache, in words: the property, the
// file of a script directory or overlay tree, the archive or mirror that changed, or the
// action before it. Found by comparing the action with what the cache holds for the same
// root and kind, most recent first.
import type { CacheEntry, Input, LayerCache } from './layer-cache.js';

const MAX_NAMED = 3;

const list = (names: readonly string[]) =>
  names.length > MAX_NAMED ? `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more` : names.join(', ');

/** The properties whose values differ between two actions' JSON properties. */
export function changedProperties(before: string, now: string): string[] {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(now) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** How a tree's entries differ: "etc/motd changed, etc/issue added". */
function changedEntries(before: Input, now: Input): string | undefined {
  if (!before.entries || !now.entries) return undefined;
  const name = (rel: string) => (rel === '.' ? 'the top' : rel.replace(/^\.\//, ''));
  const changed = Object.keys(now.entries).filter((k) => k in before.entries! && before.entries![k] !== now.entries![k] && !now.entries![k]!.startsWith('dir'));
  const added = Object.keys(now.entries).filter((k) => !(k in before.entries!));
  const removed = Object.keys(before.entries).filter((k) => !(k in now.entries!));
  const parts = [
    ...(changed.length ? [`${list(changed.map(name))} changed`] : []),
    ...(added.length ? [`${list(added.map(name))} added`] : []),
    ...(removed.length ? [`${list(removed.map(name))} removed`] : []),
  ];
  return parts.length ? parts.join(', ') : 'modes changed';
}

/** What differs between a cached entry and the action as it is now, or undefined. */
export function difference(cached: CacheEntry, now: Omit<CacheEntry, 'artifacts'>): string | undefined {
  const properties = changedProperties(cached.params, now.params);
  if (properties.length) return `${properties.length > 1 ? 'properties' : 'property'} ${list(properties.map((p) => `"${p}"`))} changed`;
  const inputs: string[] = [];
  now.inputs.forEach((input, i) => {
    const was = cached.inputs.find((c) => c.what === input.what) ?? cached.inputs[i];
    if (!was) inputs.push(`${input.what} is new`);
    else if (was.digest !== input.digest) {
      const entries = changedEntries(was, input);
      inputs.push(entries ? `${input.what}: ${entries}` : `${input.what} changed`);
    }
  });
  return inputs.length ? inputs.join('; ') : undefined;
}

/** Why `entry` (the action now) is not in the cache; `lastRan` is the latest action of this
 * build whose effect on the root was made, not taken from the cache. */
export async function explainMiss(cache: LayerCache, entry: Omit<CacheEntry, 'artifacts'>, lastRan: number | undefined): Promise<string> {
  const [nearest] = await cache.siblings(entry.parent, entry.kind);
  if (nearest) return difference(nearest, entry) ?? 'its cached result is gone (pruned, or its layer was removed)';
  if (lastRan !== undefined) return `the root before it changed: action ${lastRan} ran`;
  if (await cache.knowsRoot(entry.parent)) return `the cache holds other actions on this root, none of kind ${entry.kind}`;
  return 'nothing is cached for this root yet (a first build, or the cache was pruned)';
}
