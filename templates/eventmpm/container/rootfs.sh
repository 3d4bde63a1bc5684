#!/usr/bin/env bash
# Lays out what the container image holds, and nothing else: the native binary, its document
# root, and the shared libraries ldd lists for it (NativeAOT links everything else in); with
# SSLEngine on, OpenSSL's two libraries too, which the binary opens only when it serves TLS.
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
# libssl.so.3 and libcrypto.so.3 are opened at run time (dlopen), so ldd does not list them.
if "$binary" -V 2>/dev/null | grep -Eq '^ +SSLEngine +On$'; then
  for name in libssl.so.3 libcrypto.so.3; do
    lib=$(ldconfig -p | awk -v n="$name" '$1 == n { print $NF; exit }')
    [ -n "$lib" ] || { echo "rootfs.sh: $name is not installed, and $name serves TLS (apt-get install libssl3)" >&2; exit 1; }
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
fi
find "$rootfs" -type f | sed "s|^$rootfs||" | sort
