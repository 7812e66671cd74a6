"""Confidence calibration and prediction intervals, fitted on the validation split.

The same formulas are applied at inference by src/core/models/price-calibration.ts:
  vol_h        = scale * sqrt(h)                      (scale: per-candle volatility, e.g. GARCH(1,1))
  confidence   = interp(|ret| / vol_h, points.x, points.p)   (piecewise linear, clamped at the ends)
  lower, upper = close * exp(ret + q_lo * vol_h), close * exp(ret + q_hi * vol_h)
"""

from __future__ import annotations

import numpy as np


def direction_hit(pred: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """1 when the predicted direction is right; an unchanged price (or a zero prediction) counts as a miss."""
    return ((pred > 0) & (actual > 0)) | ((pred < 0) & (actual < 0))


def pav(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted pool-adjacent-violators: the non-decreasing fit of `values`."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values.astype(float), weights.astype(float)):
        blocks.append([v, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for m, _, c in blocks:
        out.extend([m] * int(c))
    return np.asarray(out)


def fit_confidence(strength: np.ndarray, hit: np.ndarray, bins: int = 20) -> dict:
    """Isotonic (PAV) map from signal strength |ret|/vol_h to P(direction right), on equal-count bins."""
    order = np.argsort(strength, kind="stable")
    xs, hs = strength[order], hit[order].astype(float)
    groups = [g for g in np.array_split(np.arange(len(xs)), bins) if len(g) > 0]
    x = np.array([xs[g].mean() for g in groups])
    p = np.array([hs[g].mean() for g in groups])
    w = np.array([len(g) for g in groups], dtype=float)
    p = pav(p, w)
    keep = np.concatenate([[True], np.diff(x) > 0])
    return {"x": [float(v) for v in x[keep]], "p": [float(v) for v in p[keep]]}


def apply_confidence(strength: np.ndarray, points: dict) -> np.ndarray:
    return np.interp(strength, np.asarray(points["x"]), np.asarray(points["p"]))


def fit_interval(z: np.ndarray, coverage: float = 0.8) -> dict:
    """Split-conformal quantiles of the standardized residual z = (actual - ret) / vol_h."""
    lo_q, hi_q = (1 - coverage) / 2, 1 - (1 - coverage) / 2
    n = len(z)
    # finite-sample conformal levels (ceil((n+1)q)/n), clipped to [0, 1]
    lo = float(np.quantile(z, max(0.0, np.floor((n + 1) * lo_q) / n), method="lower"))
    hi = float(np.quantile(z, min(1.0, np.ceil((n + 1) * hi_q) / n), method="higher"))
    return {"coverage": coverage, "q_lo": lo, "q_hi": hi}


def calibration_error(conf: np.ndarray, hit: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins of confidence."""
    order = np.argsort(conf, kind="stable")
    total = 0.0
    for g in np.array_split(order, bins):
        if len(g) == 0:
            continue
        total += len(g) / len(conf) * abs(conf[g].mean() - hit[g].astype(float).mean())
    return float(total)
