#!/usr/bin/env bash
# Builds the image's base, build/base.tar, without a Docker daemon or a registry: a minimal Debian
# root file system from the machine's own apt sources (mmdebstrap), wrapped as a one-layer
# `docker save` archive that Jib takes as `<from><image>tar://...`.
# The archive is cached next to a key (package list, suite, architecture, this script): a rerun with
# the same key does nothing.
set -euo pipefail

out=${1:-build/base.tar}
suite=${BASE_SUITE:-bookworm}
packages=openjdk-17-jre-headless,libgomp1,ca-certificates
arch=$(dpkg --print-architecture)

key=$(printf '%s\n' "$suite" "$arch" "$packages" | cat - "$0" | sha256sum | cut -c1-16)
if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
  echo "base image $out is up to date ($key)"
  exit 0
fi

command -v mmdebstrap >/dev/null || {
  echo "mmdebstrap is missing, perhaps you should run: apt-get install mmdebstrap" >&2; exit 1; }

# The machine's own apt sources: every enabled one-line or deb822 file. Nothing is named here.
sources=()
[ -s /etc/apt/sources.list ] && grep -q '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list \
  && sources+=(/etc/apt/sources.list)
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || {
  echo "no apt sources in /etc/apt, perhaps you should configure a Debian mirror there" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/xgbc-base.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The JRE's post-install wants man1 even though the image keeps no manual pages.
mmdebstrap --variant=minbase --format=tar --architectures="$arch" \
  --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --setup-hook='mkdir -p "$1"/usr/share/man/man1' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log' \
  --customize-hook='chmod 1777 "$1"/tmp' \
  --quiet \
  "$suite" "$work/layer.tar" "${sources[@]}"

diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
printf '%s' '{"architecture":"'"$arch"'","os":"linux",'\
'"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8"]},'\
'"rootfs":{"type":"layers","diff_ids":["'"$diff_id"'"]},'\
'"history":[{"created_by":"mmdebstrap --variant=minbase '"$suite"'"}]}' > "$work/config.json"
config=$(sha256sum "$work/config.json" | cut -d' ' -f1).json
mv "$work/config.json" "$work/$config"
printf '%s' '[{"Config":"'"$config"'","RepoTags":["xgboost-container-base:latest"],"Layers":["layer.tar"]}]' \
  > "$work/manifest.json"

mkdir -p "$(dirname "$out")"
(cd "$work" && tar --owner=0 --group=0 --numeric-owner -cf base.tar manifest.json "$config" layer.tar)
mv "$work/base.tar" "$out"
echo "$key" > "$out.key"
echo "base image $out: $(du -h "$out" | cut -f1)"
