#!/usr/bin/env bash
# Runs the kernel's unit tests and the fuzz smoke test under valgrind's leak
# checker and fails on any definite or indirect leak or memory error.
#
# Usage: npm run leakcheck   (needs valgrind: apt-get install valgrind)
# Rayon's global pool threads are never joined, so their stacks and thread
# locals show up as "possibly lost"/"still reachable"; only definite and
# indirect leaks count as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "leakcheck: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

# Debug info but no LTO surprises: the release profile with symbols kept.
export CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_DEBUG=1
binaries=$(cargo test --release -p phase-router-kernel --lib -p phase-router-fuzz-harness --test smoke --no-run \
  --message-format=json 2>/dev/null | grep -o '"executable":"[^"]*"' | cut -d'"' -f4)

status=0
for bin in $binaries; do
  echo "== valgrind $bin"
  # A smaller smoke run: valgrind is ~30x slower than native.
  set +e
  FUZZ_SMOKE_CASES=400 RAYON_NUM_THREADS=2 valgrind --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$bin" --test-threads=1 > leakcheck.log 2>&1
  code=$?
  set -e
  grep -E "test result|LEAK SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|ERROR SUMMARY" leakcheck.log
  [ "$code" -eq 0 ] || { status=$code; echo "leakcheck: valgrind failed on $bin (exit $code), full log in leakcheck.log"; }
done
exit $status
