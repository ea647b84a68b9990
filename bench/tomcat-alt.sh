#!/usr/bin/env bash
# A second Tomcat for side-by-side runs, as a `cmd=` target of run.sh: another WAR (a previous build), other connector
# attributes or another Java, on its own port, with a fresh CATALINA_BASE (lib.sh's tomcat_base). Tomcat itself is
# the one run.sh unpacked in bench/.work (run a `tomcat` target once first).
#   ALT_PORT (8284)  ALT_WAR (target/switchboard.war)  ALT_CONNECTOR (extra <Connector> attributes)
#   ALT_JAVA_HOME (Tomcat's Java; default: what catalina.sh finds)  ALT_JAVA_OPTS (-Xms1g -Xmx1g)
# e.g. bench/run.sh --target tomcat \
#        --target "cmd=tomcat-prev@ws://127.0.0.1:8284/switchboard@ALT_WAR=/tmp/prev.war bench/tomcat-alt.sh"
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$BENCH/lib.sh"
TOMCAT_HOME="$(ls -d "$BENCH"/.work/apache-tomcat-* | head -1)"
port="${ALT_PORT:-8284}"
base="$BENCH/.work/tomcat-alt-base-$port"
SB_WAR="${ALT_WAR:-$BENCH/../target/switchboard.war}" SB_TOMCAT_CONNECTOR="${ALT_CONNECTOR:-}" tomcat_base "$base" "$port"
if [ -n "${ALT_JAVA_HOME:-}" ]; then export JAVA_HOME="$ALT_JAVA_HOME" JRE_HOME="$ALT_JAVA_HOME"; fi
export CATALINA_HOME="$TOMCAT_HOME" CATALINA_BASE="$base" CATALINA_PID='' CATALINA_OPTS="${ALT_JAVA_OPTS:--Xms1g -Xmx1g}"
exec "$TOMCAT_HOME/bin/catalina.sh" run
