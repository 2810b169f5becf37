#!/usr/bin/env bash
# Tests the Debian package on this machine (root, Debian or Ubuntu; CI runs it after `swift test`):
#   build it (deploy/debian/build.sh), lintian it (no errors), install it, check every file with
#   its mode and owner, the user and /run/greenroom, `systemd-analyze verify` the units, run the
#   installed binary's `check` on the installed spec, run it where no Swift toolchain is visible
#   (--version, explain, and a serve that answers /healthz), reinstall over an edited spec (the
#   edit stays), then purge and check that nothing is left.
#
# It installs and purges the package `greenroom` for real, so it refuses to run when that
# package is already installed. Usage: deploy/debian/test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
started=$SECONDS

failures=0
pass() { echo "ok: $*"; }
failed() {
    echo "FAILED: $*" >&2
    failures=$((failures + 1))
}
check() {
    local what="$1"
    shift
    if "$@"; then pass "$what"; else failed "$what"; fi
}
die() {
    echo "test.sh: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root: it installs and purges the package"
for tool in dpkg lintian systemd-analyze systemd-sysusers systemd-tmpfiles unshare setpriv curl getent; do
    command -v "$tool" >/dev/null || die "$tool is missing (.ci/run installs what this needs)"
done
if [[ "$(dpkg-query -W -f='${Status}' greenroom 2>/dev/null || true)" == *"ok installed"* ]]; then
    die "the package greenroom is installed already; this test would replace and purge it"
fi

out="$(mktemp -d)"
cleanup() {
    if [[ "$(dpkg-query -W -f='${Status}' greenroom 2>/dev/null || true)" == *installed* ]]; then
        dpkg --purge greenroom >/dev/null 2>&1 || true
    fi
    rm -rf "$out"
}
trap cleanup EXIT

echo "== build"
build_started=$SECONDS
"$here/build.sh" "$out"
echo "build.sh took $((SECONDS - build_started)) s"
deb="$(echo "$out"/greenroom_*.deb)"
[ -f "$deb" ] || die "build.sh wrote no .deb"
binary_size=$(stat -c %s "$(echo "$out"/greenroom-*-linux-*)")
echo "binary: $binary_size bytes; package: $(stat -c %s "$deb") bytes"
# Issue 18: the stripped self-contained binary is at most 25 MB (it was 70.9 MB while Yams and
# swift-mustache linked the whole of Foundation, and ICU with it).
check "the binary is at most 25 MB ($binary_size bytes)" test "$binary_size" -le 25000000
# The package requires the glibc the binary needs, packed relocations (GLIBC_ABI_DT_RELR, 2.36)
# included: dpkg-shlibdeps alone said 2.35, and the binary would not start there.
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
if readelf -V "$(echo "$out"/greenroom-*-linux-*)" | grep -q GLIBC_ABI_DT_RELR; then
    check "the package requires glibc 2.36 for the packed relocations" grep -q 'libc6 (>= 2.36)' <<<"$depends"
fi

echo "== lintian"
# --fail-on error: warnings are listed (and explained in the README), errors fail.
check "lintian reports no errors" lintian --fail-on error --pedantic "$deb"

echo "== install"
dpkg -i "$deb" </dev/null
version="$(dpkg-query -W -f='${Version}' greenroom)"
check "greenroom --version prints the package's version ($version)" \
    bash -c '[[ "$(/usr/bin/greenroom --version)" == "$0" || "$(/usr/bin/greenroom --version)" == "$0 (commit "* ]]' "$version"

# Every file of the package is on disk with the owner and mode the archive gives it.
while read -r mode owner _ _ _ path rest; do
    path="${path#.}"
    [ -n "$path" ] && [ "$path" != "/" ] || continue
    path="${path%/}"
    case "$mode" in
    d*) type=directory ;;
    l*) type="symbolic link" ;;
    *) type="regular file" ;;
    esac
    # A directory may be reached through a link (/lib on a merged-/usr system): follow it.
    if [ "$type" = directory ]; then
        actual="$(stat -L -c '%A %U/%G' "$path" 2>/dev/null || echo missing)"
    else
        actual="$(stat -c '%A %U/%G' "$path" 2>/dev/null || echo missing)"
    fi
    if [ "$actual" = "$mode ${owner}" ]; then :; else failed "$path: $actual on disk, $mode $owner in the package ($type)"; fi
done < <(dpkg-deb -c "$deb")
pass "every file of the package is installed with the package's mode and owner"

expect_file() { # path mode owner:group
    local actual
    actual="$(stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing)"
    check "$1 is $2 $3" test "$actual" = "$2 $3"
}
expect_file /usr/bin/greenroom 755 root:root
expect_file /etc/greenroom/greenroom.yml 644 root:root
expect_file /usr/lib/sysusers.d/greenroom.conf 644 root:root
expect_file /usr/lib/tmpfiles.d/greenroom.conf 644 root:root
expect_file /usr/share/man/man1/greenroom.1.gz 644 root:root
expect_file /usr/share/man/man1/greenroom.serve.1.gz 644 root:root
expect_file /usr/share/bash-completion/completions/greenroom 644 root:root
expect_file /usr/share/zsh/vendor-completions/_greenroom 644 root:root
expect_file /usr/share/fish/vendor_completions.d/greenroom.fish 644 root:root
mapfile -t units < <(dpkg -L greenroom | grep -E '^/lib/systemd/system/.+\.(service|socket)$')
check "the package installs the units greenroom generate systemd writes (${units[*]})" test ${#units[@]} -gt 0
for unit in "${units[@]}"; do expect_file "$unit" 644 root:root; done
check "/etc/greenroom/greenroom.yml is a conffile" \
    bash -c 'dpkg-query -W -f="\${Conffiles}" greenroom | grep -q "^ /etc/greenroom/greenroom.yml "'
check "the spec is what greenroom init writes, with app.exec naming /usr/bin/greenroom" bash -c '
    work="$(mktemp -d)"; trap "rm -rf $work" EXIT
    /usr/bin/greenroom init --config "$work/init.yml" >/dev/null
    diff <(grep -v "^  exec: \|^  # exec: " "$work/init.yml") <(grep -v "^  exec: \|^  # exec: " /etc/greenroom/greenroom.yml) &&
        grep -q "^  exec: /usr/bin/greenroom serve --config /etc/greenroom/greenroom.yml" /etc/greenroom/greenroom.yml'
check "the units are what greenroom generate systemd writes for the installed spec" bash -c '
    work="$(mktemp -d)"; trap "rm -rf $work" EXIT
    /usr/bin/greenroom generate systemd --config /etc/greenroom/greenroom.yml --out "$work" >/dev/null
    for unit in "$work"/*; do cmp "$unit" "/lib/systemd/system/$(basename "$unit")" || exit 1; done'
service="$(printf '%s\n' "${units[@]}" | grep '\.service$' | head -n 1)"
user="$(sed -n 's/^User=//p' "$service")"
check "the service runs /usr/bin/greenroom" grep -q '^ExecStart=/usr/bin/greenroom serve ' "$service"
check "the system user $user exists, with no login shell" bash -c '
    entry="$(getent passwd "$0")" || exit 1
    uid="$(echo "$entry" | cut -d: -f3)"; shell="$(echo "$entry" | cut -d: -f7)"
    [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ]' "$user"
expect_file "/run/$user" 750 "$user:www-data"
check "no unit is enabled: nothing in /etc/systemd/system links to them" \
    bash -c '! find /etc/systemd/system -lname "/lib/systemd/system/greenroom*" | grep -q .'
check "no greenroom process was started" bash -c '! pgrep -x greenroom >/dev/null'

echo "== systemd-analyze verify"
check "systemd-analyze verify ${units[*]}" systemd-analyze verify "${units[@]}"

echo "== the README's deployment on the installed package"
check "the README installs this version's package" \
    grep -qF "sudo apt-get install ./greenroom_${version}_amd64.deb" "$root/README.md"
# As the README runs it: an ordinary user checks the installed spec.
check "greenroom check --config /etc/greenroom/greenroom.yml exits 0, run by an ordinary user" \
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
    /usr/bin/greenroom check --config /etc/greenroom/greenroom.yml
site="$(mktemp -d)"
chmod 755 "$site"
check "greenroom generate nginx --config /etc/greenroom/greenroom.yml writes the site" \
    /usr/bin/greenroom generate nginx --config /etc/greenroom/greenroom.yml --out "$site/sites-enabled"
if command -v nginx >/dev/null || [ "${CI:-}" = true ]; then
    printf 'pid %s/nginx.pid;\nerror_log stderr;\nevents {}\nhttp { include %s/sites-enabled/*; }\n' \
        "$site" "$site" >"$site/nginx.conf"
    check "nginx -t accepts the generated site" nginx -t -q -c "$site/nginx.conf"
fi
rm -rf "$site"

echo "== without a Swift toolchain"
# The toolchain's directory (where `swift` and its shared libraries live) is covered by an empty
# tmpfs in a mount namespace of its own; the installed binary must not notice.
toolchain=""
if swift_path="$(command -v swift)"; then
    toolchain="$(dirname "$(dirname "$(dirname "$(readlink -f "$swift_path")")")")"
    [ "$toolchain" != /usr ] || toolchain=/usr/lib/swift
fi
check "the binary runs with the toolchain (${toolchain:-none on PATH}) hidden" \
    unshare --mount --propagation private bash "$here/no-toolchain.sh" "$toolchain" /usr/bin/greenroom "$version"

echo "== reinstall over an edited spec"
echo "# edited by the operator" >>/etc/greenroom/greenroom.yml
dpkg -i "$deb" </dev/null
check "the operator's edit survives a second dpkg -i" grep -qx "# edited by the operator" /etc/greenroom/greenroom.yml
check "the edited spec still checks" /usr/bin/greenroom check --config /etc/greenroom/greenroom.yml

echo "== purge"
# As an operator would: enable the units (a file operation; no systemd needs to run), then purge.
for unit in "${units[@]}"; do systemctl enable "$(basename "$unit")" >/dev/null 2>&1 || true; done
check "systemctl enable linked the units, as an operator would" \
    bash -c 'find /etc/systemd/system -lname "/lib/systemd/system/greenroom*" | grep -q .'
dpkg --purge greenroom </dev/null
check "dpkg knows nothing of greenroom" bash -c '! dpkg-query -W -f="\${Status}" greenroom 2>/dev/null | grep -q installed'
leftovers=""
while read -r mode _ _ _ _ path _; do
    path="${path#.}"
    path="${path%/}"
    [ -n "$path" ] || continue
    # Directories the system shares (/usr/bin, /lib/systemd/system, ...) stay; the package's own go.
    if [[ "$mode" == d* ]]; then
        case "$path" in /etc/greenroom | /usr/share/doc/greenroom) [ ! -e "$path" ] || leftovers+=" $path" ;; esac
        continue
    fi
    if [ -e "$path" ] || [ -L "$path" ]; then leftovers+=" $path"; fi
done < <(dpkg-deb -c "$deb")
for path in "/run/$user" "/var/lib/$user" /etc/greenroom; do [ ! -e "$path" ] || leftovers+=" $path"; done
check "nothing of the package is left on disk${leftovers:+ (left:$leftovers)}" test -z "$leftovers"
check "the user and group $user are gone" bash -c '! getent passwd "$0" && ! getent group "$0"' "$user"
check "no link to a greenroom unit is left in /etc/systemd/system" \
    bash -c '! find /etc/systemd/system -lname "*/greenroom*" | grep -q .'

echo "== purge keeps an account the operator made"
useradd --system --shell /usr/sbin/nologin --home-dir "/var/lib/$user" --no-create-home "$user"
dpkg -i "$deb" </dev/null >/dev/null
dpkg --purge greenroom </dev/null >/dev/null
check "the operator's own account $user survives the purge" getent passwd "$user"
userdel "$user"

echo "package test: $failures failure(s), $((SECONDS - started)) s in all"
[ "$failures" -eq 0 ]
