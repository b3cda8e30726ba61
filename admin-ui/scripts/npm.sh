#!/usr/bin/env bash
# Runs npm for the Maven build with the system's Node.js (Debian's nodejs and npm packages); nothing downloads a Node.
#   scripts/npm.sh ci-if-needed    npm ci, unless node_modules already matches package-lock.json
#   scripts/npm.sh ARGS...         npm ARGS
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "voicecore admin-ui: '$tool' is not installed. The console is built with the system's Node.js: install it with" \
         "'apt-get install nodejs npm' (Debian/Ubuntu), or build without the console with -Dconsole.skip." >&2
    exit 1
  }
done
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [[ "${1:-}" == "ci-if-needed" ]]; then
  stamp=node_modules/.voicecore-installed
  if [[ -f "$stamp" && "$stamp" -nt package-lock.json && "$stamp" -nt package.json ]]; then
    exit 0
  fi
  npm ci --no-audit --no-fund
  touch "$stamp"
  exit 0
fi
exec npm "$@"
