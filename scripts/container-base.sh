#!/bin/bash
# Makes the Debian 12 base image the Dockerfile starts from, out of the Debian archive, for
# machines whose container engine cannot pull from a registry: mmdebstrap's minbase (about
# what debian:bookworm-slim holds) imported as an image.
#
#   scripts/container-base.sh [IMAGE [MIRROR]]
#   podman build --build-arg BASE=IMAGE -t debstep .
#
# IMAGE defaults to localhost/debstep-base:bookworm; MIRROR to mmdebstrap's default. The
# engine is podman, else docker (ENGINE=... to choose). Needs mmdebstrap (run as root, or
# where mmdebstrap's unshare mode works).
set -euo pipefail
image=${1:-localhost/debstep-base:bookworm}
mirror=${2:-}
engine=${ENGINE:-$(command -v podman || command -v docker || true)}
[ -n "$engine" ] || { echo "error: no podman or docker found" >&2; exit 1; }

tarball=$(mktemp --suffix=.tar)
trap 'rm -f "$tarball"' EXIT
mmdebstrap --quiet --variant=minbase bookworm "$tarball" ${mirror:+"$mirror"}
"$engine" import --change 'CMD ["bash"]' "$tarball" "$image"
