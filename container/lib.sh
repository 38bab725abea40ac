# Sourced by the container scripts: the runtime ($DOCKER, default podman, with the project's own
# podman configuration), the image name ($IMAGE) and helpers to load the image and lay out /opt/ml.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=podman-env.sh
source "$root/container/podman-env.sh"
IMAGE=${IMAGE:-xgboost-container:latest}
# The archive the image is loaded from: the GPU variant's for an image named *-gpu.
case $IMAGE in
  *-gpu) IMAGE_TAR=${IMAGE_TAR:-build/image-gpu.tar} ;;
  *) IMAGE_TAR=${IMAGE_TAR:-build/image.tar} ;;
esac

need_runtime() {
  command -v "$DOCKER" >/dev/null || {
    echo "$DOCKER is missing, perhaps you should install it (apt-get install podman runc netavark" \
      "aardvark-dns iptables, as .ci/run does) or pick another runtime with DOCKER=docker" >&2
    exit 1
  }
}

# Loads $IMAGE_TAR into the runtime unless the runtime already holds that very image.
load_image() {
  local tar=$root/$IMAGE_TAR want have target=image
  [ "$IMAGE_TAR" = build/image-gpu.tar ] && target=image-gpu
  [ -s "$tar" ] || { echo "there is no $tar, perhaps you should run: make $target" >&2; return 1; }
  want=$(tar -xOf "$tar" config.json | sha256sum | cut -d' ' -f1)
  have=$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  if [ "${have#sha256:}" != "$want" ]; then
    "$DOCKER" load -q -i "$tar" >/dev/null
  fi
}

# lay_out DIR [HYPERPARAMETERS_JSON [CURRENT_HOST HOSTS_JSON]]: a fresh /opt/ml tree with the abalone
# sample (CSV, train and validation) as SageMaker would lay it out.
lay_out() {
  local dir=$1 hyper=${2:-$root/sample-data/demo/hyperparameters.json}
  local host=${3:-algo-1} hosts=${4:-'["algo-1"]'}
  rm -rf "$dir"
  mkdir -p "$dir/input/config" "$dir/input/data" "$dir/model" "$dir/output"
  cp -r "$root/sample-data/abalone/csv/train" "$root/sample-data/abalone/csv/validation" "$dir/input/data/"
  cp "$hyper" "$dir/input/config/hyperparameters.json"
  cp "$root/sample-data/demo/inputdataconfig.json" "$dir/input/config/"
  printf '{"current_host": "%s", "hosts": %s, "network_interface_name": "eth0"}\n' "$host" "$hosts" \
    > "$dir/input/config/resourceconfig.json"
}
