#!/usr/bin/env bash
# Soak scenario (issue 14: "hours of load and faults lose nothing"). Starts one redis-server (AOF on, in the results
# directory) and two Switchboard nodes sharing it on free loopback ports: node A = the standalone runner, node B = the
# WAR in Tomcat. The load generator (`loadgen.jar soak`) spreads clients over both, runs faults on a schedule (kill -9
# of node A and its restart, TCP connections cut, Redis shut down and restarted from its AOF, Redis stopped for 20 s,
# hostile frames on connections of its own, slow consumers; the ones on processes through `soak.sh fault ...`), watches
# heap, threads and file descriptors of both nodes, and checks that nothing was lost or doubled. Afterwards the
# servers' logs must hold no stack trace and no SEVERE line. Bounded in time; everything it starts it stops. Load goes
# to 127.0.0.1 only. See bench/README.md ("Soak").
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$BENCH/lib.sh"

# Redis on $SOAK_REDIS_PORT, its AOF (appendonly yes) and its pid (its own process group) under $OUT; appends to its log
start_redis() {
  mkdir -p "$OUT/redis"
  setsid redis-server --port "$SOAK_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly yes --dir "$OUT/redis" \
    >> "$OUT/logs/redis.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$OUT/redis.pid"
  # PONG, not LOADING: the AOF has been read back
  for _ in $(seq 1 300); do
    redis-cli -p "$SOAK_REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0
    alive "$pid" || return 1
    sleep 0.1
  done
  return 1
}

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }  # a zombie is gone

# ------------------------------------------------------------------ faults (called by the load generator)
# soak.sh fault kill-a | redis-restart | redis-pause SECONDS; state in the environment the main run exported, and the
# current pids in files under $SOAK_OUT (node-a.pgid, redis.pid: the faults replace them).
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
      pid=$(cat "$OUT/redis.pid")
      echo "=== $(date -Is) soak: Redis (pid $pid) stopped (SIGSTOP) for ${3:-20} s" >> "$OUT/logs/redis.log"
      kill -STOP "$pid"; sleep "${3:-20}"; kill -CONT "$pid"; echo "pid=$pid" ;;
    redis-restart)
      # a graceful SHUTDOWN (it fsyncs the AOF), then a new redis-server on the same port and AOF: the data survives.
      # A probe key written just before proves it.
      pid=$(cat "$OUT/redis.pid")
      probe="soak-$(date +%s%N)"
      redis-cli -p "$SOAK_REDIS_PORT" set soak:aof-probe "$probe" > /dev/null
      keys=$(redis-cli -p "$SOAK_REDIS_PORT" dbsize)
      echo "=== $(date -Is) soak: Redis (pid $pid, $keys keys) shut down (SHUTDOWN), restarting with its AOF" >> "$OUT/logs/redis.log"
      t0=$(date +%s.%N)
      redis-cli -p "$SOAK_REDIS_PORT" shutdown > /dev/null 2>&1 || true
      for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
      if alive "$pid"; then kill -TERM "$pid"; for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done; fi
      alive "$pid" && { echo "Redis (pid $pid) did not stop"; exit 1; }
      start_redis || { echo "Redis did not come back"; exit 1; }
      down=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
      got=$(redis-cli -p "$SOAK_REDIS_PORT" get soak:aof-probe)
      after=$(redis-cli -p "$SOAK_REDIS_PORT" dbsize)
      echo "old=$pid pid=$(cat "$OUT/redis.pid") probe=$([ "$got" = "$probe" ] && echo kept || echo LOST) keys=$keys->$after down=$down" ;;
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
  --loadgen-args S   extra load generator options (rates, sizes, --redis-pause S, --hostile-rounds N, --trend-fds N:
                     java -jar bench/loadgen/target/loadgen.jar help)
faults in turn: kill-a, tcp-drop, redis-restart (SHUTDOWN, restarted from its AOF), redis-pause (SIGSTOP, 20 s),
  hostile (binary, invalid UTF-8, oversize, ping flood, garbage JSON on fresh connections to A and B), slow-consumers
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
# the product's default rate limits (50 frames/s, a burst of 200, closed 1008 past 50 refusals) instead of run.sh's
# unlimited ones: the soak's clients send at most 5 frames/s each, and the hostile fault's ping flood must meet them
export SWITCHBOARD_RATE_PER_SECOND="${SWITCHBOARD_RATE_PER_SECOND:-50}"
export SWITCHBOARD_RATE_BURST="${SWITCHBOARD_RATE_BURST:-200}"
export SWITCHBOARD_RATE_STRIKES="${SWITCHBOARD_RATE_STRIKES:-50}"
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
  [ -f "$OUT/redis.pid" ] && { kill -CONT "$(cat "$OUT/redis.pid")" 2>/dev/null; STARTED+=("$(cat "$OUT/redis.pid")"); }  # paused?
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
export SOAK_OUT="$OUT" SOAK_A_PORT="$A_PORT" SOAK_REDIS_PORT="$REDIS_PORT" SB_STANDALONE_CMD
start_redis || { log "redis-server did not start"; tail -20 "$OUT/logs/redis.log"; exit 1; }
export SWITCHBOARD_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
log "redis-server on $REDIS_PORT (pid $(cat "$OUT/redis.pid"), AOF in $OUT/redis); starting node A (runner, :$A_PORT) and node B (Tomcat $SB_TOMCAT_VERSION, :$B_PORT)"
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
for pg in "$(cat "$OUT/node-a.pgid")" "$TOMCAT_PG" "$(cat "$OUT/redis.pid")"; do stop_group "$pg"; done
rm -f "$OUT/node-a.pgid" "$OUT/redis.pid"

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
