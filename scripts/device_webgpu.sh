#!/usr/bin/env bash
# The webgpu benchmark on a lent GPU machine (the `device` tool: an H200, no Node, no Vulkan
# loader). Two steps:
#   scripts/device_webgpu.sh prepare   # here: build, and pack what the device lacks into runs/device
#   then the device tool runs, with carry ["dist", "runs/device"]:
#   scripts/device_webgpu.sh run       # there: unpack, set up the Vulkan loader, run bench/webgpu.ts
# What is packed (about 45 MB): the Node binary (xz), the Vulkan loader and GL dispatch .debs
# that Dawn links against (../shared/DESIGN.md, GPU section), the `webgpu` package's linux-x64
# Dawn build, and the few pure-JS packages dist/src loads (fflate, fft.js, ws).
# The run writes $OUT/webgpu_bench.txt (the table) and $OUT/vulkaninfo.txt when available.
set -euo pipefail
cd "$(dirname "$0")/.."
PACK=runs/device

case "${1:-}" in
prepare)
  nice -n 10 npm run build
  rm -rf "$PACK" && mkdir -p "$PACK/debs" "$PACK/node_modules"
  xz -T0 -6 -c "$(command -v node)" > "$PACK/node.xz"
  (cd "$PACK/debs" && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  mkdir -p "$PACK/node_modules/webgpu/dist/linux-x64"
  cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$PACK/node_modules/webgpu/"
  xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$PACK/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
  for p in fflate fft.js ws; do cp -rL "node_modules/$p" "$PACK/node_modules/"; done
  du -sh "$PACK" dist
  echo 'now: device run, command "bash scripts/device_webgpu.sh run", carry ["dist", "runs/device"]'
  ;;
run)
  OUT="${OUT:-$PWD/runs/out}"
  mkdir -p "$OUT" /tmp/dn
  unxz -c "$PACK/node.xz" > /tmp/dn/node && chmod +x /tmp/dn/node
  for d in "$PACK"/debs/*.deb; do dpkg -x "$d" /; done
  ldconfig
  rm -rf node_modules && cp -r "$PACK/node_modules" node_modules
  unxz node_modules/webgpu/dist/linux-x64/dawn.node.xz
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  command -v vulkaninfo > /dev/null && vulkaninfo --summary > "$OUT/vulkaninfo.txt" 2>&1 || true
  nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm --format=csv > "$OUT/nvidia_smi.txt" 2>&1 || true
  /tmp/dn/node dist/bench/webgpu.js --gemm 4096 --reps 5 --steps 10 2>&1 | tee "$OUT/webgpu_bench.txt"
  ;;
*)
  echo "usage: $0 prepare|run" >&2
  exit 2
  ;;
esac
