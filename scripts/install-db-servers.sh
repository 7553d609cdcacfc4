#!/usr/bin/env bash
# Install the PostgreSQL and MariaDB server packages used by the test suite.
#
# The system-wide services are never started: tests run their own servers in
# temporary data directories (see tests/support/dbservers.py).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PACKAGES=(postgresql-15 postgresql-client-15 mariadb-server mariadb-client)
POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=""
# Wait for a concurrent apt/dpkg run instead of failing on its lock.
APT=(apt-get -qq -o DPkg::Lock::Timeout=600)

log() {
    echo "install-db-servers: $*"
}

missing_packages() {
    local package status
    for package in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
        if [[ "$status" != "install ok installed" ]]; then
            echo "$package"
        fi
    done
}

have_candidates() {
    local package policy
    for package in "$@"; do
        policy=$(apt-cache policy "$package" 2>/dev/null)
        if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
            return 1
        fi
    done
}

forbid_service_starts() {
    if [[ -e "$POLICY" ]]; then
        POLICY_BACKUP=$(mktemp)
        cp -p "$POLICY" "$POLICY_BACKUP"
    fi
    trap restore_policy EXIT
    printf '#!/bin/sh\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
}

restore_policy() {
    if [[ -n "$POLICY_BACKUP" ]]; then
        mv "$POLICY_BACKUP" "$POLICY"
    else
        rm -f "$POLICY"
    fi
}

stop_system_services() {
    local service
    for service in postgresql mariadb; do
        if [[ -x "/etc/init.d/$service" ]]; then
            "/etc/init.d/$service" stop >/dev/null 2>&1 || true
        fi
    done
}

install_packages() {
    if ! have_candidates "$@"; then
        log "apt-get update (package lists lack: $*)"
        "${APT[@]}" update
    fi
    log "apt-get install $*"
    if ! "${APT[@]}" install -y --no-install-recommends "$@" >/dev/null; then
        log "install failed; apt-get update and retry"
        "${APT[@]}" update
        "${APT[@]}" install -y --no-install-recommends "$@" >/dev/null
    fi
}

main() {
    if [[ $EUID -ne 0 ]]; then
        log "must run as root" >&2
        exit 1
    fi
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "all packages already installed: ${PACKAGES[*]}"
    else
        log "forbidding service starts during install"
        forbid_service_starts
        install_packages "${missing[@]}"
        log "stopping system-wide services (if any)"
        stop_system_services
    fi
    log "done"
}

main "$@"
