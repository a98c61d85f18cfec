#!/usr/bin/env bash
# Builds the Counter POS SD card image for Raspberry Pi 3/4 (arm64) on an x86_64 (or arm64)
# Debian machine, as root, without loop devices:
#
#   1. prerequisites (installed with apt-get when missing), binfmt_misc + qemu-user for arm64
#   2. the app: compiled JS (tsc + esbuild) and production node_modules for linux-arm64
#   3. the root filesystem: mmdebstrap, Debian trixie arm64, main + non-free-firmware, then
#      image/customize.sh (units, users, config, checks) inside it
#   4. file systems: FAT boot (mkfs.vfat + mtools), ext4 root and ext4 data (mke2fs -d)
#   5. genimage: one MBR disk image, then its sha256 and a size report
#
# Usage: image/build.sh [--small] [--out DIR]
#   --small   the CI variant: same script, units and layout, without the kiosk browser
#             packages (image/packages-kiosk.txt); file name pos-<version>-arm64-small.img
# Environment (all optional):
#   POS_IMAGE_CACHE   apt and npm caches reused between builds (default image/cache)
#   POS_IMAGE_WORK    scratch directory, several GiB (default /var/tmp/pos-image-<variant>)
#   POS_IMAGE_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   POS_IMAGE_SECURITY_MIRROR  (default http://deb.debian.org/debian-security)
#   POS_IMAGE_SOURCE  "head" (default: the committed tree, git archive HEAD) or "worktree"
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
VARIANT=full
OUT="$REPO/image/out"
while [ $# -gt 0 ]; do
  case "$1" in
    --small) VARIANT=small ;;
    --out)
      OUT=$2
      shift
      ;;
    -h | --help)
      sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument $1 (see --help)" >&2
      exit 2
      ;;
  esac
  shift
done

CACHE=${POS_IMAGE_CACHE:-$REPO/image/cache}
WORK=${POS_IMAGE_WORK:-/var/tmp/pos-image-$VARIANT}
MIRROR=${POS_IMAGE_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${POS_IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SOURCE=${POS_IMAGE_SOURCE:-head}
SUITE=trixie

START=$(date +%s)
STEP=0
STEPS=6
step() {
  STEP=$((STEP + 1))
  printf '\n== [%d/%d] %s (t+%ds)\n' "$STEP" "$STEPS" "$*" "$(($(date +%s) - START))"
}
die() {
  echo "build.sh: error: $*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
step "prerequisites"
[ "$(id -u)" -eq 0 ] || die "run as root (mmdebstrap --mode=root, chroot, file ownership in the image)"
command -v apt-get >/dev/null || die "needs a Debian-like build machine with apt-get"
# command → Debian package that provides it
prereqs=(
  mmdebstrap:mmdebstrap
  genimage:genimage
  mkfs.vfat:dosfstools
  mcopy:mtools
  mke2fs:e2fsprogs
  qemu-aarch64-static:qemu-user-static
  update-binfmts:binfmt-support
  arch-test:arch-test
  git:git
  sha256sum:coreutils
)
missing=()
for p in "${prereqs[@]}"; do
  cmd=${p%%:*} pkg=${p#*:}
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "missing: $cmd (Debian package $pkg)"
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed; install by hand: apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi
command -v node >/dev/null || die "node is missing (the project's own toolchain: Node >= 20.19 with npm)"
npm_major=$(npm --version | cut -d. -f1)
[ "$npm_major" -ge 10 ] ||
  die "npm $(npm --version) cannot install for another platform; needs npm >= 10 (npm i -g npm)"

if [ "$(uname -m)" != aarch64 ]; then
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
      die "cannot mount binfmt_misc (a container needs --privileged to run arm64 programs)"
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    update-binfmts --enable qemu-aarch64 || die "cannot register qemu-aarch64 with binfmt_misc"
  fi
  arch-test arm64 >/dev/null || die "arm64 programs do not run here (binfmt_misc + qemu-user-static)"
fi
echo "ok: mmdebstrap $(mmdebstrap --version | awk '{print $2}'), genimage $(genimage --version 2>&1 | head -1 | awk '{print $NF}'), node $(node --version), npm $(npm --version), arm64 via binfmt"

VERSION=$(node -p "require('$REPO/package.json').version")
NAME="pos-$VERSION-arm64"
[ "$VARIANT" = small ] && NAME="$NAME-small"
mkdir -p "$CACHE/apt" "$CACHE/npm" "$OUT" "$WORK"
# A random MBR disk signature per build: root=PARTUUID=<signature>-02 in cmdline.txt and fstab.
DISKID=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
echo "image $NAME.img, variant $VARIANT, disk id $DISKID, work dir $WORK, cache $CACHE"

# ---------------------------------------------------------------------------------------------
step "app: compile, then production node_modules for linux-arm64"
SRC="$WORK/src"
APP="$WORK/app"
rm -rf "$SRC" "$APP"
mkdir -p "$SRC" "$APP"
if [ "$SOURCE" = worktree ]; then
  (cd "$REPO" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) | tar -x -C "$SRC"
  echo "source: the work tree of $REPO (committed or not)"
else
  git -C "$REPO" archive --format=tar HEAD | tar -x -C "$SRC"
  echo "source: $(git -C "$REPO" log -1 --format='%h %s' HEAD)"
fi
if [ -x "$REPO/node_modules/.bin/tsc" ]; then
  ln -s "$REPO/node_modules" "$SRC/node_modules" # build tools only; read, never written
else
  (cd "$SRC" && npm ci --no-audit --no-fund --cache "$CACHE/npm") || die "npm ci (build tools) failed"
fi
(cd "$SRC" && npm run --silent build) || die "npm run build failed"
cp "$SRC/package.json" "$SRC/package-lock.json" "$APP/"
cp -r "$SRC/dist" "$APP/dist"
# Install scripts are skipped: they would probe the build machine's architecture. The native
# packages (sharp via @img/sharp-linux-arm64, node-hid and usb via node-gyp-build prebuilds)
# ship linux-arm64 binaries; customize.sh loads each of them inside the arm64 root filesystem.
(cd "$APP" && npm ci --omit=dev --os=linux --cpu=arm64 --libc=glibc --ignore-scripts \
  --no-audit --no-fund --cache "$CACHE/npm") || die "npm ci --omit=dev for linux-arm64 failed"
echo "app: $(du -sh "$APP" | cut -f1) ($(du -sh "$APP/node_modules" | cut -f1) node_modules)"

# ---------------------------------------------------------------------------------------------
step "root filesystem: mmdebstrap $SUITE arm64 ($VARIANT), customize"
# The kernel is installed last, in its own apt run: its initramfs is then generated once,
# after every package whose trigger would otherwise have it rebuilt (slow under emulation).
KERNEL_PKG=linux-image-arm64
packages() { grep -hv '^\s*#' "$@" | awk -v k="$KERNEL_PKG" 'NF && $1 != k { print $1 }' | paste -sd, -; }
lists=("$SRC/image/packages.txt")
[ "$VARIANT" = full ] && lists+=("$SRC/image/packages-kiosk.txt")
ROOTFS="$WORK/rootfs"
rm -rf "$ROOTFS"
# The units, helpers and overlay come from the same tree as the app.
export POS_REPO="$SRC" POS_APP="$APP" POS_DISKID="$DISKID" POS_VARIANT="$VARIANT" \
  POS_VERSION="$VERSION" POS_REPORT="$WORK/customize.log"
mmdebstrap --mode=root --arch=arm64 --variant=minbase \
  --components=main,non-free-firmware \
  --include="$(packages "${lists[@]}")" \
  --aptopt='Acquire::Retries "3"' \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='force-unsafe-io' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --skip=download/empty --skip=essential/unlink \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives" "$1/boot/firmware"' \
  --setup-hook="sync-in '$CACHE/apt' /var/cache/apt/archives/" \
  --customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $KERNEL_PKG" \
  --customize-hook="sync-out /var/cache/apt/archives '$CACHE/apt'" \
  --customize-hook="'$SRC/image/customize.sh' \"\$1\"" \
  "$SUITE" "$ROOTFS" \
  "deb $MIRROR $SUITE main non-free-firmware" \
  "deb $MIRROR $SUITE-updates main non-free-firmware" \
  "deb $SECURITY_MIRROR $SUITE-security main non-free-firmware" ||
  die "mmdebstrap failed (see above)"
echo "root filesystem: $(du -sh "$ROOTFS" | cut -f1); apt cache: $(du -sh "$CACHE/apt" | cut -f1)"

# ---------------------------------------------------------------------------------------------
step "file systems: FAT boot, ext4 root, ext4 data"
PARTS="$WORK/parts"
rm -rf "$PARTS" "$WORK/boot" "$WORK/data"
mkdir -p "$PARTS" "$WORK/boot" "$WORK/data"
# The boot partition's files leave the root file system (the partition is mounted over it).
mv "$ROOTFS/boot/firmware/"* "$WORK/boot/"
# Same for /data: it holds pos/ (owned by the daemon's user) on its own partition.
if [ -n "$(ls -A "$ROOTFS/data")" ]; then mv "$ROOTFS/data/"* "$WORK/data/"; fi
[ -f "$WORK/boot/cmdline.txt" ] && [ -f "$WORK/boot/config.txt" ] ||
  die "boot files missing (raspi-firmware did not write config.txt/cmdline.txt)"
grep -q "root=PARTUUID=$DISKID-02" "$WORK/boot/cmdline.txt" ||
  die "cmdline.txt lacks root=PARTUUID=$DISKID-02: $(cat "$WORK/boot/cmdline.txt")"

BOOT_MB=256
mkfs.vfat -n POSBOOT -F 32 -C "$PARTS/boot.vfat" $((BOOT_MB * 1024)) >/dev/null
mcopy -s -p -Q -i "$PARTS/boot.vfat" "$WORK/boot/"* ::/
# Root: what is there plus 25 % and 300 MiB for updates (kernel, initrd, packages).
root_mb=$(du -sm "$ROOTFS" | cut -f1)
ROOT_MB=$((root_mb + root_mb / 4 + 300))
mke2fs -q -t ext4 -b 4096 -L posroot -d "$ROOTFS" "$PARTS/root.ext4" "${ROOT_MB}M"
# Data: small in the image; pos-firstboot grows the partition and file system to the card.
mke2fs -q -t ext4 -b 4096 -L posdata -d "$WORK/data" "$PARTS/data.ext4" 128M
echo "boot ${BOOT_MB} MiB, root ${ROOT_MB} MiB (content ${root_mb} MiB), data 128 MiB"

# ---------------------------------------------------------------------------------------------
step "disk image: genimage (MBR)"
sed -e "s/@NAME@/$NAME.img/" -e "s/@DISKID@/0x$DISKID/" "$SRC/image/genimage.cfg" >"$WORK/genimage.cfg"
rm -rf "$WORK/genimage-tmp" "$WORK/genimage-root"
mkdir -p "$WORK/genimage-root"
genimage --config "$WORK/genimage.cfg" --inputpath "$PARTS" --outputpath "$PARTS" \
  --rootpath "$WORK/genimage-root" --tmppath "$WORK/genimage-tmp" >"$WORK/genimage.log" 2>&1 ||
  die "genimage failed: $(tail -20 "$WORK/genimage.log")"
mv "$PARTS/$NAME.img" "$OUT/$NAME.img"

# ---------------------------------------------------------------------------------------------
step "checksum and size report"
(cd "$OUT" && sha256sum "$NAME.img" >"$NAME.img.sha256")
cp "$POS_REPORT" "$OUT/$NAME.customize.log"
{
  echo "image:      $OUT/$NAME.img"
  echo "variant:    $VARIANT"
  echo "version:    $VERSION"
  echo "size:       $(stat -c %s "$OUT/$NAME.img") bytes ($(du -h --apparent-size "$OUT/$NAME.img" | cut -f1))"
  echo "sha256:     $(cut -d' ' -f1 "$OUT/$NAME.img.sha256")"
  echo "partitions: boot ${BOOT_MB} MiB FAT32, root ${ROOT_MB} MiB ext4, data 128 MiB ext4 (grown on first boot)"
  echo "root=       PARTUUID=$DISKID-02"
  echo "largest in the root file system (MiB):"
  # (No /usr/lib/chromium in the small image: du's complaint is not an error here.)
  { du -xsm "$ROOTFS"/usr/lib/modules "$ROOTFS"/usr/lib/firmware "$ROOTFS"/usr/lib/chromium \
    "$ROOTFS"/usr/lib/aarch64-linux-gnu "$ROOTFS"/usr/share "$ROOTFS"/opt/pos 2>/dev/null || true; } |
    sort -rn | sed "s|$ROOTFS||; s/^/  /"
  echo "build time: $(($(date +%s) - START)) s"
} | tee "$OUT/$NAME.report.txt"
