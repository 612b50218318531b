// sprig's urlParse (a URL as a dict of its parts) and urlJoin (the reverse).
import { GoMap, type GoFunc, type GoValue } from '../../value.js';
import { asString, defineFunc } from '../define.js';
import { goPanic, kindOf, nilDereference } from '../go/reflect.js';
import { emptyURL, hostname, parseURL, UrlError, urlString, userinfoString } from '../go/url.js';

function urlParse(raw: string): GoMap {
  let url;
  try {
    url = parseURL(raw);
  } catch (e) {
    if (e instanceof UrlError) throw goPanic(`unable to parse url: ${e.message}`);
    throw e;
  }
  return new GoMap('interface {}', new Map<string, GoValue>([
    ['scheme', url.scheme],
    ['host', url.host],
    ['hostname', hostname(url)],
    ['path', url.path],
    ['query', url.rawQuery],
    ['opaque', url.opaque],
    ['fragment', url.fragment],
    ['userinfo', url.user ? userinfoString(url.user) : ''],
  ]));
}

function stringPart(d: GoValue, key: string): string {
  if (!(d instanceof GoMap) || !d.entries.has(key)) return '';
  const v = d.entries.get(key) ?? null;
  if (v === null) throw nilDereference();
  if (typeof v !== 'string') {
    throw goPanic(`unable to parse ${key} key, must be of type string, but ${kindOf(v)} found`);
  }
  return v;
}

function urlJoin(d: GoValue): string {
  const url = emptyURL();
  url.scheme = stringPart(d, 'scheme');
  url.host = stringPart(d, 'host');
  url.path = stringPart(d, 'path');
  url.rawQuery = stringPart(d, 'query');
  url.opaque = stringPart(d, 'opaque');
  url.fragment = stringPart(d, 'fragment');
  const userinfo = stringPart(d, 'userinfo');
  if (userinfo !== '') {
    try {
      url.user = parseURL(`proto://${userinfo}@host`).user;
    } catch (e) {
      if (e instanceof UrlError) throw goPanic(`unable to parse userinfo in dict: ${e.message}`);
      throw e;
    }
  }
  return urlString(url);
}

export const urlFuncs: readonly GoFunc[] = [
  defineFunc('urlParse', 'func(v string) map[string]interface{}', (v) => urlParse(asString(v))),
  defineFunc('urlJoin', 'func(d map[string]interface{}) string', urlJoin),
];
