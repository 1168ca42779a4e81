# Sourced by test.sh and bench/run.sh: Debian's ffmpeg (ffprobe reads every upload, ffmpeg makes its poster frame),
# installed when missing. ./run.sh does not need it: without it uploads are accepted by their first bytes alone.

ensure_ffmpeg() {
  command -v ffprobe >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ffmpeg from Debian's packages ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
  else
    echo "Missing for the upload tests and this is not root: run 'sudo apt-get install -y ffmpeg'." >&2
  fi
}
