#!/usr/bin/env bash
# Long fuzzing run of every parser and validator of user input (tests/console/fuzz.rs):
# each target runs for FUZZ_SECONDS (default 600), two at a time.
#   scripts/fuzz.sh                       # 10 minutes per target
#   FUZZ_SECONDS=60 scripts/fuzz.sh       # a quick look
#   FUZZ_SEED=1234 FUZZ_CASES=1 ...       # replay a reported seed (FUZZ_SECONDS unset)
# `cargo test` runs the same targets briefly (FUZZ_CASES, 3000 each).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export FUZZ_SECONDS=${FUZZ_SECONDS:-600}
cargo test -p offline-console --test console fuzz:: -- --nocapture --test-threads 2 2>&1 | grep -E "^fuzz |test result|panicked|FUZZ_SEED"
