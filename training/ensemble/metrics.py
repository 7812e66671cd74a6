"""Hold-out metrics of SPEC section 9, per horizon."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from calibration import apply_confidence, calibration_error, direction_hit


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3:
        return float("nan")
    return float(spearmanr(a, b).correlation)


def horizon_metrics(ret: np.ndarray, actual: np.ndarray, vol_h: np.ndarray, cal: dict, members: dict, h: int) -> dict:
    """ret: ensemble log-return prediction; actual: realized log return; vol_h: volatility over h candles.

    MAE is on closes relative to close_t (|exp(ret) - exp(actual)|), pooled over rows, divided by the
    random walk's |1 - exp(actual)|, so symbols at different price levels weigh alike. `ic_se` is a rough
    standard error of the IC, 1/sqrt(rows/h): targets of neighbouring rows overlap over h candles.
    """
    hit = direction_hit(ret, actual)
    conf = apply_confidence(np.abs(ret) / vol_h, cal["confidence"])
    lo = ret + cal["interval"]["q_lo"] * vol_h
    hi = ret + cal["interval"]["q_hi"] * vol_h
    mae_model = np.abs(np.exp(ret) - np.exp(actual)).mean()
    mae_rw = np.abs(1.0 - np.exp(actual)).mean()
    return {
        "rows": int(len(ret)),
        "ic": spearman(ret, actual),
        "ic_se": float(1.0 / np.sqrt(max(1.0, len(ret) / h))),
        "hit_rate": float(hit.mean()),
        "mae_ratio_vs_random_walk": float(mae_model / mae_rw),
        "coverage_80": float(((actual >= lo) & (actual <= hi)).mean()),
        "calibration_error": calibration_error(conf, hit),
        "mean_confidence": float(conf.mean()),
        "ic_members": {name: spearman(p, actual) for name, p in members.items()},
    }
