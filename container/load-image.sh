#!/usr/bin/env bash
# Loads $IMAGE_TAR (build/image.tar, or build/image-gpu.tar for an image named *-gpu) into $DOCKER
# (podman by default) when that runtime is installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if ! command -v "$DOCKER" >/dev/null; then
  echo "$DOCKER is not installed: $IMAGE_TAR is built but not loaded" >&2
  exit 0
fi
load_image
echo "image $IMAGE loaded into $DOCKER from $IMAGE_TAR ($(du -m "$root/$IMAGE_TAR" | cut -f1) MB compressed)"
