#!/usr/bin/env bash
# Lays out what the container image holds, and nothing else: the native binary, its document
# root, and the few shared libraries ldd lists for it (NativeAOT links the rest in).
#
#   examples/Container/rootfs.sh PUBLISHED_DIR ROOTFS_DIR
#
# PUBLISHED_DIR is `dotnet publish examples/StaticSite -c Release -o PUBLISHED_DIR`'s output.
# Then `docker build -f examples/Container/Dockerfile ROOTFS_DIR` makes the image (FROM scratch);
# tests/EventMpm.EndToEnd.Tests proves the layout by serving from a chroot into ROOTFS_DIR.
set -euo pipefail
published=$1 rootfs=$2
binary=$published/StaticSite
[ -x "$binary" ] || { echo "rootfs.sh: no StaticSite binary in $published" >&2; exit 1; }
rm -rf "$rootfs"
mkdir -p "$rootfs/app" "$rootfs/proc" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cp "$binary" "$rootfs/app/"
cp -r "$published/htdocs" "$rootfs/app/"
# The loader and the libraries, at the paths the binary asks for them.
for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
find "$rootfs" -type f | sed "s|^$rootfs||" | sort
