# Sourced by test.sh and bench/run.sh: Debian's Chromium for the browser tests, installed when missing. The UI's icons are
# inline SVG, so no emoji font is needed.

ensure_chromium() {
  local packages=""
  command -v chromium >/dev/null 2>&1 || packages="chromium"
  [ -n "$packages" ] || return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing $packages from Debian's packages ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else
    echo "Missing for the browser tests and this is not root: run 'sudo apt-get install -y $packages'." >&2
  fi
}
