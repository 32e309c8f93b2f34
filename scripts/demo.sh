#!/usr/bin/env bash
# scripts/demo.sh - the main job, end to end: the VM against the Ethereum tests, the paper's
# contracts through our compiler, then a run's chain with 100 user nodes: epochs appended through
# proof of work and 51 % consensus, a NaN epoch, a majority rollback, history and verification.
# Until the libtorch trainer lands (issue 6) the epoch checkpoints are random bytes of the paper's
# MLP size and the accuracies are given on the command line below.
set -euo pipefail
bin=${TRAINCHAIN:-build/bin/trainchain}
conformance=${CONFORMANCE:-../shared/conformance/vmtests}
work=${DEMO_DIR:-build/demo}

echo "== Ethereum legacy VMTests (Frontier rules) =="
if [ -d "$conformance" ]; then "$bin" vmtest "$conformance"; else echo "conformance data not found at $conformance; skipped"; fi
echo

echo "== the paper's contracts, compiled by trainchain's compiler =="
mkdir -p "$work/contracts"
for f in contracts/*.sol; do
  "$bin" compile "$f" -o "$work/contracts"
done
for f in "$work"/contracts/*.bin-runtime; do
  printf '  %-16s %6d bytes of runtime code\n' "$(basename "$f" .bin-runtime)" $(( ($(wc -c < "$f") - 1) / 2 ))
done
echo

echo "== a run's chain: 100 user nodes, difficulty 16 bits, Petersburg gas schedule =="
rm -rf "$work/chain"
"$bin" chain init "$work/chain" --nodes 100 --difficulty 16 --fork Petersburg
accuracies=(0.62 0.81 0.88 0.93 0.91)
losses=(1.10 0.62 0.41 0.27 0.30)
for i in "${!accuracies[@]}"; do
  epoch=$((i + 1))
  head -c 68904 /dev/urandom > "$work/checkpoint-$epoch.bin"
  echo "-- epoch $epoch: accuracy ${accuracies[$i]}, loss ${losses[$i]}"
  "$bin" chain append "$work/chain" --checkpoint "$work/checkpoint-$epoch.bin" --epoch "$epoch" \
    --accuracy "${accuracies[$i]}" --loss "${losses[$i]}"
done
echo "-- epoch 6 diverges (NaN loss); two nodes are faulty: one votes wrongly, one forges a nonce"
head -c 68904 /dev/urandom > "$work/checkpoint-6.bin"
"$bin" chain append "$work/chain" --checkpoint "$work/checkpoint-6.bin" --epoch 6 --accuracy nan --loss nan \
  --fault 7=wrong-vote --fault 8=forge-nonce
echo
echo "== rollback: every node proposes its best block; one proposes the worst, one holds a tampered replica =="
"$bin" rollback "$work/chain" --reason "NaN loss at epoch 6" --fault 3=wrong-restore-point --fault 4=tampered-replica
echo
echo "== history =="
"$bin" history "$work/chain"
echo
echo "== verify =="
"$bin" verify "$work/chain"
current=$("$bin" history "$work/chain" --json | grep -o '"target": [0-9]*' | tail -1 | grep -o '[0-9]*$')
"$bin" export "$work/chain" --block "$current" -o "$work/restored.bin"
cmp "$work/restored.bin" "$work/checkpoint-4.bin" && echo "restored checkpoint is byte-identical to epoch 4's"
