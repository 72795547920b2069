#!/usr/bin/env bash
# Installs Debian packages unless what they provide is already there. Each argument is
# PACKAGE=WHAT, WHAT a file path or a command name; a package is installed when its WHAT is
# missing. Installing needs root (CI runs as root); run once per machine, then it is a no-op.
set -euo pipefail
need=()
for pair in "$@"; do
  package=${pair%%=*}
  provides=${pair#*=}
  if [ -e "$provides" ] || command -v "$provides" >/dev/null 2>&1; then
    continue
  fi
  [[ " ${need[*]-} " == *" $package "* ]] || need+=("$package")
done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing ${need[*]}; installing needs root: apt-get install ${need[*]}" >&2
  exit 1
fi
echo "installing ${need[*]} from Debian (once per machine)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
