#!/usr/bin/env bash
# Switchboard load benchmark driver: builds the load generator, installs the Node baseline, starts each
# server fresh for every (repetition, scenario), alternating servers, runs the scenarios, and prints one
# table of medians with ratios against the Node baseline. Everything it starts it stops (trap), and
# every run is bounded in time. Load goes to 127.0.0.1 only. See bench/README.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$BENCH/lib.sh"
usage() {
  cat <<EOF
usage: bench/run.sh [options]
  --target T         repeatable; T is one of
                       node                      the Node ws relay in bench/node-relay (baseline)
                       standalone                Switchboard's Tyrus/Grizzly runner (\$SB_STANDALONE_CMD or built from \$SB_REPO)
                       tomcat                    Switchboard's WAR in Tomcat \$SB_TOMCAT_VERSION (zip from Maven Central)
                       tomcat-vt                 the same WAR in the same Tomcat on Java >= 21 (\$SB_VT_JAVA_HOME, else the first
                                                 found in /usr/lib/jvm) with useVirtualThreads="true", on \$SB_TOMCAT_VT_PORT (8282)
                       tomcat-floor, tomcat-floor-vt   the same two Tomcats with bench/tomcat-floor's WAR instead of Switchboard's: the
                                                 least a JSR 356 relay does for chat and fan-out (what the container itself costs),
                                                 on \$SB_TOMCAT_FLOOR_PORT (8286) and \$SB_TOMCAT_FLOOR_VT_PORT (8287)
                       url=ws://127.0.0.1:PORT[/ctx][,pid=N][,label=NAME]   an already running server (not restarted)
                       cmd=LABEL@ws://127.0.0.1:PORT[/ctx]@COMMAND            started with COMMAND (bash -c), stopped after each run
                     default: node standalone tomcat
  --scenarios LIST   comma-separated: fanout,fanout@150k,rooms,notify,capacity,storm (default: all of them), and db, chat, cluster, cluster-split
                     (database topics: a throwaway PostgreSQL on \$SB_PG_PORT, 8432; Switchboard targets only)
                     chat: 1000 clients in 500 rooms of 2, everyone sending 40-char texts, --chat-rates messages/s in
                     cluster: chat through two runner nodes sharing one redis-server (started on \$SB_REDIS_PORT), all
                       clients on node A (B idle); cluster-split: one member of each room on A, the other on B;
                       --cluster-rates; only for the standalone target (node runs the same chat alone, as the reference)
  --reps N           repetitions, servers alternated within each (default 3)
  --mode M           unpinned | pinned | both (default unpinned); pinned: server on CPU 0, load generator on CPU 1
  --quick            smoke test: a few hundred connections, a few seconds per scenario, strict counting
  --out DIR          results directory (default bench/results/<date-time>)
  --max-minutes N    stop starting new runs after N minutes (default 240)
  --capacity-conns N connections held in the capacity scenario (default 20000, capped by ulimit -Hn)
  --rates LIST       offered deliveries/s of the sweeps (default 50k,100k,150k,200k,300k,400k,600k,800k)
  --chat-rates LIST  messages/s IN of the chat scenario (default 5k,10k,20k; every step is measured, no stop)
  --cluster-rates L  messages/s IN of the cluster scenarios (default 2.5k,5k,10k)
  --prewarm S        unrecorded load at the first rate before each sweep (default 20 s)
  --loadgen-args S   extra arguments for every load generator run (e.g. "--measure 10")
  --nice N           run servers and load generator under nice -n N (e.g. -10 on a shared machine; see README)
  -h, --help
environment: SB_REPO, SB_STANDALONE_CMD, SB_STANDALONE_PORT (8180), SB_STANDALONE_PORT_B (8181), SB_REDIS_PORT (6390), SB_MAIN_CLASS, SB_WAR, SB_TOMCAT_VERSION (10.1.60),
  SB_TOMCAT_PORT (8280), SB_TOMCAT_CONNECTOR (extra <Connector> attributes, e.g. 'socket.appReadBufSize="2048"'),
  SB_JAVA_OPTS ("-Xms1g -Xmx1g"), NODE_PORT (8190), SB_PUBLISHER_KEY (bench-key), SB_PG_PORT (8432),
  LOADGEN_JAVA_OPTS ("-Xms1g -Xmx1g"), SWITCHBOARD_* (passed to Switchboard; see README)
EOF
}

TARGETS=()
SCENARIOS="fanout,fanout@150k,rooms,notify,capacity,storm"
REPS=3
MODE=unpinned
QUICK=0
OUT=""
MAX_MINUTES=240
CAP_CONNS=20000
RATES="50k,100k,150k,200k,300k,400k,600k,800k"
CHAT_RATES="5k,10k,20k"
CLUSTER_RATES="2.5k,5k,10k"
PREWARM=20
EXTRA=""
NICE=""
NICE_N=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGETS+=("$2"); shift 2 ;;
    --target=*) TARGETS+=("${1#*=}"); shift ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --mode) MODE="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --max-minutes) MAX_MINUTES="$2"; shift 2 ;;
    --capacity-conns) CAP_CONNS="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --chat-rates) CHAT_RATES="$2"; shift 2 ;;
    --cluster-rates) CLUSTER_RATES="$2"; shift 2 ;;
    --prewarm) PREWARM="$2"; shift 2 ;;
    --loadgen-args) EXTRA="$2"; shift 2 ;;
    --nice) NICE="nice -n $2"; NICE_N="$2"
            # others may use the idle CPU at lower priority: do not wait for quiet, do not reject steps for it
            EXTRA="$EXTRA --quiet-timeout 0 --max-other 200"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(node standalone tomcat)
case "$MODE" in unpinned) MODES=(unpinned) ;; pinned) MODES=(pinned) ;; both) MODES=(unpinned pinned) ;; *) echo "bad --mode $MODE" >&2; exit 2 ;; esac
[ "$QUICK" = 1 ] && REPS=1

bench_defaults
SB_STANDALONE_PORT="${SB_STANDALONE_PORT:-8180}"
SB_STANDALONE_PORT_B="${SB_STANDALONE_PORT_B:-8181}"
SB_REDIS_PORT="${SB_REDIS_PORT:-6390}"
SB_TOMCAT_PORT="${SB_TOMCAT_PORT:-8280}"
SB_TOMCAT_VT_PORT="${SB_TOMCAT_VT_PORT:-8282}"
SB_TOMCAT_FLOOR_PORT="${SB_TOMCAT_FLOOR_PORT:-8286}"
SB_TOMCAT_FLOOR_VT_PORT="${SB_TOMCAT_FLOOR_VT_PORT:-8287}"
SB_JAVA_OPTS="${SB_JAVA_OPTS:--Xms1g -Xmx1g}"
NODE_PORT="${NODE_PORT:-8190}"
SB_PG_PORT="${SB_PG_PORT:-8432}"
LOADGEN_JAVA_OPTS="${LOADGEN_JAVA_OPTS:--Xms1g -Xmx1g}"
bench_limits_env

OUT="${OUT:-$BENCH/results/$(date +%Y%m%d-%H%M%S)$(if [ "$QUICK" = 1 ]; then echo -quick; fi)}"
mkdir -p "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"
WORK="$BENCH/.work"
mkdir -p "$WORK"
RESULTS="$OUT/results.csv"
START_TS=$(date +%s)

# ------------------------------------------------------------------ cleanup: whatever we started goes
STARTED=()   # process group ids
RESTORE_AFFINITY=()
PG_DIR=""   # the db scenario's PostgreSQL (pg_start)
cleanup() {
  local rc=$?
  for pg in "${STARTED[@]:-}"; do [ -n "$pg" ] && stop_group "$pg"; done
  pg_stop
  for ra in "${RESTORE_AFFINITY[@]:-}"; do [ -n "$ra" ] && taskset -a -p "${ra#*:}" "${ra%%:*}" >/dev/null 2>&1 || true; done
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ the db scenario's PostgreSQL
# A throwaway cluster (Debian's postgresql package), as the tests start one: initdb into bench/.work, the postgres
# user when run as root, loopback only, default durability (fsync and synchronous_commit on).
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_BIN=""
pg_start() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$PG_BIN/initdb" ] || { log "db: PostgreSQL is not installed (apt-get install -y postgresql)"; return 1; }
  PG_DIR=$(mktemp -d /tmp/switchboard-bench-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$OUT/logs/pg-initdb.log" 2>&1 \
    || { log "db: initdb failed (log: $OUT/logs/pg-initdb.log)"; return 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $SB_PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=100" start > /dev/null \
    || { log "db: PostgreSQL did not start ($PG_DIR/server.log)"; return 1; }
  log "db: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$SB_PG_PORT"
}
pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1 || true
  rm -rf "$PG_DIR"; PG_DIR=""
}
pg_reset() { # a new database "bench" with the watched table, for a fresh server
  local psql="$PG_BIN/psql -X -q -h 127.0.0.1 -p $SB_PG_PORT -U postgres -v ON_ERROR_STOP=1"
  $psql -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench" > /dev/null \
    && $psql -d bench -c "CREATE TABLE bench_commits (id bigint PRIMARY KEY, b text NOT NULL)" > /dev/null
}

# ------------------------------------------------------------------ builds
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$CAP_CONNS" -gt $((NOFILE - 500)) ]; then
  log "note: open files are limited to $NOFILE per process (ulimit -Hn); capacity holds $((NOFILE - 500)) connections instead of $CAP_CONNS"
  CAP_CONNS=$((NOFILE - 500))
fi

log "building the load generator"
mvn -q -f "$BENCH/loadgen/pom.xml" -DskipTests package > "$OUT/logs/build-loadgen.log" 2>&1 || { cat "$OUT/logs/build-loadgen.log"; exit 1; }
LOADGEN="$BENCH/loadgen/target/loadgen.jar"

needs() { local t; for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

if needs node; then
  log "installing the Node relay's dependencies (npm)"
  (cd "$BENCH/node-relay" && npm install --no-audit --no-fund --loglevel=error) > "$OUT/logs/npm.log" 2>&1 || { cat "$OUT/logs/npm.log"; exit 1; }
fi

needs standalone && [ -z "${SB_STANDALONE_CMD:-}" ] && build_runner
{ needs tomcat || needs tomcat-vt; } && { build_war; fetch_tomcat; }
{ needs tomcat-floor || needs tomcat-floor-vt; } && { build_floor; fetch_tomcat; }
if needs tomcat-vt || needs tomcat-floor-vt; then
  SB_VT_JAVA_HOME="${SB_VT_JAVA_HOME:-$(java_at_least 21)}"
  [ -n "$SB_VT_JAVA_HOME" ] || { echo "tomcat-vt needs Java 21 or later: set SB_VT_JAVA_HOME" >&2; exit 2; }
  log "tomcat-vt runs on $SB_VT_JAVA_HOME"
fi

{
  echo "date: $(date -Is)"; echo "host: $(uname -a)"; echo "cpus: $(nproc)"; echo "java: $(java -version 2>&1 | head -1)"
  echo "node: $(node -v 2>/dev/null)"; echo "server repo: $SB_REPO $(git -C "$SB_REPO" log -1 --format='%h %s' 2>/dev/null || true)"
  echo "targets: ${TARGETS[*]}"; echo "scenarios: $SCENARIOS"; echo "reps: $REPS modes: ${MODES[*]} quick: $QUICK"
  echo "SB_JAVA_OPTS: $SB_JAVA_OPTS"; echo "SB_TOMCAT_CONNECTOR: $SB_TOMCAT_CONNECTOR"; env | grep '^SWITCHBOARD_' | grep -v KEY || true
} > "$OUT/meta.txt"

# ------------------------------------------------------------------ targets
# start_target T MODE LOGFILE -> sets URL, PID, LABEL, PGID ("" for url= targets)
start_target() {
  local t="$1" mode="$2" logf="$3" pin=""
  [ "$mode" = pinned ] && pin="taskset -c 0"
  pin="$NICE $pin"
  URL=""; PID=""; LABEL=""; PGID=""
  local cmd=""
  case "$t" in
    node)
      LABEL=node; URL="ws://127.0.0.1:$NODE_PORT"
      cmd="cd '$BENCH/node-relay' && PORT=$NODE_PORT PUBLISHER_KEY='$SB_PUBLISHER_KEY' exec $pin node --expose-gc relay.js" ;;
    standalone)
      LABEL=standalone; URL="ws://127.0.0.1:$SB_STANDALONE_PORT"
      cmd="export SWITCHBOARD_PORT=$SB_STANDALONE_PORT; $pin bash -c \"$SB_STANDALONE_CMD\"" ;;
    tomcat|tomcat-vt|tomcat-floor|tomcat-floor-vt)
      local port="$SB_TOMCAT_PORT" war="${SB_WAR:-}" connector="$SB_TOMCAT_CONNECTOR" java=""
      case "$t" in
        tomcat-vt) port="$SB_TOMCAT_VT_PORT" ;;
        tomcat-floor) port="$SB_TOMCAT_FLOOR_PORT"; war="$FLOOR_WAR" ;;
        tomcat-floor-vt) port="$SB_TOMCAT_FLOOR_VT_PORT"; war="$FLOOR_WAR" ;;
      esac
      case "$t" in *-vt)
        connector="useVirtualThreads=\"true\" $connector"
        java="export JAVA_HOME='$SB_VT_JAVA_HOME' JRE_HOME='$SB_VT_JAVA_HOME';" ;;
      esac
      LABEL="$t"; URL="ws://127.0.0.1:$port/switchboard"
      local base="$WORK/$t-base"
      SB_WAR="$war" SB_TOMCAT_CONNECTOR="$connector" tomcat_base "$base" "$port"
      cmd="$java export CATALINA_HOME='$TOMCAT_HOME' CATALINA_BASE='$base' CATALINA_PID='' CATALINA_OPTS='$SB_JAVA_OPTS'; exec $pin '$TOMCAT_HOME/bin/catalina.sh' run" ;;
    url=*)
      local spec="${t#url=}"; URL="${spec%%,*}"; LABEL="url:$(port_of "$URL")"
      local kv; IFS=',' read -ra kv <<< "$spec"
      for x in "${kv[@]:1}"; do case "$x" in pid=*) PID="${x#pid=}" ;; label=*) LABEL="${x#label=}" ;; esac; done
      [ -n "$PID" ] || PID=$(listener_pid "$(port_of "$URL")")
      if [ "$mode" = pinned ] && [ -n "$PID" ]; then
        RESTORE_AFFINITY+=("$PID:$(taskset -p "$PID" | sed 's/.*: //')")
        taskset -a -p 1 "$PID" > /dev/null
      fi
      wait_ready "$URL" 10 "" || { log "$LABEL: $URL does not answer /api/health"; return 1; }
      return 0 ;;
    cmd=*)
      local spec="${t#cmd=}"; LABEL="${spec%%@*}"; spec="${spec#*@}"; URL="${spec%%@*}"; cmd="$pin bash -c \"${spec#*@}\"" ;;
    *) echo "unknown target $t" >&2; return 1 ;;
  esac
  local port; port=$(port_of "$URL")
  if [ -n "$(listener_pid "$port")" ] || ss -Hltn "sport = :$port" | grep -q .; then
    log "$LABEL: port $port is already in use; not starting"; return 1
  fi
  setsid bash -c "$cmd" > "$logf" 2>&1 < /dev/null &
  PGID=$!
  STARTED+=("$PGID")
  prioritize "$PGID"
  if ! wait_ready "$URL" 180 "$PGID"; then
    log "$LABEL: did not become ready (log: $logf)"; tail -5 "$logf" | sed 's/^/    /'; stop_group "$PGID"; return 1
  fi
  PID=$(listener_pid "$port")
  return 0
}

# ------------------------------------------------------------------ cluster: redis-server and node B
# start_cluster MODE LOGPREFIX: a fresh redis-server and runner node B on it; exports SWITCHBOARD_REDIS_URL so that
# node A (started next by start_target) joins them. Sets CL_ARGS (load generator) and CL_GROUPS (to stop).
CL_ARGS=""; CL_GROUPS=()
start_cluster() {
  local mode="$1" lp="$2" i rpid
  command -v redis-server > /dev/null || { log "cluster: redis-server is not installed"; return 1; }
  if [ -n "$(listener_pid "$SB_REDIS_PORT")" ]; then log "cluster: port $SB_REDIS_PORT is already in use"; return 1; fi
  setsid redis-server --port "$SB_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no > "$lp-redis.log" 2>&1 < /dev/null &
  CL_GROUPS=($!); STARTED+=($!); prioritize "$!"
  for i in $(seq 1 100); do redis-cli -p "$SB_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  rpid=$(listener_pid "$SB_REDIS_PORT")
  export SWITCHBOARD_REDIS_URL="redis://127.0.0.1:$SB_REDIS_PORT"
  local a_port="$SB_STANDALONE_PORT"
  SB_STANDALONE_PORT="$SB_STANDALONE_PORT_B"
  if ! start_target standalone "$mode" "$lp-node-b.log"; then SB_STANDALONE_PORT="$a_port"; return 1; fi
  SB_STANDALONE_PORT="$a_port"
  CL_GROUPS+=("$PGID")
  CL_ARGS="--url-b $URL --server-pid-b ${PID:--1} --redis-pid ${rpid:--1}"
}
stop_cluster() {
  local g
  for g in "${CL_GROUPS[@]:-}"; do [ -n "$g" ] && stop_group "$g"; done
  CL_GROUPS=(); CL_ARGS=""; unset SWITCHBOARD_REDIS_URL
}

# ------------------------------------------------------------------ scenarios
scenario_args() { # $1 scenario -> loadgen arguments
  if [ "$QUICK" = 1 ]; then
    local q="--warmup 1 --measure 2 --drain 10 --no-stop --quiet-timeout 5 --noisy-retries 0 --strict"
    case "$1" in
      fanout) echo "fanout --clients 200 --senders 5 --rates 10k,20k $q" ;;
      fanout@150k) echo "fanout --name fanout@20k --clients 200 --senders 5 --rates 20k $q" ;;
      rooms) echo "rooms --clients 400 --rooms 8 --senders 2 --rates 10k,20k $q" ;;
      notify) echo "notify --clients 300 --rates 10k,20k $q" ;;
      capacity) echo "capacity --clients 500 --strict" ;;
      storm) echo "storm --clients 300 --rooms 6 --strict" ;;
      chat) echo "chat --clients 200 --room-size 2 --rates 1k,2k $q" ;;
      cluster) echo "chat --name cluster --place a --clients 200 --room-size 2 --rates 1k $q" ;;
      cluster-split) echo "chat --name cluster-split --place split --clients 200 --room-size 2 --rates 1k $q" ;;
      db) echo "db --clients 200 --rates 2k,4k --topic table:bench_commits --db-url jdbc:postgresql://127.0.0.1:$SB_PG_PORT/bench $q" ;;
    esac
    return
  fi
  local sweep="--rates $RATES --prewarm $PREWARM --warmup 2 --measure 5 --drain 10"
  case "$1" in
    fanout) echo "fanout --clients 1000 --senders 10 $sweep" ;;
    fanout@150k) echo "fanout --name fanout@150k --clients 1000 --senders 10 --rates 150k --prewarm $PREWARM --warmup 3 --measure 10 --no-stop" ;;
    rooms) echo "rooms --clients 5000 --rooms 100 --senders 2 $sweep" ;;
    notify) echo "notify --clients 5000 $sweep" ;;
    capacity) echo "capacity --clients $CAP_CONNS --room-size 50" ;;
    storm) echo "storm --clients 5000 --rooms 50 --history 20 --missed 10" ;;
    chat) echo "chat --clients 1000 --room-size 2 --text-chars 40 --rates $CHAT_RATES --prewarm $PREWARM --warmup 2 --measure 5 --drain 10 --no-stop" ;;
    cluster|cluster-split)
      local place=a; [ "$1" = cluster-split ] && place=split
      echo "chat --name $1 --place $place --clients 1000 --room-size 2 --text-chars 40 --rates $CLUSTER_RATES --prewarm $PREWARM --warmup 2 --measure 5 --drain 10 --no-stop" ;;
    # deliveries/s = commits/s x 1000 clients: 50k = 50 commits/s
    db) echo "db --clients 1000 --topic table:bench_commits --db-url jdbc:postgresql://127.0.0.1:$SB_PG_PORT/bench $sweep" ;;
  esac
}

FAILS=0
RUNS=0
IFS=',' read -ra SCEN <<< "$SCENARIOS"
for sc in "${SCEN[@]}"; do [ "$sc" = db ] && { pg_start || exit 1; }; done
log "results in $OUT; targets: ${TARGETS[*]}; scenarios: ${SCEN[*]}; reps: $REPS; modes: ${MODES[*]}"
for mode in "${MODES[@]}"; do
  for rep in $(seq 1 "$REPS"); do
    for sc in "${SCEN[@]}"; do
      for t in "${TARGETS[@]}"; do
        if [ $(( $(date +%s) - START_TS )) -gt $(( MAX_MINUTES * 60 )) ]; then
          log "--max-minutes $MAX_MINUTES reached: no more runs"; break 4
        fi
        tag="$mode-r$rep-$sc-${t//[^A-Za-z0-9@.-]/_}"
        if [ "$sc" = db ]; then
          # database topics are Switchboard's: the Node baseline has none
          [ "$t" = node ] && { log "node: no database topics; db skipped"; continue; }
          pg_reset || { log "db: could not create the bench database"; FAILS=$((FAILS + 1)); continue; }
          export SWITCHBOARD_DB_URL="jdbc:postgresql://127.0.0.1:$SB_PG_PORT/bench" SWITCHBOARD_DB_USER=postgres \
                 SWITCHBOARD_DB_WATCH=bench_commits
        else
          unset SWITCHBOARD_DB_URL SWITCHBOARD_DB_USER SWITCHBOARD_DB_WATCH
        fi
        if [ "${sc#cluster}" != "$sc" ]; then
          case "$t" in
            standalone) if ! start_cluster "$mode" "$OUT/logs/server-$tag"; then stop_cluster; FAILS=$((FAILS + 1)); continue; fi ;;
            node) ;;  # the reference: the same chat on one Node process
            *) log "$t: $sc is for the standalone target only; skipped"; continue ;;
          esac
        fi
        if ! start_target "$t" "$mode" "$OUT/logs/server-$tag.log"; then stop_cluster; FAILS=$((FAILS + 1)); continue; fi
        args=$(scenario_args "$sc")
        pin=""; threads=""
        if [ "$mode" = pinned ]; then pin="taskset -c 1"; threads="--threads 1"; fi
        limit=1500; [ "$QUICK" = 1 ] && limit=180
        log "$LABEL ($mode, rep $rep): $sc"
        RUNS=$((RUNS + 1))
        lglog="$OUT/logs/loadgen-$tag.log"
        rm -f "$OUT/.rc"
        # its own process group, so that the trap can stop it (and a TERM to this script is acted on at once)
        # shellcheck disable=SC2086
        setsid bash -c "timeout --foreground --kill-after=10 $limit $NICE $pin java $LOADGEN_JAVA_OPTS -jar '$LOADGEN' $args $threads $EXTRA \
          --url '$URL' --server-pid '${PID:--1}' --label '$LABEL' --mode $mode --rep $rep --out '$RESULTS' \
          $CL_ARGS --key '$SB_PUBLISHER_KEY' --max-seconds $((limit - 20)) > '$lglog' 2>&1; echo \$? > '$OUT/.rc'" < /dev/null &
        lg=$!
        STARTED+=("$lg")
        prioritize "$lg"
        tail -n +1 -F --pid="$lg" "$lglog" 2>/dev/null \
          | grep --line-buffered -E '\] (fanout|rooms|chat|cluster|notify|db|capacity|storm|stop|noisy|FAILED|setup: [0-9]+ conn)' &
        tp=$!
        wait "$lg" || true
        wait "$tp" || true
        stop_group "$lg"
        rc=$(cat "$OUT/.rc" 2>/dev/null || echo 1)
        if [ "$rc" != 0 ]; then log "  load generator exit code $rc (1 = counts did not add up, 2 = failed, 124 = timed out)"; FAILS=$((FAILS + 1)); fi
        if [ -n "$PGID" ]; then
          if ! kill -0 "$PGID" 2>/dev/null; then log "  $LABEL died during the run (log: $OUT/logs/server-$tag.log)"; FAILS=$((FAILS + 1)); fi
          stop_group "$PGID"
        fi
        stop_cluster
      done
    done
  done
done

echo
if [ -f "$RESULTS" ]; then
  java -Djava.awt.headless=true -jar "$LOADGEN" report --in "$RESULTS" --out-dir "$OUT" --baseline node | tee -a "$OUT/run.log"
fi
log "$RUNS runs, $FAILS problems; raw rows: $RESULTS; logs: $OUT/logs"
[ "$QUICK" = 1 ] && { [ "$FAILS" = 0 ] && log "quick: PASS (every run counted every delivery exactly once)" || log "quick: FAIL"; }
[ "$FAILS" = 0 ]
