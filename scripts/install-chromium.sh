#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests unless they are there, and a
# Simplified Chinese font (WenQuanYi Micro Hei, 5 MB) so screenshots of the wallet in 简体中文
# show characters rather than boxes.
set -euo pipefail
need=()
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  need+=(chromium chromium-driver)
fi
if ! { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; }; then
  need+=(fonts-wqy-microhei)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if [[ " ${need[*]} " == *" chromium "* ]]; then
    echo "Chromium is missing and installing it needs root: apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  echo "note: no Chinese font; wallet screenshots in 简体中文 will show boxes (apt-get install fonts-wqy-microhei)" >&2
  exit 0
fi
echo "installing ${need[*]} (about a minute, once per machine)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
