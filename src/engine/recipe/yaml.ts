// YAML parsing that keeps where every key, value and list item was written, so that a
// validation error can point at its line. Plain scalars stay strings (the failsafe schema
// plus null and merge keys): a property's type decides how to read them later, as Go's yaml
// unmarshal does when it fills a struct field.
import { load, FAILSAFE_SCHEMA, Type, YAMLException, type State } from 'js-yaml';
import { RecipeError, type SourcePos } from '../../core/errors.js';

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (text: string) => ['~', 'null', 'Null', 'NULL'].includes(text),
  construct: () => null,
});

/** `<<: *anchor`; js-yaml's loader does the merging when a key carries this tag. */
const MERGE_TAG = 'tag:yaml.org,2002:merge';
const mergeType = new Type(MERGE_TAG, { kind: 'scalar', resolve: (text: string) => text === '<<' });

const schema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, mergeType] });

/** Offsets into the parsed text of one mapping entry. */
interface Entry {
  readonly key: number;
  readonly value: number;
}

interface NodeInfo {
  readonly start: number;
  readonly end: number;
  readonly entries?: ReadonlyMap<string, Entry>;
  readonly items?: readonly (number | undefined)[];
}

/** One composed node as js-yaml's listener reports it. */
interface Event {
  readonly start: number;
  end: number;
  result: unknown;
  kind: string | null;
  tag: string | null;
  readonly children: Event[];
}

export type PathSegment = string | number;

export interface YamlDocument {
  readonly text: string;
  readonly value: unknown;
  /**
   * Offset of what `path` names below `root`: the key itself (`part: 'key'`) or its
   * value. Where the path leaves what was written (a missing property), the nearest
   * enclosing node that exists.
   */
  offsetOf(root: unknown, path: readonly PathSegment[], part?: 'key' | 'value'): number;
  /** The whole lines that hold a mapping or list, without trailing blank or comment lines. */
  linesOf(node: unknown): string | undefined;
}

/**
 * Parses one YAML document. `locate` maps an offset of `text` to the place the user wrote
 * (the recipe file, through the template's source map); syntax errors are RecipeErrors there.
 */
export function parseYaml(text: string, locate: (offset: number) => SourcePos): YamlDocument {
  const roots: Event[] = [];
  const open: Event[] = [];
  let value: unknown;
  try {
    value = load(text, {
      schema,
      listener(type: 'open' | 'close', state: State) {
        if (type === 'open') {
          open.push({ start: state.position, end: state.position, result: null, kind: null, tag: null, children: [] });
          return;
        }
        const event = open.pop()!;
        event.end = state.position;
        event.result = state.result;
        event.kind = state.kind;
        // The typings lack `tag`, which js-yaml sets on the state for every node.
        event.tag = (state as State & { tag: string | null }).tag;
        (open.at(-1)?.children ?? roots).push(event);
      },
    });
  } catch (e) {
    if (e instanceof YAMLException) {
      throw new RecipeError(`invalid YAML: ${e.reason}`, { where: locate(e.mark.position), cause: e });
    }
    throw e;
  }
  const index = new WeakMap<object, NodeInfo>();
  for (const root of roots) indexEvent(text, root, index);
  return {
    text,
    value,
    offsetOf: (root, path, part = 'value') => offsetOf(index, root, path, part),
    linesOf: (node) => {
      const info = typeof node === 'object' && node !== null ? index.get(node) : undefined;
      return info && linesBetween(text, info.start, info.end);
    },
  };
}

function indexEvent(text: string, event: Event, index: WeakMap<object, NodeInfo>): void {
  for (const child of event.children) indexEvent(text, child, index);
  const node = event.result;
  // An alias reports the anchored node again: keep the first, written, place.
  if (typeof node !== 'object' || node === null || index.has(node)) return;
  const start = contentStart(text, event.start, event.end);
  if (event.kind === 'mapping') {
    index.set(node, { start, end: event.end, entries: mappingEntries(text, event, index) });
  } else if (event.kind === 'sequence') {
    index.set(node, { start, end: event.end, items: sequenceItems(text, event, node as unknown[]) });
  }
}

/**
 * A mapping's child events alternate keys and values, but a value can be missing (a flow
 * `{a, b: 1}`) and failed attempts leave empty events, so a child is a key exactly when a
 * `:` follows it on the same line.
 */
function mappingEntries(text: string, event: Event, index: WeakMap<object, NodeInfo>): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const merged: unknown[] = [];
  let key: { name: string; offset: number; merge: boolean } | undefined;
  let valueSeen = false;
  const finish = (valueOffset: number | undefined, result: unknown) => {
    if (!key) return;
    if (key.merge) merged.push(result);
    else entries.set(key.name, { key: key.offset, value: valueOffset ?? key.offset });
  };
  for (const child of event.children) {
    if (isKey(text, child.end)) {
      if (key && !valueSeen) finish(undefined, null);
      key = { name: String(child.result), offset: contentStart(text, child.start, child.end), merge: child.tag === MERGE_TAG };
      valueSeen = false;
    } else if (key && !valueSeen) {
      valueSeen = true;
      const start = contentStart(text, child.start, child.end);
      // An empty value (`key:` and nothing) is best shown at its key.
      finish(start < child.end ? start : undefined, child.result);
    }
  }
  if (key && !valueSeen) finish(undefined, null);
  // Keys a `<<` merge brought in were written in the anchored mapping: point there.
  for (const source of merged.flat()) {
    const info = typeof source === 'object' && source !== null ? index.get(source) : undefined;
    for (const [name, entry] of info?.entries ?? []) if (!entries.has(name)) entries.set(name, entry);
  }
  return entries;
}

/** Items are matched to events in order; a `-` with nothing after it has no event. */
function sequenceItems(text: string, event: Event, items: readonly unknown[]): (number | undefined)[] {
  const offsets: (number | undefined)[] = [];
  let next = 0;
  for (const item of items) {
    const at = event.children.findIndex((c, i) => i >= next && c.result === item);
    if (at === -1) {
      offsets.push(undefined);
      continue;
    }
    const child = event.children[at]!;
    offsets.push(contentStart(text, child.start, child.end));
    next = at + 1;
  }
  return offsets;
}

function isKey(text: string, end: number): boolean {
  let i = end;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text[i] === ':';
}

/** First offset at or after `from` that is not blank or comment (js-yaml opens nodes early). */
function contentStart(text: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') while (i < end && text[i] !== '\n') i++;
    else break;
  }
  return i;
}

function offsetOf(
  index: WeakMap<object, NodeInfo>,
  root: unknown,
  path: readonly PathSegment[],
  part: 'key' | 'value',
): number {
  let node = root;
  let best = typeof node === 'object' && node !== null ? (index.get(node)?.start ?? 0) : 0;
  for (const [i, segment] of path.entries()) {
    const info = typeof node === 'object' && node !== null ? index.get(node) : undefined;
    if (!info) break;
    const last = i === path.length - 1;
    if (typeof segment === 'number' && info.items) {
      const at = info.items[segment];
      if (at === undefined) break;
      best = at;
    } else {
      const entry = info.entries?.get(String(segment));
      if (!entry) break;
      best = last && part === 'key' ? entry.key : entry.value;
    }
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return best;
}

function linesBetween(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const column = start - lineStart;
  const lines = text.slice(lineStart, end).split('\n');
  // What follows the node up to its parent's next entry: blank lines, and comments no more
  // indented than the node (deeper `#` lines may be the end of a block scalar).
  while (lines.length > 1) {
    const line = lines.at(-1)!;
    const body = line.trimStart();
    if (body !== '' && !(body.startsWith('#') && line.length - body.length <= column)) break;
    lines.pop();
  }
  return lines.join('\n').trimEnd();
}
