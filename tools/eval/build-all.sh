#!/usr/bin/env bash
# Rebuilds every evaluation set of tools/eval from Debian packages, in the order the tools need them (a fresh machine:
# ~70 min wall on 2 busy cores, ~25 min idle). Run from the repository root; each set goes to its builder's default
# folder under test/output/. A line per set is appended to test/output/eval-status ("NAME ready|FAILED HH:MM").
# Packages: see tools/eval/README.md (build-set, dev2, heldout, heldout2, heldout3, heldout4, heldout5 sections).
set -u
cd "$(dirname "$0")/../.."
mkdir -p test/output
STATUS=test/output/eval-status
run() {
  local name=$1; shift
  echo "=== $name $(date -u +%T)"
  if nice node --import tsx "$@"; then echo "$name ready $(date -u +%H:%M)" >> "$STATUS"; else echo "$name FAILED $(date -u +%H:%M)" >> "$STATUS"; fi
}
run eval-dev-test tools/eval/build-set.ts --jobs 2
run dev2 tools/eval/dev2-set.ts --jobs 2
nice node --import tsx tools/eval/dev2-set.ts --retruth
run key-set tools/eval/key-set.ts --jobs 2
run tempo-synth tools/eval/synth-set.ts
run tempo-octave tools/eval/octave-set.ts
run tempo-sfshift tools/eval/sfshift-set.ts --jobs 2
run tempo-beatless tools/eval/beatless-set.ts
run tempo-pulseless tools/eval/pulseless-set.ts
run key-keyless tools/eval/keyless-set.ts
run tempo-nonmusic tools/eval/nonmusic-set.ts
run heldout tools/eval/heldout-set.ts --jobs 2
nice node --import tsx tools/eval/heldout-set.ts --retruth
run heldout2 tools/eval/heldout2-set.ts --jobs 2
run heldout3 tools/eval/heldout3-set.ts --jobs 1
run heldout4 tools/eval/heldout4-set.ts --jobs 1
run heldout5 tools/eval/heldout5-set.ts --jobs 1
echo "=== done $(date -u +%T)"
