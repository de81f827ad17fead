#!/usr/bin/env bash
# One sitting of the AMQP comparison (see docs/BENCHMARKS.md): Wharf, then RabbitMQ from ../shared/anchors,
# each driven by the anchors' amqp.sh (RabbitMQ's PerfTest: auto-ack; manual ack + confirms + persistent
# messages on a durable queue). Prints one "broker.figure value unit" line per figure.
# Usage: [WARMUP=SECONDS] bench/amqp-vs-rabbitmq.sh [SECONDS]   (default 20 per scenario)
# With WARMUP, each broker first carries an unmeasured auto-ack PerfTest run that long (the JVM's JIT
# compiles Wharf's hot paths during the first seconds; RabbitMQ gets the same run for fairness).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
anchors=${WHARF_ANCHORS:-$here/../shared/anchors}
secs=${1:-20}
data=$(mktemp -d /tmp/wharf-abench.XXXX); trap 'rm -rf "$data"' EXIT
rss() { echo "$1.$2_rss_kb $(ps -o rss= -p "$3")"; }
warmup() { # HOST:PORT
  [ -n "${WARMUP:-}" ] || return 0
  "$anchors/bench/amqp.sh" "$1" "$WARMUP" >/dev/null 2>&1 || true
}

echo "=== wharf $(date +%T)"
cd "$here"
WHARF_HEAP_OPTS="-Xmx1G -Xms1G" bin/wharf server --override log.dirs="$data" \
  --override listeners=PLAINTEXT://127.0.0.1:29092 --override zookeeper.embedded.port=0 --override mqtt.listeners= \
  --override amqp.listeners=AMQP://127.0.0.1:25672 > "$data.log" 2>&1 &
for _ in $(seq 1 300); do grep -q "started in" "$data.log" && break; sleep 1; done
wpid=$(pgrep -f "log.dirs=$data" | head -1)
sleep 5; rss wharf idle "$wpid"
warmup 127.0.0.1:25672
"$anchors/bench/amqp.sh" 127.0.0.1:25672 "$secs" 2>&1 | sed 's/^/wharf./'
rss wharf after "$wpid"
kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; rm -f "$data.log"

echo "=== rabbitmq $(date +%T)"
"$anchors/rabbitmq/start.sh" 5682 >/dev/null
rpid=$(cat /tmp/anchor-rabbitmq-5682/pid 2>/dev/null || pgrep -f 'beam.*anchor5682' | head -1)
sleep 5; rss rabbitmq idle "$rpid"
warmup 127.0.0.1:5682
"$anchors/bench/amqp.sh" 127.0.0.1:5682 "$secs" 2>&1 | sed 's/^/rabbitmq./'
rss rabbitmq after "$rpid"
"$anchors/rabbitmq/stop.sh" 5682 >/dev/null
echo "=== end $(date +%T)"
