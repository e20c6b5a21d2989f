#!/usr/bin/env bash
# Runs the large models of issue #6 (transformer 2x512, BERT-base, ResNet-50; -O2, synthetic
# weights, all cores) at batch 1 and 8 on the JVM and native backends with JMH, and prints
# latency, throughput, GFLOP/s (2*MACs of the matmuls and convolutions, LargeModelFlops) and the
# share of the same backend's 1024^3 GEMM rate (prepacked B, same thread count), which it
# measures first in the same run. About 11 minutes (build 20 s, GEMM 1 min, models 9 min).
#   benchmarks/run-large-models.sh
#   MODELS=bert_base BATCH=8 BACKEND=native benchmarks/run-large-models.sh   # a subset
#   GEMM_JVM=516 GEMM_NATIVE=498 benchmarks/run-large-models.sh            # skip the GEMM run
#   JMH_OPTS="-wi 5 -i 10 -f 2" benchmarks/run-large-models.sh
#   NNC_LARGE_MODELS=/some/dir benchmarks/run-large-models.sh   # models other than examples/*.nn
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh
JMH_OPTS=${JMH_OPTS:-"-wi 3 -i 5 -f 1 -w 3s -r 3s"}
MODELS=${MODELS:-transformer,bert_base,resnet50}
BATCH=${BATCH:-1,8}
BACKEND=${BACKEND:-jvm,native}
THREADS=$(nproc)
JAR=benchmarks/target/benchmarks.jar
CSV=benchmarks/target/jmh-large-models.csv
GEMM_CSV=benchmarks/target/jmh-large-models-gemm.csv
LOG=benchmarks/target/jmh-large-models.log
JAVA="$JAVA_HOME/bin/java"
export NNC_LARGE_MODELS=${NNC_LARGE_MODELS:-examples}

# Runs JMH with the arguments after the CSV it writes; on failure (another JMH run holding its
# lock, a model that does not compile) shows why instead of printing stale results.
jmh() {
  local csv=$1
  shift
  rm -f "$csv"
  "$JAVA" -jar "$JAR" "$@" -rf csv -rff "$csv" > "$LOG" 2>&1 || true
  grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' "$LOG" || true
  if [ ! -s "$csv" ]; then
    echo "JMH failed (full output in $LOG):" >&2
    grep -vE '^(WARNING|#)' "$LOG" | tail -20 >&2
    exit 1
  fi
}

echo "== build"
./mvnw -q -o install -DskipTests 2>/dev/null || ./mvnw -q install -DskipTests

echo "== FLOPs per sequence / image (matmuls + convolutions)"
FLOPS=$("$JAVA" --add-modules jdk.incubator.vector -cp "$JAR" dev.nnc.benchmarks.LargeModelFlops ${MODELS//,/ } 2>/dev/null)
echo "$FLOPS"

if [ -z "${GEMM_JVM:-}" ] || [ -z "${GEMM_NATIVE:-}" ]; then
  echo "== GEMM 1024^3 on $THREADS threads, prepacked B (the reference rate)"
  jmh "$GEMM_CSV" -wi 3 -i 5 -f 1 -w 1s -r 1s -p size=1024 -p threads="$THREADS" \
    'GemmBenchmark.matmulPackedB|NativeGemmBenchmark.matmul'
  rate() { awk -F, -v want="$1" '{ gsub(/"/, "") } NR > 1 && $1 ~ want { printf "%.1f", 2 * 1024^3 / ($5 * 1e3) }' "$GEMM_CSV"; }
  GEMM_JVM=${GEMM_JVM:-$(rate '[.]GemmBenchmark[.]matmulPackedB')}
  GEMM_NATIVE=${GEMM_NATIVE:-$(rate 'NativeGemmBenchmark[.]matmul')}
fi
echo "GEMM rate: jvm $GEMM_JVM GFLOP/s, native $GEMM_NATIVE GFLOP/s"

echo "== JMH ($JMH_OPTS) LargeModelBenchmark"
# shellcheck disable=SC2086
jmh "$CSV" $JMH_OPTS -p model="$MODELS" -p batch="$BATCH" -p backend="$BACKEND" LargeModelBenchmark

echo "== per model (throughput in sequences or images per second)"
printf '%-12s %-7s %5s %12s %10s %12s %10s %8s\n' model backend batch latency_ms '±' items_per_s GFLOP/s %GEMM
awk -F, -v flops="$FLOPS" -v gj="$GEMM_JVM" -v gn="$GEMM_NATIVE" '
  BEGIN { n = split(flops, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, " "); per[f[1]] = f[2] } }
  function unq(s) { gsub(/"/, "", s); return s }
  { sub(/\r$/, "") }
  NR == 1 { for (i = 1; i <= NF; i++) col[unq($i)] = i; next }
  {
    m = unq($col["Param: model"]); b = unq($col["Param: batch"]) + 0; e = unq($col["Param: backend"])
    ms = unq($col["Score"]) + 0; err = unq($col["Score Error (99.9%)"]) + 0
    gf = per[m] * b / (ms * 1e6); ref = (e == "native") ? gn : gj
    printf "%-12s %-7s %5d %12.2f %10.2f %12.1f %10.1f %7.0f%%\n", m, e, b, ms, err, b * 1e3 / ms, gf, 100 * gf / ref
  }' "$CSV"
