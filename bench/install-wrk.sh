#!/bin/sh
# Installs wrk (the HTTP load tool bench/pages.py drives) from Debian's packages, as root.
set -e
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "wrk is missing: install it as root with 'apt-get install -y wrk' (Debian/Ubuntu)," >&2
    echo "or build it from https://github.com/wg/wrk and put it on PATH." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }
