"""Reads the feature/target matrix written by export-features.ts and splits it in time.

Layout of an export folder:
  meta.json      feature names, schema hash, horizons, files (symbol, timeframe, rows), row order
  features.f32   rows x features, row-major float32, NaN = missing
  targets.f64    rows x horizons, log(close[t+h] / close[t]); NaN at the end of a file or across a gap
  time.f64       candle open time (epoch ms)
  close.f64      close at t
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np


@dataclass
class Dataset:
    meta: dict
    X: np.ndarray  # float32 [n, f]
    Y: np.ndarray  # float64 [n, horizons]
    time: np.ndarray  # float64 ms
    close: np.ndarray
    file_index: np.ndarray  # int32 [n]: index into meta["files"]
    tf_ms: np.ndarray  # float64 [n]: timeframe of the row's file

    @property
    def feature_names(self) -> list[str]:
        return list(self.meta["feature_names"])

    @property
    def horizons(self) -> list[int]:
        return [int(h) for h in self.meta["horizons"]]


def load_dataset(folder: str) -> Dataset:
    with open(os.path.join(folder, "meta.json"), encoding="utf8") as fh:
        meta = json.load(fh)
    n, f, hz = int(meta["rows"]), len(meta["feature_names"]), len(meta["horizons"])
    X = np.fromfile(os.path.join(folder, "features.f32"), dtype="<f4").reshape(n, f)
    Y = np.fromfile(os.path.join(folder, "targets.f64"), dtype="<f8").reshape(n, hz)
    time = np.fromfile(os.path.join(folder, "time.f64"), dtype="<f8")
    close = np.fromfile(os.path.join(folder, "close.f64"), dtype="<f8")
    file_index = np.zeros(n, dtype=np.int32)
    tf_ms = np.zeros(n, dtype=np.float64)
    for i, spec in enumerate(meta["files"]):
        s, e = int(spec["offset"]), int(spec["offset"]) + int(spec["rows"])
        file_index[s:e] = i
        tf_ms[s:e] = float(spec["timeframe_ms"])
    if len(time) != n or len(close) != n:
        raise ValueError(f"{folder}: column lengths do not match meta rows={n}")
    return Dataset(meta, X, Y, time, close, file_index, tf_ms)


def iso_ms(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1000.0


@dataclass
class Split:
    train: np.ndarray  # boolean masks over all rows
    val: np.ndarray
    test: np.ndarray  # held-out period, training symbols
    unseen: np.ndarray  # held-out period, symbols never used in training or validation


def time_split(ds: Dataset, config: dict) -> Split:
    """Time-ordered train / validation / test per era, with a purge gap before each boundary.

    A row at time t belongs to train when t + purge*tf < val_start, to validation when val_start <= t and
    t + purge*tf < test_start, to test when t >= test_start. purge >= max horizon, so no target window of
    one split reaches into the next.
    """
    purge = int(config["purge_candles"])
    if purge < max(ds.horizons):
        raise ValueError(f"purge_candles {purge} must be >= the longest horizon {max(ds.horizons)}")
    unseen_symbols = set(config["unseen_symbols"])
    n = len(ds.time)
    val_start = np.full(n, np.nan)
    test_start = np.full(n, np.nan)
    for i, spec in enumerate(ds.meta["files"]):
        era = config["eras"][spec["era"]]
        mask = ds.file_index == i
        val_start[mask] = iso_ms(era["val_start"])
        test_start[mask] = iso_ms(era["test_start"])
    gap = purge * ds.tf_ms
    unseen_row = np.array([ds.meta["files"][i]["symbol"] in unseen_symbols for i in ds.file_index])
    train = (ds.time + gap < val_start) & ~unseen_row
    val = (ds.time >= val_start) & (ds.time + gap < test_start) & ~unseen_row
    held = ds.time >= test_start
    return Split(train, val, held & ~unseen_row, held & unseen_row)


def scale_column(ds: Dataset, config: dict) -> np.ndarray:
    """Per-candle volatility: GARCH(1,1) vol, else (GARCH warm-up) the fallback feature, floored."""
    names = ds.feature_names
    s = config["scale"]
    primary = ds.X[:, names.index(s["feature"])].astype(np.float64)
    fallback = ds.X[:, names.index(s["fallback_feature"])].astype(np.float64)
    scale = np.where(np.isfinite(primary) & (primary > 0), primary, fallback)
    return np.maximum(scale, s["floor"])


def usable_rows(ds: Dataset, config: dict) -> np.ndarray:
    """Rows past warm-up: every feature finite except the optional ones (GARCH warms up over 1001 candles)."""
    optional = [i for i, n in enumerate(ds.feature_names) if any(n.startswith(p) for p in config["optional_prefixes"])]
    required = np.ones(len(ds.feature_names), dtype=bool)
    required[optional] = False
    return np.all(np.isfinite(ds.X[:, required]), axis=1)
