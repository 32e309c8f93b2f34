#!/usr/bin/env bash
# scripts/demo.sh - the main job, end to end: the VM against the Ethereum tests, the paper's
# contracts through our compiler, then the paper's scenario: a real model trained on
# Fashion-MNIST (libtorch) with 100 user nodes recording every epoch through proof of work and
# 51 % consensus, a fault injected mid-run, detection, a voted rollback to the best earlier epoch,
# training resumed and finished, every epoch checked by sampled replay (a node drawn by the block
# hash re-runs 3 committed segments before it votes), the chain verified (the nodes' sampled
# replays repeated from their stored votes) and plotted,
# and what the run cost in Ethereum gas, next to the paper's printed figures.
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

echo "== training: configs/demo.toml (Fashion-MNIST, MLP, Adam; 100 nodes; lr-spike injected at epoch 5) =="
echo "   four nodes are faulty: 7 votes wrongly, 8 forges proof-of-work claims, 3 proposes the worst"
echo "   restore point, 4 holds a tampered replica; the honest majority decides every step"
echo "   sampled replay: the trainer commits its state every 6 steps; for each epoch the block hash draws"
echo "   a node that re-runs 3 of the committed segments before it votes (a failed one vetoes the block)"
rm -rf "$work/run"
status=0
"$bin" train configs/demo.toml --dir "$work/run" \
  --fault 7=wrong-vote --fault 8=forge-nonce --fault 3=wrong-restore-point --fault 4=tampered-replica || status=$?
[ "$status" -le 1 ] || exit "$status"
echo
echo "== history =="
"$bin" history "$work/run"
echo
echo "== verify: hashes, proof of work, votes, checkpoints; then each node's sampled replay repeated from its stored vote =="
echo "   (trainchain verify $work/run --replay re-runs every epoch in full)"
"$bin" verify "$work/run" --replay --sample 3
echo
"$bin" plot "$work/run" -o "$work/run.svg" --title "trainchain demo: Fashion-MNIST, 100 nodes, lr-spike at epoch 5"
echo
echo "== gas: this run measured by contract and opcode, next to the paper's Tables 4-5 (full report: $work/gas/gas.md) =="
rm -rf "$work/gas"
TRAINCHAIN="$bin" "$(dirname "$0")/demo-gas-summary.sh" "$work/run" "$work/gas"
echo
echo "== where the outputs are =="
echo "  $work/run/            the run: chain store (chain.db), checkpoints/, run.toml"
echo "  $work/run.keys/       its private keys (server.key, nodes.key), kept apart from the run"
echo "  $work/run.svg         accuracy and loss per block, rollbacks marked"
echo "  $work/gas/            the gas report: gas.md, .csv, .json, gas-blocks.svg, gas-cycles.svg"
echo "  $work/contracts/      the compiled contracts (bytecode and ABI)"
echo "  trainchain history $work/run --json   the whole record as JSON"
