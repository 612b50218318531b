#!/bin/bash
# Sets up a Debian 12 host for debstep: the Debian tools it drives, then its npm
# dependencies (npm ci builds dist/ through the prepare script). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # bootstrapping and package installation
  mmdebstrap debootstrap arch-test eatmydata
  # foreign architectures through binfmt_misc
  qemu-user-static binfmt-support
  # the VM backend: QEMU, a kernel with its modules, busybox for the initramfs
  qemu-system-x86 linux-image-amd64 busybox-static
  # disk images
  parted fdisk e2fsprogs dosfstools
  # archives and compressors, multi-threaded where Debian has them
  tar gzip pigz bzip2 pbzip2 xz-utils zstd lzip lzop unzip
  # the debugger's end-to-end tests drive the TUI in tmux
  tmux
  ca-certificates util-linux
)

# binfmt_misc must be mounted for foreign-architecture builds (containers often lack it),
# before qemu-user-static's installation registers its handlers there.
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || echo "warning: cannot mount binfmt_misc; foreign-architecture builds will fail (see debstep doctor)" >&2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
# Registers every installed handler (a no-op for those already registered).
update-binfmts --enable || echo "warning: update-binfmts could not register the qemu handlers (see debstep doctor)" >&2

npm ci
