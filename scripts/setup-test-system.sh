#!/usr/bin/env bash
# Installs the system packages the test suite needs, on Debian 12 (bookworm), when run as root:
#  - python3-pil, python3-numpy: the Pillow reference for preprocessing parity and the numpy/safetensors readers;
#  - chromium: the renderer's end-to-end tests (driven by playwright-core);
#  - libimage-exiftool-perl, libraw-bin: exiftool and LibRaw check that the generated RAW samples are laid out
#    as cameras write them (test/engine/preprocess/rawPreview.test.ts);
#  - mesa-vulkan-drivers from bookworm-backports (Mesa 25): lavapipe, a software Vulkan device, so the WebGPU
#    path runs without a GPU (Dawn rejects Debian 12's own Mesa 22).
# Anywhere else (not root, not Debian, packages present) it only reports what it found; tests that need a
# missing piece skip with a message that names it.
set -uo pipefail

need=()
/usr/bin/python3 -c 'import PIL, numpy' 2>/dev/null || need+=(python3-pil python3-numpy)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v exiftool >/dev/null 2>&1 || need+=(libimage-exiftool-perl)
command -v raw-identify >/dev/null 2>&1 || need+=(libraw-bin)
lavapipe_ok() { ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && dpkg --compare-versions "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo 0)" ge 25; }

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  [ ${#need[@]} -eq 0 ] || echo "setup-test-system: missing ${need[*]} (not root or no apt): the tests that need them will skip" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if ! lavapipe_ok && [ "$codename" = bookworm ]; then
  # Reuse the machine's own Debian mirror (its URIs line), so no host name is written here.
  src=/etc/apt/sources.list.d/debian.sources
  uris=$(grep -m1 '^URIs:' "$src" 2>/dev/null | sed 's/^URIs:[[:space:]]*//')
  if [ -z "$uris" ] && [ -f /etc/apt/sources.list ]; then
    uris=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
  fi
  if [ -n "$uris" ] && [ ! -f /etc/apt/sources.list.d/lookalike-backports.sources ]; then
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uris" > /etc/apt/sources.list.d/lookalike-backports.sources
  fi
  need+=(mesa-vulkan-drivers/bookworm-backports libvulkan1)
fi

[ ${#need[@]} -eq 0 ] && exit 0
echo "setup-test-system: installing ${need[*]}" >&2
apt-get update -qq >/dev/null 2>&1 || echo "setup-test-system: apt-get update failed" >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || apt-get install -y -qq --no-install-recommends -t bookworm-backports "${need[@]}" >/dev/null 2>&1 \
  || echo "setup-test-system: could not install ${need[*]}; the tests that need them will skip" >&2
exit 0
