#!/usr/bin/env bash
# scripts/install-deps.sh - installs the Debian packages trainchain needs to build and test.
# Idempotent: checks each package with dpkg first and prints nothing when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev          # Boost.Spirit X3 (the compiler's parser), Boost.Multiprecision, Boost.Beast (serve)
  libcrypto++-dev       # tests: the reference Keccak-256 the VM's own is checked against
  libssl-dev            # SHA-256 (blocks, checkpoints, the SHA-256 precompile), randomness
  libsecp256k1-dev      # the ecrecover precompile (0x01)
  libgmp-dev            # the modexp precompile (0x05)
  libsodium-dev         # Ed25519 (keys, votes, proposals, the server's messages)
  libsqlite3-dev        # the chain store
  libzstd-dev           # compressed checkpoints
  zlib1g-dev            # gzipped datasets (IDX, CSV)
  libtomlplusplus-dev   # run configuration files (TOML)
  libcpp-httplib-dev    # the HTTP client of the serve tests and of bench/serve_load
  libnats-dev nats-server  # user nodes as processes: the queues on NATS JetStream (client and server)
  iproute2              # the network-namespace variant of the NATS test
  libtorch-dev          # the Deep Learning Tool (libtorch)
  python3-torch         # the Python client's example and end-to-end test (PyTorch)
  python3-pip python3-venv  # the end-to-end test pip-installs clients/python into a venv
  chromium chromium-driver  # the dashboard's browser test (headless Chromium over WebDriver)
  dataset-fashion-mnist # the demo's dataset
  python3-sklearn       # ships sklearn's digits CSV (small test dataset)
  nlohmann-json3-dev    # VMTests JSON, --json output
  libcli11-dev          # command-line parsing
  libfmt-dev            # formatting
  doctest-dev           # unit tests
  libbenchmark-dev      # bench/
  clang libclang-rt-14-dev  # make fuzz: libFuzzer with ASan + UBSan
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
