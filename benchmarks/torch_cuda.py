"""PyTorch CUDA figures to set beside benchmarks/run-cuda.sh's: GEMM 4096^3 in f32 (TF32 off
and on), f16 and bf16, and the reference models at batch 1 and 32 (8 for the large ones),
timed with CUDA events after a warm-up, inputs already on the GPU.

    python3 benchmarks/torch_cuda.py [gemm] [MODEL...]
"""
import os
import sys

import torch

sys.path.insert(0, os.environ.get("NNC_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared")))

MODELS = ["mlp", "mnist_cnn", "cifar_cnn", "catsdogs_cnn", "transformer", "bert_base", "resnet50"]
LARGE = {"transformer", "bert_base", "resnet50"}
N = 4096


def millis(fn, reps):
    fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def gemm():
    flop = 2.0 * N ** 3
    for dtype, tf32 in [(torch.float32, False), (torch.float32, True), (torch.float16, False), (torch.bfloat16, False)]:
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.rand(N, N, device="cuda", dtype=dtype)
        b = torch.rand(N, N, device="cuda", dtype=dtype)
        ms = millis(lambda: a @ b, 20)
        name = str(dtype).replace("torch.", "") + (" (tf32)" if tf32 else "")
        print(f"torch gemm {name:16s} {N}^3: {ms:8.3f} ms  {flop / ms / 1e9:6.1f} TFLOP/s")
    torch.backends.cuda.matmul.allow_tf32 = False


def model(name):
    import reference_models
    net = reference_models.build(name).eval().cuda()
    for batch in (1, 8 if name in LARGE else 32):
        args = [torch.from_numpy(x).cuda() for x in reference_models.make_input(name, batch)]
        with torch.no_grad():
            ms = millis(lambda: net(*args), 20)
        print(f"torch {name:13s} batch {batch:2d}: {ms:8.3f} ms  {batch / ms * 1e3:9.0f} items/s")


def main():
    if not torch.cuda.is_available():
        print("PyTorch has no CUDA device here (torch.cuda.is_available() is False)")
        sys.exit(1)
    print("torch", torch.__version__, "on", torch.cuda.get_device_name(0))
    what = [a for a in sys.argv[1:] if not a.startswith("--")] or ["gemm"] + MODELS
    for w in what:
        gemm() if w == "gemm" else model(w)


if __name__ == "__main__":
    main()
