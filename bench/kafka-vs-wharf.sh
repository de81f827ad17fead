#!/usr/bin/env bash
# One sitting of the Kafka-protocol comparison (see docs/BENCHMARKS.md): Wharf, then Apache Kafka from
# ../shared/anchors, each driven by the anchors' kafka.sh (ProducerPerformance, ConsumerPerformance,
# EndToEndLatency) with the same heap. Prints one "broker.figure value unit" line per figure.
# Usage: bench/kafka-vs-wharf.sh [RECORDS]   (default 1000000)
# KAFKA_VERSION (default 4.4.0, the kafka-clients Wharf pins) picks the release of both the anchor broker
# and the load tools: the anchors are copied with that version into /tmp and installed under
# ${ANCHOR_HOME:-/opt/anchors}-<version>.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
anchors=${WHARF_ANCHORS:-$here/../shared/anchors}
version=${KAFKA_VERSION:-4.4.0}
if ! grep -q "<kafka.version>$version</kafka.version>" "$anchors/kafka/pom.xml"; then
  copy=/tmp/wharf-anchors-$version
  rm -rf "$copy"; cp -r "$anchors" "$copy"
  sed -i "s|<kafka.version>[^<]*</kafka.version>|<kafka.version>$version</kafka.version>|" "$copy/kafka/pom.xml"
  anchors=$copy
  export ANCHOR_HOME=${ANCHOR_HOME:-/opt/anchors}-$version
fi
echo "=== anchors $anchors (Kafka $version)"
n=${1:-1000000}
data=$(mktemp -d /tmp/wharf-kbench.XXXX); trap 'rm -rf "$data"' EXIT
rss() { echo "$1.$2_rss_kb $(ps -o rss= -p "$3")"; }

echo "=== wharf $(date +%T)"
cd "$here"
WHARF_HEAP_OPTS="-Xmx1G -Xms1G" bin/wharf server --override log.dirs="$data" \
  --override listeners=PLAINTEXT://127.0.0.1:29092 --override zookeeper.embedded.port=0 --override mqtt.listeners= \
  --override group.initial.rebalance.delay.ms=0 > "$data.log" 2>&1 &
for _ in $(seq 1 300); do grep -q "started in" "$data.log" && break; sleep 1; done
wpid=$(pgrep -f "log.dirs=$data" | head -1)
sleep 10; rss wharf idle "$wpid"
"$anchors/bench/kafka.sh" 127.0.0.1:29092 "$n" 2>&1 | sed 's/^/wharf./'
rss wharf after "$wpid"
kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; rm -f "$data.log"

echo "=== kafka $(date +%T)"
"$anchors/kafka/start.sh" 19092 >/dev/null
kpid=$(cat /tmp/anchor-kafka-19092/pid)
sleep 10; rss kafka idle "$kpid"
"$anchors/bench/kafka.sh" 127.0.0.1:19092 "$n" 2>&1 | sed 's/^/kafka./'
rss kafka after "$kpid"
"$anchors/kafka/stop.sh" 19092 >/dev/null
echo "=== end $(date +%T)"
