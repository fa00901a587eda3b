# Sourced by scripts/install-*.sh: installs packages from Debian 12's bookworm-backports.
#   install_from_backports NAME PACKAGE...
# Must run as root; adds deb.debian.org bookworm-backports only if no backports source exists yet,
# and installs only the packages that are not already at a backports version (so a second run is
# quick and changes nothing).

install_from_backports() {
  local name="$1"; shift
  if [ "$(id -u)" != 0 ]; then
    echo "$name: run as root" >&2
    exit 1
  fi
  . /etc/os-release
  if [ "${VERSION_CODENAME:-}" != bookworm ]; then
    echo "$name: warning: written for Debian 12 (bookworm), this is ${VERSION_CODENAME:-unknown}" >&2
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! grep -rqsE '^deb .*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ \
     && ! grep -rqsE '^Suites:.*bookworm-backports' /etc/apt/sources.list.d/; then
    echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/bookworm-backports.list
  fi
  local missing=() p v
  for p in "$@"; do
    v="$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)"
    case "$v" in *bpo12*) ;; *) missing+=("$p") ;; esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends -t bookworm-backports "${missing[@]}"
  fi
}
