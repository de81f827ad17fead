#!/usr/bin/env bash
set -u
# A million 1 KiB messages into one AMQP queue with no consumer (PerfTest, producer only): the broker's
# live heap after a full GC before and after, and the queue's size on disk. See docs/BENCHMARKS.md.
data=$(mktemp -d /tmp/wharf-deep.XXXX)
cd "$(dirname "$0")/.."
WHARF_HEAP_OPTS="-Xmx1G" bin/wharf server --override log.dirs="$data" \
  --override listeners=PLAINTEXT://127.0.0.1:29092 --override zookeeper.embedded.port=0 --override mqtt.listeners= \
  --override amqp.listeners=AMQP://127.0.0.1:25672 > "$data.log" 2>&1 &
for _ in $(seq 1 300); do grep -q "started in" "$data.log" && break; sleep 1; done
wpid=$(pgrep -f "log.dirs=$data" | head -1)
libs=$(${WHARF_ANCHORS:-$(pwd)/../shared/anchors}/amqp/install.sh)
heap() { jcmd $wpid GC.run >/dev/null; sleep 1; jcmd $wpid GC.heap_info | grep -o 'used [0-9]*K' | head -1; }
echo "before: $(heap)"
java -Xmx512m -cp "$libs/*" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:25672" -x 1 -y 0 -s 1024 -C 1000000 -u deep -ad false 2>&1 | grep 'sending rate'
echo "after 1M: $(heap)"
du -sh $data/q~deep* 2>/dev/null | head -2
kill -TERM "$wpid"; while kill -0 "$wpid" 2>/dev/null; do sleep 1; done; rm -rf "$data" "$data.log"
