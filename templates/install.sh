#!/usr/bin/env bash
# Makes `dotnet new eventmpm` work on this machine, from this repository:
#   1. packs the EventMpm package (runtime + generator + build props/targets) into a local feed,
#   2. registers that feed with NuGet (source "eventmpm"),
#   3. installs the project template, with the version just packed as its default.
# Run it again after pulling: each run packs a new version, so no NuGet cache serves an old one.
#
#   templates/install.sh            # feed and template under ~/.eventmpm (EVENTMPM_HOME to move it)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
home=${EVENTMPM_HOME:-$HOME/.eventmpm}
version=${EVENTMPM_VERSION:-0.1.0-local.$(date -u +%Y%m%d%H%M%S)}
feed=$home/feed
stage=$home/template

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$feed"
echo "Packing EventMpm $version into $feed"
dotnet pack "$repo/runtime/EventMpm.Runtime.csproj" -c Release -o "$feed" -p:Version="$version" -v quiet

if dotnet nuget list source --format short | grep -q " $feed\$"; then
  echo "NuGet source $feed is registered"
else
  dotnet nuget remove source eventmpm >/dev/null 2>&1 || true
  dotnet nuget add source "$feed" --name eventmpm
fi

rm -rf "$stage"
mkdir -p "$stage"
cp -r "$repo/templates/eventmpm/." "$stage/"
sed -i "s/\"defaultValue\": \"0.1.0\"/\"defaultValue\": \"$version\"/" "$stage/.template.config/template.json"
grep -q "\"defaultValue\": \"$version\"" "$stage/.template.config/template.json" || { echo "install.sh: could not set the template's version" >&2; exit 1; }
dotnet new install "$stage" --force
echo "Installed. Next: dotnet new eventmpm -o MySite && cd MySite && dotnet publish -o out && out/MySite -X"
