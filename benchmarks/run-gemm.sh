#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar, measures the machine's FP32 FMA peak (FmaPeak), runs
# the GEMM (JVM and native backends) and convolution JMH benchmarks and prints GFLOP/s and % of the measured peak.
#
#   benchmarks/run-gemm.sh                 # about 3 minutes: -wi 3 -i 5 -f 1, 1 s iterations
#   JMH_OPTS="-wi 5 -i 10 -f 2" benchmarks/run-gemm.sh
#   BENCH='GemmBenchmark.matmulPackedB' benchmarks/run-gemm.sh   # a subset (JMH regexp)
#
# Raw JMH results are left in benchmarks/target/jmh-results.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh

JMH_OPTS=${JMH_OPTS:-"-wi 3 -i 5 -f 1 -w 1s -r 1s"}
BENCH=${BENCH:-"GemmBenchmark|ConvBenchmark"}
JAR=benchmarks/target/benchmarks.jar
CSV=benchmarks/target/jmh-results.csv
JAVA="$JAVA_HOME/bin/java"

echo "== build"
./mvnw -q -o -pl runtime,benchmarks -am install -DskipTests 2>/dev/null \
  || ./mvnw -q -pl runtime,benchmarks -am install -DskipTests

echo "== FMA peak (FmaPeak)"
PEAK_OUT=$("$JAVA" --add-modules jdk.incubator.vector -cp "$JAR" dev.nnc.benchmarks.FmaPeak 2>&1 | grep -v '^WARNING')
echo "$PEAK_OUT"
PEAK1=$(echo "$PEAK_OUT" | sed -n 's/^peak FP32, 1 thread: *\([0-9.]*\).*/\1/p')
PEAKN=$(echo "$PEAK_OUT" | sed -n 's/^peak FP32, [0-9]* threads: *\([0-9.]*\).*/\1/p')
CORES=$(echo "$PEAK_OUT" | sed -n 's/^peak FP32, \([0-9]*\) threads:.*/\1/p')

echo "== JMH ($JMH_OPTS) $BENCH"
# shellcheck disable=SC2086
"$JAVA" -jar "$JAR" $JMH_OPTS -rf csv -rff "$CSV" "$BENCH" 2>&1 | grep -v '^WARNING' \
  | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.|# Run complete|# Fork|Iteration)' | grep -vE '^(Iteration|# Fork)' || true

echo "== GFLOP/s (2*m*n*k / time; conv: 2*N*O*OH*OW*C*K*K / time)"
awk -F, -v p1="$PEAK1" -v pn="$PEAKN" -v cores="$CORES" '
  function unq(s) { gsub(/"/, "", s); return s }
  { sub(/\r$/, "") }
  NR == 1 { for (i = 1; i <= NF; i++) col[unq($i)] = i; next }
  {
    name = unq($col["Benchmark"]); sub(/.*benchmarks\./, "", name)
    us = unq($col["Score"]) + 0; err = unq($col["Score Error (99.9%)"]) + 0
    threads = unq($col["Param: threads"]) + 0
    if (("Param: size" in col) && unq($col["Param: size"]) != "") {
      s = unq($col["Param: size"]) + 0; flops = 2 * s * s * s; what = "gemm " s "^3"
    } else {
      split(unq($col["Param: layer"]), L, "x")
      oh = L[3] + 2 * L[7] - L[6] + 1; ow = L[4] + 2 * L[7] - L[6] + 1
      flops = 2 * L[1] * L[5] * oh * ow * L[2] * L[6] * L[6]; what = "conv " unq($col["Param: layer"])
    }
    gf = flops / (us * 1e3)
    peak = (threads <= 1) ? p1 : pn * threads / cores
    printf "%-34s %-24s threads=%d  %10.1f us  %7.1f GFLOP/s  %5.1f%% of peak\n", name, what, threads, us, gf, 100 * gf / peak
  }' "$CSV"
