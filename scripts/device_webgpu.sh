#!/bin/sh
# The webgpu benchmark on the lent GPU machine (NVIDIA H200, reached through the session's
# `device` tool). That machine has no Node and no Vulkan loader, only the NVIDIA driver and its
# Vulkan ICD file; everything else travels in runs/device/ (ignored, under the tool's 64 MiB):
#
#   1. here:   sh scripts/device_webgpu.sh prepare
#              builds dist/, then stages in runs/device/: the Node binary (xz), the built library
#              and benchmarks (.js only), the npm packages they load (webgpu's Dawn addon for
#              linux-x64 only, xz), and the Vulkan loader .debs (apt-get download).
#   2. device: run(command="sh scripts/device_webgpu.sh device 2>&1 | tee $OUT/device_webgpu.log",
#                  carry=["runs/device"], timeout_s=420)
#              unpacks the .debs into / (dpkg -x) and runs ldconfig, points VK_DRIVER_FILES at the
#              NVIDIA ICD, unpacks Node and Dawn, runs bench/webgpu.ts's build (the CPU figure and
#              the PyTorch CUDA peer come from that benchmark; bench/peers/ is in the copied tree),
#              and leaves the figures in $OUT. Without a built bench/webgpu.ts it times SGEMM 4096³.
#   Check the staging here, on lavapipe, without touching /:
#              SKIP_LOADER=1 VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json OUT=/tmp/out \
#                sh scripts/device_webgpu.sh device
#
# Recipe and figures measured before: ../shared/DESIGN.md, GPU section. Device time is short
# (15 min per task, start included): stage everything here, run once, give the machine back.
set -eu
cd "$(dirname "$0")/.."
STAGE=runs/device
DEBS="libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2"
# packages the built library imports at load time, and the optional Dawn binding
PKGS="fflate fft.js ws"

prepare() {
  nice -n 10 npm run build
  rm -rf "$STAGE" && mkdir -p "$STAGE/debs" "$STAGE/node_modules/webgpu/dist/linux-x64"
  # the library and benchmarks without maps and declarations; node_modules beside them resolves
  mkdir -p "$STAGE/dist" && tar -C dist -cf - --exclude='*.map' --exclude='*.d.ts' src bench | tar -C "$STAGE/dist" -xf -
  for p in $PKGS; do cp -rL "node_modules/$p" "$STAGE/node_modules/"; done
  W=node_modules/webgpu
  cp "$W/package.json" "$W/index.js" "$STAGE/node_modules/webgpu/"
  xz -T2 -6 -c "$W/dist/linux-x64/dawn.node" > "$STAGE/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
  xz -T2 -6 -c "$(command -v node)" > "$STAGE/node.xz"
  (cd "$STAGE/debs" && apt-get download $DEBS)
  du -sh "$STAGE"
  echo 'next: run(command="sh scripts/device_webgpu.sh device 2>&1 | tee $OUT/device_webgpu.log", carry=["runs/device"], timeout_s=420)'
}

unxz_to() { # file.xz dest: xz where the machine has it, else Python's lzma
  if command -v xz >/dev/null; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}

device() {
  OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
  set -x
  if [ "${SKIP_LOADER:-0}" != 1 ]; then
    for d in "$STAGE"/debs/*.deb; do dpkg -x "$d" /; done
    ldconfig
    ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$ICD" ] || ICD=$(ls /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null | head -1)
    export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
    nvidia-smi -L || true
  fi
  NODE=$STAGE/bin/node; mkdir -p "$STAGE/bin"
  unxz_to "$STAGE/node.xz" "$NODE" && chmod +x "$NODE"
  unxz_to "$STAGE/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$STAGE/node_modules/webgpu/dist/linux-x64/dawn.node"
  # the adapter first: a missing loader or ICD shows here, not as a failed benchmark
  "$NODE" --input-type=module -e "
    const { initWebGpu } = await import('./$STAGE/dist/src/kernels/index.js');
    console.log('adapter:', JSON.stringify(await initWebGpu()));"
  if [ -f "$STAGE/dist/bench/webgpu.js" ]; then
    timeout 360 "$NODE" "$STAGE/dist/bench/webgpu.js" | tee "$OUT/bench_webgpu.txt"
  else
    # no benchmark built yet: SGEMM 4096³ on webgpu as the smoke figure
    "$NODE" --input-type=module -e "
      const D = await import('./$STAGE/dist/src/index.js');
      const K = await import('./$STAGE/dist/src/kernels/index.js');
      await K.initWebGpu();
      const n = Number(process.env.SGEMM_N ?? 4096), a = D.randn([n, n]), b = D.randn([n, n]);
      const w = D.matmul(a, b); await w.data(); w.dispose(); // compiles the pipeline
      const t0 = performance.now(), reps = 10;
      for (let i = 0; i < reps; i++) D.matmul(a, b).dispose();
      await K.webgpuSync();
      const s = (performance.now() - t0) / 1000;
      console.log('sgemm', n + '^3 webgpu:', (2 * n ** 3 * reps / s / 1e9).toFixed(1), 'GFLOP/s');" | tee "$OUT/bench_webgpu.txt"
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  device) device ;;
  *) echo "usage: sh scripts/device_webgpu.sh prepare|device" >&2; exit 2 ;;
esac
