#!/usr/bin/env bash
# N idle AMQP connections with one channel each (heartbeat 60 s), held open against Wharf and then against
# the anchors' RabbitMQ, in one sitting; what each connection costs the broker. See docs/BENCHMARKS.md.
# Usage: bench/amqp-connections.sh [N]        (default 10000)
#   BROKERS="wharf rabbitmq"  which brokers, in that order      SETTLE=10  seconds held before measuring
#   KEEP=1                    keep the run folder (histograms, driver output, broker logs)
#   DRIVER_OPTS="--threads 16"   more options for io.wharf.bench.AmqpConnections (see its class comment)
#   Ports (distinct from the other bench scripts, so that they can run beside this one): Wharf AMQP
#   WHARF_AMQP_PORT=25674 (Kafka listener 29094), RabbitMQ RABBIT_PORT=5684 (management 15684).
#
# Wharf runs as bench/amqp-vs-rabbitmq.sh runs it (-Xmx1G -Xms1G; WHARF_HEAP_OPTS overrides), but from the
# worktree's own jars (Maven `package`, never `install`). Its live heap is read after a full GC
# (jcmd GC.run, then GC.heap_info "used") before the connections open (after a warm-up of 20 opened and
# closed, so that classes and lazily built state are there already), with all N open, and after they
# closed; `jmap -histo:live` at the first two gives the classes the connections added. RSS and thread
# count come from /proc/PID/status; the RSS of the Java heap's address range (from /proc/PID/smaps) is
# subtracted to give what grew outside the heap (thread stacks, Netty's direct buffers, malloc).
#
# RabbitMQ: `rabbitmq-diagnostics memory_breakdown` (bytes) before and with the connections:
# connection_readers + connection_writers + connection_channels + connection_other is its own count of
# what the connections hold (the reader, writer, channel and helper Erlang processes); also the Erlang
# VM's erlang:memory(total), the beam process's RSS, its OS threads and its Erlang process count.
# erlang:memory(total) counts binaries as allocated: each socket's inet `buffer` (set to its sndbuf, ~3.8 MiB
# on loopback here) counts in full though untouched, so the RSS is the figure to compare.
#
# The driver (io.wharf.bench.AmqpConnections) is the reference Java client in NIO mode: a few threads
# for all N sockets. All connections go 127.0.0.1 -> 127.0.0.1:PORT; each takes one ephemeral port of
# ip_local_port_range (28,232 here), enough for N up to ~25,000. Both processes need ~N file descriptors:
# check `ulimit -n`.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
anchors=${WHARF_ANCHORS:-$here/../shared/anchors}
n=${1:-10000}
brokers=${BROKERS:-wharf rabbitmq}
settle=${SETTLE:-10}
wport=${WHARF_AMQP_PORT:-25674}; kport=${WHARF_KAFKA_PORT:-29094}
rport=${RABBIT_PORT:-5684}; rnode=anchor$rport@localhost
heap_opts=${WHARF_HEAP_OPTS:--Xmx1G -Xms1G}
run=$(mktemp -d /tmp/wharf-aconns.XXXX)
wpid=; rstarted=
cleanup() { # whatever this script started, by its pid or its node
  [ -n "$wpid" ] && kill -0 "$wpid" 2>/dev/null && { kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; }
  [ -n "$rstarted" ] && "$anchors/rabbitmq/stop.sh" "$rport" >/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$run"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && echo "run folder $run"

if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((n + 1000)) ]; then
  echo "ulimit -n is $(ulimit -n): N=$n needs more file descriptors (ulimit -n $((n + 2000)))"; exit 1
fi

echo "=== build $(date +%T)"
cd "$here"
flock /tmp/wharf-mvn.lock mvn -q -B -DskipTests -pl wharf-server,wharf-bench -am package \
  dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >"$run/build.log" 2>&1 \
  || { echo "build failed:"; tail -30 "$run/build.log"; exit 1; }
server_cp="$here/wharf-server/target/classes:$(cat wharf-server/target/bench-classpath.txt)"
bench_cp="$here/wharf-bench/target/classes:$(cat wharf-bench/target/bench-classpath.txt)"

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
est() { ss -Htn state established "( sport = :$1 )" | wc -l; }                    # broker-side sockets
val() { awk -v k="$1.$2" '$1 == k { print $2 }' "$run/$1.out"; }              # BROKER FIGURE
per() { awk -v a="$1" -v b="$2" -v n="$held" 'BEGIN { printf "%.2f", (b - a) / n }'; }   # (B - A) / connections held
wait_state() { # FILE STATE PID TIMEOUT_S
  for _ in $(seq 1 $(($4 * 10))); do
    grep -q "^state $2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "driver exited before '$2':"; cat "$1" "$1.err" | tail -20; return 1; }
    sleep 0.1
  done
  echo "driver did not reach '$2' in $4 s"; tail -5 "$1.err"; return 1
}
# Runs the driver against PORT; calls measure_<broker> PHASE at ready (before), all-open (with), closed (after).
drive() { # BROKER PORT
  local b=$1 ctl=$run/$1.ctl out=$run/$1.driver
  mkdir -p "$ctl"
  java -Xmx1g -Xss256k -cp "$bench_cp" io.wharf.bench.AmqpConnections --uri "amqp://guest:guest@127.0.0.1:$2" \
    --connections "$n" --control "$ctl" ${DRIVER_OPTS:-} >"$out" 2>"$out.err" &
  local dpid=$!
  wait_state "$out" ready $dpid 120 || { kill $dpid 2>/dev/null; return 1; }
  "measure_$b" before
  touch "$ctl/open"
  wait_state "$out" all-open $dpid 900 || { kill $dpid 2>/dev/null; return 1; }
  sleep "$settle"
  echo "$b.with.established $(est "$2") conns"
  echo "$b.driver.threads $(status $dpid Threads) threads"
  "measure_$b" with
  touch "$ctl/close"
  wait_state "$out" closed $dpid 900 || { kill $dpid 2>/dev/null; return 1; }
  sleep 2
  "measure_$b" after_close
  wait $dpid
  grep -v '^state' "$out" | sed "s/^/$b.driver./"
}

# ---- Wharf ----
measure_wharf() { # PHASE
  jcmd "$wpid" GC.run >/dev/null; sleep 1
  local used; used=$(jcmd "$wpid" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*')
  echo "wharf.$1.heap_used $used KiB"
  echo "wharf.$1.rss $(status "$wpid" VmRSS) KiB"
  echo "wharf.$1.heap_rss $(heap_rss "$wpid") KiB"
  echo "wharf.$1.threads $(status "$wpid" Threads) threads"
  [ "$1" = after_close ] || jmap -histo:live "$wpid" >"$run/wharf.$1.histo"
}
# The classes whose live bytes grew most between two histograms, per connection.
histo_diff() { # BEFORE WITH
  awk -v n="$held" 'FNR == 1 { f++ } $1 ~ /^[0-9]+:$/ { k = $4; if (f == 1) { b[k] = $3; i[k] = $2 } else { a[k] = $3; j[k] = $2 } }
    END { for (k in a) { d = a[k] - b[k]; if (d > 0) printf "%d %.1f %.2f %s\n", d, d / n, (j[k] - i[k]) / n, k } }' "$1" "$2" \
    | sort -rn | head -25 | awk '{ printf "wharf.histo %8.1f B/conn %6.2f obj/conn  %s\n", $2, $3, $4 }'
}
run_wharf() {
  echo "=== wharf $(date +%T)"
  local data=$run/wharf-data
  java $heap_opts -Dwharf.home="$here" -cp "$server_cp" io.wharf.server.cli.WharfCli server \
    --override log.dirs="$data" --override listeners=PLAINTEXT://127.0.0.1:$kport \
    --override zookeeper.embedded.port=0 --override mqtt.listeners= --override amqp.listeners=AMQP://127.0.0.1:$wport >"$run/wharf.log" 2>&1 &
  wpid=$!
  for _ in $(seq 1 300); do grep -q "started in" "$run/wharf.log" && break; kill -0 $wpid 2>/dev/null || break; sleep 1; done
  grep -q "started in" "$run/wharf.log" || { echo "wharf did not start:"; tail -20 "$run/wharf.log"; kill $wpid 2>/dev/null; return 1; }
  sleep 5
  drive wharf "$wport" | tee "$run/wharf.out"; local ok=$?
  kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; wpid=
  [ $ok = 0 ] || { echo "wharf: not measured"; return 1; }
  held=$(val wharf driver.open.connections)
  v() { val wharf "$1"; }
  echo "wharf.heap_per_connection $(per "$(v before.heap_used)" "$(v with.heap_used)") KiB"
  echo "wharf.rss_per_connection $(per "$(v before.rss)" "$(v with.rss)") KiB"
  echo "wharf.rss_outside_heap_per_connection $(per $(( $(v before.rss) - $(v before.heap_rss) )) \
$(( $(v with.rss) - $(v with.heap_rss) ))) KiB"
  echo "wharf.threads_added $(( $(v with.threads) - $(v before.threads) )) threads"
  echo "wharf.heap_left_after_close_per_connection $(per "$(v before.heap_used)" "$(v after_close.heap_used)") KiB"
  [ -f "$run/wharf.with.histo" ] && histo_diff "$run/wharf.before.histo" "$run/wharf.with.histo"
  grep -E "WARN|ERROR" "$run/wharf.log" | head -5 | sed 's/^/wharf.log: /'
}

# ---- RabbitMQ ----
rctl() { rabbitmqctl -n "$rnode" "$@" 2>/dev/null; }
measure_rabbitmq() { # PHASE
  rctl eval '[erlang:garbage_collect(P) || P <- erlang:processes()], ok.' >/dev/null; sleep 1
  rabbitmq-diagnostics -n "$rnode" memory_breakdown --unit bytes --formatter json 2>/dev/null >"$run/rabbit.$1.json"
  python3 - "$run/rabbit.$1.json" "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); p = sys.argv[2]
def b(k):
    v = m.get(k, 0)
    return int(v["bytes"] if isinstance(v, dict) else v)
conn = sum(b(k) for k in ("connection_readers", "connection_writers", "connection_channels", "connection_other"))
print(f"rabbitmq.{p}.connections_memory {conn // 1024} KiB")
for k in ("connection_readers", "connection_writers", "connection_channels", "connection_other", "mgmt_db", "other_ets", "binary", "total"):
    if k in m: print(f"rabbitmq.{p}.{k} {b(k) // 1024} KiB")
PY
  echo "rabbitmq.$1.erlang_total $(( $(rctl eval 'erlang:memory(total).') / 1024 )) KiB"
  echo "rabbitmq.$1.processes $(rctl eval 'erlang:system_info(process_count).') procs"
  echo "rabbitmq.$1.alarms $(rctl eval 'rabbit_alarm:get_alarms().' | tr -d ' \n')"
  [ "$1" = with ] && echo "rabbitmq.with.socket_opts $(rctl eval 'lists:sublist([inet:getopts(P, [buffer, recbuf, sndbuf]) || P <- lists:reverse(erlang:ports()), erlang:port_info(P, name) == {name, "tcp_inet"}], 2).' | tr -d ' \n')"
  echo "rabbitmq.$1.rss $(status "$rpid" VmRSS) KiB"
  echo "rabbitmq.$1.threads $(status "$rpid" Threads) threads"
}
run_rabbitmq() {
  echo "=== rabbitmq $(date +%T)"
  # Debian's rabbitmq-server wrapper starts the node through `su rabbitmq`, whose PAM session resets the
  # soft file-descriptor limit to 1024: RabbitMQ would then take ~830 sockets. start.sh runs the
  # rabbitmq-server found first on PATH; this one does the wrapper's su and raises the soft limit to the
  # hard one inside it (RabbitMQ's docs ask for a higher limit for many connections).
  mkdir -p "$run/bin"
  cat >"$run/bin/rabbitmq-server" <<'SH'
#!/bin/sh
cd /var/lib/rabbitmq
[ "$(id -u)" = 0 ] || exec /usr/sbin/rabbitmq-server "$@"
exec su rabbitmq -s /bin/sh -c 'ulimit -n "$(ulimit -Hn)" && exec /usr/lib/rabbitmq/bin/rabbitmq-server'
SH
  chmod +x "$run/bin/rabbitmq-server"
  PATH="$run/bin:$PATH" "$anchors/rabbitmq/start.sh" "$rport" | grep -q "already running" && { echo "a RabbitMQ already runs on $rport: not measuring a shared node"; return 1; }
  rstarted=1
  rpid=$(cat "/tmp/anchor-rabbitmq-$rport/pid" 2>/dev/null || pgrep -f "beam.*anchor$rport" | head -1)
  [ -n "$rpid" ] || { echo "rabbitmq did not start"; return 1; }
  echo "rabbitmq.fd_limit $(awk '/^Max open files/ { print $4 }' "/proc/$rpid/limits") fds"
  grep -ho 'Limiting to approx.*' /tmp/anchor-rabbitmq-$rport/log/*.log | head -1 | sed 's/^/rabbitmq.log: /'
  sleep 5
  drive rabbitmq "$rport" | tee "$run/rabbitmq.out"; local ok=$?
  "$anchors/rabbitmq/stop.sh" "$rport" >/dev/null; rstarted=
  [ $ok = 0 ] || { echo "rabbitmq: not measured"; return 1; }
  held=$(val rabbitmq driver.open.connections)
  v() { val rabbitmq "$1"; }
  echo "rabbitmq.connection_memory_per_connection $(per "$(v before.connections_memory)" "$(v with.connections_memory)") KiB"
  for k in connection_readers connection_writers connection_channels connection_other mgmt_db binary; do
    echo "rabbitmq.${k}_per_connection $(per "$(v before.$k)" "$(v with.$k)") KiB"
  done
  echo "rabbitmq.erlang_total_per_connection $(per "$(v before.erlang_total)" "$(v with.erlang_total)") KiB"
  echo "rabbitmq.rss_per_connection $(per "$(v before.rss)" "$(v with.rss)") KiB"
  echo "rabbitmq.processes_per_connection $(per "$(v before.processes)" "$(v with.processes)") procs"
  echo "rabbitmq.erlang_left_after_close_per_connection $(per "$(v before.erlang_total)" "$(v after_close.erlang_total)") KiB"
}

echo "=== N=$n connections, $(nproc) cores, $(date -Iseconds)"
for b in $brokers; do "run_$b"; done
echo "=== end $(date +%T)"
