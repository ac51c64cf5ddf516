#!/usr/bin/env bash
# Installs Prometheus Alertmanager (Debian package prometheus-alertmanager) for
# the end-to-end tests, which start their own alertmanager process
# (test/helpers/alertmanager.ts). Idempotent: does nothing but print the
# version when the binary is already there. Exits non-zero if it cannot install.
#
# The package's postinst would start a system service; the tests do not want
# one, so while installing, a policy-rc.d (exit 101) forbids starting services
# unless the machine already has such a policy. Without systemd no service
# starts anyway.
set -euo pipefail

BIN=/usr/bin/prometheus-alertmanager

find_binary() {
  if [ -x "$BIN" ]; then
    echo "$BIN"
  elif command -v alertmanager >/dev/null 2>&1; then
    command -v alertmanager
  else
    return 1
  fi
}

if ! found=$(find_binary); then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-alertmanager: prometheus-alertmanager is missing and this is not root (no sudo)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive

  POLICY=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    added_policy=1
  fi
  cleanup() {
    if [ "$added_policy" -eq 1 ]; then "${SUDO[@]}" rm -f "$POLICY"; fi
  }
  trap cleanup EXIT

  echo "install-alertmanager: installing prometheus-alertmanager" >&2
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    prometheus-alertmanager

  if ! found=$(find_binary); then
    echo "install-alertmanager: installed, but no alertmanager binary found" >&2
    exit 1
  fi
fi

echo "install-alertmanager: $found ($(dpkg-query -W -f='${Package} ${Version}' prometheus-alertmanager 2>/dev/null || echo 'not from a Debian package'))"
"$found" --version 2>&1 | head -n 1
