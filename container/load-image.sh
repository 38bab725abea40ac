#!/usr/bin/env bash
# Loads build/image.tar (or $IMAGE_TAR) into $DOCKER (podman by default) when that runtime is installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if ! command -v "$DOCKER" >/dev/null; then
  echo "$DOCKER is not installed: ${IMAGE_TAR:-build/image.tar} is built but not loaded" >&2
  exit 0
fi
load_image
echo "image $IMAGE loaded into $DOCKER from ${IMAGE_TAR:-build/image.tar} ($(du -m "$root/${IMAGE_TAR:-build/image.tar}" | cut -f1) MB compressed)"
