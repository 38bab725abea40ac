#!/bin/sh
# The report's PNG encoder against ImageIO's, alternated, each in a JVM of its own (see PngEncoding.java).
# Usage: bench/png-encoding.sh [runs]   (default 5 of each)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/algorithm"
mvn -B -q process-classes dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
cp="target/classes:$(cat target/bench.classpath)"
i=0
while [ "$i" -lt "${1:-5}" ]; do
  for encoder in imageio ours; do
    java -cp "$cp" "$root/bench/PngEncoding.java" "$encoder"
  done
  i=$((i + 1))
done
