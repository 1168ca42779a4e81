#!/usr/bin/env bash
# Refreshes src/Web/Icons/lucide/ from the lucide-static npm package (ISC licence): exactly the icons the views name with
# <icon name="…" />, nothing else, plus the package's licence. Run it after using a new icon; commit what it writes.
set -euo pipefail
LUCIDE_VERSION=1.62.0
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$REPO_ROOT/src/Web/Icons/lucide"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "lucide-static@$LUCIDE_VERSION" >/dev/null && tar xzf "lucide-static-$LUCIDE_VERSION.tgz")
NAMES=$(grep -rhoE '<icon name="[a-z0-9-]+"' "$REPO_ROOT/src/Web" --include='*.cshtml' | sed 's/.*name="//; s/"$//' | sort -u)
rm -f "$TARGET"/*.svg
mkdir -p "$TARGET"
for name in $NAMES; do
  if [ ! -f "$WORK/package/icons/$name.svg" ]; then
    echo "lucide-static $LUCIDE_VERSION has no icon \"$name\"" >&2
    exit 1
  fi
  cp "$WORK/package/icons/$name.svg" "$TARGET/"
done
cp "$WORK/package/LICENSE" "$TARGET/LICENSE"
echo "$(echo "$NAMES" | wc -w) icons from lucide-static $LUCIDE_VERSION in src/Web/Icons/lucide/"
