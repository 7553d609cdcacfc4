#!/usr/bin/env bash
# What the test suite needs beyond Python packages, from Debian's packages: the PostgreSQL and
# MariaDB servers (started by the tests themselves in temporary directories), Chromium for
# tests/e2e/test_browser.py (driven by Playwright's Python package: never a browser of its own),
# BusyBox, and nginx (tests/jobs/test_events.py streams events through it, as a proxy with its defaults).
# Needs root (or sudo); without it, prints what is missing and the tests that need it skip.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-test-deps: not root and no sudo: database servers and chromium not installed (those tests skip)"
  exit 0
fi
if [ -x scripts/install-db-servers.sh ]; then
  scripts/install-db-servers.sh
fi

# Chromium, BusyBox (tests/e2e/test_smoke_script.py runs the smoke script with its POSIX tools), nginx:
# quick when installed; `apt-get update` only when the lists do not know them.
missing=()
for package in chromium busybox nginx; do
  [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == "install ok installed" ]] || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: chromium, busybox and nginx already installed"
else
  APT=(env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600)
  [ "$(id -u)" -eq 0 ] || APT=(sudo "${APT[@]}")
  if [[ "$(apt-cache policy "${missing[@]}" 2>/dev/null)" != *"Candidate: "[0-9]* ]]; then
    echo "install-test-deps: apt-get update (package lists lack ${missing[*]})"
    "${APT[@]}" update
  fi
  echo "install-test-deps: apt-get install ${missing[*]}"
  "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { "${APT[@]}" update && "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi
