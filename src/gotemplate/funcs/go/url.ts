// The part of Go's net/url that sprig's urlParse and urlJoin use: Parse, URL.String and the
// escaping rules behind them, with Go's error texts. WHATWG URL (Node's URL) normalises and
// rejects differently, so Go's reading is written out.
import { quote } from '../../fmt/quote.js';

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'query' | 'fragment';

export class UrlError extends Error {}

const isAlnum = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
const isHex = (c: number): boolean => /^[0-9a-fA-F]$/.test(String.fromCharCode(c));

// RFC 3986 as Go applies it: which bytes must be %-escaped in each part of a URL.
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userPassword':
        return '@/?:'.includes(ch);
      case 'query':
        return true;
      case 'fragment':
        return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x20 && mode === 'query') out += '+';
    else if (shouldEscape(b, mode)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

function unescape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x25) {
      if (i + 2 >= bytes.length || !isHex(bytes[i + 1]!) || !isHex(bytes[i + 2]!)) {
        throw new UrlError(`invalid URL escape ${quote(bytes.subarray(i, i + 3).toString())}`);
      }
      const v = Number.parseInt(bytes.subarray(i + 1, i + 3).toString(), 16);
      const seq = bytes.subarray(i, i + 3).toString();
      // In a host, %-escapes may only stand for non-ASCII bytes (and %25 in a zone).
      if (mode === 'host' && v < 0x80 && seq !== '%25') throw new UrlError(`invalid URL escape ${quote(seq)}`);
      if (mode === 'zone' && seq !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
        throw new UrlError(`invalid URL escape ${quote(seq)}`);
      }
      out.push(v);
      i += 2;
    } else if (c === 0x2b && mode === 'query') {
      out.push(0x20);
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new UrlError(`invalid character ${quote(String.fromCharCode(c))} in host name`);
      }
      out.push(c);
    }
  }
  return Buffer.from(out).toString('utf8');
}

export interface Userinfo {
  readonly username: string;
  readonly password: string | undefined;
}

export interface URL {
  scheme: string;
  opaque: string;
  user: Userinfo | undefined;
  host: string;
  path: string;
  rawPath: string;
  omitHost: boolean;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
}

export const emptyURL = (): URL => ({
  scheme: '', opaque: '', user: undefined, host: '', path: '', rawPath: '',
  omitHost: false, forceQuery: false, rawQuery: '', fragment: '', rawFragment: '',
});

const validPort = (port: string): boolean => /^(:[0-9]*)?$/.test(port);

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validPort(colonPort)) throw new UrlError(`invalid port ${quote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return unescape(host.slice(0, zone), 'host') + unescape(host.slice(zone, i), 'zone') + unescape(host.slice(i), 'host');
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validPort(host.slice(i))) {
      throw new UrlError(`invalid port ${quote(host.slice(i))} after host`);
    }
  }
  return unescape(host, 'host');
}

function parseAuthority(authority: string, url: URL): void {
  const at = authority.lastIndexOf('@');
  url.host = parseHost(authority.slice(at + 1));
  if (at < 0) return;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  url.user = colon < 0
    ? { username: unescape(userinfo, 'userPassword'), password: undefined }
    : {
        username: unescape(userinfo.slice(0, colon), 'userPassword'),
        password: unescape(userinfo.slice(colon + 1), 'userPassword'),
      };
}

// The raw form is kept only when it differs from the default escaping of the decoded form.
function setPath(url: URL, p: string): void {
  url.path = unescape(p, 'path');
  url.rawPath = escape(url.path, 'path') === p ? '' : p;
}

function parseWithoutFragment(raw: string): URL {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlError('net/url: invalid control character in URL');
  const url = emptyURL();
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  let rest = raw;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(raw);
  if (raw.startsWith(':')) throw new UrlError('missing protocol scheme');
  if (scheme) {
    url.scheme = scheme[0].slice(0, -1).toLowerCase();
    rest = raw.slice(scheme[0].length);
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      // A rootless path after a scheme is opaque ("mailto:x@y").
      url.opaque = rest;
      return url;
    }
    if ((rest.split('/')[0] ?? '').includes(':')) {
      throw new UrlError('first path segment in URL cannot contain colon');
    }
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    parseAuthority(authority, url);
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  setPath(url, rest);
  return url;
}

/** url.Parse; throws UrlError with the text of Go's *url.Error. */
export function parseURL(raw: string): URL {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  let url: URL;
  try {
    url = parseWithoutFragment(main);
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${quote(main)}: ${e.message}`);
    throw e;
  }
  const frag = hash < 0 ? '' : raw.slice(hash + 1);
  if (frag === '') return url;
  try {
    url.fragment = unescape(frag, 'fragment');
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${quote(raw)}: ${e.message}`);
    throw e;
  }
  url.rawFragment = escape(url.fragment, 'fragment') === frag ? '' : frag;
  return url;
}

/** URL.Hostname: the host without port or IPv6 brackets. */
export function hostname(url: URL): string {
  let host = url.host;
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validPort(host.slice(colon))) host = host.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

/** Userinfo.String. */
export function userinfoString(u: Userinfo): string {
  const name = escape(u.username, 'userPassword');
  return u.password === undefined ? name : `${name}:${escape(u.password, 'userPassword')}`;
}

// A raw path or fragment is used when it holds no byte that would need escaping and
// decodes to the same text.
function validEncoded(s: string, mode: Mode): boolean {
  for (const b of Buffer.from(s, 'utf8')) {
    if (`!$&'()*+,;=:@[]%`.includes(String.fromCharCode(b))) continue;
    if (shouldEscape(b, mode)) return false;
  }
  return true;
}

function escapedRaw(raw: string, decoded: string, mode: Mode): string | undefined {
  if (raw === '' || !validEncoded(raw, mode)) return undefined;
  try {
    return unescape(raw, mode) === decoded ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** URL.String. */
export function urlString(u: URL): string {
  let out = u.scheme === '' ? '' : `${u.scheme}:`;
  if (u.opaque !== '') out += u.opaque;
  else {
    if ((u.scheme !== '' || u.host !== '' || u.user) && !(u.omitHost && u.host === '' && !u.user)) {
      if (u.host !== '' || u.path !== '' || u.user) out += '//';
      if (u.user) out += `${userinfoString(u.user)}@`;
      if (u.host !== '') out += escape(u.host, 'host');
    }
    const path = escapedRaw(u.rawPath, u.path, 'path') ?? (u.path === '*' ? '*' : escape(u.path, 'path'));
    if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
    // A first segment with a colon would read as a scheme: Go prefixes "./".
    if (out === '' && (path.split('/')[0] ?? '').includes(':')) out += './';
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== '') out += `?${u.rawQuery}`;
  if (u.fragment !== '') out += `#${escapedRaw(u.rawFragment, u.fragment, 'fragment') ?? escape(u.fragment, 'fragment')}`;
  return out;
}
