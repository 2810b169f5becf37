#!/usr/bin/env bash
# Builds and runs every libFuzzer harness in Tests/Fuzz for a bounded time.
#
#   Tests/Fuzz/run.sh [SECONDS] [HARNESS...]      (default: 30 seconds, every harness)
#
# Convention: each Tests/Fuzz/Fuzz*.swift is one harness defining
# @_cdecl("LLVMFuzzerTestOneInput"). Its first lines name what to compile with it:
#   // fuzz-sources: Sources/GreenroomCore [more directories, relative to the repository root]
#   // fuzz-options: -max_len=1024            (optional extra libFuzzer flags)
#   // fuzz-c-targets: Sources/CGreenroomYAML (optional C targets: their *.c compiled with clang
#                                              under the same sanitizers, their include/ made
#                                              importable, with -DYAML_DECLARE_STATIC)
# Seeds live in Tests/Fuzz/Corpus/<Harness>/ (committed), an optional dictionary in
# Tests/Fuzz/<Harness>.dict. Binaries, the growing corpus and crash files go to .build-fuzz/.
#
# Each harness runs with -max_total_time=SECONDS, -timeout=5 per input and -rss_limit_mb=2048,
# under AddressSanitizer (leak detection on). The script exits 1 if any harness crashes, leaks,
# times out or fails to build, printing the harness and the file that reproduces it
# (re-run one with: .build-fuzz/<Harness>/<Harness> <crash-file>).
# Environment: SWIFTC (default swiftc), FUZZ_SWIFTC_FLAGS (default -O -g), FUZZ_RSS_MB.
set -euo pipefail

seconds="${1:-30}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "run.sh: SECONDS must be a positive whole number, not '$seconds'" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fuzz_dir="$root/Tests/Fuzz"
out_root="$root/.build-fuzz"
swiftc="${SWIFTC:-swiftc}"
read -r -a swift_flags <<<"${FUZZ_SWIFTC_FLAGS:--O -g}"
rss_mb="${FUZZ_RSS_MB:-2048}"

if ! command -v "$swiftc" >/dev/null; then
    echo "run.sh: $swiftc not found; install Swift (6.x) to fuzz" >&2
    exit 2
fi
clang="$(dirname "$(command -v "$swiftc")")/clang"
[ -x "$clang" ] || clang=clang
linker=()
if command -v ld.lld >/dev/null || [ -x "$(dirname "$(command -v "$swiftc")")/ld.lld" ]; then
    linker=(-use-ld=lld)  # gold warns about ASan's local symbols; lld links quietly
fi

harnesses=()
if [ "$#" -gt 0 ]; then
    for name in "$@"; do
        name="${name%.swift}"
        [ -f "$fuzz_dir/$name.swift" ] || { echo "run.sh: no harness Tests/Fuzz/$name.swift" >&2; exit 2; }
        harnesses+=("$fuzz_dir/$name.swift")
    done
else
    for file in "$fuzz_dir"/Fuzz*.swift; do [ -e "$file" ] && harnesses+=("$file"); done
fi
if [ "${#harnesses[@]}" -eq 0 ]; then
    echo "run.sh: no Tests/Fuzz/Fuzz*.swift harnesses" >&2
    exit 2
fi

# The value of a `// fuzz-KEY:` line in the first 20 lines of a harness.
header_value() {
    head -n 20 "$1" | sed -n "s|^// fuzz-$2:[[:space:]]*||p" | head -n 1
}

failed=()
summary=()
for harness in "${harnesses[@]}"; do
    name="$(basename "$harness" .swift)"
    out="$out_root/$name"
    mkdir -p "$out/corpus" "$out/artifacts"
    : >"$out/build.log"

    source_dirs="$(header_value "$harness" sources)"
    if [ -z "$source_dirs" ]; then
        echo "== $name: missing '// fuzz-sources: DIR...' line" >&2
        failed+=("$name (no fuzz-sources line)")
        continue
    fi
    sources=()
    for dir in $source_dirs; do
        [ -d "$root/$dir" ] || { echo "== $name: fuzz-sources directory '$dir' does not exist" >&2; sources=(); break; }
        while IFS= read -r -d '' file; do sources+=("$file"); done < <(find "$root/$dir" -name '*.swift' -print0 | sort -z)
    done
    if [ "${#sources[@]}" -eq 0 ]; then
        failed+=("$name (no sources)")
        continue
    fi

    c_objects=()
    c_includes=()
    c_failed=""
    for dir in $(header_value "$harness" c-targets); do
        [ -d "$root/$dir/include" ] || { c_failed="fuzz-c-targets directory '$dir' has no include/"; break; }
        c_includes+=(-I "$root/$dir/include")
        mkdir -p "$out/c"
        for file in "$root/$dir"/*.c; do
            object="$out/c/$(basename "$file" .c).o"
            if ! "$clang" -c -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC \
                -I "$root/$dir/include" "$file" -o "$object" >>"$out/build.log" 2>&1; then
                c_failed="C source $file does not compile (see $out/build.log)"
                break 2
            fi
            c_objects+=("$object")
        done
    done
    if [ -n "$c_failed" ]; then
        echo "== $name: $c_failed" >&2
        failed+=("$name ($c_failed)")
        continue
    fi

    echo "== $name: building with ${#sources[@]} source files from: $source_dirs"
    # -package-name: the sources' `package` declarations are visible to the harness, as to tests.
    if ! "$swiftc" -sanitize=fuzzer,address -parse-as-library -swift-version 6 "${swift_flags[@]}" "${linker[@]}" \
        -module-name "$name" -package-name greenroom "${c_includes[@]}" "${sources[@]}" "$harness" \
        "${c_objects[@]}" -o "$out/$name" >>"$out/build.log" 2>&1; then
        cat "$out/build.log" >&2
        failed+=("$name (build failed, see $out/build.log)")
        continue
    fi

    read -r -a extra <<<"$(header_value "$harness" options)"
    corpora=("$out/corpus")
    [ -d "$fuzz_dir/Corpus/$name" ] && corpora+=("$fuzz_dir/Corpus/$name")
    dict=()
    [ -f "$fuzz_dir/$name.dict" ] && dict=("-dict=$fuzz_dir/$name.dict")

    echo "== $name: fuzzing for ${seconds}s"
    rm -f "$out/artifacts/"*
    set +e
    # The outer timeout is a backstop in case libFuzzer itself wedges.
    timeout --signal=KILL "$((seconds + 120))" \
        env ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}" SWIFT_BACKTRACE="enable=no" \
        "$out/$name" -max_total_time="$seconds" -timeout=5 -rss_limit_mb="$rss_mb" -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/" "${extra[@]}" "${dict[@]}" "${corpora[@]}" >"$out/fuzz.log" 2>&1
    status=$?
    set -e
    runs="$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$out/fuzz.log" | tail -n 1)"
    coverage="$(grep -oE 'cov: [0-9]+' "$out/fuzz.log" | tail -n 1 || true)"
    artifacts=("$out/artifacts/"*)
    if [ "$status" -ne 0 ] || [ -e "${artifacts[0]}" ]; then
        echo "== $name: FAILED (exit $status)" >&2
        grep -E 'ERROR|Fatal error|runtime failure|invariant broken|SUMMARY' "$out/fuzz.log" | head -n 20 >&2 || true
        for artifact in "${artifacts[@]}"; do
            [ -e "$artifact" ] && echo "   reproduce: $out/$name $artifact" >&2
        done
        echo "   full log: $out/fuzz.log" >&2
        failed+=("$name")
    else
        echo "== $name: ok, ${runs:-?} inputs in ${seconds}s (${coverage:-cov: ?})"
    fi
    summary+=("$name: ${runs:-?} runs, ${coverage:-cov: ?}, exit $status")
done

if [ "${#summary[@]}" -gt 0 ]; then
    echo "== summary"
    printf '   %s\n' "${summary[@]}"
fi
if [ "${#failed[@]}" -gt 0 ]; then
    echo "== fuzzing FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "== all harnesses ran clean"
