#!/bin/bash
# Sets up a Debian 12 or 13 host for debstep, from a machine that has only git: the Debian
# tools debstep drives (scripts/host-packages.txt), what `npm ci` compiles node-pty with
# (scripts/build-packages.txt) and what its tests use (scripts/test-packages.txt), binfmt_misc
# for foreign architectures, Node.js 20 or newer (scripts/install-node.sh), then its npm
# dependencies (npm ci builds dist/ through the prepare script). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t packages < <(grep -Ehv '^[[:space:]]*(#|$)' scripts/build-packages.txt scripts/host-packages.txt scripts/test-packages.txt)

# binfmt_misc must be mounted for foreign-architecture builds (containers often lack it),
# before qemu-user-static's installation registers its handlers there.
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || echo "warning: cannot mount binfmt_misc; foreign-architecture builds will fail (see debstep doctor)" >&2
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg-query -W -f='${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null | grep -qv '^ii' && [ "$(dpkg-query -W "${packages[@]}" 2>/dev/null | wc -l)" = "${#packages[@]}" ]; then
  echo "The Debian packages are installed."
else
  apt-get update
  apt-get install -y --no-install-recommends "${packages[@]}"
fi
# Registers every installed handler (a no-op for those already registered).
update-binfmts --enable || echo "warning: update-binfmts could not register the qemu handlers (see debstep doctor)" >&2

bash scripts/install-node.sh
hash -r
npm ci
