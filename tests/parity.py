#!/usr/bin/env python3
"""Checks tract's outputs against onnxruntime's on the same ONNX files.

Usage: python3 tests/parity.py DIR

DIR holds what tests/onnx_parity.rs writes: fixture bundles (CONFIG/encoder.onnx,
decoder.onnx, pose.onnx), inputs and tract's outputs as raw little-endian f32 files, and
manifest.json listing the cases:

  {"tolerance": 1e-4,
   "cases": [{"config": "tiny", "model": "encoder", "onnx": "tiny/encoder.onnx",
              "batch": 1,
              "inputs":  [{"name": "image", "shape": [1, 3, 32, 32], "file": "..."}],
              "outputs": [{"name": "identity", "shape": [1, 16], "file": "..."}, ...]}]}

Every model is run in onnxruntime (CPUExecutionProvider, default graph optimizations);
the input and output names must be the manifest's, in order (the bundle format's names),
the shapes must agree, and every output must be within the tolerance of tract's.
The script prints the largest absolute difference per model and output. It also shows
that the files are standard ONNX: onnxruntime loads them and reads the drgan metadata,
and, when the `onnx` package is installed (it is not required), `onnx.checker` passes.

Exit status: 0 all within tolerance; 1 a difference over the tolerance or a mismatch;
2 usage or unreadable files; 3 numpy or onnxruntime missing.
Needs only the standard library, numpy and onnxruntime.
"""

import json
import os
import sys

INSTALL_HINT = "run `python3 -m pip install onnxruntime numpy`"

try:
    import numpy as np
    import onnxruntime as ort
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"parity.py: {e}: {INSTALL_HINT}", file=sys.stderr)
    sys.exit(3)

try:
    import onnx  # optional: only for onnx.checker
except ImportError:
    onnx = None


def load_f32(root, entry):
    data = np.fromfile(os.path.join(root, entry["file"]), dtype="<f4")
    shape = tuple(entry["shape"])
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{entry['file']}: {data.size} values, shape {shape}")
    return data.reshape(shape)


def session(path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = argv[1]
    try:
        with open(os.path.join(root, "manifest.json")) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"parity.py: cannot read {root}/manifest.json: {e}", file=sys.stderr)
        return 2
    tolerance = float(manifest.get("tolerance", 1e-4))
    cases = manifest["cases"]
    if not cases:
        print("parity.py: the manifest lists no cases", file=sys.stderr)
        return 2

    print(f"onnxruntime {ort.__version__}, numpy {np.__version__}, "
          f"onnx.checker: {'onnx ' + onnx.__version__ if onnx else 'skipped (onnx not installed)'}")
    failures = []
    sessions = {}
    # (config, model, output) -> [max abs diff, max |value|, batches]
    summary = {}
    for case in cases:
        rel = case["onnx"]
        path = os.path.join(root, rel)
        label = f"{case['config']}/{case['model']} batch {case['batch']}"
        if rel not in sessions:
            if onnx is not None:
                try:
                    onnx.checker.check_model(onnx.load(path), full_check=True)
                except Exception as e:  # noqa: BLE001 - report any checker failure
                    failures.append(f"{rel}: onnx.checker: {e}")
            try:
                sess = session(path)
            except Exception as e:  # noqa: BLE001 - report any load failure
                failures.append(f"{rel}: onnxruntime cannot load it: {e}")
                sessions[rel] = None
                continue
            meta = sess.get_modelmeta().custom_metadata_map
            if meta.get("drgan.format_version") != "1":
                failures.append(f"{rel}: metadata drgan.format_version is "
                                f"{meta.get('drgan.format_version')!r}, expected '1'")
            sessions[rel] = sess
        sess = sessions[rel]
        if sess is None:
            continue

        want_in = [i["name"] for i in case["inputs"]]
        have_in = [i.name for i in sess.get_inputs()]
        want_out = [o["name"] for o in case["outputs"]]
        have_out = [o.name for o in sess.get_outputs()]
        if have_in != want_in or have_out != want_out:
            failures.append(f"{label}: onnxruntime sees inputs {have_in} and outputs "
                            f"{have_out}, expected {want_in} and {want_out}")
            continue
        feeds = {i["name"]: load_f32(root, i) for i in case["inputs"]}
        results = sess.run(want_out, feeds)
        for entry, got in zip(case["outputs"], results):
            want = load_f32(root, entry)
            key = (case["config"], case["model"], entry["name"])
            if got.shape != want.shape:
                failures.append(f"{label} {entry['name']}: onnxruntime shape {got.shape}, "
                                f"tract shape {want.shape}")
                continue
            if not np.all(np.isfinite(got)):
                failures.append(f"{label} {entry['name']}: onnxruntime output is not finite")
                continue
            diff = float(np.max(np.abs(got.astype(np.float64) - want)))
            scale = float(np.max(np.abs(want)))
            s = summary.setdefault(key, [0.0, 0.0, []])
            s[0] = max(s[0], diff)
            s[1] = max(s[1], scale)
            s[2].append(case["batch"])
            if not diff <= tolerance:
                failures.append(f"{label} {entry['name']}: max abs difference {diff:.3e} "
                                f"over the tolerance {tolerance:g}")

    print(f"{'config':<7} {'model':<8} {'output':<12} {'batches':<8} "
          f"{'max |tract - ort|':>18} {'max |value|':>12}")
    for (config, model, output), (diff, scale, batches) in summary.items():
        b = ",".join(str(x) for x in batches)
        print(f"{config:<7} {model:<8} {output:<12} {b:<8} {diff:>18.3e} {scale:>12.4g}")
    if failures:
        print(f"\nFAILED ({len(failures)}):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    print(f"\nall {len(cases)} cases within {tolerance:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
