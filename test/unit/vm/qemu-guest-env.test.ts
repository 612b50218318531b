import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forGuest, guestProxy, hostProxyEnv } from '../../../src/vm/qemu/guest-env.js';

test('a proxy on the host loopback is reached through the user-mode gateway', () => {
  assert.equal(guestProxy('http://127.0.0.1:3142/'), 'http://10.0.2.2:3142/');
  assert.equal(guestProxy('http://localhost:3128'), 'http://10.0.2.2:3128');
  assert.equal(guestProxy('http://user:pw@127.0.1.1:8080'), 'http://user:pw@10.0.2.2:8080');
  assert.equal(guestProxy('socks5://[::1]:1080'), 'socks5://10.0.2.2:1080');
  assert.equal(guestProxy('localhost:3128'), '10.0.2.2:3128');
});

test('other proxies and other variables are left alone', () => {
  assert.equal(guestProxy('http://proxy.corp.example:3128'), 'http://proxy.corp.example:3128');
  assert.equal(guestProxy('http://localhostess:1'), 'http://localhostess:1');
  assert.deepEqual(forGuest({ HTTP_PROXY: 'http://localhost:1', no_proxy: 'localhost,127.0.0.1', FOO: 'http://localhost:1' }), {
    HTTP_PROXY: 'http://10.0.2.2:1',
    no_proxy: 'localhost,127.0.0.1',
    FOO: 'http://localhost:1',
  });
});

test("only the host's proxy variables are taken", () => {
  assert.deepEqual(hostProxyEnv({ https_proxy: 'http://127.0.0.1:9', PATH: '/bin', HOME: '/root' }), { https_proxy: 'http://10.0.2.2:9' });
});
