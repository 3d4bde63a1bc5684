#!/usr/bin/env bash
# Lays out what the container image holds, and nothing else: the native binary, its document
# root, and the shared libraries ldd lists for it (NativeAOT links everything else in).
#
#   container/rootfs.sh PUBLISHED_DIR ROOTFS_DIR [BINARY_NAME]
#
# BINARY_NAME is the project's (EVENTMPM_SITE_NAME) unless given: the repository's examples/Container uses
# this same script for StaticSite.
set -euo pipefail
published=$1 rootfs=$2 name=${3:-EVENTMPM_SITE_NAME}
binary=$published/$name
[ -x "$binary" ] || { echo "rootfs.sh: no $name binary in $published (run dotnet publish -o $published)" >&2; exit 1; }
rm -rf "$rootfs"
mkdir -p "$rootfs/app/logs" "$rootfs/proc" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cp "$binary" "$rootfs/app/"
[ -d "$published/htdocs" ] && cp -r "$published/htdocs" "$rootfs/app/"
# The loader and the libraries, at the paths the binary asks for them.
for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
find "$rootfs" -type f | sed "s|^$rootfs||" | sort
