# Sourced by the container scripts: when $DOCKER is podman, writes podman's own configuration under
# build/podman and exports CONTAINERS_CONF / CONTAINERS_STORAGE_CONF, so nothing under /etc changes
# and the project's images, containers and networks stay under build/. With docker it does nothing.
# It must run before the first podman command, which would otherwise create state elsewhere.
DOCKER=${DOCKER:-podman}
if [ "$(basename "$DOCKER")" = podman ]; then
  podman_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/podman
  mkdir -p "$podman_dir/storage" "$podman_dir/run" "$podman_dir/tmp" "$podman_dir/networks"
  # Podman asks for more open files and processes than some hosts allow, and runc then fails with
  # "error setting rlimit": stay within the hard limits, and nproc within kernel.pid_max (runc was
  # refused any nproc above it here).
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)
  [ "$nofile" = unlimited ] && nofile=1048576
  [ "$nproc" = unlimited ] && nproc=$pid_max
  [ "$nofile" -gt 1048576 ] && nofile=1048576
  [ "$nproc" -gt "$pid_max" ] && nproc=$pid_max
  cat > "$podman_dir/containers.conf.new" <<CONF
# Written by container/podman-env.sh; do not edit.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"

[engine]
# crun refuses hosts with hybrid cgroups (v1 controllers with a v2 mount); runc runs on both.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$podman_dir/events.log"
tmp_dir = "$podman_dir/tmp"
static_dir = "$podman_dir/storage/libpod"
volume_path = "$podman_dir/storage/volumes"

[network]
network_backend = "netavark"
network_config_dir = "$podman_dir/networks"
CONF
  cat > "$podman_dir/storage.conf.new" <<CONF
# Written by container/podman-env.sh; do not edit.
[storage]
driver = "overlay"
graphroot = "$podman_dir/storage"
runroot = "$podman_dir/run"
CONF
  for f in containers.conf storage.conf; do
    if cmp -s "$podman_dir/$f.new" "$podman_dir/$f"; then rm "$podman_dir/$f.new"; else mv "$podman_dir/$f.new" "$podman_dir/$f"; fi
  done
  export CONTAINERS_CONF="$podman_dir/containers.conf"
  export CONTAINERS_STORAGE_CONF="$podman_dir/storage.conf"
fi
