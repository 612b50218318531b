// The environment every command of a build gets on top of its own: the host's proxy
// variables (both spellings, as debos passes them) and the -e variables, which override
// them; `-e NAME:` removes one. Unlike debos, host-side commands get them too.
import { splitVar } from '../recipe/vars.js';

const PROXIES = ['http_proxy', 'https_proxy', 'ftp_proxy', 'rsync_proxy', 'all_proxy', 'no_proxy'];

export function buildEnvironment(environVars: readonly string[], host: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PROXIES.flatMap((p) => [p, p.toUpperCase()])) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  for (const spec of environVars) {
    const [name, value] = splitVar(spec);
    if (value === '') delete env[name];
    else env[name] = value;
  }
  return env;
}

/** The variables that can change what a command makes: everything but proxies. */
export function withoutProxies(env: Readonly<Record<string, string>>): Record<string, string> {
  const proxies = new Set(PROXIES.flatMap((p) => [p, p.toUpperCase()]));
  return Object.fromEntries(Object.entries(env).filter(([k]) => !proxies.has(k)));
}
