#!/usr/bin/env bash
# Installs Prometheus (Debian package prometheus: the server and promtool) for
# the metrics tests, which run `promtool check rules`, `promtool test rules`,
# `promtool check metrics` and start their own prometheus process on 127.0.0.1
# to scrape apierr (test/helpers/prometheus.ts). Idempotent: does nothing but
# print the versions when the binaries are already there. Exits non-zero if it
# cannot install.
#
# Like install-alertmanager.sh, a policy-rc.d (exit 101) forbids the package's
# postinst from starting a system service while installing, unless the machine
# already has such a policy. --no-install-recommends keeps node-exporter out.
set -euo pipefail

have_binaries() {
  command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1
}

if ! have_binaries; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-prometheus: prometheus is missing and this is not root (no sudo)" >&2
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

  echo "install-prometheus: installing prometheus" >&2
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    prometheus

  if ! have_binaries; then
    echo "install-prometheus: installed, but prometheus or promtool is not on PATH" >&2
    exit 1
  fi
fi

echo "install-prometheus: $(command -v prometheus) ($(dpkg-query -W -f='${Package} ${Version}' prometheus 2>/dev/null || echo 'not from a Debian package'))"
prometheus --version 2>&1 | head -n 1
promtool --version 2>&1 | head -n 1
