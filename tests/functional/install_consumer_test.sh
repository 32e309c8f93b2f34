#!/usr/bin/env bash
# tests/functional/install_consumer_test.sh - installs the build tree's `vm` component into a
# temporary prefix and builds examples/embed against it with COMPONENTS vm (and checks that asking
# for the compiler then fails), then installs `compiler` too and builds and runs the example that
# compiles a contract and runs it on the VM.
# Usage: install_consumer_test.sh CMAKE BUILD_DIR SOURCE_DIR [cmake arguments for the example...]
set -euo pipefail
cmake=$1
build=$2
source=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
example=$source/examples/embed

fail() {
    echo "install_consumer_test: $*" >&2
    exit 1
}
configure() {  # configure DIR [arguments...]: the example against $prefix, nothing else
    local dir=$1
    shift
    "$cmake" -S "$example" -B "$dir" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        "$@" >"$dir.log" 2>&1
}

"$cmake" --install "$build" --prefix "$prefix" --component vm >/dev/null
[ -f "$prefix/include/trainchain/vm/interpreter.hpp" ] || fail "vm headers not installed"
[ -f "$prefix/lib/cmake/trainchain/trainchain-config.cmake" ] || fail "no trainchain-config.cmake"
[ ! -e "$prefix/include/trainchain/compiler" ] || fail "the vm component installed compiler headers"

configure "$tmp/vm" -DEMBED_COMPILER=OFF "$@" || { cat "$tmp/vm.log" >&2; fail "configuring with COMPONENTS vm"; }
"$cmake" --build "$tmp/vm" >"$tmp/vm-build.log" 2>&1 || { cat "$tmp/vm-build.log" >&2; fail "building embed_vm"; }
out=$("$tmp/vm/embed_vm")
[[ $out == "2 + 3 = 5 "* ]] || fail "embed_vm printed '$out'"
echo "vm only: $out"

if configure "$tmp/missing" "$@"; then
    fail "COMPONENTS vm compiler was found with only vm installed"
fi
grep -q "compiler" "$tmp/missing.log" || { cat "$tmp/missing.log" >&2; fail "no word of the compiler"; }

"$cmake" --install "$build" --prefix "$prefix" --component compiler >/dev/null
configure "$tmp/full" "$@" || { cat "$tmp/full.log" >&2; fail "configuring with COMPONENTS vm compiler"; }
"$cmake" --build "$tmp/full" >"$tmp/full-build.log" 2>&1 || { cat "$tmp/full-build.log" >&2; fail "building embed"; }
out=$("$tmp/full/embed")
[[ $out == "factorial(20) = 2432902008176640000 "* ]] || fail "embed printed '$out'"
echo "vm and compiler: $out"
