#!/bin/sh
# Debian packages the portal needs (never installed by hand): gettext for
# compiling translations; fonts-noto-core for Devanagari on labour cards (WeasyPrint).
# chromium for the browser tests (Playwright drives the Debian build; none is downloaded).
set -e
PACKAGES="gettext fonts-noto-core libharfbuzz-subset0 chromium"
missing=""
for pkg in $PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "Installing Debian packages:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
