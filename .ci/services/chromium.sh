#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (tests/e2e/test_browser.py) when it is missing.
#
# Playwright drives this system browser (executable_path=/usr/bin/chromium), so no browser is
# downloaded by Playwright itself. Needs root to install; safe to run repeatedly. Nothing is started:
# each test launches and closes its own headless browser.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium.sh: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
    exit 0
fi
echo "chromium.sh: installing chromium from Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium
/usr/bin/chromium --version || true
