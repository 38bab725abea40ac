#!/bin/sh
# Compiles xgbc_shim.c into <classes>/native/linux-<arch>/libxgbcshim.so for the build machine.
# Never fails the build: without gcc or JNI headers the jar simply has no shim, and the Java side
# falls back to a plain DMatrix (see NativeShim).
# Usage: build-shim.sh <source.c> <classes dir> <java.home> <os.arch>
set -u
src=$1 classes=$2 java_home=$3 os_arch=$4

if [ "$(uname -s)" != Linux ]; then
  echo "[xgbc-shim] skipped: not Linux"; exit 0
fi
case $os_arch in
  amd64|x86_64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) echo "[xgbc-shim] skipped: unsupported os.arch $os_arch"; exit 0 ;;
esac
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[xgbc-shim] skipped: $cc not found; the plain DMatrix path will be used"; exit 0
fi
include=
for dir in "$java_home/include" "$java_home/../include" "${JAVA_HOME:-/nonexistent}/include"; do
  if [ -f "$dir/jni.h" ]; then include=$dir; break; fi
done
if [ -z "$include" ]; then
  echo "[xgbc-shim] skipped: no jni.h under $java_home or JAVA_HOME"; exit 0
fi
out=$classes/native/linux-$arch
mkdir -p "$out"
if "$cc" -std=c11 -O2 -fPIC -shared -Wall -Wextra -I"$include" -I"$include/linux" \
    -o "$out/libxgbcshim.so" "$src" -ldl; then
  echo "[xgbc-shim] built $out/libxgbcshim.so"
else
  rm -f "$out/libxgbcshim.so"
  echo "[xgbc-shim] skipped: $cc failed; the plain DMatrix path will be used"
fi
exit 0
