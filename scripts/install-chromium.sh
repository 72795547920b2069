#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests unless they are there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing and installing it needs root: apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "installing Debian's chromium and chromium-driver (about a minute, once per machine)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
