#!/usr/bin/env bash
# tests/functional/package_deb_test.sh - builds the Debian packages with CPack (what `make package`
# does) into a temporary directory, checks their control fields and contents, unpacks `trainchain`
# into a temporary root (dpkg-deb -x) and runs the packaged binary's --version, compile and exec.
# Usage: package_deb_test.sh CPACK BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
cpack=$1
build=$2
source=$3
version=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "package_deb_test: $*" >&2
    exit 1
}

"$cpack" --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
arch=$(dpkg --print-architecture)
deb=$tmp/out/trainchain_${version}_$arch.deb
dev=$tmp/out/trainchain-dev_${version}_$arch.deb
[ -f "$deb" ] && [ -f "$dev" ] || { ls "$tmp/out" >&2; fail "expected trainchain and trainchain-dev packages"; }

# Depends is computed by dpkg-shlibdeps from what the binary links.
depends=$(dpkg-deb -f "$deb" Depends)
echo "trainchain Depends: $depends"
for lib in libc6 libstdc++6 libtorch libssl libsqlite3 libzstd libnats libsodium; do
    [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib"
done
dpkg-deb -c "$deb" >"$tmp/contents"
grep -q ' ./usr/bin/trainchain$' "$tmp/contents" || fail "no /usr/bin/trainchain"
grep -q ' ./usr/libexec/trainchain/trainchain-torch$' "$tmp/contents" || fail "no /usr/libexec/trainchain/trainchain-torch"
grep -q ' ./usr/share/bash-completion/completions/trainchain$' "$tmp/contents" || fail "no bash completion"
dpkg-deb -c "$dev" >"$tmp/dev-contents"
for f in lib/cmake/trainchain/trainchain-config.cmake lib/libtrainchain_vm.a lib/libtrainchain_compiler.a \
    include/trainchain/compiler/compiler.hpp include/trainchain/vm/interpreter.hpp; do
    grep -q " ./usr/$f\$" "$tmp/dev-contents" || fail "trainchain-dev lacks /usr/$f"
done

dpkg-deb -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/trainchain
out=$("$bin" --version)
[ "$out" = "trainchain $version" ] || fail "--version printed '$out'"
cat >"$tmp/Maths.sol" <<'SOL'
pragma solidity ^0.8.0;
contract Maths {
    function factorial(uint256 n) public pure returns (uint256) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }
}
SOL
"$bin" compile --abi "$tmp/Maths.sol" | grep -q '"factorial"' || fail "compile --abi has no factorial"
out=$("$bin" exec --json --deploy "$tmp/Maths.sol" --call 'factorial(uint256)' 10)
[[ $out == *3628800* ]] || fail "exec printed '$out'"
echo "packaged binary: --version, compile and exec pass"
