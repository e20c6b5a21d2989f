#!/usr/bin/env bash
# Runs the JMH model benchmark (every example at batch 1 and 32, all cores) on the JVM and native
# backends and prints latency, throughput and GFLOP/s per model, and native's speed-up over JVM.
# About 3 minutes per optimization level and backend.
#   benchmarks/run-models.sh                 # -O2, what nnc compiles by default, both backends
#   OPT=O0,O2 benchmarks/run-models.sh       # both levels, plus the -O2 speed-up over -O0
#   BACKEND=jvm benchmarks/run-models.sh     # one backend
#   JMH_OPTS="-wi 5 -i 10 -f 2" benchmarks/run-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh
JMH_OPTS=${JMH_OPTS:-"-wi 3 -i 5 -f 1 -w 2s -r 2s"}
OPT=${OPT:-O2}
BACKEND=${BACKEND:-jvm,native}
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
"$JAVA" -jar "$JAR" $JMH_OPTS -p opt="$OPT" -p backend="$BACKEND" -rf csv -rff "$CSV" ModelBenchmark 2>&1 | grep -E '^ModelBenchmark|^Benchmark' || true

echo "== per model"
printf '%-14s %-7s %4s %6s %12s %14s %10s %10s %12s\n' model backend opt batch latency_ms images_per_s GFLOP/s O2_vs_O0 native_vs_jvm
awk -F, -v flops="$FLOPS" '
  BEGIN { n = split(flops, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, " "); per[f[1]] = f[2] } }
  function unq(s) { gsub(/"/, "", s); return s }
  { sub(/\r$/, "") }
  NR == 1 { for (i = 1; i <= NF; i++) col[unq($i)] = i; next }
  {
    m = unq($col["Param: model"]); b = unq($col["Param: batch"]) + 0; us = unq($col["Score"]) + 0
    o = unq($col["Param: opt"]); e = unq($col["Param: backend"])
    key[++rows] = m SUBSEP b SUBSEP o SUBSEP e; t[m, b, o, e] = us
  }
  END {
    for (r = 1; r <= rows; r++) {
      split(key[r], k, SUBSEP); m = k[1]; b = k[2]; o = k[3]; e = k[4]; us = t[m, b, o, e]
      ratio = (o == "O2" && ((m, b, "O0", e) in t)) ? sprintf("%.2fx", t[m, b, "O0", e] / us) : "-"
      vs = (e == "native" && ((m, b, o, "jvm") in t)) ? sprintf("%.2fx", t[m, b, o, "jvm"] / us) : "-"
      printf "%-14s %-7s %4s %6d %12.3f %14.0f %10.1f %10s %12s\n", m, e, o, b, us / 1000, b * 1e6 / us, per[m] * b / (us * 1e3), ratio, vs
    }
  }' "$CSV"
