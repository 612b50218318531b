#!/bin/sh
# Installs extlinux on the root partition with a menu entry for the installed kernel,
# booting with the command line filesystem-deploy wrote (root=UUID=… console=ttyS0).
set -e
kernel=$(ls /boot/vmlinuz-* | sort -V | tail -1)
initrd=/boot/initrd.img-${kernel#/boot/vmlinuz-}
mkdir -p /boot/extlinux
cat > /boot/extlinux/extlinux.conf <<CONF
DEFAULT debian
TIMEOUT 0
LABEL debian
  LINUX $kernel
  INITRD $initrd
  APPEND $(cat /etc/kernel/cmdline) rw
CONF
extlinux --install /boot/extlinux
