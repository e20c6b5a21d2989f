#!/usr/bin/env bash
# Runs the JMH model benchmark (every example at batch 1 and 32, JVM backend, all cores) and
# prints latency, throughput and GFLOP/s per model. About 3 minutes per optimization level.
#   benchmarks/run-models.sh                 # -O2, what nnc compiles by default
#   OPT=O0,O2 benchmarks/run-models.sh       # both levels, plus the -O2 speed-up over -O0
#   JMH_OPTS="-wi 5 -i 10 -f 2" benchmarks/run-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh
JMH_OPTS=${JMH_OPTS:-"-wi 3 -i 5 -f 1 -w 2s -r 2s"}
OPT=${OPT:-O2}
JAR=benchmarks/target/benchmarks.jar
CSV=benchmarks/target/jmh-models.csv
JAVA="$JAVA_HOME/bin/java"

echo "== build"
./mvnw -q -o install -DskipTests 2>/dev/null || ./mvnw -q install -DskipTests

echo "== FLOPs per batch element (convolutions + matmuls)"
FLOPS=$("$JAVA" --add-modules jdk.incubator.vector -cp "$JAR" dev.nnc.benchmarks.ModelFlops mlp mnist_cnn cifar_cnn catsdogs_cnn 2>/dev/null)
echo "$FLOPS"

echo "== JMH ($JMH_OPTS)"
# shellcheck disable=SC2086
"$JAVA" -jar "$JAR" $JMH_OPTS -p opt="$OPT" -rf csv -rff "$CSV" ModelBenchmark 2>&1 | grep -E '^ModelBenchmark|^Benchmark' || true

echo "== per model"
printf '%-14s %4s %6s %12s %14s %10s %12s\n' model opt batch latency_ms images_per_s GFLOP/s O2_vs_O0
awk -F, -v flops="$FLOPS" '
  BEGIN { n = split(flops, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, " "); per[f[1]] = f[2] } }
  function unq(s) { gsub(/"/, "", s); return s }
  { sub(/\r$/, "") }
  NR == 1 { for (i = 1; i <= NF; i++) col[unq($i)] = i; next }
  {
    m = unq($col["Param: model"]); b = unq($col["Param: batch"]) + 0; us = unq($col["Score"]) + 0
    o = unq($col["Param: opt"]); key[++rows] = m SUBSEP b SUBSEP o; t[m, b, o] = us
  }
  END {
    for (r = 1; r <= rows; r++) {
      split(key[r], k, SUBSEP); m = k[1]; b = k[2]; o = k[3]; us = t[m, b, o]
      ratio = (o == "O2" && ((m, b, "O0") in t)) ? sprintf("%.2fx", t[m, b, "O0"] / us) : "-"
      printf "%-14s %4s %6d %12.3f %14.0f %10.1f %12s\n", m, o, b, us / 1000, b * 1e6 / us, per[m] * b / (us * 1e3), ratio
    }
  }' "$CSV"
