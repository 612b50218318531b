// Proxy settings for the guest. A proxy on the host's loopback (a local cache such as
// apt-cacher-ng on 127.0.0.1:3142) is not there for the guest; QEMU's user-mode network
// forwards its gateway address to the host's loopback, so the guest is given that instead.

/** The host as the guest reaches it (QEMU user-mode networking). */
export const HOST_FROM_GUEST = '10.0.2.2';

const PROXY_KEYS = new Set(['http_proxy', 'https_proxy', 'ftp_proxy', 'all_proxy', 'no_proxy']);

export const isProxyKey = (key: string): boolean => PROXY_KEYS.has(key.toLowerCase());

/** A proxy URL with a loopback host replaced by the host's address from the guest. */
export function guestProxy(value: string): string {
  return value.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?)(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?=[:/]|$)/i, `$1${HOST_FROM_GUEST}`);
}

/** `env` with proxy values fitted for the guest; other variables unchanged. */
export function forGuest(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = isProxyKey(k) && k.toLowerCase() !== 'no_proxy' ? guestProxy(v) : v;
  return out;
}

/** The host's proxy variables, fitted for the guest. */
export function hostProxyEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && isProxyKey(k)) picked[k] = v;
  return forGuest(picked);
}
