#!/usr/bin/env bash
# Append/read throughput of wharf-log beside plain FileChannel writes (see docs/BENCHMARKS.md).
# Usage: bench/log.sh [DIR] [SECONDS]
#   DIR: a folder on the disk to measure (default /tmp); SECONDS: per case (default 10).
# Each case runs in a fresh JVM after `sync`, so none starts with another's dirty pages in the page cache.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp}/wharf-log-bench-$$; secs=${2:-10}
mkdir -p "$dir"; trap 'rm -rf "$dir"' EXIT
cd "$here"
mvn -q -B -DskipTests -pl wharf-bench -am install >/dev/null
mvn -q -B -pl wharf-bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="wharf-bench/target/classes:$(cat wharf-bench/target/classpath.txt)"
for case in raw 16384 1048576; do
  sync
  java -Xms1g -Xmx1g -cp "$cp" io.wharf.bench.LogBenchmark "$dir" "$secs" "$case"
done
