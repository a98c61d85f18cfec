#!/usr/bin/env bash
# CI step for the appliance (.ci/run): builds the small image (image/build.sh --small: the same
# package lists and customize.sh as the release, without the kiosk browser) and boots it in QEMU:
#   - always: the small image's boot test (tests/image/boot-test.mjs);
#   - with POS_CI_OTA=1: also the update test on the small image (tests/image/ota-test.mjs:
#     A/B install, trial boot, rollback; docs/APPLIANCE.md gives its duration; run it as
#     `npm run test:image:ota`);
#   - with POS_CI_KIOSK=1: also the full image's kiosk test (tests/image/kiosk-test.mjs:
#     screen, tap, crashes, power cut). Off by default: see docs/APPLIANCE.md for its duration
#     against CI's 60-minute budget; run it as `npm run test:image:kiosk`.
# Prints how long each part took. No .img.xz in CI (--no-xz): nothing downloads them here.
#
# Skipped, with the reason, only where this machine cannot build images at all (not root, no
# apt-get, binfmt_misc not available: an unprivileged container). Every failure of the build
# or of a boot test fails CI. The apt cache lives outside the clone so that later CI runs on
# the same machine reuse it (POS_IMAGE_CACHE, default /var/cache/counter-pos/image).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
export POS_IMAGE_CACHE=${POS_IMAGE_CACHE:-/var/cache/counter-pos/image}
BUILD_TIMEOUT=${POS_IMAGE_BUILD_TIMEOUT:-2700}
KIOSK=${POS_CI_KIOSK:-0}
OTA=${POS_CI_OTA:-0}
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
SMALL="$REPO/image/out/pos-$VERSION-arm64-small.img"
FULL="$REPO/image/out/pos-$VERSION-arm64.img"
build_args=(--no-xz)
[ "$KIOSK" = 1 ] || build_args+=(--small)
t0=$(date +%s)
timeout "$BUILD_TIMEOUT" bash "$REPO/image/build.sh" "${build_args[@]}" || {
  echo "image CI: image/build.sh ${build_args[*]} failed or took longer than $BUILD_TIMEOUT s"
  exit 1
}
t1=$(date +%s)
node "$REPO/tests/image/boot-test.mjs" "$SMALL"
t2=$(date +%s)
echo "image CI: images built in $((t1 - t0)) s, small image booted and checked in $((t2 - t1)) s"
if [ "$OTA" = 1 ]; then
  t3=$(date +%s)
  node "$REPO/tests/image/ota-test.mjs" "$SMALL"
  echo "image CI: update test on the small image in $(($(date +%s) - t3)) s"
fi
if [ "$KIOSK" = 1 ]; then
  node "$REPO/tests/image/kiosk-test.mjs" "$FULL"
  echo "image CI: kiosk test on the full image in $(($(date +%s) - t2)) s"
fi
