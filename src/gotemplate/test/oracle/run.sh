#!/bin/sh
# Feed JSON Lines cases on stdin; get Go's renderings on stdout (see main.go).
# Needs Go 1.24 or later (range over integers) and Debian's golang-github-masterminds-sprig-dev,
# golang-github-alessio-shellescape-dev and golang-github-google-uuid-dev.
# GO may name the go binary; GOROOT is derived from it.
set -eu
go=${GO:-go}
GOROOT=$("$go" env GOROOT) GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= exec "$go" run "$(dirname "$0")/main.go"
