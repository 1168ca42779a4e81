# Sourced by test.sh: a real SMTP server on loopback for the tests that follow an e-mailed link. It is aiosmtpd from
# Debian's packages (bookworm: 1.4.3, a stable release takes only security fixes), run by Debian's own Python, storing every
# message it receives in a Maildir that the tests read. Started on a free port, stopped when test.sh exits.

SMTP_SINK_PYTHON=/usr/bin/python3

ensure_smtp_sink() {
  "$SMTP_SINK_PYTHON" -c 'import aiosmtpd' >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing python3-aiosmtpd from Debian's packages ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  else
    echo "Missing for the e-mail tests and this is not root: run 'sudo apt-get install -y python3-aiosmtpd'." >&2
  fi
}

# start_smtp_sink: exports VIDEOSTUDIO_SMTP_SINK (host:port) and VIDEOSTUDIO_SMTP_MAILDIR for the tests.
start_smtp_sink() {
  SMTP_SINK_DIR="$(mktemp -d "$REPO_ROOT/.data/smtp-sink.XXXXXX")"
  # A port the kernel has just handed out and taken back: free, and not one of another checkout's fixed ports.
  local port
  port="$("$SMTP_SINK_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$SMTP_SINK_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$SMTP_SINK_DIR/maildir" \
    >"$SMTP_SINK_DIR/log" 2>&1 &
  SMTP_SINK_PID=$!
  local tries=0
  until "$SMTP_SINK_PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ] || ! kill -0 "$SMTP_SINK_PID" 2>/dev/null; then
      echo "The SMTP sink did not start:" >&2; cat "$SMTP_SINK_DIR/log" >&2
      return 1
    fi
    sleep 0.2
  done
  export VIDEOSTUDIO_SMTP_SINK="127.0.0.1:$port"
  export VIDEOSTUDIO_SMTP_MAILDIR="$SMTP_SINK_DIR/maildir"
}

stop_smtp_sink() {
  if [ -n "${SMTP_SINK_PID:-}" ]; then
    kill "$SMTP_SINK_PID" 2>/dev/null || true
    wait "$SMTP_SINK_PID" 2>/dev/null || true
  fi
  if [ -n "${SMTP_SINK_DIR:-}" ]; then
    rm -rf "$SMTP_SINK_DIR"
  fi
}
