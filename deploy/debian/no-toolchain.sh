#!/usr/bin/env bash
# Runs inside a mount namespace of its own (test.sh starts it with `unshare --mount`): hides the
# Swift toolchain under an empty tmpfs, then checks that the binary still works there:
# `--version`, `explain`, and `serve` (as nobody: it refuses root) answering /healthz.
# Usage: no-toolchain.sh TOOLCHAIN_DIR|"" BINARY VERSION
set -euo pipefail
toolchain="$1" binary="$2" version="$3"

if [ -n "$toolchain" ]; then
    mount -t tmpfs -o size=1m,mode=755 greenroom-no-toolchain "$toolchain"
    if [ -n "$(ls -A "$toolchain")" ] || swift --version >/dev/null 2>&1; then
        echo "no-toolchain.sh: the toolchain at $toolchain is still visible" >&2
        exit 1
    fi
fi
libraries="$(ldd "$binary" 2>&1 || true)"
if grep -q "not found\|swift\|Foundation\|icu" <<<"$libraries"; then
    echo "no-toolchain.sh: the binary still wants a library the toolchain had:" >&2
    echo "$libraries" >&2
    exit 1
fi

printed="$("$binary" --version)"
[[ "$printed" == "$version" || "$printed" == "$version (commit "* ]] || {
    echo "no-toolchain.sh: --version printed '$printed', expected $version" >&2
    exit 1
}

explained="$("$binary" explain --peer 127.0.0.1 --trust loopback --header 'X-Forwarded-For: 203.0.113.9' --json)"
[[ "$explained" == *'"client":"203.0.113.9"'* ]] || {
    echo "no-toolchain.sh: explain printed: $explained" >&2
    exit 1
}

log="$(mktemp)"
chmod 644 "$log"
setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$binary" serve --port 0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
deadline=$((SECONDS + 30))
while [ -z "$url" ] && [ $SECONDS -lt $deadline ] && kill -0 "$server" 2>/dev/null; do
    url="$(sed -n 's/^greenroom starting up on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)"
    [ -n "$url" ] || sleep 0.1
done
[ -n "$url" ] || {
    echo "no-toolchain.sh: serve never printed its start-up line:" >&2
    cat "$log" >&2
    exit 1
}
answer="$(curl -sS --max-time 10 "$url/healthz")"
[ "$answer" = ok ] || {
    echo "no-toolchain.sh: GET $url/healthz answered '$answer'" >&2
    exit 1
}
echo "no toolchain at ${toolchain:-(none)}: --version, explain and serve's /healthz work"
