#!/usr/bin/env bash
# Builds the Counter POS SD card images for Raspberry Pi 3/4 (arm64) on an x86_64 (or arm64)
# Debian machine, as root, without loop devices:
#
#   1. prerequisites (installed with apt-get when missing), binfmt_misc + qemu-user for arm64
#   2. the app: compiled JS (tsc + esbuild) and production node_modules for linux-arm64
#   3. ONE root file system: mmdebstrap, Debian trixie arm64, main + non-free-firmware, every
#      package list (image/packages.txt + image/packages-kiosk.txt), then image/customize.sh
#      (units, users, config, checks, trimming) inside it
#   4. the small variant derived from it: a copy with the kiosk packages purged (apt-get purge
#      --autoremove), so the two images never drift apart (--small alone builds its root file
#      system directly from the same lists without the kiosk ones: CI's budget has no room for
#      Chromium under emulation)
#   5. per image: file systems (FAT with mkfs.vfat + mtools, ext4 root with mke2fs -d), the A/B
#      MBR layout written with sfdisk (docs/APPLIANCE.md, "Partitions"), and the signed RAUC
#      update bundle of the same root file system (pos-<version>[-small].raucb)
#   6. per image: xz-compressed copy (.img.xz), sha256 of all, size report
#
# Usage: image/build.sh [--small | --full] [--no-xz] [--out DIR]
#   (none)    both images: pos-<version>-arm64.img (the release, with the kiosk browser) and
#             pos-<version>-arm64-small.img (the same system without cage/Chromium)
#   --small   only the small image (CI): the same package lists and customize.sh without
#             image/packages-kiosk.txt, built directly (no Chromium downloaded or unpacked)
#   --full    only the full image
#   --no-xz   skip the .img.xz copies (the .img and its sha256 are always written)
# Environment (all optional):
#   POS_IMAGE_CACHE   apt and npm caches reused between builds (default image/cache)
#   POS_IMAGE_WORK    scratch directory, several GiB (default /var/tmp/pos-image)
#   POS_IMAGE_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   POS_IMAGE_SECURITY_MIRROR  (default http://deb.debian.org/debian-security)
#   POS_IMAGE_SOURCE  "head" (default: the committed tree, git archive HEAD) or "worktree"
#   POS_IMAGE_XZ_LEVEL  xz preset for the .img.xz (default 6)
#   POS_RAUC_KEY, POS_RAUC_CERT  the bundle signing key and certificate (PEM); default: a
#                     development key pair made once in image/keys/ (git-ignored, never committed)
#   POS_RAUC_KEYRING  the CA certificate(s) the image trusts (default image/keys/ca.cert.pem)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
VARIANTS="full small"
XZ=1
OUT="$REPO/image/out"
while [ $# -gt 0 ]; do
  case "$1" in
    --small) VARIANTS=small ;;
    --full) VARIANTS=full ;;
    --no-xz) XZ=0 ;;
    --out)
      OUT=$2
      shift
      ;;
    -h | --help)
      sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'
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
WORK=${POS_IMAGE_WORK:-/var/tmp/pos-image}
MIRROR=${POS_IMAGE_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${POS_IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SOURCE=${POS_IMAGE_SOURCE:-head}
SUITE=trixie
XZ_LEVEL=${POS_IMAGE_XZ_LEVEL:-6}
has() { case " $VARIANTS " in *" $1 "*) return 0 ;; esac; return 1; }

START=$(date +%s)
STEP=0
n_variants=$(echo $VARIANTS | wc -w)
STEPS=$((3 + n_variants * (1 + XZ)))
# The small image is derived from the full one when both are built; alone it is built directly.
DERIVE_SMALL=0
has full && has small && DERIVE_SMALL=1
[ "$DERIVE_SMALL" = 1 ] && STEPS=$((STEPS + 1))
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
  sfdisk:fdisk
  rauc:rauc
  mksquashfs:squashfs-tools
  openssl:openssl
  mkfs.vfat:dosfstools
  mcopy:mtools
  mke2fs:e2fsprogs
  qemu-aarch64-static:qemu-user-static
  update-binfmts:binfmt-support
  arch-test:arch-test
  git:git
  sha256sum:coreutils
  xz:xz-utils
  unshare:util-linux
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
echo "ok: mmdebstrap $(mmdebstrap --version | awk '{print $2}'), $(rauc --version), node $(node --version), npm $(npm --version), arm64 via binfmt"

VERSION=$(node -p "require('$REPO/package.json').version")
mkdir -p "$CACHE/apt" "$CACHE/npm" "$OUT" "$WORK"
# The MBR disk signature: cmdline.txt says root=PARTUUID=<signature>-05 (slot A) or -06 (B), and
# RAUC's system.conf names the slots by PARTUUID. Fixed per variant, so that an update bundle
# built later (another build, the same layout) finds the same partitions on the card.
SMALL_DISKID_FIXED=504f5302
DISKID=504f5301
has full || DISKID=$SMALL_DISKID_FIXED
# The A/B layout (MiB): p1 FAT "POSBOOT" (autoboot.txt for the firmware, the operator's files),
# p2/p3 boot slots A/B (firmware, kernel, initrd, config.txt, cmdline.txt), p4 extended with
# p5/p6 root slots A/B and p7 data. The image holds p1, p2 and p5 (its table says SLOT_MB, the
# file ends where the root file system ends); pos-partitions makes p3, p6 and p7 on the card
# at the first boot. POS_ (systemd/libexec/pos-partitions) uses the same numbers.
P1_MB=32
BOOT_MB=128
SLOT_MB=2048
# Update bundles: signing key and certificate; the image trusts the keyring (a CA).
KEYS="$REPO/image/keys"
RAUC_KEY=${POS_RAUC_KEY:-$KEYS/dev.key.pem}
RAUC_CERT=${POS_RAUC_CERT:-$KEYS/dev.cert.pem}
RAUC_KEYRING=${POS_RAUC_KEYRING:-$KEYS/ca.cert.pem}
COMPATIBLE=counter-pos-rpi-arm64
if [ -z "${POS_RAUC_KEY:-}" ] && [ ! -f "$RAUC_KEY" ]; then
  # A development CA and a signing certificate below it, made on this machine only.
  mkdir -p "$KEYS"
  chmod 0700 "$KEYS"
  openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/O=Counter POS/CN=Counter POS development CA" \
    -keyout "$KEYS/ca.key.pem" -out "$KEYS/ca.cert.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:3072 -nodes -subj "/O=Counter POS/CN=Counter POS development signing" \
    -keyout "$KEYS/dev.key.pem" -out "$KEYS/dev.csr.pem" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning,emailProtection\n' >"$KEYS/dev.ext"
  openssl x509 -req -in "$KEYS/dev.csr.pem" -CA "$KEYS/ca.cert.pem" -CAkey "$KEYS/ca.key.pem" \
    -CAcreateserial -days 3650 -extfile "$KEYS/dev.ext" -out "$KEYS/dev.cert.pem" 2>/dev/null
  rm -f "$KEYS/dev.csr.pem" "$KEYS/dev.ext"
  echo "made a development signing key in $KEYS (git-ignored; see docs/APPLIANCE.md for production keys)"
fi
for f in "$RAUC_KEY" "$RAUC_CERT" "$RAUC_KEYRING"; do [ -f "$f" ] || die "missing $f (POS_RAUC_KEY/CERT/KEYRING)"; done
openssl verify -CAfile "$RAUC_KEYRING" "$RAUC_CERT" >/dev/null || die "$RAUC_CERT is not signed by $RAUC_KEYRING"
image_name() { if [ "$1" = small ]; then echo "pos-$VERSION-arm64-small"; else echo "pos-$VERSION-arm64"; fi; }
echo "images: $(for v in $VARIANTS; do printf '%s.img ' "$(image_name "$v")"; done)"
echo "work dir $WORK, cache $CACHE, xz $([ "$XZ" = 1 ] && echo "-$XZ_LEVEL" || echo off)"

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
ROOT_VARIANT=full
LISTS=("$SRC/image/packages.txt" "$SRC/image/packages-kiosk.txt")
if ! has full; then
  ROOT_VARIANT=small
  LISTS=("$SRC/image/packages.txt")
fi
step "root filesystem: mmdebstrap $SUITE arm64 ($ROOT_VARIANT), customize"
# The kernel is installed last, in its own apt run: its initramfs is then generated once,
# after every package whose trigger would otherwise have it rebuilt (slow under emulation).
KERNEL_PKG=linux-image-arm64
list() { grep -hv '^\s*#' "$@" | awk -v k="$KERNEL_PKG" 'NF && $1 != k { print $1 }'; }
ROOTFS="$WORK/rootfs"
# A build killed half-way (a CI timeout, Ctrl+C) can leave mmdebstrap's /proc, /sys and /dev
# mounts in the old root file system; unmount them before removing it, or rm fails on them.
for m in $(findmnt -rn -o TARGET | grep -F "$WORK/rootfs" | sort -r); do umount -l "$m" || true; done
rm -rf "$ROOTFS" "$WORK/rootfs-small"
# The units, helpers and overlay come from the same tree as the app.
export POS_REPO="$SRC" POS_APP="$APP" POS_DISKID="$DISKID" POS_VARIANT="$ROOT_VARIANT" \
  POS_VERSION="$VERSION" POS_REPORT="$WORK/customize.log" POS_KEYRING="$RAUC_KEYRING" \
  POS_COMPATIBLE="$COMPATIBLE"
# What no appliance reads: manuals, documentation (the licences stay), translations of
# programs (the UI is the app's own), Chromium's UI languages other than German and English,
# Chromium's Vulkan debugging layer and Vulkan software renderer (the kiosk composites in
# software without them under QEMU and on the GPU on a Pi), device trees of boards other than
# the Raspberry Pi (raspi-firmware copies only broadcom/bcm2*.dtb to the boot partition), kernel
# modules for hardware a Pi does not have (PCIe network and InfiniBand cards, TV tuners and
# webcams, other boards' GPUs; the Pi's own Wi-Fi and Ethernet, vc4's CEC and every USB driver
# stay) and mainframe character sets (IBM/EBCDIC code pages).
# The same filters stay in the image's dpkg configuration, so upgrades keep to them.
mmdebstrap --mode=root --arch=arm64 --variant=minbase \
  --components=main,non-free-firmware \
  --include="$(list "${LISTS[@]}" | paste -sd, -)" \
  --aptopt='Acquire::Retries "3"' \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='force-unsafe-io' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --dpkgopt='path-exclude=/usr/lib/chromium/locales/*' \
  --dpkgopt='path-include=/usr/lib/chromium/locales/de.pak*' \
  --dpkgopt='path-include=/usr/lib/chromium/locales/en-US.pak' \
  --dpkgopt='path-exclude=/usr/lib/chromium/libVkLayer_khronos_validation.so' \
  --dpkgopt='path-exclude=/usr/lib/chromium/libvk_swiftshader.so' \
  --dpkgopt='path-exclude=/usr/lib/linux-image-*/*' \
  --dpkgopt='path-include=/usr/lib/linux-image-*/broadcom/bcm2*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/media/*' \
  --dpkgopt='path-include=/usr/lib/modules/*/kernel/drivers/media/cec/*' \
  --dpkgopt='path-include=/usr/lib/modules/*/kernel/drivers/media/rc/rc-core.ko*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/infiniband/*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/net/wireless/*' \
  --dpkgopt='path-include=/usr/lib/modules/*/kernel/drivers/net/wireless/broadcom/*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/net/ethernet/*' \
  --dpkgopt='path-include=/usr/lib/modules/*/kernel/drivers/net/ethernet/broadcom/*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/gpu/drm/amd/*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/gpu/drm/nouveau/*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/gpu/drm/radeon/*' \
  --dpkgopt='path-exclude=/usr/lib/modules/*/kernel/drivers/gpu/drm/xe/*' \
  --dpkgopt='path-exclude=/usr/lib/aarch64-linux-gnu/gconv/IBM*' \
  --dpkgopt='path-exclude=/usr/lib/aarch64-linux-gnu/gconv/EBCDIC*' \
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
# Downloaded packages are in the build cache, not on the card.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/lib/apt/lists/*
echo "root filesystem: $(du -sh "$ROOTFS" | cut -f1); apt cache: $(du -sh "$CACHE/apt" | cut -f1)"
if ! has full; then
  SMALL="$ROOTFS"
  SMALL_DISKID=$DISKID
fi
if [ "$DERIVE_SMALL" = 1 ]; then
  # -----------------------------------------------------------------------------------------
  step "small variant: the same root file system without the kiosk packages"
  SMALL="$WORK/rootfs-small"
  cp -a "$ROOTFS" "$SMALL"
  mapfile -t kiosk_pkgs < <(list "$SRC/image/packages-kiosk.txt")
  # In a mount namespace of its own: /proc and /dev for the maintainer scripts vanish with it.
  unshare --mount --propagation private bash -euo pipefail -c '
    R=$1; shift
    mount -t proc proc "$R/proc"
    mount --rbind /dev "$R/dev"
    chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      apt-get purge -y -q --autoremove "$@" >"$R/tmp/purge.log" 2>&1 ||
      { cat "$R/tmp/purge.log"; exit 1; }
    rm -f "$R/tmp/purge.log"' - "$SMALL" "${kiosk_pkgs[@]}" ||
    die "apt-get purge of the kiosk packages failed"
  rm -rf "$SMALL"/var/cache/apt/archives/*.deb "$SMALL"/var/cache/apt/*.bin "$SMALL"/var/lib/apt/lists/*
  # Its own disk signature, so both cards can sit in one machine.
  SMALL_DISKID=$SMALL_DISKID_FIXED
  sed -i "s/$DISKID/$SMALL_DISKID/g" "$SMALL/boot/firmware/cmdline.txt" "$SMALL/etc/rauc/system.conf" \
    "$SMALL/etc/default/raspi-firmware"
  sed -i 's/^variant=.*/variant=small/' "$SMALL/usr/lib/pos/image-release"
  for p in "${kiosk_pkgs[@]}"; do
    if chroot "$SMALL" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$'; then
      die "$p is still installed in the small variant"
    fi
  done
  full_n=$(chroot "$ROOTFS" dpkg-query -W -f='${Status}\n' | grep -c ' installed$')
  small_n=$(chroot "$SMALL" dpkg-query -W -f='${Status}\n' | grep -c ' installed$')
  echo "small: $small_n packages (full: $full_n, purged ${#kiosk_pkgs[@]} kiosk packages and" \
    "$((full_n - small_n - ${#kiosk_pkgs[@]})) dependencies only they needed); $(du -sh "$SMALL" | cut -f1)"
fi

# ---------------------------------------------------------------------------------------------
# One image and its update bundle from one root file system: $1 variant, $2 root file system,
# $3 disk signature. Boot slot (BOOT_MB): firmware (~22 MiB), kernel (~37) and initramfs (zstd,
# ~30): an update replaces the whole slot, so one kernel fits with room to grow.
declare -A IMG_ROOT_MB IMG_CONTENT_MB
write_image() {
  local variant=$1 rootfs=$2 diskid=$3 name parts boot root_mb
  name=$(image_name "$variant")
  step "file systems, disk image and update bundle: $name"
  parts="$WORK/parts-$variant" boot="$WORK/boot-$variant"
  rm -rf "$parts" "$boot"
  mkdir -p "$parts" "$boot"
  # The boot partition's files leave the root file system (they become boot slot A).
  mv "$rootfs/boot/firmware/"* "$boot/"
  # /data is only a mount point: pos-partitions makes the data partition from
  # /usr/lib/pos/data-skeleton on the card.
  rm -rf "${rootfs:?}/data/"*
  [ -f "$boot/cmdline.txt" ] && [ -f "$boot/config.txt" ] ||
    die "boot files missing (raspi-firmware did not write config.txt/cmdline.txt)"
  # Slot A's kernel command line: its root partition and its RAUC slot name (the post-install
  # handler rewrites both when the slot's copy goes to B).
  sed -i -E "s/root=PARTUUID=[0-9a-f-]+/root=PARTUUID=$diskid-05/; s/ ?rauc\.slot=[A-Z]//; s/\$/ rauc.slot=A/" "$boot/cmdline.txt"
  grep -q "root=PARTUUID=$diskid-05 .*rauc.slot=A" "$boot/cmdline.txt" ||
    die "cmdline.txt lacks root=PARTUUID=$diskid-05 and rauc.slot=A: $(cat "$boot/cmdline.txt")"
  grep -qw rw "$boot/cmdline.txt" || die "cmdline.txt lacks rw (fstab has no / line): $(cat "$boot/cmdline.txt")"
  mkfs.vfat -n POSSLOT -F 32 -C "$parts/boot.vfat" $((BOOT_MB * 1024)) >/dev/null
  mcopy -s -p -Q -i "$parts/boot.vfat" "$boot/"* ::/
  # p1: the firmware's autoboot.txt (A/B selection, "tryboot") and room for the operator's files.
  mkfs.vfat -n POSBOOT -F 16 -C "$parts/autoboot.vfat" $((P1_MB * 1024)) >/dev/null
  printf '[all]\ntryboot_a_b=1\nboot_partition=2\n[tryboot]\nboot_partition=3\n' >"$parts/autoboot.txt"
  mcopy -Q -i "$parts/autoboot.vfat" "$parts/autoboot.txt" ::/autoboot.txt
  # Root: what is there plus 3 % and 48 MiB (ext4's journal and metadata, logs until /data is
  # mounted). pos-partitions grows it to the slot (SLOT_MB) at the first boot; RAUC grows a
  # new slot's copy after writing it (resize=true).
  root_mb=$(du -sm "$rootfs" | cut -f1)
  IMG_CONTENT_MB[$variant]=$root_mb
  IMG_ROOT_MB[$variant]=$((root_mb + root_mb * 3 / 100 + 48))
  [ "${IMG_ROOT_MB[$variant]}" -lt "$SLOT_MB" ] || die "root file system (${IMG_ROOT_MB[$variant]} MiB) does not fit a $SLOT_MB MiB slot"
  mke2fs -q -t ext4 -b 4096 -L posroot -d "$rootfs" "$parts/root.ext4" "${IMG_ROOT_MB[$variant]}M"
  # The disk: MBR with p1, p2, p4 (extended) and p5 in it. The table gives p5 its whole slot;
  # the file ends with the root file system.
  local img="$OUT/$name.img" m=2048 p1=4 p2 p4 p5
  p2=$((p1 + P1_MB)) p4=$((p1 + P1_MB + BOOT_MB)) p5=$((p1 + P1_MB + BOOT_MB + 4))
  rm -f "$img" "$OUT/$name.img.xz" "$OUT/$name.img.xz.sha256"
  truncate -s $(((p5 + SLOT_MB) * 1024 * 1024)) "$img"
  sfdisk --quiet "$img" <<EOF || die "sfdisk could not write the partition table"
label: dos
label-id: 0x$diskid
unit: sectors
${img}1 : start=$((p1 * m)), size=$((P1_MB * m)), type=c, bootable
${img}2 : start=$((p2 * m)), size=$((BOOT_MB * m)), type=c
${img}4 : start=$((p4 * m)), size=$(((SLOT_MB + 4) * m)), type=5
${img}5 : start=$((p5 * m)), size=$((SLOT_MB * m)), type=83
EOF
  dd if="$parts/autoboot.vfat" of="$img" bs=1M seek=$p1 conv=notrunc,sparse status=none
  dd if="$parts/boot.vfat" of="$img" bs=1M seek="$p2" conv=notrunc,sparse status=none
  dd if="$parts/root.ext4" of="$img" bs=1M seek="$p5" conv=notrunc,sparse status=none
  truncate -s $(((p5 + IMG_ROOT_MB[$variant]) * 1024 * 1024)) "$img"
  echo "p1 POSBOOT $P1_MB MiB, p2 boot A $BOOT_MB MiB, p5 root A ${IMG_ROOT_MB[$variant]} MiB" \
    "(content $root_mb MiB; slot $SLOT_MB MiB); p3, p6, p7 made at the first boot"
  (cd "$OUT" && sha256sum "$name.img" >"$name.img.sha256")
  # The update bundle: the same boot slot and root file system, signed (verity format).
  local bundle="$OUT/${name/-arm64/}.raucb" b="$parts/bundle"
  mkdir -p "$b"
  mv "$parts/boot.vfat" "$parts/root.ext4" "$b/"
  cat >"$b/manifest.raucm" <<EOF
[update]
compatible=$COMPATIBLE
version=$VERSION
description=Counter POS $VERSION ($variant)
build=$(date -u +%Y%m%dT%H%M%SZ) $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)

[bundle]
format=verity

[image.boot]
filename=boot.vfat

[image.rootfs]
filename=root.ext4
EOF
  rm -f "$bundle"
  local t
  t=$(date +%s)
  rauc bundle --cert="$RAUC_CERT" --key="$RAUC_KEY" --signing-keyring="$RAUC_KEYRING" \
    --mksquashfs-args="-comp gzip" "$b" "$bundle" >"$WORK/bundle.log" 2>&1 ||
    die "rauc bundle failed: $(tail -5 "$WORK/bundle.log")"
  (cd "$OUT" && sha256sum "$(basename "$bundle")" >"$(basename "$bundle").sha256")
  echo "bundle $(basename "$bundle"): $(du -m --apparent-size "$bundle" | cut -f1) MiB in $(($(date +%s) - t)) s"
  rm -rf "$parts"
  cp "$POS_REPORT" "$OUT/$name.customize.log"
}

compress() {
  local name
  name=$(image_name "$1")
  step "xz -$XZ_LEVEL: $name.img.xz"
  local t=$(date +%s)
  xz -T0 "-$XZ_LEVEL" -k -f -c "$OUT/$name.img" >"$OUT/$name.img.xz.tmp"
  mv "$OUT/$name.img.xz.tmp" "$OUT/$name.img.xz"
  (cd "$OUT" && sha256sum "$name.img.xz" >"$name.img.xz.sha256")
  echo "$name.img.xz: $(du -m --apparent-size "$OUT/$name.img.xz" | cut -f1) MiB in $(($(date +%s) - t)) s"
}

# Where the root file system's bytes are (MiB), biggest first.
largest() {
  local r=$1
  { du -xsm "$r"/usr/lib/modules "$r"/usr/lib/firmware "$r"/usr/lib/chromium \
    "$r"/usr/lib/aarch64-linux-gnu "$r"/usr/share "$r"/opt/pos "$r"/usr/lib/raspi-firmware \
    "$r"/var 2>/dev/null || true; } | sort -rn | sed "s|$r||; s/^/    /"
}

report() {
  local variant=$1 rootfs=$2 diskid=$3 name
  name=$(image_name "$variant")
  {
    echo "image:      $OUT/$name.img"
    echo "variant:    $variant"
    echo "version:    $VERSION"
    echo "raw:        $(stat -c %s "$OUT/$name.img") bytes ($(du -m --apparent-size "$OUT/$name.img" | cut -f1) MiB)"
    echo "sha256:     $(cut -d' ' -f1 "$OUT/$name.img.sha256")"
    if [ -f "$OUT/$name.img.xz" ]; then
      echo "xz:         $(stat -c %s "$OUT/$name.img.xz") bytes ($(du -m --apparent-size "$OUT/$name.img.xz" | cut -f1) MiB), $name.img.xz"
      echo "xz sha256:  $(cut -d' ' -f1 "$OUT/$name.img.xz.sha256")"
    fi
    echo "partitions: p1 POSBOOT $P1_MB MiB FAT16 (autoboot.txt), p2 boot A $BOOT_MB MiB FAT32, p5 root A ${IMG_ROOT_MB[$variant]} MiB ext4 (content ${IMG_CONTENT_MB[$variant]} MiB) in a $SLOT_MB MiB slot; the first boot adds boot B (p3), root B (p6) and data (p7)"
    echo "root=       PARTUUID=$diskid-05 (slot A), -06 (slot B)"
    local bundle="$OUT/${name/-arm64/}.raucb"
    [ -f "$bundle" ] && echo "bundle:     $(stat -c %s "$bundle") bytes ($(du -m --apparent-size "$bundle" | cut -f1) MiB), $(basename "$bundle"), compatible $COMPATIBLE, signed by $(openssl x509 -noout -subject -in "$RAUC_CERT" | sed 's/^subject=//')"
    echo "packages:   $(chroot "$rootfs" dpkg-query -W -f='${Status}\n' | grep -c ' installed$')"
    echo "largest in the root file system (MiB):"
    largest "$rootfs"
  } >"$OUT/$name.report.txt"
}

has full && write_image full "$ROOTFS" "$DISKID"
has small && write_image small "$SMALL" "$SMALL_DISKID"
if [ "$XZ" = 1 ]; then
  for v in $VARIANTS; do compress "$v"; done
fi
has full && report full "$ROOTFS" "$DISKID"
has small && report small "$SMALL" "$SMALL_DISKID"

# ---------------------------------------------------------------------------------------------
echo
echo "== size report (build time $(($(date +%s) - START)) s)"
for v in $VARIANTS; do
  cat "$OUT/$(image_name "$v").report.txt"
  echo
done
