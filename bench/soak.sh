#!/usr/bin/env bash
# Soak scenario (issue 14: "hours of load and faults lose nothing"). Starts one redis-server and two Switchboard nodes
# sharing it on free loopback ports: node A = the standalone runner, node B = the WAR in Tomcat. The load generator
# (`loadgen.jar soak`) spreads clients over both, runs faults on a schedule (kill -9 of node A and its restart, a Redis
# pause, TCP connections cut, slow consumers) through `soak.sh fault ...`, and checks that nothing was lost or doubled.
# Afterwards the servers' logs must hold no stack trace and no SEVERE line. Bounded in time; everything it starts it
# stops. Load goes to 127.0.0.1 only. See bench/README.md ("Soak").
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$BENCH/lib.sh"

# ------------------------------------------------------------------ faults (called by the load generator)
# soak.sh fault kill-a | soak.sh fault redis-pause SECONDS; state in the environment the main run exported.
if [ "${1:-}" = fault ]; then
  OUT="$SOAK_OUT"
  case "${2:-}" in
    kill-a)
      pg=$(cat "$OUT/node-a.pgid")
      kill -KILL -- "-$pg" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.1; done
      echo "=== $(date -Is) soak: node A killed (kill -9), restarting" >> "$OUT/logs/node-a.log"
      setsid bash -c "export SWITCHBOARD_PORT=$SOAK_A_PORT; $SB_STANDALONE_CMD" >> "$OUT/logs/node-a.log" 2>&1 < /dev/null &
      echo $! > "$OUT/node-a.pgid"
      wait_ready "ws://127.0.0.1:$SOAK_A_PORT" 120 "$!" || { echo "node A did not come back"; exit 1; }
      echo "pid=$(listener_pid "$SOAK_A_PORT")" ;;
    redis-pause)
      kill -STOP "$SOAK_REDIS_PID"; sleep "${3:-5}"; kill -CONT "$SOAK_REDIS_PID"; echo paused ;;
    *) echo "unknown fault ${2:-}" >&2; exit 2 ;;
  esac
  exit 0
fi

usage() {
  cat <<EOF
usage: bench/soak.sh [--minutes N] [options]
  --minutes N        load duration (default 30); faults start after the warm-up, one every --fault-every s
  --fault-every S    seconds between faults (default 90; 20 when --minutes < 10)
  --nice N           niceness of the load generator's session (default 10: the machine is shared)
  --out DIR          results (default bench/results/soak-<date-time>)
  --loadgen-args S   extra load generator options (rates, sizes: java -jar bench/loadgen/target/loadgen.jar help)
environment: SB_REPO, SB_JAVA_OPTS ("-Xmx512m", both nodes), SB_TOMCAT_VERSION (10.1.60), SB_MVN_FLAGS ("-o": offline),
  LOADGEN_JAVA_OPTS ("-Xmx256m"), SWITCHBOARD_* (passed to both nodes)
EOF
}

MINUTES=30; FAULT_EVERY=""; NICE_N=10; OUT=""; EXTRA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --fault-every) FAULT_EVERY="$2"; shift 2 ;;
    --nice) NICE_N="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --loadgen-args) EXTRA="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
short=$(awk -v m="$MINUTES" 'BEGIN { print (m < 10) ? 1 : 0 }')
if [ "$short" = 1 ]; then FAULT_EVERY="${FAULT_EVERY:-20}"; WARMUP=15; HEAP_WINDOW=60; else FAULT_EVERY="${FAULT_EVERY:-90}"; WARMUP=60; HEAP_WINDOW=300; fi

bench_defaults
SB_JAVA_OPTS="${SB_JAVA_OPTS:--Xmx512m}"
SB_MVN_FLAGS="${SB_MVN_FLAGS:--o}"
LOADGEN_JAVA_OPTS="${LOADGEN_JAVA_OPTS:--Xmx256m}"
bench_limits_env
# users by token (names that stay theirs across reconnects: whispers); a small outbox, so that a consumer that stops
# reading overflows it within the pause at these modest rates (the runner's socket send buffer is 128 KB)
export SWITCHBOARD_TOKEN_SECRET="${SWITCHBOARD_TOKEN_SECRET:-soak-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export SWITCHBOARD_OUTBOX_MAX_MESSAGES="${SWITCHBOARD_OUTBOX_MAX_MESSAGES:-200}"

OUT="${OUT:-$BENCH/results/soak-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"
WORK="$BENCH/.work"
mkdir -p "$WORK"

STARTED=()
cleanup() {
  local rc=$? pg
  [ -f "$OUT/node-a.pgid" ] && STARTED+=("$(cat "$OUT/node-a.pgid")")
  for pg in "${STARTED[@]:-}"; do [ -n "$pg" ] && stop_group "$pg"; done
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v redis-server > /dev/null || { log "redis-server is not installed"; exit 2; }
log "building the load generator"
# shellcheck disable=SC2086
mvn -q $SB_MVN_FLAGS -f "$BENCH/loadgen/pom.xml" -DskipTests package > "$OUT/logs/build-loadgen.log" 2>&1 || { cat "$OUT/logs/build-loadgen.log"; exit 1; }
build_runner
build_war
fetch_tomcat

REDIS_PORT=$(free_port); A_PORT=$(free_port); B_PORT=$(free_port)
while [ "$A_PORT" = "$REDIS_PORT" ]; do A_PORT=$(free_port); done
while [ "$B_PORT" = "$REDIS_PORT" ] || [ "$B_PORT" = "$A_PORT" ]; do B_PORT=$(free_port); done
setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$OUT/logs/redis.log" 2>&1 < /dev/null &
STARTED+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
export SWITCHBOARD_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

export SOAK_OUT="$OUT" SOAK_A_PORT="$A_PORT" SOAK_REDIS_PID="$(listener_pid "$REDIS_PORT")" SB_STANDALONE_CMD
log "redis-server on $REDIS_PORT (pid $SOAK_REDIS_PID); starting node A (runner, :$A_PORT) and node B (Tomcat $SB_TOMCAT_VERSION, :$B_PORT)"
setsid bash -c "export SWITCHBOARD_PORT=$A_PORT; $SB_STANDALONE_CMD" > "$OUT/logs/node-a.log" 2>&1 < /dev/null &
echo $! > "$OUT/node-a.pgid"
base="$WORK/soak-tomcat-base"
tomcat_base "$base" "$B_PORT"
setsid bash -c "export CATALINA_HOME='$TOMCAT_HOME' CATALINA_BASE='$base' CATALINA_PID='' CATALINA_OPTS='$SB_JAVA_OPTS'; exec '$TOMCAT_HOME/bin/catalina.sh' run" \
  > "$OUT/logs/node-b.log" 2>&1 < /dev/null &
TOMCAT_PG=$!
STARTED+=("$TOMCAT_PG")
wait_ready "ws://127.0.0.1:$A_PORT" 180 "$(cat "$OUT/node-a.pgid")" || { log "node A did not start"; tail -20 "$OUT/logs/node-a.log"; exit 1; }
wait_ready "ws://127.0.0.1:$B_PORT/switchboard" 180 "$TOMCAT_PG" || { log "node B did not start"; tail -20 "$OUT/logs/node-b.log"; exit 1; }

limit=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 + 600 }')
log "soak: $MINUTES min, a fault every $FAULT_EVERY s after $WARMUP s; load generator log: $OUT/logs/loadgen.log"
rm -f "$OUT/.rc"
# shellcheck disable=SC2086
setsid bash -c "timeout --kill-after=10 $limit java $LOADGEN_JAVA_OPTS -jar '$BENCH/loadgen/target/loadgen.jar' soak \
  --url ws://127.0.0.1:$A_PORT --url-b ws://127.0.0.1:$B_PORT/switchboard \
  --server-pid $(listener_pid "$A_PORT") --server-pid-b $(listener_pid "$B_PORT") --key '$SB_PUBLISHER_KEY' \
  --token-secret '$SWITCHBOARD_TOKEN_SECRET' --fault-cmd '$BENCH/soak.sh fault' --minutes $MINUTES --fault-every $FAULT_EVERY \
  --warmup $WARMUP --heap-window $HEAP_WINDOW --max-seconds $((limit - 20)) $EXTRA > '$OUT/logs/loadgen.log' 2>&1; echo \$? > '$OUT/.rc'" < /dev/null &
lg=$!
STARTED+=("$lg")
prioritize "$lg"
tail -n +1 -F --pid="$lg" "$OUT/logs/loadgen.log" 2>/dev/null &
wait "$lg" || true
rc=$(cat "$OUT/.rc" 2>/dev/null || echo 1)
# the nodes stop first (TERM, as an operator would): what they log on the way out is checked too
for pg in "$(cat "$OUT/node-a.pgid")" "$TOMCAT_PG"; do stop_group "$pg"; done
rm -f "$OUT/node-a.pgid"

# the servers' own word: no stack trace, no SEVERE line (Tomcat's files under its CATALINA_BASE/logs as well). WARNING
# lines (Redis unavailable while it is paused, and back) are expected and listed in the summary.
cp -r "$base/logs" "$OUT/logs/tomcat" 2>/dev/null || true
bad='SEVERE|\((Native Method|Unknown Source|[A-Za-z0-9_$]+\.java:[0-9]+)\)\s*$|^Caused by:|Exception in thread'  # any stack frame
logs=("$OUT/logs/node-a.log" "$OUT/logs/node-b.log" "$OUT/logs/tomcat")
problems=$(grep -rnE "$bad" "${logs[@]}" 2>/dev/null || true)
echo
log "server logs: $(cat "$OUT/logs/node-a.log" "$OUT/logs/node-b.log" | grep -c 'WARNING') WARNING lines, most frequent: $(grep -h 'WARNING' "$OUT/logs/node-a.log" "$OUT/logs/node-b.log" | sed 's/.*WARNING[]: ]*//' | cut -c1-100 | sort | uniq -c | sort -rn | head -5 | tr '\n' ';')"
if [ -n "$problems" ]; then
  log "server logs: $(grep -rhcE "$bad" "${logs[@]}" | awk '{s+=$1} END {print s}') lines with SEVERE or a stack frame:"
  # each stack trace's own line (the one before its first frame), then the first frames
  grep -rhE -B1 "$bad" "${logs[@]}" | grep -vE "$bad|^--$" | sort | uniq -c | sed 's/^/    /' | tee -a "$OUT/run.log"
  echo "$problems" | head -12 | sed 's/^/    /' | tee -a "$OUT/run.log"
else
  log "server logs: no SEVERE line, no exception, no stack trace"
fi
if [ "$rc" = 0 ] && [ -z "$problems" ]; then log "soak: PASS ($MINUTES min; results in $OUT)"; exit 0; fi
log "soak: FAIL (load generator exit code $rc: 0 = passed, 1 = an invariant failed, 2 = could not run, 3 = out of time; logs: $OUT/logs)"
exit 1
