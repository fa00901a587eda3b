#!/usr/bin/env bash
# All end-to-end tests: checks the code-server install, builds and packages, then runs the
# integration tests in code-server's extension host, the UI test against the packaged .vsix,
# and the Neovim LSP check. Each part runs even if an earlier one failed; the closing line
# sums them as `N passed, N failed`. Exit 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
bash scripts/e2e/install-code-server.sh --check || { echo "0 passed, 1 failed"; exit 1; }
if ! npm run --silent package >/dev/null || ! node scripts/e2e/build-e2e.mjs; then
  echo "build or packaging failed"; echo "0 passed, 1 failed"; exit 1
fi
passed=0; failed=0; summary=""
part() {
  local name="$1"; shift
  local log; log="$(mktemp)"
  echo "=== $name"
  "$@" 2>&1 | tee "$log"
  local line; line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)"
  rm -f "$log"
  if [ -z "$line" ]; then line="0 passed, 1 failed"; fi
  set -- $line
  passed=$((passed + $1)); failed=$((failed + $3))
  summary="$summary  $name: $line"$'\n'
}
part integration node scripts/e2e/run-vscode.mjs tests
# Activation happens once per host: each of these kinds gets a fresh host where it is opened first.
for first in broken.qemu libvirt/domain.xml; do
  part "activation by $first" node scripts/e2e/run-vscode.mjs tests --env MEMSLOT_E2E_FIRST=$first --env "MEMSLOT_E2E_GREP=activation by first file"
done
part ui node scripts/e2e/run-vscode.mjs ui --vsix memslot.vsix
part neovim bash test/e2e/nvim/run.sh
echo "=== end-to-end summary ($(( $(date +%s) - t0 )) s; screenshots in test-results/e2e/)"
printf '%s' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
