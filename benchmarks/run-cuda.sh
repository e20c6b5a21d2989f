#!/usr/bin/env bash
# The CUDA backend on this machine's GPU: GEMM 4096^3 (f32, f16, bf16) and the example models
# at batch 1 and 32 (8 for transformer, bert_base, resnet50), then the same in PyTorch CUDA when
# Python has a CUDA-enabled torch. Exits with a message when there is no CUDA device.
#   benchmarks/run-cuda.sh                    # everything, PTX for sm_80
#   GPU=sm_90 benchmarks/run-cuda.sh gemm     # only the GEMMs, PTX for sm_90
#   PYTHON=python3 benchmarks/run-cuda.sh mlp mnist_cnn
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh
JAR=benchmarks/target/benchmarks.jar
GPU=${GPU:-sm_80}
PYTHON=${PYTHON:-/usr/bin/python3}
./mvnw -q -o install -DskipTests 2>/dev/null || ./mvnw -q install -DskipTests
echo "== nnc --backend=cuda"
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$JAR" dev.nnc.benchmarks.CudaBenchmark --gpu="$GPU" "$@" 2>&1 | grep -v '^WARNING'
echo "== PyTorch CUDA"
"$PYTHON" benchmarks/torch_cuda.py "$@" || echo "(PyTorch CUDA comparison not run)"
