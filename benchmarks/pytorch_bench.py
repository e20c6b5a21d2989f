"""PyTorch's figures for the peer table (benchmarks/run-peers.sh): each model from
reference_models.py with rm.synthetic_weights (the weights nnc and ONNX Runtime use), eval
mode, on the CPU with the same thread count, timed as a user would run it for inference:
under torch.inference_mode(), eager, and traced, frozen and passed through
torch.jit.optimize_for_inference (convolutions and their weights moved to oneDNN), as the
PyTorch docs suggest for CPU inference; the faster of the two is reported. Debian's
python3-torch uses the system BLAS (the reference libblas3 here) for dense layers. Warm-up, then the median of timed rounds of
several calls each. Writes JSON: [{"model", "batch", "mode", "us", "us_eager", "us_jit"}].

    /usr/bin/python3 benchmarks/pytorch_bench.py --threads 2 --out benchmarks/target/pytorch.json \
        mlp:1,32 mnist_cnn:1,32 resnet50:1,8

Run with Debian's interpreter: /usr/bin/python3 (python3-torch 1.13, python3-numpy).
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "fixtures"))
sys.dont_write_bytecode = True
import nnc_io  # noqa: E402

def sample_inputs(rm, name, model, batch):
    """Inputs of the model's shapes, drawn as nnc's SampleInputs draws them: floats in
    [0, 1), token ids over the vocabulary, other integers 0 (speed does not depend on the
    exact values)."""
    g = torch.Generator().manual_seed(1)
    out = []
    for input_name, shape, dtype in rm.MODELS[name][1]:
        full = (batch,) + tuple(shape)
        if dtype == "f32":
            out.append(torch.rand(full, generator=g))
        elif input_name == "input_ids":
            vocab = model.embeddings.word_embeddings.num_embeddings
            out.append(torch.randint(0, vocab, full, generator=g))
        else:
            out.append(torch.zeros(full, dtype=torch.int64))
    return out


def time_calls(fn, min_seconds, rounds):
    """Median microseconds per call over `rounds` rounds of at least min_seconds / rounds each;
    calls slower than that (BERT on the reference BLAS takes seconds) get at most 3 rounds of one call."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-6)
    if once * rounds > min_seconds:
        rounds = min(rounds, 3)
    calls = max(1, int(min_seconds / rounds / once))
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        per_call.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(per_call)


def bench(rm, name, batch, warmup_s, measure_s, rounds):
    model = rm.synthetic_weights(rm.build(name, seed=0), seed=0).eval()
    inputs = sample_inputs(rm, name, model, batch)
    with torch.inference_mode():
        eager = lambda: model(*inputs)  # noqa: E731
        time_calls(eager, warmup_s, 1)
        us_eager = time_calls(eager, measure_s, rounds)
        frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(model, tuple(inputs), check_trace=False)))
        jit = lambda: frozen(*inputs)  # noqa: E731
        time_calls(jit, warmup_s, 1)  # the profiling executor optimizes on the first calls
        if not torch.allclose(jit(), eager(), rtol=1e-3, atol=1e-4):
            sys.exit(f"{name}: the optimized TorchScript module disagrees with the eager one")
        us_jit = time_calls(jit, measure_s, rounds)
    mode = "jit" if us_jit < us_eager else "eager"
    return {"model": name, "batch": batch, "mode": mode, "us": min(us_jit, us_eager),
            "us_eager": us_eager, "us_jit": us_jit, "threads": torch.get_num_threads()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", help="MODEL:BATCH[,BATCH...]")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per case (default 3)")
    parser.add_argument("--measure", type=float, default=5.0, help="timed seconds per case and mode (default 5)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the median counts (default 5)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    rm = nnc_io.import_reference_models()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    results = []
    for case in args.cases:
        name, _, batches = case.partition(":")
        if name not in rm.MODELS:
            sys.exit(f"unknown model {name!r}; reference_models.MODELS has {', '.join(rm.MODELS)}")
        for batch in (int(b) for b in batches.split(",")):
            r = bench(rm, name, batch, args.warmup, args.measure, args.rounds)
            print(f"{name:14s} batch {batch:3d}: {r['us']:12.1f} us ({r['mode']}; eager {r['us_eager']:.1f}, "
                  f"jit {r['us_jit']:.1f})", flush=True)
            results.append(r)
            with open(args.out, "w") as f:  # after every case, so an interrupted run keeps what it measured
                json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
