#!/bin/bash
# The floor: bench/recipes/rootfs.yaml done by hand with the same tools and no
# bookkeeping. Usage: baseline.sh ARTIFACT_DIR MIRROR [ARCH]
set -euo pipefail
out=$1 mirror=$2 arch=${3:-amd64}
here=$(dirname "$(readlink -f "$0")")
root=$(mktemp -d /var/tmp/baseline-root.XXXXXX)
trap 'umount -R "$root/proc" "$root/sys" "$root/dev" 2>/dev/null || true; rm -rf "$root"' EXIT
rmdir "$root"
mmdebstrap --variant=minbase --architectures="$arch" bookworm "$root" "$mirror"
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"; mount -t sysfs sysfs "$root/sys"; mount --rbind /dev "$root/dev"
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get update
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install --yes --no-install-recommends sudo openssh-server systemd-sysv less
chroot "$root" apt-get clean
chroot "$root" sh -c 'useradd -m -s /bin/bash user && echo debian > /etc/hostname'
umount -R "$root/proc" "$root/sys" "$root/dev"
rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
cp -r --preserve=mode "$here/recipes/overlay/." "$root/"
tar cf "$out/rootfs.tar.gz" --xattrs '--xattrs-include=*.*' --use-compress-program=pigz -C "$root" .
