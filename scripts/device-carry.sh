#!/usr/bin/env bash
# Builds .cache/device-carry/, the one folder scripts/device-check.sh needs on a bare lent GPU machine (the `run`
# tool carries ignored paths only when named, 64 MiB in all, working tree included):
#   node.xz       Node 24 for linux-x64, stripped (symbols only: 122 -> 109 MB) and xz'd (about 27 MB)
#   app.tar.xz    dist/ (engine, generator, bench; built here), resources/, and the node_modules the engine and the
#                 generator load at run time, resolved from package.json the way Node does; only linux-x64 binaries
#   debs/         libvulkan1 (Dawn, behind onnxruntime's WebGPU provider, needs the Vulkan loader; the NVIDIA ICD
#                 is on the machine)
# It fails when the carry plus the working tree would not fit in 64 MiB.
# Usage: bash scripts/device-carry.sh    (Node 24 on the PATH; apt reachable for the .deb, else WebGPU is reported absent)
set -euo pipefail
cd "$(dirname "$0")/.."
CARRY=.cache/device-carry
LIMIT=$((64 * 1024 * 1024))
# node.xz and the .deb take minutes to make and change only with Node or Debian: kept when still current.
mkdir -p "$CARRY/debs" && rm -f "$CARRY/app.tar.xz" "$CARRY/modules.txt"

node -v | grep -q '^v24\.' || { echo "device-carry: Node 24 must be on the PATH (node -v says $(node -v))" >&2; exit 2; }
# Emits despite type errors elsewhere in the tree; the check fails loudly on the device if its own code did not build.
npx tsc -p tsconfig.json >/dev/null || echo "device-carry: tsc reported errors (dist/ still written); see npx tsc -p tsconfig.json" >&2
for f in dist/bench/device.js dist/electron/engine/engine.js dist/scripts/model-generator/generate.js; do
  [ -f "$f" ] || { echo "device-carry: $f was not built" >&2; exit 1; }
done

# Runtime packages, with their dependencies and optional dependencies that are installed (sharp's own linux-x64
# binaries are optional dependencies), each resolved from the requiring package's folder upwards, as Node does.
ROOTS="onnxruntime-node sharp zod exifr hash-wasm fdir picomatch geotiff heic-decode onnx-proto"
node --input-type=module -e '
  import { existsSync, readFileSync } from "node:fs";
  import path from "node:path";
  const seen = new Set();
  const resolveFrom = (from, name) => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", name);
      if (existsSync(path.join(candidate, "package.json"))) return candidate;
      if (dir === path.dirname(dir) || dir === ".") return null;
    }
  };
  const visit = (dir) => {
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(resolveFrom(dir, name));
  };
  for (const name of process.argv.slice(1)) {
    const dir = resolveFrom(".", name);
    if (!dir) { console.error(`device-carry: ${name} is not installed here; the check fails there if the engine loads it`); continue; }
    visit(dir);
  }
  console.log([...seen].map((d) => path.relative(".", d)).sort().join("\n"));
' $ROOTS >"$CARRY/modules.txt"

# Other platforms' binaries and the packages' own nested copies stay behind: only linux-x64 runs there.
tar -cf - \
  --exclude='node_modules/onnxruntime-node/bin/napi-v*/darwin' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v*/win32' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v*/linux/arm64' \
  --exclude='*.map' --exclude='*.d.ts' --exclude='*.md' --exclude='.cache' \
  dist/bench dist/electron/engine dist/electron/shared dist/scripts dist/test/helpers resources package.json \
  $(cat "$CARRY/modules.txt") | xz -T0 -6 >"$CARRY/app.tar.xz"

NODE_BIN=$(command -v node)
if [ ! -f "$CARRY/node.xz" ] || [ "$(cat "$CARRY/node.version" 2>/dev/null)" != "$(node -v)" ]; then
  rm -f "$CARRY/node" "$CARRY/node.xz"
  cp "$NODE_BIN" "$CARRY/node" && strip "$CARRY/node" && xz -T0 -6 "$CARRY/node" && node -v >"$CARRY/node.version"
fi

if ls "$CARRY"/debs/libvulkan1_*.deb >/dev/null 2>&1 || (cd "$CARRY/debs" && apt-get download libvulkan1 >/dev/null 2>&1); then :; else
  echo "device-carry: could not fetch libvulkan1 (apt-get update first?); WebGPU will need the machine's own loader" >&2
fi

# What travels: tracked files plus untracked ones git does not ignore, plus this folder.
TREE=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
MINE=$(du -sb "$CARRY" | cut -f1)
TOTAL=$((TREE + MINE))
printf 'device-carry: %s = %d MiB (node %d, app %d), working tree %d MiB, total %d of 64 MiB\n' "$CARRY" \
  $((MINE >> 20)) $(($(stat -c %s "$CARRY/node.xz") >> 20)) $(($(stat -c %s "$CARRY/app.tar.xz") >> 20)) $((TREE >> 20)) $((TOTAL >> 20))
[ "$TOTAL" -le "$LIMIT" ] || { echo "device-carry: over the 64 MiB carry limit" >&2; exit 1; }
