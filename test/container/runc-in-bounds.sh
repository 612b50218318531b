#!/bin/bash
# The OCI runtime of the container tests' own dockerd: runc, with the container's
# capabilities cut to the bounding set this machine gives its processes. dockerd gives a
# --privileged container every capability the kernel knows; on a machine whose processes
# lack one (a sandbox without CAP_SYS_RESOURCE, say) runc then fails with "unable to apply
# caps: operation not permitted". Without such a gap the bundle is left as it is.
set -euo pipefail
names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
  NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
  SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
  AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
  PERFMON BPF CHECKPOINT_RESTORE)
bounding=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
missing=()
for i in "${!names[@]}"; do (( (bounding >> i) & 1 )) || missing+=("\"CAP_${names[i]}\""); done

bundle=
prev=
for arg in "$@"; do [ "$prev" = --bundle ] && bundle=$arg; prev=$arg; done
if [ -n "$bundle" ] && [ ${#missing[@]} -gt 0 ] && [ -f "$bundle/config.json" ]; then
  drop="[$(IFS=,; echo "${missing[*]}")]"
  jq --argjson drop "$drop" 'if .process.capabilities then .process.capabilities |= with_entries(.value -= $drop) else . end' \
    "$bundle/config.json" > "$bundle/config.json.in-bounds"
  mv "$bundle/config.json.in-bounds" "$bundle/config.json"
fi
exec runc "$@"
