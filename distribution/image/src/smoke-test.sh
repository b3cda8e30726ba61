#!/usr/bin/env bash
# Runs the VoiceCore image without a container engine, as an honest check of what Jib wrote: reads the OCI layout
# (index, manifest, config), unpacks the layers in order into a root filesystem, mounts it read-only with empty
# writable /tmp and /var/lib/voicecore (as the Helm chart does), and runs the configured entrypoint and arguments as
# the configured user, with the configured environment, in mount and PID namespaces of its own (unshare, chroot).
# The image has no embedded PostgreSQL (no shell, no initdb libraries): point it at one with VOICECORE_DB_URL.
# Needs root, jq and util-linux. The kernel shares the host's network, so the port must be free on the machine.
# usage: smoke-test.sh IMAGE_TAR WORK_DIR [ARG...]    (ARG... replaces the image's arguments, e.g. start --port 18080)
set -euo pipefail
image="$(readlink -f "$1")"; work="$2"; shift 2
rm -rf "$work"; mkdir -p "$work/oci" "$work/root" "$work/tmp" "$work/data"
tar -xf "$image" -C "$work/oci"
blob() { echo "$work/oci/blobs/${1/://}"; }

manifest="$(blob "$(jq -r '.manifests[0].digest' "$work/oci/index.json")")"
config="$(blob "$(jq -r '.config.digest' "$manifest")")"
for layer in $(jq -r '.layers[].digest' "$manifest"); do
  tar -xzf "$(blob "$layer")" -C "$work/root" --warning=no-unknown-keyword
done

user="$(jq -r '.config.User' "$config")"
mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' "$config")
if (( $# > 0 )); then args=("$@"); else mapfile -t args < <(jq -r '.config.Cmd[]?' "$config"); fi
mapfile -t environment < <(jq -r '.config.Env[]' "$config")
# The caller's VOICECORE_* and JAVA_TOOL_OPTIONS come after the image's own, as a pod's env does (e.g. VOICECORE_DB_URL).
mapfile -t passed < <(env | grep -E '^(VOICECORE_[A-Z0-9_]+|JAVA_TOOL_OPTIONS)=' || true)
echo "image: user $user, entrypoint ${entrypoint[*]}, arguments ${args[*]}" >&2
[[ "${user%%:*}" != "0" && "${user%%:*}" != "root" ]] || { echo "the image runs as root" >&2; exit 1; }
chown "$user" "$work/tmp" "$work/data"

mkdir -p "$work/root/proc"   # a mount point; container engines make it themselves
exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${environment[@]}" ${passed[@]+"${passed[@]}"} unshare --mount --pid --fork bash -c '
  set -e
  root="$1"; work="$2"; user="$3"; shift 3
  mount --bind "$root" "$root"
  mount -o remount,bind,ro "$root"
  mount --bind "$work/tmp" "$root/tmp"
  mount --bind "$work/data" "$root/var/lib/voicecore"
  mount -t proc proc "$root/proc"
  exec chroot --userspec="$user" "$root" "$@"
' smoke "$work/root" "$work" "$user" "${entrypoint[@]}" "${args[@]}"
