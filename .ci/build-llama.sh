#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the source bundle shipped by node-llama-cpp@3.21.1 and writes
# a tiny random-weight GGUF model. Everything goes to a cache folder OUTSIDE the repo, and every step is
# skipped when its output already exists (and, for the binary, runs).
#   HPCBENCH_CACHE   cache root (default /var/cache/hpcbench)
# Prints `LLAMA_SERVER_BIN=...` and `LLAMA_MODEL=...` as the last two lines.
set -euo pipefail

NLC_VERSION=3.21.1
CACHE="${HPCBENCH_CACHE:-/var/cache/hpcbench}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NLC_DIR="$CACHE/node-llama-cpp-$NLC_VERSION"
SRC_DIR="$CACHE/llama.cpp-src-$NLC_VERSION"
BUILD_DIR="$SRC_DIR/build"
BIN_DIR="$CACHE/bin"
BIN="$BIN_DIR/llama-server"
MODEL_DIR="$CACHE/models"
MODEL="$MODEL_DIR/tiny-llama.gguf"
JOBS="${LLAMA_BUILD_JOBS:-2}"

log() { printf '[build-llama] %s\n' "$*" >&2; }
mkdir -p "$CACHE" "$BIN_DIR" "$MODEL_DIR"

if [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; then
  log "cached llama-server runs: $BIN"
else
  if [[ ! -f "$NLC_DIR/node_modules/node-llama-cpp/llama/gitRelease.bundle" ]]; then
    log "installing node-llama-cpp@$NLC_VERSION into $NLC_DIR (source bundle only)"
    mkdir -p "$NLC_DIR"
    [[ -f "$NLC_DIR/package.json" ]] || printf '{"name":"hpcbench-llama-cache","private":true}\n' >"$NLC_DIR/package.json"
    (cd "$NLC_DIR" && npm install --no-audit --no-fund --ignore-scripts --omit=optional \
      "node-llama-cpp@$NLC_VERSION" "@node-llama-cpp/linux-x64@$NLC_VERSION" >&2)
  fi
  BUNDLE="$NLC_DIR/node_modules/node-llama-cpp/llama/gitRelease.bundle"
  if [[ ! -f "$SRC_DIR/CMakeLists.txt" ]]; then
    log "cloning $BUNDLE"
    rm -rf "$SRC_DIR"
    git clone --quiet "$BUNDLE" "$SRC_DIR"
  fi
  log "configuring and building llama-server with -j$JOBS (takes several minutes)"
  cmake -S "$SRC_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DBUILD_SHARED_LIBS=OFF >&2
  cmake --build "$BUILD_DIR" --target llama-server -j"$JOBS" >&2
  install -m 0755 "$BUILD_DIR/bin/llama-server" "$BIN.tmp"
  mv "$BIN.tmp" "$BIN"
  "$BIN" --version >&2
fi

if [[ ! -s "$MODEL" ]]; then
  log "writing tiny model $MODEL"
  node "$HERE/gen-tiny-gguf.mjs" "$MODEL.tmp" >&2
  mv "$MODEL.tmp" "$MODEL"
fi

echo "LLAMA_SERVER_BIN=$BIN"
echo "LLAMA_MODEL=$MODEL"
