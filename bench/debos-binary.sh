#!/bin/bash
# Puts debos's own binary in a cache directory without installing the debos package
# (its Recommends pull in systemd-resolved, which replaces /etc/resolv.conf), installs
# the two things the binary needs at run time on the host backend (libostree-1-1, which
# it links, and systemd-container, whose systemd-nspawn runs its chroot commands), checks
# that the resolver is untouched, and prints the binary's path.
#
#   bench/debos-binary.sh [DIR]     (as root; DIR defaults to /var/tmp/debstep-bench/debos)
set -euo pipefail
dir=${1:-/var/tmp/debstep-bench/debos}
bin=$dir/root/usr/bin/debos
log() { echo "debos-binary: $*" >&2; }

resolv_before=$(sha256sum /etc/resolv.conf 2>/dev/null || echo none)
resolv_link_before=$(readlink /etc/resolv.conf || true)

if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  (cd "$dir" && rm -f debos_*.deb && apt-get download debos >&2)
  rm -rf "$dir/root"
  dpkg -x "$dir"/debos_*.deb "$dir/root"
  log "unpacked $(basename "$dir"/debos_*.deb) into $dir/root"
fi

missing=()
for pkg in libostree-1-1 systemd-container; do
  dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# Name resolution must survive: compare the file and the link, then resolve the mirror's host.
if [ "$(sha256sum /etc/resolv.conf 2>/dev/null || echo none)" != "$resolv_before" ] ||
   [ "$(readlink /etc/resolv.conf || true)" != "$resolv_link_before" ]; then
  log "/etc/resolv.conf changed while installing; restore it before benchmarking"
  exit 1
fi
mirror_host=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
  sed -nE 's|^[a-z+]+://([^/:]+).*|\1|p' | head -n1 || true)
if [ -n "$mirror_host" ] && ! getent hosts "$mirror_host" >/dev/null; then
  log "the apt mirror's host does not resolve any more"
  exit 1
fi

# debos 1.1.1 links libostree: a missing library shows here rather than in the first run.
if ldd "$bin" | grep -q 'not found'; then
  ldd "$bin" | grep 'not found' >&2
  exit 1
fi
echo "$bin"
