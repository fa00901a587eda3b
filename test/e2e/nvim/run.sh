#!/usr/bin/env bash
# Runs test/e2e/nvim/lsp-check.lua in headless Neovim against dist/server.js (build first).
# Prints `N passed, N failed` last; exit 0 only when everything passed.
set -uo pipefail
cd "$(dirname "$0")/../../.."
command -v nvim >/dev/null || { echo "nvim not found: apt-get install neovim (scripts/e2e/install-code-server.sh does)"; echo "0 passed, 1 failed"; exit 1; }
[ -f dist/server.js ] || { echo "dist/server.js missing: npm run build"; echo "0 passed, 1 failed"; exit 1; }
export MEMSLOT_SERVER="${MEMSLOT_SERVER:-node $(pwd)/dist/server.js --stdio}"
# A scratch copy: the check edits buffers (never saves, but -n keeps even swap files away).
ws="$(mktemp -d)"; trap 'rm -rf "$ws"' EXIT
cp -r test/fixtures/e2e-ws/. "$ws/"
out="$ws/nvim.out"
timeout 120 nvim --headless --clean -n -c "luafile test/e2e/nvim/lsp-check.lua" "$ws/qemu/bad-size.sh" > "$out" 2>&1
rc=$?
cat "$out"
if ! tail -1 "$out" | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
  echo "neovim ended without a summary (exit $rc; 124 = timed out)"; echo "0 passed, 1 failed"; exit 1
fi
exit $rc
