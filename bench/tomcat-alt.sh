#!/usr/bin/env bash
# A second Tomcat for side-by-side runs, as a `cmd=` target of run.sh: another WAR (a previous build), other connector
# attributes or another Java, on its own port, with a fresh CATALINA_BASE made as lib.sh makes one. Tomcat itself is
# the one run.sh unpacked in bench/.work (run a `tomcat` target once first).
#   ALT_PORT (8284)  ALT_WAR (target/switchboard.war)  ALT_CONNECTOR (extra <Connector> attributes)
#   ALT_JAVA_HOME (Tomcat's Java; default: what catalina.sh finds)  ALT_JAVA_OPTS (-Xms1g -Xmx1g)
# e.g. bench/run.sh --target tomcat \
#        --target "cmd=tomcat-prev@ws://127.0.0.1:8284/switchboard@ALT_WAR=/tmp/prev.war bench/tomcat-alt.sh"
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOMCAT_HOME="$(ls -d "$BENCH"/.work/apache-tomcat-* | head -1)"
port="${ALT_PORT:-8284}"
base="$BENCH/.work/tomcat-alt-base-$port"
rm -rf "$base"; mkdir -p "$base"/{logs,temp,work,webapps}
cp -r "$TOMCAT_HOME/conf" "$base/"
connector="${ALT_CONNECTOR:-}"
sed -i -e "s/<Server port=\"8005\"/<Server port=\"-1\"/" \
       -e "s/port=\"8080\" protocol=\"HTTP\/1.1\"/port=\"$port\" protocol=\"org.apache.coyote.http11.Http11NioProtocol\" address=\"127.0.0.1\" maxConnections=\"100000\" acceptCount=\"4096\" ${connector//\//\\/}/" \
       "$base/conf/server.xml"
cp "${ALT_WAR:-$BENCH/../target/switchboard.war}" "$base/webapps/switchboard.war"
if [ -n "${ALT_JAVA_HOME:-}" ]; then export JAVA_HOME="$ALT_JAVA_HOME" JRE_HOME="$ALT_JAVA_HOME"; fi
export CATALINA_HOME="$TOMCAT_HOME" CATALINA_BASE="$base" CATALINA_PID='' CATALINA_OPTS="${ALT_JAVA_OPTS:--Xms1g -Xmx1g}"
exec "$TOMCAT_HOME/bin/catalina.sh" run
