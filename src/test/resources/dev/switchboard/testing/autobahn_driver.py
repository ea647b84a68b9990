# Runs the Autobahn TestSuite fuzzing client (Python sources bundled in
# me.normanmaurer.maven.autobahntestsuite:autobahntestsuite-maven-plugin, run by Jython 2.7).
# Written by dev.switchboard.testing.Autobahn into the report directory and started in a child JVM:
#   java -cp jython-standalone.jar:autobahntestsuite-maven-plugin.jar org.python.util.jython \
#        autobahn_driver.py spec.json results.tsv DEADLINE_MS
# Each finished case is appended to results.tsv at once, so a run that hangs or is killed still tells
# which cases finished (and so which one hung). The JVM exits itself at DEADLINE_MS (exit code 124).
import sys
import json
import codecs
import traceback

from java.lang import System
from java.util import Timer, TimerTask


class _Deadline(TimerTask):
    def run(self):
        sys.stdout.write("autobahn_driver: deadline reached, exiting\n")
        sys.stdout.flush()
        System.exit(124)

spec_path, results_path, deadline_ms = sys.argv[1], sys.argv[2], long(sys.argv[3])
Timer("autobahn-deadline", True).schedule(_Deadline(), deadline_ms)

spec = json.load(open(spec_path))
out = codecs.open(results_path, "w", "utf-8")


def _clean(v):
    if v is None:
        return u""
    if isinstance(v, str):
        v = v.decode("utf-8", "replace")
    elif not isinstance(v, unicode):
        v = unicode(v)
    return v.replace(u"\t", u" ").replace(u"\r", u" ").replace(u"\n", u" ")

from autobahntestsuite import fuzzing
from autobahntestsuite import wstest

_orig_log_case = fuzzing.FuzzingFactory.logCase


def _log_case(self, r):
    _orig_log_case(self, r)
    try:
        fields = [r.get("id"), r.get("behavior"), r.get("behaviorClose"), r.get("duration"),
                  r.get("remoteCloseCode"), r.get("remoteCloseReason"), r.get("result"),
                  r.get("resultClose"), r.get("wasNotCleanReason"), r.get("wasClean")]
        out.write(u"\t".join([_clean(f) for f in fields]) + u"\n")
        out.flush()
    except Exception:
        traceback.print_exc()

fuzzing.FuzzingFactory.logCase = _log_case

# A refused handshake (HTTP 403/401/404...) makes the client wait forever: report it and stop.
from autobahn import websocket as _ws
_orig_fail_handshake = _ws.WebSocketClientProtocol.failHandshake


def _fail_handshake(self, reason):
    out.write(u"#handshake-failed\t" + _clean(reason) + u"\n")
    out.flush()
    sys.stdout.write("autobahn_driver: handshake failed: %s\n" % reason)
    sys.stdout.flush()
    System.exit(3)

_ws.WebSocketClientProtocol.failHandshake = _fail_handshake

try:
    wstest.start({"mode": "fuzzingclient"}, spec)
    out.write(u"#done\n")
    out.flush()
    out.close()
    sys.stdout.flush()
    System.exit(0)
except SystemExit:
    raise
except Exception:
    traceback.print_exc()
    sys.stdout.flush()
    System.exit(2)
