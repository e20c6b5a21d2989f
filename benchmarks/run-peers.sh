#!/usr/bin/env bash
# The peer table of benchmarks/README.md in one command: nnc (JVM and native backends) against
# ONNX Runtime for Java in one JMH run, and PyTorch on the same models, weights, inputs and
# thread count; then the Markdown table, the targets and benchmarks/peers.png.
#   benchmarks/run-peers.sh                              # every example model present
#   MODELS="mlp cifar_cnn" benchmarks/run-peers.sh       # a subset
#   THREADS=1 JMH_OPTS="-wi 5 -i 10 -f 2" benchmarks/run-peers.sh
#   JMH_JVM_OPTS=-Djmh.ignoreLock=true benchmarks/run-peers.sh   # beside another JMH run
# The small models run at batch 1 and 32, the large ones (transformer, bert_base, resnet50,
# once examples/NAME.nn exists) at 1 and 8. Missing ONNX files are exported first
# (examples/fixtures/generate.py --onnx). About 15 minutes for the four small models, 30 with
# the large ones (see benchmarks/README.md). Results: benchmarks/target/peers-*.json,
# benchmarks/target/pytorch.json, benchmarks/target/peers.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh
SMALL="mlp mnist_cnn cifar_cnn catsdogs_cnn"
LARGE="transformer bert_base resnet50"
THREADS=${THREADS:-$(nproc)}
JMH_OPTS=${JMH_OPTS:-"-wi 3 -i 5 -f 1 -w 2s -r 2s"}
MODELS=${MODELS:-"$SMALL $LARGE"}
PYTHON=${PYTHON:-/usr/bin/python3}
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target
JAVA="$JAVA_HOME/bin/java"
start=$(date +%s)
elapsed() { local s=$(($(date +%s) - start)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

present() { # the models of the group $1 that are asked for and have an example source
  local m out=()
  for m in $1; do
    [[ " $MODELS " == *" $m "* && -f examples/$m.nn ]] && out+=("$m")
  done
  echo "${out[@]:-}"
}
small=$(present "$SMALL")
large=$(present "$LARGE")
[ -n "$small$large" ] || { echo "no example model among: $MODELS" >&2; exit 1; }
echo "== models: ${small:-} ${large:-}; $THREADS threads"

echo "== build ($(elapsed))"
./mvnw -q -o install -DskipTests >/dev/null 2>&1 || ./mvnw -q install -DskipTests  # online once, for ONNX Runtime and XChart

missing=()
for m in $small $large; do [ -f "benchmarks/onnx/$m.onnx" ] || missing+=("$m"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== ONNX export: ${missing[*]} ($(elapsed))"
  "$PYTHON" examples/fixtures/generate.py --onnx "${missing[@]}"
fi

mkdir -p "$OUT"
rm -f "$OUT"/peers-*.json
jmh() { # $1 group name, $2 models, $3 batches
  [ -n "$2" ] || return 0
  echo "== JMH, $1 models at batch $3 ($(elapsed))"
  # shellcheck disable=SC2086
  "$JAVA" ${JMH_JVM_OPTS:-} -jar "$JAR" $JMH_OPTS -p model="$(tr ' ' , <<<"$2")" -p batch="$3" \
    -jvmArgsAppend "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g -Dnnc.threads=$THREADS" \
    -rf json -rff "$OUT/peers-$1.json" PeerBenchmark 2>&1 | grep -E '^PeerBenchmark|^Benchmark|agree|Exception|Error' || true
  [ -s "$OUT/peers-$1.json" ] || { echo "JMH wrote no results for the $1 models" >&2; exit 1; }
}
jmh small "$small" 1,32
jmh large "$large" 1,8

echo "== PyTorch ($(elapsed))"
cases=()
for m in $small; do cases+=("$m:1,32"); done
for m in $large; do cases+=("$m:1,8"); done
"$PYTHON" benchmarks/pytorch_bench.py --threads "$THREADS" --out "$OUT/pytorch.json" "${cases[@]}"

echo "== report ($(elapsed))"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
jsons=()
for f in "$OUT"/peers-*.json; do jsons+=(--jmh "$f"); done
"$JAVA" -Djava.awt.headless=true -cp "$JAR" dev.nnc.benchmarks.peers.PeerReport "${jsons[@]}" \
  --pytorch "$OUT/pytorch.json" --png benchmarks/peers.png --markdown "$OUT/peers.md" \
  --subtitle "$THREADS threads, ${cpu:-unknown CPU}"
echo "== done in $(elapsed)"
