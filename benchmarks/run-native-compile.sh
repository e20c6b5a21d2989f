#!/usr/bin/env bash
# Cold native-backend compile times per example model, each in a fresh JVM: LLVM start-up, IR
# emission, -O3 + machine code (jit_ms), weight binding and packing (load_ms), first call.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/select-jdk.sh
JAR=benchmarks/target/benchmarks.jar
./mvnw -q -o install -DskipTests 2>/dev/null || ./mvnw -q install -DskipTests
for m in mlp mnist_cnn cifar_cnn catsdogs_cnn; do
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp "$JAR" dev.nnc.benchmarks.NativeCompileTime "$m" 2>&1 | grep -v '^WARNING'
done
