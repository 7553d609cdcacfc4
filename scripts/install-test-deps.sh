#!/usr/bin/env bash
# What the test suite needs beyond Python packages, from Debian's packages: the PostgreSQL and
# MariaDB servers (started by the tests themselves in temporary directories).
# Needs root (or sudo); without it, prints what is missing and the tests that need it skip.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-test-deps: not root and no sudo: database servers not installed (those tests skip)"
  exit 0
fi
if [ -x scripts/install-db-servers.sh ]; then
  scripts/install-db-servers.sh
fi
