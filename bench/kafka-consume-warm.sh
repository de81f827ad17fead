#!/usr/bin/env bash
# Warm consumer throughput and broker CPU, Wharf then Apache Kafka (see docs/BENCHMARKS.md): one
# 6-partition topic, RECORDS x 1 KiB produced once, two warm-up ConsumerPerformance runs, then two measured
# runs, each with the broker's CPU time (utime+stime clock ticks from /proc/<pid>/stat) over the run.
# Usage: bench/kafka-consume-warm.sh [RECORDS]   (default 1000000)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
anchors=${WHARF_ANCHORS:-$here/../shared/anchors}
n=${1:-1000000}
cp="$("$anchors/kafka/install.sh")/*"
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
consume() { java -Xmx512m -cp "$cp" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$1" --topic c6 \
  --messages "$n" --timeout 60000 2>/dev/null | tail -1; }
measure() { # label pid bootstrap
  java -cp "$cp" org.apache.kafka.tools.TopicCommand --bootstrap-server "$3" --create --topic c6 --partitions 6 \
    --replication-factor 1 >/dev/null 2>&1
  java -Xmx512m -cp "$cp" org.apache.kafka.tools.ProducerPerformance --topic c6 --num-records "$n" --record-size 1024 \
    --throughput -1 --producer-props bootstrap.servers="$3" acks=1 linger.ms=5 batch.size=65536 >/dev/null 2>&1
  consume "$3" >/dev/null; consume "$3" >/dev/null
  for _ in 1 2; do
    t0=$(ticks "$2")
    line=$(consume "$3")
    t1=$(ticks "$2")
    # ConsumerPerformance: ..., MB.sec (4), ..., rebalance.time.ms (7), fetch.time.ms (8), fetch.MB.sec (9)
    echo "$line" | awk -F', ' -v l="$1" -v cpu=$((t1 - t0)) \
      '{print l" MB/s "$4"  join_ms "$7"  fetch_ms "$8"  fetch_MB/s "$9"  broker_cpu_ticks "cpu}'
  done
}
data=$(mktemp -d /tmp/wharf-warm.XXXX); trap 'rm -rf "$data"' EXIT
cd "$here"
WHARF_HEAP_OPTS="-Xmx1G -Xms1G" bin/wharf server --override log.dirs="$data" \
  --override listeners=PLAINTEXT://127.0.0.1:29095 --override zookeeper.embedded.port=0 --override mqtt.listeners= \
  --override group.initial.rebalance.delay.ms=0 > "$data.log" 2>&1 &
for _ in $(seq 1 300); do grep -q "started in" "$data.log" && break; sleep 1; done
wpid=$(pgrep -f "log.dirs=$data" | head -1)
measure wharf "$wpid" 127.0.0.1:29095
kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; rm -f "$data.log"
"$anchors/kafka/start.sh" 19092 >/dev/null
measure kafka "$(cat /tmp/anchor-kafka-19092/pid)" 127.0.0.1:19092
"$anchors/kafka/stop.sh" 19092 >/dev/null
