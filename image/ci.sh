#!/usr/bin/env bash
# CI step for the appliance (.ci/run): builds the small image (image/build.sh --small: same
# script, units and layout as the release image, without the kiosk browser) and boots it in
# QEMU (tests/image/boot-test.mjs). Prints how long each took.
#
# Skipped, with the reason, only where this machine cannot build images at all (not root, no
# apt-get, binfmt_misc not available: an unprivileged container). Every failure of the build
# or of the boot test fails CI. The apt cache lives outside the clone so that later CI runs on
# the same machine reuse it (POS_IMAGE_CACHE, default /var/cache/counter-pos/image).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
export POS_IMAGE_CACHE=${POS_IMAGE_CACHE:-/var/cache/counter-pos/image}
BUILD_TIMEOUT=${POS_IMAGE_BUILD_TIMEOUT:-2700}
skip() {
  echo "image CI: SKIPPED, this machine cannot build images: $*"
  exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root"
command -v apt-get >/dev/null || skip "no apt-get"
if [ "$(uname -m)" != aarch64 ] && [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
    skip "binfmt_misc cannot be mounted (unprivileged container)"
fi

VERSION=$(node -p "require('$REPO/package.json').version")
IMAGE="$REPO/image/out/pos-$VERSION-arm64-small.img"
t0=$(date +%s)
timeout "$BUILD_TIMEOUT" bash "$REPO/image/build.sh" --small || {
  echo "image CI: image/build.sh --small failed or took longer than $BUILD_TIMEOUT s"
  exit 1
}
t1=$(date +%s)
node "$REPO/tests/image/boot-test.mjs" "$IMAGE"
t2=$(date +%s)
echo "image CI: small image built in $((t1 - t0)) s, booted and checked in $((t2 - t1)) s"
