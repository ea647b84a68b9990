# Shared by run.sh and soak.sh (sourced): logging, process groups, ports, readiness, and how Switchboard's runner,
# WAR and Tomcat are built or fetched. Globals it uses: OUT, WORK, SB_* (see run.sh -h), STARTED, NICE_N, SB_MVN_FLAGS.

log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }

stop_group() { # $1 = process group id (the leader's pid): TERM, then KILL after 15 s
  local pg=$1 i p keep=()
  for p in "${STARTED[@]:-}"; do [ "$p" != "$pg" ] && [ -n "$p" ] && keep+=("$p"); done
  STARTED=("${keep[@]:-}")
  kill -TERM -- "-$pg" 2>/dev/null || return 0
  for i in $(seq 1 150); do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pg" 2>/dev/null || true
}

prioritize() { # $1 = session leader started with setsid: with autogroup scheduling, nice is relative to the
  # session, so the session's own autogroup gets the niceness (needs CAP_SYS_NICE for negative values)
  [ -n "$NICE_N" ] || return 0
  local i
  for i in $(seq 1 50); do [ "$(ps -o sid= -p "$1" 2>/dev/null | tr -d ' ')" = "$1" ] && break; sleep 0.02; done  # setsid done
  if [ -w "/proc/$1/autogroup" ]; then echo "$NICE_N" > "/proc/$1/autogroup" 2>/dev/null || log "note: cannot set autogroup nice $NICE_N"; fi
}

listener_pid() { # pid listening on TCP port $1
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}

port_of() { local u="${1#*://}"; u="${u%%/*}"; echo "${u##*:}"; }
http_of() { local u="$1"; u="${u/ws:\/\//http://}"; echo "${u%/}"; }

wait_ready() { # $1 url (ws://host:port/ctx) $2 timeout s $3 pgid: HTTP /api/health answers
  local health; health="$(http_of "$1")/api/health"
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi  # the group leader exited
    curl -sf -o /dev/null --max-time 2 "$health" && return 0
    sleep 0.3
  done
  return 1
}

free_port() { # a free TCP port below the ephemeral range (20000-32767), as the tests' RedisServer.freePort picks one
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12768 ))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}

bench_defaults() { # what both scripts start from unless the environment says otherwise
  SB_REPO="${SB_REPO:-$(cd "$BENCH/.." && pwd)}"
  SB_MAIN_CLASS="${SB_MAIN_CLASS:-dev.switchboard.standalone.Runner}"
  SB_TOMCAT_VERSION="${SB_TOMCAT_VERSION:-10.1.60}"
  SB_TOMCAT_CONNECTOR="${SB_TOMCAT_CONNECTOR:-}"
  SB_PUBLISHER_KEY="${SB_PUBLISHER_KEY:-bench-key}"
}

bench_limits_env() {
  # Switchboard's protective limits would otherwise throttle the load itself: 10 senders at 80 messages/s
  # each, 5000+ connections from one address. The benchmark measures the relay, not the limits.
  export SWITCHBOARD_PUBLISHER_KEY="${SWITCHBOARD_PUBLISHER_KEY:-$SB_PUBLISHER_KEY}"
  export SWITCHBOARD_RATE_PER_SECOND="${SWITCHBOARD_RATE_PER_SECOND:-1000000}"
  export SWITCHBOARD_RATE_BURST="${SWITCHBOARD_RATE_BURST:-1000000}"
  export SWITCHBOARD_MAX_CONNECTIONS_PER_ADDRESS="${SWITCHBOARD_MAX_CONNECTIONS_PER_ADDRESS:-1000000}"
  # issue 13's limits, also per address: every bench client comes from 127.0.0.1 and opens its room (500 new
  # channels in chat) and its handshake (256 at a time) within seconds
  export SWITCHBOARD_MAX_PENDING_CONNECTIONS_PER_ADDRESS="${SWITCHBOARD_MAX_PENDING_CONNECTIONS_PER_ADDRESS:-1000000}"
  export SWITCHBOARD_NEW_CHANNELS_PER_MINUTE="${SWITCHBOARD_NEW_CHANNELS_PER_MINUTE:-1000000}"
  export SWITCHBOARD_NEW_CHANNELS_PER_MINUTE_PER_ADDRESS="${SWITCHBOARD_NEW_CHANNELS_PER_MINUTE_PER_ADDRESS:-1000000}"
}

build_runner() { # sets SB_STANDALONE_CMD: java with Switchboard's classes and its (test-scope) classpath
  [ -f "$SB_REPO/pom.xml" ] || { echo "standalone: no pom.xml in SB_REPO=$SB_REPO; set SB_REPO or SB_STANDALONE_CMD" >&2; exit 2; }
  log "building Switchboard (standalone runner) in $SB_REPO"
  # shellcheck disable=SC2086
  mvn -q ${SB_MVN_FLAGS:-} -f "$SB_REPO/pom.xml" -DskipTests compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$WORK/sb.classpath" > "$OUT/logs/build-switchboard.log" 2>&1 \
    || { tail -30 "$OUT/logs/build-switchboard.log"; exit 1; }
  SB_STANDALONE_CMD="cd '$SB_REPO' && exec java $SB_JAVA_OPTS -cp '$SB_REPO/target/classes:$(cat "$WORK/sb.classpath")' $SB_MAIN_CLASS"
}

build_war() { # sets SB_WAR unless given; always rebuilt (incremental), so the WAR matches the sources
  [ -z "${SB_WAR:-}" ] || return 0
  [ -f "$SB_REPO/pom.xml" ] || { echo "tomcat: no pom.xml in SB_REPO=$SB_REPO; set SB_REPO or SB_WAR" >&2; exit 2; }
  log "building Switchboard's WAR in $SB_REPO"
  # shellcheck disable=SC2086
  mvn -q ${SB_MVN_FLAGS:-} -f "$SB_REPO/pom.xml" -DskipTests package > "$OUT/logs/build-war.log" 2>&1 || { tail -30 "$OUT/logs/build-war.log"; exit 1; }
  # the build's finalName; not `ls -t target/*.war | head -1`: with the copies Arquillian leaves in target/ the listing
  # outgrows the pipe, ls dies of SIGPIPE, and pipefail ended the whole run here without a word
  SB_WAR="$SB_REPO/target/switchboard.war"
  [ -f "$SB_WAR" ] || { echo "tomcat: no $SB_WAR after the build" >&2; exit 1; }
}

build_floor() { # sets FLOOR_WAR: bench/tomcat-floor's relay, the container's floor (a standalone build, like the load generator)
  log "building the floor relay (bench/tomcat-floor)"
  # shellcheck disable=SC2086
  mvn -q ${SB_MVN_FLAGS:-} -f "$BENCH/tomcat-floor/pom.xml" -DskipTests package > "$OUT/logs/build-floor.log" 2>&1 \
    || { tail -30 "$OUT/logs/build-floor.log"; exit 1; }
  FLOOR_WAR="$BENCH/tomcat-floor/target/floor.war"
}

fetch_tomcat() { # sets TOMCAT_HOME: Tomcat's zip from Maven Central (or the local repository), unpacked in $WORK
  TOMCAT_HOME="$WORK/apache-tomcat-$SB_TOMCAT_VERSION"
  [ -x "$TOMCAT_HOME/bin/catalina.sh" ] && return 0
  log "fetching Tomcat $SB_TOMCAT_VERSION from Maven Central"
  # shellcheck disable=SC2086
  mvn -q ${SB_MVN_FLAGS:-} dependency:copy -Dartifact="org.apache.tomcat:tomcat:$SB_TOMCAT_VERSION:zip" -DoutputDirectory="$WORK" > "$OUT/logs/tomcat-fetch.log" 2>&1 \
    || { cat "$OUT/logs/tomcat-fetch.log"; exit 1; }
  (cd "$WORK" && rm -rf "apache-tomcat-$SB_TOMCAT_VERSION" && python3 -m zipfile -e "tomcat-$SB_TOMCAT_VERSION.zip" . && chmod +x "apache-tomcat-$SB_TOMCAT_VERSION"/bin/*.sh)
}

java_at_least() { # $1 major version: the first JDK in /usr/lib/jvm with at least that version, else nothing
  local j v
  for j in /usr/lib/jvm/*/; do
    [ -x "$j/bin/java" ] || continue
    v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java\.specification\.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge "$1" ] 2>/dev/null; then echo "${j%/}"; return 0; fi
  done
}

tomcat_base() { # $1 dir $2 port: a fresh CATALINA_BASE with $SB_WAR as switchboard.war, NIO on 127.0.0.1:$2, no shutdown port
  # (SB_TOMCAT_PROTOCOL: the connector's protocol class, default org.apache.coyote.http11.Http11NioProtocol)
  rm -rf "$1"; mkdir -p "$1"/{logs,temp,work,webapps}
  cp -r "$TOMCAT_HOME/conf" "$1/"
  sed -i -e "s/<Server port=\"8005\"/<Server port=\"-1\"/" \
         -e "s/port=\"8080\" protocol=\"HTTP\/1.1\"/port=\"$2\" protocol=\"${SB_TOMCAT_PROTOCOL:-org.apache.coyote.http11.Http11NioProtocol}\" address=\"127.0.0.1\" maxConnections=\"100000\" acceptCount=\"4096\" ${SB_TOMCAT_CONNECTOR//\//\\/}/" \
         "$1/conf/server.xml"
  cp "$SB_WAR" "$1/webapps/switchboard.war"
}
