#!/usr/bin/env bash
# Installs what the end-to-end tests need on Debian 12, using only Debian's
# mirror and the npm registry (Microsoft's and GitHub's download hosts are not
# reachable on CI machines):
#   - chromium (driven by playwright-core), neovim (third-party LSP client);
#   - code-server $CS_VERSION, i.e. VS Code's own server, web workbench and Node
#     extension host, into $CS_DIR (outside the project's node_modules so that
#     `npm ci` never touches it and later runs on the same machine reuse it).
#
#   sudo bash scripts/e2e/install-code-server.sh          # as root on a fresh machine
#   bash scripts/e2e/install-code-server.sh --check       # exit 1 unless installed
#
# Idempotent: a second run only verifies. Writes $CS_DIR/env.sh (CS_BIN, CS_VERSION).
# 4.100.3 = VS Code 1.100.3, the newest code-server whose engines.node is 20
# (the machine's Node); newer ones need Node 22/24 and a smoke-test-driver flag.
set -euo pipefail

CS_VERSION="${CS_VERSION:-4.100.3}"
CS_DIR="${CS_DIR:-/opt/memslot-e2e/code-server-$CS_VERSION}"
t0=$(date +%s)
say() { echo "[install-code-server +$(( $(date +%s) - t0 ))s] $*"; }

installed() {
  [ -f "$CS_DIR/env.sh" ] && grep -qx "export CS_VERSION=$CS_VERSION" "$CS_DIR/env.sh" &&
    [ -x "$CS_DIR/node_modules/.bin/code-server" ] && [ -x /usr/bin/chromium ]
}

if [ "${1:-}" = "--check" ]; then
  if installed; then say "ok: code-server $CS_VERSION in $CS_DIR, $(/usr/bin/chromium --version 2>/dev/null)"; exit 0; fi
  echo "code-server $CS_VERSION or chromium missing: run 'bash scripts/e2e/install-code-server.sh' as root" >&2
  exit 1
fi

# 1. Debian packages. libkrb5-dev: kerberos' native build needs gssapi.h.
#    ripgrep: seeds @vscode/ripgrep's download cache (step 3). The X11/secret
#    headers are what code-server's docs list for its native modules.
APT_PKGS="chromium neovim ripgrep pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev g++ make python3 ca-certificates"
missing=""
for p in $APT_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || { echo "need root to apt-get install:$missing" >&2; exit 1; }
  say "apt-get install$missing"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 900 apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if installed; then say "code-server $CS_VERSION already in $CS_DIR"; exit 0; fi

need_major="$(npm view "code-server@$CS_VERSION" engines.node | tr -dc '0-9' | cut -c1-2)"
have_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$need_major" != "$have_major" ]; then
  echo "code-server $CS_VERSION wants Node $need_major, this machine has Node $have_major; pick CS_VERSION 4.93.1..4.100.3 for Node 20" >&2
  exit 1
fi

rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
tarball="$work/$(cd "$work" && npm pack --silent "code-server@$CS_VERSION")"

# 3. @vscode/ripgrep's postinstall asks api.github.com for rg, but first looks
#    for $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<tag>-<target>.tar.gz.
#    Put Debian's rg there under the exact name it expects (version from the
#    shrinkwrap in code-server's tarball, tag from the ripgrep package itself).
rg_pkg_version="$(tar -xzOf "$tarball" package/lib/vscode/npm-shrinkwrap.json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const p = JSON.parse(s).packages?.["node_modules/@vscode/ripgrep"]; process.stdout.write(p ? p.version : ""); });')"
export TMPDIR="$CS_DIR/.tmp"; mkdir -p "$TMPDIR"
if [ -n "$rg_pkg_version" ]; then
  rg_tarball="$work/$(cd "$work" && npm pack --silent "@vscode/ripgrep@$rg_pkg_version")"
  rg_tag="$(tar -xzOf "$rg_tarball" package/lib/postinstall.js | sed -n "s/^const VERSION = '\(.*\)';/\1/p")"
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  [ -n "$rg_tag" ] || { echo "could not read ripgrep's release tag" >&2; exit 1; }
  mkdir -p "$work/rg" "$TMPDIR/vscode-ripgrep-cache-$rg_pkg_version"
  cp "$(command -v rg)" "$work/rg/rg"
  tar -czf "$TMPDIR/vscode-ripgrep-cache-$rg_pkg_version/ripgrep-$rg_tag-$target.tar.gz" -C "$work/rg" rg
  say "seeded @vscode/ripgrep $rg_pkg_version ($rg_tag) with Debian's rg"
fi

# 4. code-server's postinstall runs npm install in lib/vscode and compiles native
#    modules. unsafe_perm: its postinstall refuses root otherwise. yes: node-pty
#    runs `npx node-gyp` and the machine's npm config says yes=false. Prebuilt
#    binaries come from GitHub, fail, and fall back to compiling (g++ is there).
say "npm install code-server@$CS_VERSION into $CS_DIR (compiles native modules, ~1-2 min)"
if ! npm_config_unsafe_perm=true npm_config_yes=true timeout 1200 \
  npm install --prefix "$CS_DIR" --no-save --no-audit --no-fund --foreground-scripts "$tarball" \
  > "$CS_DIR/install.log" 2>&1; then
  tail -50 "$CS_DIR/install.log"; echo "code-server install failed (log: $CS_DIR/install.log)" >&2; exit 1
fi

cat > "$CS_DIR/env.sh" <<ENV
# written by scripts/e2e/install-code-server.sh
export CS_BIN="$CS_DIR/node_modules/.bin/code-server"
export CS_VERSION=$CS_VERSION
ENV
say "done: code-server $("$CS_DIR/node_modules/.bin/code-server" --config /dev/null --version | head -1)"
