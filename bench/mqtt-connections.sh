#!/usr/bin/env bash
# N idle MQTT 3.1.1 connections (clean session, keep-alive 60 s) held open against Wharf: what each costs the
# broker, how long they take to open, and whether the broker still serves a new client while it holds them.
# See docs/BENCHMARKS.md ("MQTT: 100,000 idle connections").
# Usage: bench/mqtt-connections.sh [N]        (default 100000)
#   SETTLE=10    seconds held before measuring          KEEP=1   keep the run folder (histograms, NMT, logs)
#   NMT=1        run Wharf with -XX:NativeMemoryTracking=summary and report native memory per connection
#   SOURCES=k    client addresses 127.0.0.2 .. 127.0.0.(k+1) (default: enough for N in ip_local_port_range)
#   WHARF_HEAP_OPTS   Wharf's heap (default -Xmx1G -Xms1G, as bench/mqtt-vs-mosquitto.sh runs it)
#   DRIVER_OPTS="--window 200"   more options for io.wharf.bench.MqttConnections (see its class comment)
#   Ports (distinct from the other bench scripts): MQTT WHARF_MQTT_PORT=21885, Kafka WHARF_KAFKA_PORT=29095.
#
# Wharf runs from the worktree's own jars (Maven `package`, never `install`), MQTT on 127.0.0.1 with anonymous
# access (the driver sends no user name). Measured three times, as bench/amqp-connections.sh does: before the N
# connections (after a warm-up of 20 opened and closed), with all N open (SETTLE s after the last one), and after
# they closed. Each time: the live heap after a full GC (jcmd GC.run, GC.heap_info "used"), VmRSS and Threads
# (/proc/PID/status), the resident part of the heap's address range (/proc/PID/smaps: the heap pages touched
# so far, live or garbage), and, read before the full GC, the eden in use and the young GCs so far (what the
# handshakes left as garbage). `jmap -histo:live` before and with gives the classes the connections added.
#
# Both processes need about N file descriptors: the script raises `ulimit -n` (soft and hard) to N + 500, or
# says why it cannot. Each client address has its own ephemeral ports (ip_local_port_range), so the driver
# spreads the connections over several loopback addresses instead of widening that range.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
settle=${SETTLE:-10}
mport=${WHARF_MQTT_PORT:-21885}; kport=${WHARF_KAFKA_PORT:-29095}
heap_opts=${WHARF_HEAP_OPTS:--Xmx1G -Xms1G}
run=$(mktemp -d /tmp/wharf-mconns.XXXX)
wpid=
cleanup() { # whatever this script started, by its pid
  [ -n "$wpid" ] && kill -0 "$wpid" 2>/dev/null && { kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; }
  [ -n "${KEEP:-}" ] || rm -rf "$run"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && echo "run folder $run"

need=$((n + 500)) # the connections, and ~100 files and sockets of its own (92 measured)
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
    echo "N=$n needs $need file descriptors per process; ulimit -n is $(ulimit -Sn) (hard limit $(ulimit -Hn)), and this"
    echo "shell cannot raise the hard limit (that takes root with CAP_SYS_RESOURCE, or a higher limit from the login or"
    echo "container). At most N=$(( $(ulimit -Hn) - 500 )) here."
    exit 1
  fi
fi
read -r plo phi < /proc/sys/net/ipv4/ip_local_port_range
ports=$((phi - plo + 1))
sources=${SOURCES:-$(( (n + ports - 2001) / (ports - 2000) ))}
[ "$sources" -ge 1 ] || sources=1

status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }            # PID FIELD
# RSS (KiB) of the mappings inside the Java heap's address range (GC.heap_info): how much of the heap is touched.
heap_rss() {
  python3 - "$1" "$(jcmd "$1" GC.heap_info | grep -o '\[0x[0-9a-f]*, 0x[0-9a-f]*)' | head -1)" <<'PY'
import re, sys
lo, hi = (int(x, 16) for x in re.findall(r"0x[0-9a-f]+", sys.argv[2]))
rss, inside = 0, False
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
    if m: inside = lo <= int(m.group(1), 16) and int(m.group(2), 16) <= hi
    elif inside and line.startswith("Rss:"): rss += int(line.split()[1])
print(rss)
PY
}
perf() { jcmd "$1" PerfCounter.print | awk -F= -v k="$2" '$1 == k { print $2 }'; }   # PID COUNTER
est() { ss -Htn state established "( sport = :$1 )" | wc -l; }                    # broker-side sockets
val() { awk -v k="$1" '$1 == k { print $2 }' "$run/wharf.out"; }               # FIGURE
per() { awk -v a="$1" -v b="$2" -v n="$held" 'BEGIN { printf "%.2f", (b - a) / n }'; }   # (B - A) / connections held
wait_state() { # FILE STATE PID TIMEOUT_S
  for _ in $(seq 1 $(($4 * 10))); do
    grep -q "^state $2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "driver exited before '$2':"; cat "$1" "$1.err" | tail -20; return 1; }
    sleep 0.1
  done
  echo "driver did not reach '$2' in $4 s"; tail -5 "$1.err"; return 1
}

measure() { # PHASE
  echo "wharf.$1.eden_used_before_gc $(( $(perf "$wpid" sun.gc.generation.0.space.0.used) / 1024 )) KiB"
  echo "wharf.$1.young_gcs $(perf "$wpid" sun.gc.collector.0.invocations) gcs"
  jcmd "$wpid" GC.run >/dev/null; sleep 1
  local used; used=$(jcmd "$wpid" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*')
  echo "wharf.$1.heap_used $used KiB"
  echo "wharf.$1.rss $(status "$wpid" VmRSS) KiB"
  echo "wharf.$1.heap_rss $(heap_rss "$wpid") KiB"
  echo "wharf.$1.threads $(status "$wpid" Threads) threads"
  echo "wharf.$1.fds $(ls /proc/$wpid/fd | wc -l) fds"
  [ "$1" = after_close ] || jmap -histo:live "$wpid" >"$run/wharf.$1.histo"
  [ -n "${NMT:-}" ] && jcmd "$wpid" VM.native_memory summary >"$run/wharf.$1.nmt"
  return 0
}
# The classes whose live bytes grew most between two histograms, per connection.
histo_diff() { # BEFORE WITH
  awk -v n="$held" 'FNR == 1 { f++ } $1 ~ /^[0-9]+:$/ { k = $4; if (f == 1) { b[k] = $3; i[k] = $2 } else { a[k] = $3; j[k] = $2 } }
    END { for (k in a) { d = a[k] - b[k]; if (d > 0) printf "%d %.1f %.2f %s\n", d, d / n, (j[k] - i[k]) / n, k } }' "$1" "$2" \
    | sort -rn | head -${HISTO_LINES:-30} | awk '{ printf "wharf.histo %8.1f B/conn %6.2f obj/conn  %s\n", $2, $3, $4 }'
}
# NMT's committed memory per category, with - before, per connection.
nmt_diff() { # BEFORE WITH
  python3 - "$1" "$2" "$held" <<'PY'
import re, sys
def load(path):
    out = {}
    for line in open(path):
        m = re.match(r"^-?\s*([A-Za-z][A-Za-z ]*?) \(reserved=\d+KB, committed=(\d+)KB", line)
        if m: out[m.group(1).replace(" ", "_")] = int(m.group(2))
    return out
b, a, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
for k in sorted(a, key=lambda k: b.get(k, 0) - a[k]):
    print(f"wharf.nmt {k:24s} {(a[k] - b.get(k, 0)) / n:8.2f} KiB/conn")
PY
}

echo "=== N=$n connections, $sources client addresses, $(nproc) cores, $(date -Iseconds)"
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg), $(awk '/MemAvailable/ { printf "%.1f GiB available", $2 / 1048576 }' /proc/meminfo),"\
  "ulimit -n $(ulimit -n), ip_local_port_range $plo-$phi"
echo "=== build $(date +%T)"
cd "$here"
flock /tmp/wharf-mvn.lock mvn -q -B -o -DskipTests -pl wharf-server,wharf-bench -am package \
  dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >"$run/build.log" 2>&1 \
  || { echo "build failed:"; tail -30 "$run/build.log"; exit 1; }
server_cp="$here/wharf-server/target/classes:$(cat wharf-server/target/bench-classpath.txt)"
bench_cp="$here/wharf-bench/target/classes:$(cat wharf-bench/target/bench-classpath.txt)"

echo "=== wharf $(date +%T)"
nmt_opts=; [ -n "${NMT:-}" ] && nmt_opts=-XX:NativeMemoryTracking=summary
java $heap_opts $nmt_opts -Dwharf.home="$here" -cp "$server_cp" io.wharf.server.cli.WharfCli server \
  --override log.dirs="$run/wharf-data" --override listeners=PLAINTEXT://127.0.0.1:$kport \
  --override zookeeper.embedded.port=0 --override amqp.listeners= --override mqtt.listeners=MQTT://0.0.0.0:$mport \
  --override mqtt.allow.anonymous=true >"$run/wharf.log" 2>&1 &
wpid=$!
for _ in $(seq 1 300); do grep -q "started in" "$run/wharf.log" && break; kill -0 $wpid 2>/dev/null || break; sleep 1; done
grep -q "started in" "$run/wharf.log" || { echo "wharf did not start:"; tail -20 "$run/wharf.log"; exit 1; }
echo "wharf.fd_limit $(awk '/^Max open files/ { print $4 }' "/proc/$wpid/limits") fds"
sleep 5

ctl=$run/ctl; out=$run/driver; mkdir -p "$ctl"
java -Xmx2g -Xss256k -cp "$bench_cp" io.wharf.bench.MqttConnections --host 127.0.0.1 --port "$mport" \
  --connections "$n" --sources "$sources" --control "$ctl" ${DRIVER_OPTS:-} >"$out" 2>"$out.err" &
dpid=$!
{
  wait_state "$out" ready $dpid 120 || exit 1
  measure before
  touch "$ctl/open"
  wait_state "$out" all-open $dpid 1800 || exit 1
  # the probe runs right after all-open; its two clients are gone again before the measurement
  for _ in $(seq 1 600); do grep -q "^probe.ok" "$out" && break; sleep 0.1; done
  sleep "$settle"
  echo "wharf.with.established $(est "$mport") conns"
  echo "driver.threads $(status $dpid Threads) threads"
  measure with
  echo "machine.with.load_average $(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  touch "$ctl/close"
  wait_state "$out" closed $dpid 900 || exit 1
  sleep 2
  measure after_close
  for _ in $(seq 1 100); do kill -0 $dpid 2>/dev/null || break; sleep 0.1; done
  grep -v '^state' "$out" | sed "s/^/driver./"
} | tee "$run/wharf.out"
[ "${PIPESTATUS[0]}" = 0 ] || { echo "not measured"; kill $dpid 2>/dev/null; exit 1; }

held=$(val driver.open.connections)
[ "${held:-0}" -gt 0 ] || { echo "no connection held"; exit 1; }
v() { val "wharf.$1"; }
echo "wharf.heap_per_connection $(per "$(v before.heap_used)" "$(v with.heap_used)") KiB"
echo "wharf.rss_per_connection $(per "$(v before.rss)" "$(v with.rss)") KiB"
echo "wharf.heap_rss_per_connection $(per "$(v before.heap_rss)" "$(v with.heap_rss)") KiB"
echo "wharf.rss_outside_heap_per_connection $(per $(( $(v before.rss) - $(v before.heap_rss) )) \
$(( $(v with.rss) - $(v with.heap_rss) ))) KiB"
# the full GC of "before" emptied eden: what is in it at "with" is the opening's garbage (more if young GCs ran)
echo "wharf.garbage_in_eden_per_connection $(per 0 "$(v with.eden_used_before_gc)") KiB" \
  "($(( $(v with.young_gcs) - $(v before.young_gcs) )) young GCs meanwhile)"
echo "wharf.threads_added $(( $(v with.threads) - $(v before.threads) )) threads"
echo "wharf.heap_left_after_close_per_connection $(per "$(v before.heap_used)" "$(v after_close.heap_used)") KiB"
histo_diff "$run/wharf.before.histo" "$run/wharf.with.histo"
[ -n "${NMT:-}" ] && nmt_diff "$run/wharf.before.nmt" "$run/wharf.with.nmt"
grep -E "WARN|ERROR" "$run/wharf.log" | head -5 | sed 's/^/wharf.log: /'
echo "machine.end.load_average $(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
echo "=== end $(date +%T)"
