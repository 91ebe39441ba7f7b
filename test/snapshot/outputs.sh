#!/usr/bin/env bash
# Writes every output the CLI gives on the fixtures, the examples and the corpus crates into one
# folder, so that a change meant to keep behaviour (a refactor) can be checked with `diff -r`:
#   npm run snapshot -- /tmp/before   (at the old commit)   npm run snapshot -- /tmp/after
#   diff -r /tmp/before /tmp/after    (no output: nothing changed)
# Each corpus crate is checked crate-wide, with default and with all features.
set -uo pipefail
out=${1:?usage: outputs.sh OUTPUT_DIR}
cd "$(dirname "$0")/../.."
cli="node dist/cli.js"
mkdir -p "$out"

run() { # name, then the CLI arguments; stdout, stderr and the exit status all count
  local name=$1; shift
  $cli "$@" >"$out/$name.out" 2>"$out/$name.err"
  echo "exit $?" >>"$out/$name.out"
}

each_format() { # name, then paths and flags
  local name=$1; shift
  run "$name.text" check "$@"
  run "$name.json" check --format json "$@"
  run "$name.sarif" check --format sarif "$@"
  run "$name.report-md" report "$@"
  run "$name.report-json" report --format json "$@"
}

for f in test/fixtures/verdicts/*.rs test/fixtures/findings/*.rs; do
  each_format "fixture-$(basename "$(dirname "$f")")-$(basename "$f" .rs)" "$f"
done
each_format examples examples
each_format crates test/fixtures/crates/app

# RUST_SEND_SYNC_CORPUS: crate folders (separated by spaces or `:`, as the other scripts take them), or the
# folder that holds them, from which the ten corpus crates are taken at their newest version.
IFS=$' \t\n:' read -r -a named <<<"${RUST_SEND_SYNC_CORPUS:-}"
crates=()
if [[ ${#named[@]} -eq 1 && ! -f ${named[0]}/Cargo.toml ]]; then
  for name in tokio crossbeam-utils crossbeam-epoch parking_lot lock_api once_cell hashbrown bytes smallvec rayon-core; do
    newest=$(ls -d "${named[0]}/$name"-[0-9]* 2>/dev/null | sort -V | tail -n 1)
    [[ -n $newest ]] && crates+=("$newest")
  done
else
  crates=("${named[@]}")
fi
[[ ${#crates[@]} -gt 0 ]] || echo "no corpus crates (set RUST_SEND_SYNC_CORPUS): fixtures and examples only" >&2
for d in "${crates[@]}"; do
  name=$(basename "$d")
  each_format "corpus-$name" "$d"
  each_format "corpus-$name-all" --all-features "$d"
done
echo "wrote $(ls "$out" | wc -l) files to $out"
