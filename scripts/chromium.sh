# Sourced by test.sh and bench/run.sh: Debian's Chromium for the browser tests, and the colour emoji font that lets their
# screenshots show the cards' icons, installed when missing.

ensure_chromium() {
  local packages=""
  command -v chromium >/dev/null 2>&1 || packages="chromium"
  dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || packages="$packages fonts-noto-color-emoji"
  [ -n "$packages" ] || return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing $packages from Debian's packages ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else
    echo "Missing for the browser tests and this is not root: run 'sudo apt-get install -y $packages'." >&2
  fi
}
