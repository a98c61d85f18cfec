#!/usr/bin/env bash
# mmdebstrap customize hook (called by image/build.sh): turns the freshly installed Debian
# arm64 root file system "$1" into the Counter POS appliance, then checks it:
#   overlay files, users, app in /opt/pos, units + helpers + udev rules, fstab with PARTUUIDs,
#   Raspberry Pi boot files (config.txt, cmdline.txt with root=PARTUUID), enabled units;
#   checks: Node version, native modules load on arm64, systemd-analyze verify, udevadm verify.
# Environment from build.sh: POS_REPO, POS_APP, POS_DISKID, POS_VARIANT, POS_VERSION, POS_REPORT,
# POS_KEYRING (the CA certificate update bundles must be signed under), POS_COMPATIBLE.
set -euo pipefail
R=$1
: "${POS_REPO:?}" "${POS_APP:?}" "${POS_DISKID:?}" "${POS_VARIANT:?}" "${POS_VERSION:?}" "${POS_REPORT:?}"
: "${POS_KEYRING:?}" "${POS_COMPATIBLE:?}"
S="$POS_REPO/systemd"
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
say() { echo "customize: $*" | tee -a "$POS_REPORT"; }
: >"$POS_REPORT"

# Files that configure the system (network, journal, ssh, hostname, config.txt additions).
cp -a "$POS_REPO/image/overlay/." "$R/"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcounter-pos\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
printf 'variant=%s\nversion=%s\nbuilt=%s\n' "$POS_VARIANT" "$POS_VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" |
  install -D -m 0644 /dev/stdin "$R/usr/lib/pos/image-release"

# Partitions (docs/APPLIANCE.md, "Partitions"). The root file system is the booted slot (A or
# B, from cmdline.txt, mounted rw by the initramfs), so it has no line here. /data is made at
# the first boot (pos-partitions); /etc/pos lives on it, so settings, secrets and SSH keys stay
# when an update replaces the root file system. fsck at boot; noatime for the SD card.
cat >"$R/etc/fstab" <<EOF
# <file system>   <mount point>  <type> <options>                                      <dump> <pass>
LABEL=POSBOOT     /boot/pos      vfat   defaults,noatime,umask=0077,nofail             0      2
LABEL=posdata     /data          ext4   defaults,noatime,x-systemd.device-timeout=15min 0     2
/data/etc-pos     /etc/pos       none   bind,x-systemd.requires-mounts-for=/data       0      0
EOF
mkdir -p "$R/data" "$R/boot/firmware" "$R/boot/pos" "$R/etc/pos"

# Users, directories, units, helpers, scanner list.
install -D -m 0644 "$S/counter-pos.sysusers" "$R/usr/lib/sysusers.d/counter-pos.conf"
install -D -m 0644 "$S/counter-pos.tmpfiles" "$R/usr/lib/tmpfiles.d/counter-pos.conf"
in_root systemd-sysusers
for f in "$S"/*.service "$S"/*.path; do
  install -D -m 0644 "$f" "$R/usr/lib/systemd/system/$(basename "$f")"
done
for f in "$S"/libexec/*; do
  install -D -m 0755 "$f" "$R/usr/lib/pos/$(basename "$f")"
done
ln -sf /usr/lib/pos/pos-status "$R/usr/local/sbin/pos-status"
# An invisible cursor theme for the kiosk (pos-kiosk.service: XCURSOR_PATH, XCURSOR_THEME):
# one Xcursor file (format: Xcursor(3)) with a single fully transparent 1x1 image, under
# every cursor name a compositor or browser asks for, so cage draws no arrow on the screen.
# Named "default": cage asks wlroots for the default theme, searched for in XCURSOR_PATH only.
cursors="$R/usr/share/pos/cursors/default"
mkdir -p "$cursors/cursors"
printf '[Icon Theme]\nName=default\nComment=Counter POS kiosk: no visible cursor\n' >"$cursors/index.theme"
node -e '
  const u32 = (...v) => { const b = Buffer.alloc(4 * v.length); v.forEach((x, i) => b.writeUInt32LE(x >>> 0, 4 * i)); return b; };
  const IMAGE = 0xfffd0002, size = 24;
  // header (magic, header size, version, one TOC entry), TOC (type, nominal size, position),
  // image chunk (header size, type, nominal size, version, width, height, xhot, yhot, delay),
  // one ARGB pixel, all zero (transparent).
  process.stdout.write(Buffer.concat([Buffer.from("Xcur"), u32(16, 0x10000, 1), u32(IMAGE, size, 28),
    u32(36, IMAGE, size, 1, 1, 1, 0, 0, 0), u32(0)]));' >"$cursors/cursors/default"
for c in left_ptr arrow top_left_arrow pointer hand1 hand2 pointing_hand text xterm ibeam \
  not-allowed crossed_circle no-drop wait watch progress left_ptr_watch half-busy grab grabbing \
  openhand closedhand move fleur all-scroll dnd-move copy alias context-menu help question_arrow \
  crosshair cross cell vertical-text zoom-in zoom-out col-resize row-resize ew-resize ns-resize \
  nesw-resize nwse-resize n-resize s-resize e-resize w-resize ne-resize nw-resize se-resize \
  sw-resize sb_h_double_arrow sb_v_double_arrow size_hor size_ver size_bdiag size_fdiag \
  top_side bottom_side left_side right_side top_left_corner top_right_corner \
  bottom_left_corner bottom_right_corner right_ptr; do
  ln -sf default "$cursors/cursors/$c"
done
install -D -m 0644 "$S/71-pos-kiosk-input.rules" "$R/usr/lib/udev/rules.d/71-pos-kiosk-input.rules"
# What /data holds when pos-partitions makes it (mke2fs -d): the daemon's directory and
# /etc/pos (settings, secrets, the scanner list, SSH host keys), which is bind-mounted over the
# root file system's empty /etc/pos.
skel="$R/usr/lib/pos/data-skeleton"
rm -rf "$skel"
install -d -m 0755 "$skel" "$skel/etc-pos"
install -d -m 0700 "$skel/etc-pos/ssh" "$skel/rauc"
install -d -m 0750 "$skel/pos"
in_root chown pos:pos /usr/lib/pos/data-skeleton/pos
install -m 0644 "$S/scanners.list" "$skel/etc-pos/scanners.list"
install -D -m 0644 "$S/scanners.list" "$R/usr/share/pos/scanners.list"
# Wi-Fi settings (pos-boot-import) live in /etc/pos too; pos-boot-import starts
# wpa_supplicant@wlan0 when they exist (enabled, the unit would wait for a wlan0 device that a
# Pi without Wi-Fi, or QEMU, never has).
mkdir -p "$R/etc/wpa_supplicant"
ln -sf /etc/pos/wpa_supplicant-wlan0.conf "$R/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"
# SSH: host keys and the operator's keys in /etc/pos/ssh (pos-firstboot, pos-boot-import); the
# packages' host keys are not shipped (every card would share them).
rm -f "$R"/etc/ssh/ssh_host_*
mkdir -p "$R/etc/systemd/system/ssh.service.d"
printf '[Unit]\nRequiresMountsFor=/etc/pos\nAfter=pos-firstboot.service\n' >"$R/etc/systemd/system/ssh.service.d/counter-pos.conf"

# Updates: RAUC with two slots per class (boot: FAT, root: ext4), the Raspberry Pi firmware's
# autoboot.txt/tryboot as the boot selection (pos-rauc-tryboot), the CA bundles must be signed
# under, and RAUC's own status on /data (shared by both slots).
install -D -m 0644 "$POS_KEYRING" "$R/etc/rauc/keyring.pem"
cat >"$R/etc/rauc/system.conf" <<EOF
# Counter POS (image/customize.sh). Slots by PARTUUID: <disk signature>-<partition>.
[system]
compatible=$POS_COMPATIBLE
bootloader=custom
bundle-formats=-plain
data-directory=/data/rauc
max-bundle-download-size=2147483648

[keyring]
path=/etc/rauc/keyring.pem

[handlers]
bootloader-custom-backend=/usr/lib/pos/pos-rauc-tryboot
post-install=/usr/lib/pos/pos-rauc-post-install

[slot.boot.0]
device=/dev/disk/by-partuuid/$POS_DISKID-02
type=vfat
parent=rootfs.0

[slot.boot.1]
device=/dev/disk/by-partuuid/$POS_DISKID-03
type=vfat
parent=rootfs.1

[slot.rootfs.0]
device=/dev/disk/by-partuuid/$POS_DISKID-05
type=ext4
bootname=A
resize=true

[slot.rootfs.1]
device=/dev/disk/by-partuuid/$POS_DISKID-06
type=ext4
bootname=B
resize=true
EOF
mkdir -p "$R/etc/systemd/system/rauc.service.d"
printf '[Unit]\nRequiresMountsFor=/data\n' >"$R/etc/systemd/system/rauc.service.d/counter-pos.conf"
install -D -m 0644 "$POS_REPO/docs/APPLIANCE.md" "$R/usr/share/doc/counter-pos/APPLIANCE.md" 2>/dev/null || true
in_root env POS_SCANNERS_LIST=/usr/lib/pos/data-skeleton/etc-pos/scanners.list /usr/lib/pos/pos-scanner-rules
in_root systemd-tmpfiles --create /usr/lib/tmpfiles.d/counter-pos.conf
say "users: $(in_root id pos) / $(in_root id pos-kiosk)"

# The app: compiled JS and linux-arm64 production node_modules, owned by root, read-only.
rm -rf "$R/opt/pos"
mkdir -p "$R/opt/pos"
cp -a "$POS_APP/." "$R/opt/pos/"
chown -R 0:0 "$R/opt/pos"
chmod -R u+rwX,go+rX,go-w "$R/opt/pos"

node_version=$(in_root node --version)
say "node $node_version (Debian $(in_root dpkg-query -W -f='${Version}' nodejs))"
in_root node -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj < 20 || (maj === 20 && min < 19)) { console.error("node " + process.version + " < 20.19 (package.json engines)"); process.exit(1); }'
# Each native module must load on arm64 (prebuilt binaries, libusb, libudev).
in_root sh -c 'cd /opt/pos && node -e "
  const sharp = require(\"sharp\");
  const hid = require(\"node-hid\");
  const usb = require(\"usb/index.js\");
  const check = (ok, what) => { if (!ok) { console.error(what + \" did not load\"); process.exit(1); } };
  check(typeof hid.devices === \"function\", \"node-hid\");
  check(typeof usb.nativeGetDevices === \"function\", \"usb (native binding)\");
  console.log(\"customize: native modules load on arm64: sharp \" + sharp.versions.sharp + \" (libvips \" + sharp.versions.vips + \"), node-hid, usb\");
"' | tee -a "$POS_REPORT"

# Boot: Debian's raspi-firmware hooks copy kernel, initrd and DTBs to /boot/firmware and write
# config.txt and cmdline.txt; ROOTPART makes cmdline.txt say root=PARTUUID=<disk>-02, also
# for every later kernel update.
kver=$(basename "$(ls -d "$R"/usr/lib/modules/* | sort -V | tail -1)")
# Consoles: the Pi 3/4 UART on the GPIO header (ttyS1 with the upstream device tree) and the
# screen, which gets the boot messages. (At build time "auto" would look at the build host.)
{
  echo "# Counter POS (image/customize.sh)"
  echo "ROOTPART=PARTUUID=$POS_DISKID-05"
  echo 'CONSOLES="ttyS1,115200 tty0"'
} >>"$R/etc/default/raspi-firmware"
# No console blanking on the kiosk's screen.
echo "consoleblank=0" >"$R/etc/default/raspi-extra-cmdline"
in_root env DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "$kver"
say "kernel $kver; boot files: $(ls "$R/boot/firmware" | grep -v '\.dtb$' | paste -sd' ' -) + $(ls "$R/boot/firmware" | grep -c '\.dtb$') dtbs"
say "cmdline.txt: $(cat "$R/boot/firmware/cmdline.txt")"
say "config.txt: $(grep -v '^#' "$R/boot/firmware/config.txt" | grep . | paste -sd';' -)"

# Units: enabled the way an admin would; the kiosk only starts where cage+chromium exist.
systemctl --root="$R" enable pos-partitions.service pos-firstboot.service pos-daemon.service \
  pos-kiosk.service pos-scanner-rules.path pos-scanner-rules.service pos-boot-import.service \
  pos-update.path pos-update-report.service pos-update-confirm.service \
  systemd-networkd.service \
  systemd-resolved.service systemd-timesyncd.service 2>&1 | sed 's/^/customize: /'
systemctl --root="$R" set-default multi-user.target
# The build's dpkg speed-up must not stay: on the Pi, apt upgrades need dpkg's fsyncs.
sed -i '/^force-unsafe-io$/d' "$R/etc/dpkg/dpkg.cfg.d/99mmdebstrap" 2>/dev/null || true
# Login only with SSH keys; root has no password.
in_root passwd -l root >/dev/null
# The machine id is made on first boot (ConditionFirstBoot semantics).
: >"$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"

# Checks: every unit with the image's own systemd, the generated udev rules with udevadm.
say "systemd-analyze verify (systemd $(in_root dpkg-query -W -f='${Version}' systemd)):"
units=()
for f in "$S"/*.service "$S"/*.path; do units+=("/usr/lib/systemd/system/$(basename "$f")"); done
stub=''
if [ ! -e "$R/usr/bin/cage" ]; then
  # The small image has no cage: a stand-in executable while the kiosk unit is verified.
  stub="$R/usr/bin/cage"
  printf '#!/bin/sh\nexit 1\n' >"$stub"
  chmod 0755 "$stub"
fi
if ! in_root systemd-analyze verify --man=no "${units[@]}" >"$R/tmp/verify.log" 2>&1; then
  cat "$R/tmp/verify.log" | tee -a "$POS_REPORT"
  [ -n "$stub" ] && rm -f "$stub"
  echo "customize: systemd-analyze verify failed" >&2
  exit 1
fi
sed 's/^/  /' "$R/tmp/verify.log" | tee -a "$POS_REPORT"
say "  ok: ${#units[@]} units"
say "udevadm verify:"
in_root udevadm verify --resolve-names=never /etc/udev/rules.d/70-pos-scanners.rules \
  /usr/lib/udev/rules.d/71-pos-kiosk-input.rules 2>&1 | sed 's/^/  /' | tee -a "$POS_REPORT"
rm -f "$R/tmp/verify.log" ${stub:+"$stub"}
say "systemd-analyze security --offline=true pos-daemon.service: $(in_root systemd-analyze security --offline=true /usr/lib/systemd/system/pos-daemon.service 2>&1 | tail -1)"
