#!/usr/bin/env bash
# A second standalone runner for side-by-side runs, as a `cmd=` target of run.sh: other JVM options, another Java or
# other classes (a worktree's build), on its own port. The class path of its dependencies is the one run.sh wrote
# (run a `standalone` target once first).
#   ALT_PORT (8185)  ALT_CLASSES (target/classes of this repository)  ALT_JAVA_OPTS (-Xms1g -Xmx1g)
#   ALT_JAVA_HOME (default: java on the PATH)
# e.g. bench/run.sh --target standalone \
#        --target "cmd=runner-norefine@ws://127.0.0.1:8185@ALT_JAVA_OPTS='-Xms1g -Xmx1g -XX:G1ConcRefinementThreads=0' bench/runner-alt.sh"
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
classpath="$BENCH/.work/sb.classpath"
[ -f "$classpath" ] || { echo "runner-alt: no $classpath; run a standalone target once first" >&2; exit 2; }
java="${ALT_JAVA_HOME:+$ALT_JAVA_HOME/bin/}java"
export SWITCHBOARD_PORT="${ALT_PORT:-8185}"
cd "$BENCH/.."
# shellcheck disable=SC2086
exec "$java" ${ALT_JAVA_OPTS:--Xms1g -Xmx1g} -cp "${ALT_CLASSES:-$BENCH/../target/classes}:$(cat "$classpath")" \
  "${SB_MAIN_CLASS:-dev.switchboard.standalone.Runner}"
