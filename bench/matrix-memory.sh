#!/bin/sh
# Peak RSS and time of the quantile and plain matrix paths, side by side (Linux).
# Usage: bench/matrix-memory.sh [rows]   (default 1,000,000 x 28)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/algorithm"
mvn -B -q process-classes dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
cp="target/classes:$(cat target/bench.classpath)"
for path in quantile plain array; do
  java -Xmx1g -cp "$cp" "$root/bench/MatrixMemory.java" "$path" "${1:-1000000}"
done
