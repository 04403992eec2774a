#!/usr/bin/env python3
"""The inference benchmark's operations in onnxruntime, for comparison with drgan/tract.

Usage: python3 benches/ort_bench.py BUNDLES [--configs paper,small] [--threads 1,2]
                                            [--runs N] [--format text|tsv]

BUNDLES holds one bundle directory per config (BUNDLES/paper, BUNDLES/small), as
`cargo run --release --example fixture_bundle -- paper BUNDLES/paper` writes them.
For each config and intra-op thread count (sequential execution, one inter-op thread,
CPUExecutionProvider, default graph optimizations) it times the same operations as
benches/inference.rs:

  open            create sessions for encoder.onnx, decoder.onnx and pose.onnx
  embed_b1        encoder, batch 1
  embed_b16       encoder, batch 16
  frontalize_b1   encoder then decoder (frontal one-hot pose, uniform noise), batch 1

and prints the median of several timed runs after warm-up runs. `--format tsv` prints
`MEDIAN_ORT <operation> <config> <threads> <nanoseconds>` lines for benches/compare.sh.
Needs only the standard library, numpy and onnxruntime.
"""

import argparse
import os
import statistics
import sys
import time

try:
    import numpy as np
    import onnxruntime as ort
except ImportError as e:
    print(f"ort_bench.py: {e}: run `python3 -m pip install onnxruntime numpy`", file=sys.stderr)
    sys.exit(3)

OPERATIONS = ["open", "embed_b1", "embed_b16", "frontalize_b1"]


def options(threads):
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return o


def sessions(files, threads):
    return {
        name: ort.InferenceSession(data, sess_options=options(threads),
                                   providers=["CPUExecutionProvider"])
        for name, data in files.items()
    }


def median_ns(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times)


def bench_config(root, config, threads, runs):
    files = {}
    for name in ["encoder", "decoder", "pose"]:
        path = os.path.join(root, config, f"{name}.onnx")
        if os.path.exists(path) or name != "pose":
            with open(path, "rb") as f:
                files[name] = f.read()
    s = sessions(files, threads)
    enc, dec = s["encoder"], s["decoder"]
    meta = enc.get_modelmeta().custom_metadata_map
    size = int(meta["drgan.input_size"])
    nf = int(meta["drgan.feature_dim"])
    nz = int(meta["drgan.noise_dim"])
    yaws = [float(y) for y in meta["drgan.pose_yaws"].split(",")]
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, size=(16, 3, size, size)).astype(np.float32)
    b1 = images[:1]
    pose = np.zeros((1, len(yaws)), np.float32)
    pose[0, min(range(len(yaws)), key=lambda i: abs(yaws[i]))] = 1.0
    noise = rng.uniform(-1, 1, size=(1, nz)).astype(np.float32)

    def frontalize():
        identity = enc.run(["identity"], {"image": b1})[0]
        assert identity.shape == (1, nf)
        return dec.run(None, {"identity": identity, "pose": pose, "noise": noise})

    slow = config == "paper"
    return {
        "open": median_ns(lambda: sessions(files, threads), 1, max(3, runs // 3)),
        "embed_b1": median_ns(lambda: enc.run(None, {"image": b1}), 3, runs),
        "embed_b16": median_ns(lambda: enc.run(None, {"image": images}), 1,
                               max(3, runs // 3 if slow else runs // 2)),
        "frontalize_b1": median_ns(frontalize, 3, runs),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("bundles")
    p.add_argument("--configs", default="paper,small")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--runs", type=int, default=15, help="timed runs per batch-1 operation")
    p.add_argument("--format", choices=["text", "tsv"], default="text")
    a = p.parse_args()
    configs = a.configs.split(",")
    threads = [int(t) for t in a.threads.split(",")]
    if a.format == "text":
        print(f"onnxruntime {ort.__version__}, CPUExecutionProvider, sequential; "
              f"median ms of {a.runs} runs (open, embed_b16: fewer)")
        print(f"{'operation':<14} {'config':<7} {'threads':>7} {'median ms':>10}")
    for config in configs:
        for t in threads:
            for op, ns in bench_config(a.bundles, config, t, a.runs).items():
                if a.format == "tsv":
                    print(f"MEDIAN_ORT {op} {config} {t} {ns:.0f}", flush=True)
                else:
                    print(f"{op:<14} {config:<7} {t:>7} {ns / 1e6:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
