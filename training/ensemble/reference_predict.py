#!/usr/bin/python3
"""Reference predictions of the native Python models (saved by train.py in its work folder) for parity tests.

  reference_predict.py --work DIR --rows ROWS.f32 --features N
prints JSON {"<member>_h<h>": [predictions...]} for the float32 row-major rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from members import MEMBERS, load_member  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", required=True)
    ap.add_argument("--features", type=int, required=True)
    ap.add_argument("--horizons", default="1,5,15,60")
    args = ap.parse_args()
    X = np.fromfile(args.rows, dtype="<f4").reshape(-1, args.features)
    out = {}
    for h in args.horizons.split(","):
        for m in MEMBERS:
            stem = f"{m}_h{h}"
            out[stem] = [float(v) for v in load_member(args.work, m, stem).predict(X)]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
