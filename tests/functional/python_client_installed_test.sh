#!/usr/bin/env bash
# tests/functional/python_client_installed_test.sh - installs clients/python with Debian's pip into
# a temporary venv (offline, no build isolation: Debian's setuptools and wheel; the venv sees the
# system's python3-torch) and runs the client's end-to-end tests with that venv's python, against the
# installed package (test_e2e.py --installed checks trainchain.__file__).
# Usage: python_client_installed_test.sh CLIENT_DIR [test_e2e.py arguments...]
set -euo pipefail
client=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 -m venv --without-pip --system-site-packages "$tmp/venv"
# A copy, so that the build's build/ and *.egg-info do not land in the source tree.
cp -r "$client" "$tmp/src"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
"$tmp/venv/bin/python" -m pip install --quiet --no-index --no-build-isolation --no-cache-dir "$tmp/src"
rm -rf "$tmp/src"
"$tmp/venv/bin/python" "$client/tests/test_e2e.py" --installed "$@"
