#!/usr/bin/env bash
# Install headless Chromium and its WebDriver (Debian packages) for the chat-page test.
# Skipped, with a message, where apt-get is missing or we are not root; the test then skips itself.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "install_browser: chromium and chromedriver are installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != "0" ]; then
  echo "install_browser: no apt-get or not root; the browser test will be skipped"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "install_browser: apt-get update failed; the browser test will be skipped"; exit 0; }
apt-get install -y -qq --no-install-recommends chromium chromium-driver \
  || echo "install_browser: install failed; the browser test will be skipped"
