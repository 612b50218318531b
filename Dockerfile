# debstep in a container: the zero-setup way to run it.
#
#   docker build -t debstep .
#   docker run --rm -it --device /dev/kvm -v "$PWD:/recipes" -w /recipes debstep build x.yaml
#
# Without /dev/kvm (and without --privileged) debstep builds in its VM under TCG, as root
# without CAP_SYS_ADMIN: slower, but it needs nothing from the host. With --privileged it
# may also build on the host backend (chroot), like a root install.
#
# BASE is any Debian 13 image: debian:trixie-slim where a registry is reachable, else
# the one scripts/container-base.sh makes from the Debian archive with mmdebstrap.
# Behind a TLS-intercepting proxy, give its CA certificates (PEM) for npm and the image:
#   --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)"
ARG BASE=debian:trixie-slim

# Few steps: under the vfs storage driver every step copies the whole tree.
#
# Build stage: the npm dependencies (node-pty compiles here, against Debian's Node.js 20,
# the one the image runs) and dist/. npm takes the system's CA bundle, extra certificates
# included (Node.js has its own otherwise).
FROM ${BASE} AS build
ARG EXTRA_CA_CERTS=""
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /usr/local/share/ca-certificates/extra.crt; fi \
 && update-ca-certificates
COPY . /build/
# npm ci builds dist/ (the prepare script); then only the runtime dependencies stay, and
# node-pty must load on this node.
RUN cd /build \
 && export npm_config_cafile=/etc/ssl/certs/ca-certificates.crt \
 && npm ci \
 && npm prune --omit=dev \
 && node -e "require('node-pty')" \
 && rm -rf src test bench tsconfig*.json

# Runtime stage: the Debian tools debstep drives (scripts/host-packages.txt, nothing for
# its tests), Debian's Node.js (under /usr: the VM shares the host's /usr with its guest,
# and the guest agent runs on it), and debstep.
FROM ${BASE}
ARG EXTRA_CA_CERTS=""
COPY scripts/host-packages.txt /tmp/host-packages.txt
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update \
 && grep -Ev '^[[:space:]]*(#|$)' /tmp/host-packages.txt | xargs apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/* /tmp/host-packages.txt \
 && if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /usr/local/share/ca-certificates/extra.crt; fi \
 && update-ca-certificates
COPY --from=build /build /usr/local/lib/debstep
RUN ln -s /usr/local/lib/debstep/bin/debstep.js /usr/local/bin/debstep && debstep --version
WORKDIR /recipes
ENTRYPOINT ["debstep"]
CMD ["--help"]
