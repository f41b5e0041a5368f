#!/usr/bin/env bash
# The prepared GPU check of issue 13, in one command of at most 5 minutes: the generated base model (ViT-B/16
# shape, generated there, never carried) on CPU, WebGPU and CUDA where they work, images/s model-only and end to
# end on a camera-size set (12 and 24 MP JPEGs synthesised there from the fixture photos) and on the small fixture
# photos, per preprocessing mode, and each device's pooled cosine vs the CPU (target >= 0.999). bench/device.ts
# does the measuring; this script brings its runtime up on a bare machine and says what is missing.
#
# On a lent machine (the `run` tool; it starts bare, with only the working tree and what `carry` names):
#   1. here, once per change:  bash scripts/device-carry.sh        (builds .cache/device-carry/, checks 64 MiB)
#   2. run(command="bash scripts/device-check.sh", carry=[".cache/device-carry"], timeout_s=420)
#      The table is in output_tail; $OUT/device-check.json and $OUT/device-check.log come back as files.
# Here, the same path on the CPU (unpacks the carry into /tmp exactly as there; without a carry it uses this
# checkout's node_modules and dist/):   bash scripts/device-check.sh --cpu-only [--preset tiny] [--camera 2]
# Other flags go to bench/device.ts: --preset base|tiny, --camera N (default 8), --batch N (default 8).
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CARRY=.cache/device-carry
RT=${TMPDIR:-/tmp}/lookalike-device-runtime
RESULTS=${OUT:-${TMPDIR:-/tmp}/lookalike-device-results}
BUDGET_S=${DEVICE_CHECK_BUDGET_S:-270} # the measuring part; unpacking and generating take the rest of 5 minutes
mkdir -p "$RESULTS" && : >"$RESULTS/device-check.log"
say() { echo "device-check: $*" | tee -a "$RESULTS/device-check.log" >&2; }

unxz_to() { # xz may be missing on a bare image; Python's lzma is not
  xz -dc "$1" >"$2" 2>/dev/null || python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
}
untar_xz() {
  tar -xJf "$1" -C "$2" 2>/dev/null || python3 -c 'import tarfile,sys; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$1" "$2"
}

if [ -f "$CARRY/node.xz" ] && [ -f "$CARRY/app.tar.xz" ]; then
  say "carry: $(du -sh "$CARRY" | cut -f1) in $CARRY (limit 64 MiB with the working tree)"
  rm -rf "$RT" && mkdir -p "$RT/bin" "$RT/app"
  unxz_to "$CARRY/node.xz" "$RT/bin/node" && chmod +x "$RT/bin/node" || { say "cannot unpack node"; exit 2; }
  untar_xz "$CARRY/app.tar.xz" "$RT/app" || { say "cannot unpack the app"; exit 2; }
  NODE=$RT/bin/node
  APP=$RT/app
else
  say "no carry in $CARRY: using this checkout (node on the PATH, dist/ and node_modules/ as built here)"
  NODE=$(command -v node || true)
  APP=$REPO
  [ -f "$APP/dist/bench/device.js" ] || { say "dist/bench/device.js missing: run npm run build (or npx tsc -p tsconfig.json)"; exit 2; }
fi
"$NODE" -v 2>/dev/null | grep -q '^v24\.' || { say "Node 24 is needed, got: $("$NODE" -v 2>&1)"; exit 2; }

case " $* " in *" --cpu-only "*) CPU_ONLY=1 ;; *) CPU_ONLY= ;; esac
if [ -z "$CPU_ONLY" ]; then
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null) || gpu="none (no nvidia-smi)"
  say "gpu: $gpu"
  # WebGPU (Dawn) needs the Vulkan loader; the NVIDIA ICD comes with the driver mount.
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
    deb=$(ls "$CARRY"/debs/libvulkan1_*.deb 2>/dev/null | head -1)
    if [ -n "$deb" ] && dpkg -x "$deb" "$RT/vulkan" 2>/dev/null; then
      export LD_LIBRARY_PATH=$RT/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
      say "vulkan: loader from the carried $(basename "$deb")"
    else
      say "vulkan: no loader on the machine and none carried: WebGPU will fail"
    fi
  fi
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ] && export VK_DRIVER_FILES=$icd && say "vulkan: ICD $icd"
  # onnxruntime-node's CUDA provider comes from its install script, which this project does not run: look for it,
  # else borrow a same-version provider from a Python onnxruntime-gpu if the machine has one.
  ortbin=$(ls -d "$APP"/node_modules/onnxruntime-node/bin/napi-v*/linux/x64 | head -1)
  ortver=$("$NODE" -p "require('$APP/node_modules/onnxruntime-node/package.json').version")
  if [ -f "$ortbin/libonnxruntime_providers_cuda.so" ]; then
    say "cuda: onnxruntime-node $ortver has its CUDA provider"
  else
    pyort=$(python3 -c 'import onnxruntime,os; print(onnxruntime.__version__, os.path.dirname(onnxruntime.__file__))' 2>/dev/null)
    if [ -n "$pyort" ] && [ "${pyort%% *}" = "$ortver" ] && [ -f "${pyort#* }/capi/libonnxruntime_providers_cuda.so" ]; then
      cp "${pyort#* }"/capi/libonnxruntime_providers_{cuda,shared}.so "$ortbin/"
      libs=$(python3 -c 'import glob,site; print(":".join(sorted(set(glob.glob(site.getsitepackages()[0] + "/nvidia/*/lib")))))' 2>/dev/null)
      export LD_LIBRARY_PATH=${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
      say "cuda: provider borrowed from Python onnxruntime ${pyort%% *}"
    else
      say "cuda: absent (onnxruntime-node $ortver ships no CUDA provider without its install script; Python onnxruntime here: ${pyort:-none}); the cuda row will say so"
    fi
  fi
fi

say "node $("$NODE" -v), $(nproc) cores; measuring (at most ${BUDGET_S} s)"
timeout "$BUDGET_S" "$NODE" "$APP/dist/bench/device.js" --sources "$REPO/test/fixtures/photos/originals" \
  --work "${TMPDIR:-/tmp}/lookalike-device-work" --out "$RESULTS/device-check.json" "$@" 2>&1 | tee -a "$RESULTS/device-check.log"
rc=${PIPESTATUS[0]}
[ "$rc" = 124 ] && say "stopped at the ${BUDGET_S} s budget: rerun with --camera 4 or --preset tiny"
say "results in $RESULTS (exit $rc)"
exit "$rc"
