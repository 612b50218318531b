// download as debos's does it, behind a corporate proxy: the proxy variables (from the
// environment and from -e) and the system's CA bundle count. Everything runs on the
// loopback address: an HTTPS server with a certificate from a CA made here, a plain HTTP
// server, and a small proxy that records what it was asked for. debstep runs in a mount
// namespace of its own where that CA is the system's bundle and /etc/hosts names the
// servers, so the machine's own files are never touched.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createServer as createHttpServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { debstepArgv, mountsUnder, SOURCE_ENV, tarRead, tempDir } from '../helpers/debstep.js';

const exec = promisify(execFile);
/** Names only /etc/hosts in debstep's namespace knows: without the proxy (or the hosts
 * file) they do not resolve, so a download that worked went where the test said. */
const PROXIED = 'files.internal.test';
const DIRECT = 'direct.internal.test';

/** A CA and a server certificate it signed for the test's names and 127.0.0.1. */
async function certificates(dir: string): Promise<{ ca: string; key: Buffer; cert: Buffer }> {
  const ssl = (...args: string[]) => exec('openssl', args, { cwd: dir });
  await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=debstep test CA');
  await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${PROXIED}`);
  await writeFile(join(dir, 'san.ext'), `subjectAltName=DNS:${PROXIED},DNS:${DIRECT},IP:127.0.0.1\n`);
  await ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  return { ca: join(dir, 'ca.pem'), key: await readFile(join(dir, 'server.key')), cert: await readFile(join(dir, 'server.pem')) };
}

const listen = (server: Server): Promise<number> =>
  new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));

/** A forward proxy: CONNECT for https, absolute URLs for http; only to the test's names,
 * which it sends to 127.0.0.1. `seen` holds what it was asked for. */
function proxy(): { server: Server; seen: string[] } {
  const seen: string[] = [];
  const ours = (host: string) => host === PROXIED || host === DIRECT;
  const server = createHttpServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/');
    if (!ours(url.hostname)) return void res.writeHead(403).end();
    const upstream = request({ host: '127.0.0.1', port: url.port, path: url.pathname, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    if (!ours(host ?? '')) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { server, seen };
}

/** Runs debstep in a mount namespace where `bundle` is the system's CA bundle and `hosts` is /etc/hosts. */
function debstepWith(bundle: string, hosts: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const script = 'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"';
  return new Promise((done) => {
    const child = spawn('unshare', ['--mount', 'sh', '-c', script, 'sh', bundle, hosts, ...debstepArgv(args)], { env: { ...env, ...SOURCE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('close', (code) => done({ code, output }));
  });
}

/** The test's servers; closed when the test ends. */
async function servers(t: Parameters<typeof tempDir>[0], dir: string) {
  const { ca, key, cert } = await certificates(dir);
  const body = (req: IncomingMessage) => `${req.url} over ${'encrypted' in req.socket ? 'https' : 'http'}\n`;
  const https = createHttpsServer({ key, cert }, (req, res) => res.end(body(req)));
  const http = createHttpServer((req, res) => res.end(body(req)));
  const p = proxy();
  const [httpsPort, httpPort, proxyPort] = [await listen(https), await listen(http), await listen(p.server)];
  t.after(async () => {
    for (const s of [https, http, p.server]) {
      s.closeAllConnections();
      s.close();
    }
  });
  await writeFile(join(dir, 'hosts'), `127.0.0.1 localhost ${PROXIED} ${DIRECT}\n`);
  return { ca, httpsPort, httpPort, proxy: `http://127.0.0.1:${proxyPort}`, seen: p.seen, hosts: join(dir, 'hosts') };
}

const recipe = (urls: Record<string, string>) => `architecture: amd64
actions:
${Object.entries(urls)
  .map(([name, url]) => `  - action: download\n    url: ${url}\n    name: ${name}\n  - action: overlay\n    origin: ${name}\n    destination: /${name}.txt\n`)
  .join('')}  - action: pack
    file: root.tar.gz
`;

async function build(t: Parameters<typeof tempDir>[0], text: string, run: (args: string[]) => ReturnType<typeof debstepWith>) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'recipe.yaml'), text);
  await mkdir(join(dir, 'out'));
  const r = await run(['build', join(dir, 'recipe.yaml'), '--backend', 'host', '--artifactdir', join(dir, 'out'), '--state-dir', join(dir, 'state')]);
  assert.deepEqual(await mountsUnder(dir), []);
  return { ...r, tar: join(dir, 'out', 'root.tar.gz') };
}

/** The test's environment without the machine's own proxy settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(http|https|ftp|all|no)_proxy$/i.test(k)) delete env[k];
  return env;
}

test('download goes through http_proxy and https_proxy (from the environment and -e), not for no_proxy, and trusts the system CA bundle', async (t) => {
  const dir = await tempDir(t);
  const s = await servers(t, dir);
  const env = { ...cleanEnv(), http_proxy: s.proxy, NO_PROXY: DIRECT };
  const urls = {
    secure: `https://${PROXIED}:${s.httpsPort}/secure`,
    plain: `http://${PROXIED}:${s.httpPort}/plain`,
    direct: `https://${DIRECT}:${s.httpsPort}/direct`,
  };
  const r = await build(t, recipe(urls), (args) => debstepWith(s.ca, s.hosts, [...args, '-e', `https_proxy:${s.proxy}`], env));
  assert.equal(r.code, 0, r.output);
  assert.equal((await tarRead(r.tar, './secure.txt')).toString(), '/secure over https\n');
  assert.equal((await tarRead(r.tar, './plain.txt')).toString(), '/plain over http\n');
  assert.equal((await tarRead(r.tar, './direct.txt')).toString(), '/direct over https\n');
  assert.deepEqual(s.seen.sort(), [`CONNECT ${PROXIED}:${s.httpsPort}`, `GET http://${PROXIED}:${s.httpPort}/plain`]);
});

test('download refuses a server whose CA is not in the system bundle, and says why', async (t) => {
  const dir = await tempDir(t);
  const s = await servers(t, dir);
  // The real bundle of this machine: the test's CA is not in it.
  const r = await build(t, recipe({ secure: `https://${PROXIED}:${s.httpsPort}/secure` }), (args) =>
    debstepWith('/etc/ssl/certs/ca-certificates.crt', s.hosts, args, { ...cleanEnv(), HTTPS_PROXY: s.proxy }),
  );
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, new RegExp(`cannot download https://${PROXIED.replace(/\./g, '\\.')}:\\d+/secure: .*certificate`));
  assert.deepEqual(s.seen, [`CONNECT ${PROXIED}:${s.httpsPort}`], 'HTTPS_PROXY, upper case, counts');
});
