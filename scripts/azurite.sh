# Sourced by test.sh and bench/scale: Azurite, Microsoft's Azure Storage emulator, from npm, for the object-storage backend
# (Studio:Media:Provider=AzureBlob). 3.35.0 is the newest release that runs on Debian 12's Node 20. Installed once into
# .data/azurite (git-ignored); started blob-only, in memory, on a free loopback port; stopped by stop_azurite.
# --skipApiVersionCheck: the Azure.Storage.Blobs SDK asks for a newer service version than this Azurite knows.

AZURITE_VERSION=3.35.0
AZURITE_HOME="$REPO_ROOT/.data/azurite"
AZURITE_BIN="$AZURITE_HOME/node_modules/.bin/azurite-blob"
# Azurite's documented development account: public, for the emulator only.
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

ensure_azurite() {
  if [ -x "$AZURITE_BIN" ] && [ "$(cd "$AZURITE_HOME" && node -p "require('azurite/package.json').version" 2>/dev/null)" = "$AZURITE_VERSION" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "Installing Node.js and npm from Debian's packages ..."
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "Missing for the object-storage tests and this is not root: run 'sudo apt-get install -y nodejs npm'." >&2
      return 1
    fi
  fi
  echo "Installing azurite@$AZURITE_VERSION from npm into .data/azurite ..."
  mkdir -p "$AZURITE_HOME"
  npm install --prefix "$AZURITE_HOME" --no-audit --no-fund --silent "azurite@$AZURITE_VERSION" >/dev/null
}

# start_azurite [port]: a free port unless one is given; exports VIDEOSTUDIO_AZURITE (a connection string) and AZURITE_PORT.
start_azurite() {
  AZURITE_PORT="${1:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  AZURITE_DIR="$(mktemp -d "$REPO_ROOT/.data/azurite-run.XXXXXX")"
  ( cd "$AZURITE_DIR" && exec "$AZURITE_BIN" --inMemoryPersistence --skipApiVersionCheck --silent --blobHost 127.0.0.1 \
      --blobPort "$AZURITE_PORT" ) >"$AZURITE_DIR/log" 2>&1 &
  AZURITE_PID=$!
  local tries=0
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $AZURITE_PORT), 1).close()" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ] || ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite did not start:" >&2; cat "$AZURITE_DIR/log" >&2
      return 1
    fi
    sleep 0.2
  done
  export AZURITE_PORT
  export VIDEOSTUDIO_AZURITE="DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/$AZURITE_ACCOUNT;"
}

stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ]; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
    AZURITE_PID=""
  fi
  if [ -n "${AZURITE_DIR:-}" ]; then
    rm -rf "$AZURITE_DIR"
  fi
}
