#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing, and says so:
#   chromium       real browser for the end-to-end tests (driven by playwright-core)
#   libusb-1.0-0   node-hid's prebuilt binary links it (scanners)
#   libudev1       so does node-hid's (it reads hidraw through udev)
#   iproute2       network namespaces for the IP-whitelist tests
#   postgresql     server binaries for the fleet tests' throwaway clusters (tests/helpers/postgres.ts
#                  runs initdb/postgres from /usr/lib/postgresql/<major>/bin in a temp dir)
#   openssl        makes the test CA and server certificate for the fleet's TLS test
#   systemd        systemd-notify, which the daemon's sd_notify sends through (tests/unit/sd-notify)
#   python3        that test's stand-in for systemd's notify socket (a unix datagram listener)
# Needs root (or sudo) and Debian's apt; prints what it does.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# ldconfig lives in /sbin, which is not on a normal user's PATH on Debian.
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
"$ldconfig" -p 2>/dev/null | grep -q 'libusb-1.0.so.0' || missing+=(libusb-1.0-0)
"$ldconfig" -p 2>/dev/null | grep -q 'libudev.so.1' || missing+=(libudev1)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-notify >/dev/null 2>&1 || missing+=(systemd)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-system-deps: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  # -n: fail at once instead of waiting for a password nobody types (CI).
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "ensure-system-deps: not root and no password-less sudo; install these yourself: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system-deps: no apt-get here; install these yourself: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "ensure-system-deps: installed ${missing[*]}"
