#!/bin/bash
# Makes sure `node` (20 or newer) and `npm` are on PATH: debstep runs on Node.js 20, and npm
# installs its dependencies. Run as root, by setup-host.sh. A machine that has a suitable
# Node.js keeps it. Otherwise, when the Debian archive's nodejs is new enough (Debian 13:
# 20.19), Debian's nodejs and npm. Else (Debian 12 has Node.js 18) Node.js from the npm
# registry's node-linux-<cpu> package, the official build, with npm from the registry, both
# under /usr/local (the VM shares /usr with its guest, whose agent runs on this node):
# Debian's npm fetches them and is removed again if this script installed it.
set -euo pipefail

NODE_VERSION=20.20.2
NPM_VERSION=10.9.9

say() { echo "install-node: $*"; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
npm_works() { npm --version >/dev/null 2>&1; }

if npm_works && [ "$(node_major)" -ge 20 ]; then
  say "Node.js $(node --version) and npm $(npm --version) are already installed: kept."
  exit 0
fi
[ "$(node_major)" -gt 0 ] && say "Node.js $(node --version) is too old: debstep needs 20 or newer."

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Debian's candidate major version, "0" when the archive has none.
candidate=$(apt-cache policy nodejs | sed -n 's/^ *Candidate: *\([0-9]*\).*/\1/p')
if [ "${candidate:-0}" -ge 20 ]; then
  say "installing Debian's nodejs and npm (Node.js ${candidate} from the Debian archive)"
  apt-get install -y --no-install-recommends nodejs npm
  exit 0
fi

case "$(dpkg --print-architecture)" in
  amd64) cpu=x64 ;;
  arm64) cpu=arm64 ;;
  *) echo "install-node: error: no Node.js 20 for $(dpkg --print-architecture) in the Debian archive or the npm registry; install Node.js 20 or newer and run again" >&2; exit 1 ;;
esac
say "the Debian archive has Node.js ${candidate:-none}: installing Node.js ${NODE_VERSION} and npm ${NPM_VERSION} from the npm registry into /usr/local"
fetcher=()
if ! npm_works; then
  say "(Debian's npm fetches them and is removed after)"
  before=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' nodejs npm 2>/dev/null | awk '$1 == "ii" {print $2}' || true)
  apt-get install -y --no-install-recommends npm
  for pkg in npm nodejs; do grep -qx "$pkg" <<<"$before" || fetcher+=("$pkg"); done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Node.js's own CA bundle does not know a TLS-intercepting proxy's; the system's does.
(cd "$work" && NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm pack --silent "node-linux-${cpu}@${NODE_VERSION}" "npm@${NPM_VERSION}" >/dev/null)
tar -xzf "$work/node-linux-${cpu}-${NODE_VERSION}.tgz" -C /usr/local --strip-components=1 --no-same-owner package/bin package/include package/share
rm -rf /usr/local/lib/node_modules/npm
mkdir -p /usr/local/lib/node_modules/npm
tar -xzf "$work/npm-${NPM_VERSION}.tgz" -C /usr/local/lib/node_modules/npm --strip-components=1 --no-same-owner
ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
# npm's settings for this Node.js: node-gyp compiles native modules (node-pty) against its
# headers instead of downloading them, and TLS trusts the system's CA bundle (which holds a
# TLS-intercepting proxy's certificate where there is one), as Debian's Node.js does.
mkdir -p /usr/local/etc
printf '%s\n' "nodedir=/usr/local" "cafile=/etc/ssl/certs/ca-certificates.crt" >/usr/local/etc/npmrc
if [ "${#fetcher[@]}" -gt 0 ]; then
  say "removing Debian's ${fetcher[*]} again"
  apt-get purge -y --autoremove "${fetcher[@]}" >/dev/null
fi
hash -r
say "installed: Node.js $(/usr/local/bin/node --version), npm $(/usr/local/bin/npm --version)"
