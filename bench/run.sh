#!/usr/bin/env bash
# `make bench`: installs wrk from Debian's packages when it is missing (as root, or with sudo),
# then runs `python -m bench` (bench/__main__.py) with the project's venv. Arguments go to it (--help).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "bench: wrk is missing; install it (Debian: apt-get install wrk)" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 || {
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
  }
fi

exec "${VENV:-.venv}/bin/python" -m bench "$@"
