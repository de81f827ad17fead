#!/usr/bin/env bash
# One sitting of the MQTT comparison (see docs/BENCHMARKS.md): Wharf, then Mosquitto from ../shared/anchors,
# each freshly started and driven by the anchors' mqtt.sh (mqtt-bench, HiveMQ's client): 10,000 idle
# connections with the broker's memory, then fan-in (4 publishers, 1 subscriber, 64 B) and fan-out
# (1 publisher, 4 subscribers, 1 KiB) at QoS 0, 1 and 2. Prints one "broker.figure value unit" line per figure.
# Usage: bench/mqtt-vs-mosquitto.sh [SECONDS]   (default 10 per scenario)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
anchors=${WHARF_ANCHORS:-$here/../shared/anchors}
secs=${1:-10}
data=$(mktemp -d /tmp/wharf-mbench.XXXX); trap 'rm -rf "$data"' EXIT

echo "=== wharf $(date +%T)"
cd "$here"
# mqtt-bench connects anonymously, as Mosquitto's anchor allows: so does Wharf here (acting as guest).
WHARF_HEAP_OPTS="-Xmx1G -Xms1G" bin/wharf server --override log.dirs="$data" \
  --override listeners=PLAINTEXT://127.0.0.1:29093 --override zookeeper.embedded.port=0 \
  --override amqp.listeners= --override mqtt.listeners=MQTT://127.0.0.1:21883 \
  --override mqtt.allow.anonymous=true > "$data.log" 2>&1 &
for _ in $(seq 1 300); do grep -q "started in" "$data.log" && break; sleep 1; done
wpid=$(pgrep -f "log.dirs=$data" | head -1)
"$anchors/bench/mqtt.sh" 127.0.0.1:21883 "$secs" "$wpid" 2>&1 | sed 's/^/wharf./'
kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; rm -f "$data.log"

echo "=== mosquitto $(date +%T)"
"$anchors/mosquitto/start.sh" 1893 >/dev/null
mpid=$(cat /tmp/anchor-mosquitto-1893/pid)
"$anchors/bench/mqtt.sh" 127.0.0.1:1893 "$secs" "$mpid" 2>&1 | sed 's/^/mosquitto./'
"$anchors/mosquitto/stop.sh" 1893 >/dev/null
echo "=== end $(date +%T)"
