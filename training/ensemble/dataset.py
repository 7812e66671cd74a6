"""Reads the input/target matrix written by export-features.ts and builds the walk-forward folds.

Layout of an export folder:
  meta.json      input names, schema hash, horizons, files (exchange, symbol, timeframe, role, rows), row order
  features.f32   rows x inputs, row-major float32, NaN = missing (src/core/models/price-inputs.ts)
  targets.f64    rows x horizons, log(close[t+h] / close[t]); NaN at the end of a file or across a gap
  time.f64       candle open time (epoch ms)
  close.f64      close at t
  sigma.f64      per-candle volatility (GARCH vol, else ret_std_50, floored) that scales targets and intervals
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

TF_NAMES = {60_000: "1m", 180_000: "3m", 300_000: "5m", 900_000: "15m", 1_800_000: "30m", 3_600_000: "1h",
            7_200_000: "2h", 14_400_000: "4h", 21_600_000: "6h", 43_200_000: "12h", 86_400_000: "1d"}


@dataclass
class Dataset:
    meta: dict
    X: np.ndarray  # float32 [n, f]
    Y: np.ndarray  # float64 [n, horizons]
    time: np.ndarray  # float64 ms
    close: np.ndarray
    sigma: np.ndarray
    file_index: np.ndarray  # int32 [n]: index into meta["files"]
    tf_ms: np.ndarray  # float64 [n]: timeframe of the row's file

    @property
    def feature_names(self) -> list[str]:
        return list(self.meta["feature_names"])

    @property
    def horizons(self) -> list[int]:
        return [int(h) for h in self.meta["horizons"]]

    def tf_name(self) -> np.ndarray:
        return np.array([TF_NAMES[int(f["timeframe_ms"])] for f in self.meta["files"]])[self.file_index]

    def file_flag(self, pred) -> np.ndarray:
        return np.array([bool(pred(f)) for f in self.meta["files"]])[self.file_index]


def load_dataset(folder: str) -> Dataset:
    with open(os.path.join(folder, "meta.json"), encoding="utf8") as fh:
        meta = json.load(fh)
    n, f, hz = int(meta["rows"]), len(meta["feature_names"]), len(meta["horizons"])
    X = np.fromfile(os.path.join(folder, "features.f32"), dtype="<f4").reshape(n, f)
    Y = np.fromfile(os.path.join(folder, "targets.f64"), dtype="<f8").reshape(n, hz)
    time = np.fromfile(os.path.join(folder, "time.f64"), dtype="<f8")
    close = np.fromfile(os.path.join(folder, "close.f64"), dtype="<f8")
    sigma = np.fromfile(os.path.join(folder, "sigma.f64"), dtype="<f8")
    file_index = np.zeros(n, dtype=np.int32)
    tf_ms = np.zeros(n, dtype=np.float64)
    for i, spec in enumerate(meta["files"]):
        s, e = int(spec["offset"]), int(spec["offset"]) + int(spec["rows"])
        file_index[s:e] = i
        tf_ms[s:e] = float(spec["timeframe_ms"])
    if len(time) != n or len(close) != n or len(sigma) != n:
        raise ValueError(f"{folder}: column lengths do not match meta rows={n}")
    return Dataset(meta, X, Y, time, close, sigma, file_index, tf_ms)


def usable_rows(ds: Dataset, optional: list[str]) -> np.ndarray:
    """Rows past warm-up: every input finite except the optional ones, and a finite volatility."""
    names = ds.feature_names
    required = np.array([n not in optional for n in names])
    return np.all(np.isfinite(ds.X[:, required]), axis=1) & np.isfinite(ds.sigma)


def past_log_return(ds: Dataset, lag: int) -> np.ndarray:
    """ln(close_t / close_{t-lag}) within each file (NaN for the first `lag` rows of a file)."""
    out = np.full(len(ds.close), np.nan)
    for spec in ds.meta["files"]:
        s, e = int(spec["offset"]), int(spec["offset"]) + int(spec["rows"])
        c = np.log(ds.close[s:e])
        if e - s > lag:
            out[s + lag:e] = c[lag:] - c[:-lag]
    return out


@dataclass
class Fold:
    index: int
    start: float
    end: float
    test: np.ndarray  # boolean masks over all rows
    train: np.ndarray


def walk_forward_folds(ds: Dataset, config: dict, evaluable: np.ndarray, trainable: np.ndarray) -> list[Fold]:
    """`folds` contiguous time blocks with equal numbers of evaluable rows (all eras and timeframes together).

    Fold k tests on block k (training symbols and the left-out symbols); it trains on trainable rows outside the
    block, minus a purge of `purge_candles` candles before the block (so no target window reaches into it) and
    an embargo of `embargo_candles` after it (serial correlation). Purged, embargoed k-fold in time (López de
    Prado 2018, ch. 7): blocks after the test block are used for training too.
    """
    k = int(config["folds"])
    purge, embargo = int(config["purge_candles"]), int(config["embargo_candles"])
    if purge < max(ds.horizons):
        raise ValueError(f"purge_candles {purge} must be >= the longest horizon {max(ds.horizons)}")
    times = np.sort(ds.time[evaluable])
    edges = [times[0]] + [times[int(len(times) * q / k)] for q in range(1, k)] + [times[-1] + 1]
    folds = []
    for i in range(k):
        start, end = edges[i], edges[i + 1]
        test = evaluable & (ds.time >= start) & (ds.time < end)
        near = (ds.time + purge * ds.tf_ms >= start) & (ds.time < end + embargo * ds.tf_ms)
        folds.append(Fold(i, float(start), float(end), test, trainable & ~near))
    return folds
