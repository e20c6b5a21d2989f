"""Trains reference_models' mnist_cnn on Fashion-MNIST and writes, beside this script,
what nnc's Fashion-MNIST example and its test load:

    weights.safetensors  the trained state_dict (float32; names conv1..conv3, fc1, fc2)
    images.npy           the first 8 test images, float32 [8, 1, 28, 28] in [0, 1]
    labels.npy           their labels, int64 [8]
    expected.npy         the trained model's softmax output for them, float32 [8, 10]
    classes.txt          the 10 class names in label order

    /usr/bin/python3 examples/fashion_mnist/train.py [--data DIR] [--max-epochs 10] [--target 0.90]

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*-ubyte.gz).
The saved module is exactly rm.build("mnist_cnn", seed=0): its forward ends in softmax,
so training reads the logits from fc2 with a forward hook and applies cross-entropy there.
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
import nnc_io  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SEED = 0
BATCH = 128
LR = 1e-3
SAMPLES = 8


def read_idx(path):
    """An IDX file (gzip): big-endian magic (0, 0, dtype 0x08 = uint8, rank), one
    big-endian uint32 per dimension, then the row-major data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, rank = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    dims = struct.unpack(f">{rank}I", raw[4:4 + 4 * rank])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(data_dir, split):
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / np.float32(255.0))[:, None, :, :]  # NCHW, [0, 1]
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64))


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--max-epochs", type=int, default=10)
    parser.add_argument("--target", type=float, default=0.90,
                        help="stop after the first epoch whose test accuracy reaches this")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=HERE)
    args = parser.parse_args()

    rm = nnc_io.import_reference_models()
    torch.set_num_threads(args.threads)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    print(f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}", flush=True)

    model = rm.build("mnist_cnn", seed=SEED)
    torch.manual_seed(SEED)  # the shuffling order
    logits = {}
    model.fc2.register_forward_hook(lambda module, inputs, output: logits.__setitem__("fc2", output))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)

    start = time.time()
    for epoch in range(1, args.max_epochs + 1):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for i in range(0, len(order), BATCH):
            batch = order[i:i + BATCH]
            model(x_train[batch])
            loss = F.cross_entropy(logits["fc2"], y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        acc = accuracy(model, x_test, y_test)
        print(f"epoch {epoch}: loss {total / len(order):.4f}, test accuracy {acc:.4f}, "
              f"{time.time() - start:.0f} s", flush=True)
        if acc >= args.target:
            break
    elapsed = time.time() - start

    model.eval()
    images = x_test[:SAMPLES].numpy().copy()
    labels = y_test[:SAMPLES].numpy().copy()
    with torch.no_grad():
        expected = model(torch.from_numpy(images)).numpy().astype(np.float32)
    os.makedirs(args.out, exist_ok=True)
    nnc_io.write_safetensors(os.path.join(args.out, "weights.safetensors"),
                             nnc_io.float_state(model.state_dict()))
    np.save(os.path.join(args.out, "images.npy"), images)
    np.save(os.path.join(args.out, "labels.npy"), labels)
    np.save(os.path.join(args.out, "expected.npy"), expected)
    with open(os.path.join(args.out, "classes.txt"), "w") as f:
        f.write("".join(c + "\n" for c in CLASSES))

    hits = int((expected.argmax(1) == labels).sum())
    print(f"done: {epoch} epochs in {elapsed:.0f} s; test accuracy {acc:.4f} "
          f"({round(acc * len(x_test))}/{len(x_test)}); {hits}/{SAMPLES} sample images correct", flush=True)
    print("samples: predicted " + " ".join(map(str, expected.argmax(1)))
          + " | true " + " ".join(map(str, labels)), flush=True)


if __name__ == "__main__":
    main()
