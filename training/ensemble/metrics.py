"""Walk-forward metrics per (timeframe, horizon, fold), for the model and the baselines (SPEC §5).

Every signal s (a model's predicted z = log return / (sigma sqrt(h)), or a baseline turned into one) is made a
return forecast the way the runtime does it: ret = k * s * vol_h with the shrink k fitted on the OTHER folds
(cross-fitting), the 80% interval from split-conformal quantiles of the standardized residual and the
confidence curve from the other folds as well, so no fold is scored with numbers fitted on itself.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from calibration import apply_confidence, calibration_error, direction_hit, fit_confidence, fit_interval

Z_CLIP = 6.0
SHRINK_MAX = 1.5


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.all(a == a[0]):
        return float("nan")
    return float(spearmanr(a, b).correlation)


def fit_shrink(s: np.ndarray, z: np.ndarray) -> float:
    """Least-squares slope of the realized z on the signal through 0, clipped to [0, SHRINK_MAX]."""
    zc = np.clip(z, -Z_CLIP, Z_CLIP)
    den = float(np.sum(s * s))
    return float(np.clip(np.sum(s * zc) / den, 0.0, SHRINK_MAX)) if den > 0 else 0.0


def fit_stack(S: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Non-negative least squares of the realized z on the columns of S (n x 2: ensemble z, reversal z),
    each weight clipped to [0, SHRINK_MAX]: the calibrated conditional mean the runtime serves."""
    zc = np.clip(z, -Z_CLIP, Z_CLIP)
    coef = np.linalg.lstsq(S, zc, rcond=None)[0]
    if coef[0] < 0 or coef[1] < 0:
        one = [fit_shrink(S[:, j], z) for j in range(2)]
        sse = [np.sum((zc - one[j] * S[:, j]) ** 2) for j in range(2)]
        coef = np.array([one[0], 0.0]) if sse[0] <= sse[1] else np.array([0.0, one[1]])
    return np.clip(coef, 0.0, SHRINK_MAX)


def fit_calibration(s: np.ndarray, z: np.ndarray, k: float, cap: int = 400_000) -> dict:
    """Confidence curve on |k s| and interval quantiles of z - k s (rows strided to at most `cap`)."""
    step = max(1, int(np.ceil(len(s) / cap)))
    s, z = s[::step], z[::step]
    pred = k * s
    cal = {"interval": fit_interval(z - pred)}
    cal["confidence"] = fit_confidence(np.abs(pred), direction_hit(pred, z)) if k > 0 else {"x": [0.0], "p": [0.5]}
    return cal


def score(pred_ret: np.ndarray, y: np.ndarray, vol_h: np.ndarray, cal: dict, directional: bool, signal=None) -> dict:
    """Metrics of one cell. pred_ret: forecast log return; y: realized; vol_h: sigma sqrt(h). IC and hit rate are
    those of `signal` (the direction the model points, before shrinking; pred_ret when None)."""
    sig = pred_ret if signal is None else signal
    lo = pred_ret + cal["interval"]["q_lo"] * vol_h
    hi = pred_ret + cal["interval"]["q_hi"] * vol_h
    rmse = float(np.sqrt(np.mean((y - pred_ret) ** 2)) / np.sqrt(np.mean(y ** 2)))
    mae = float(np.abs(np.exp(pred_ret) - np.exp(y)).mean() / np.abs(1.0 - np.exp(y)).mean())
    out = {
        "rows": int(len(y)),
        "ic": spearman(sig, y) if directional else None,
        "hit_rate": float(direction_hit(sig, y).mean()) if directional else None,
        "rmse_ratio": rmse,
        "mae_ratio": mae,
        "coverage_80": float(((y >= lo) & (y <= hi)).mean()),
        "calibration_error": None,
    }
    if directional:
        conf = apply_confidence(np.abs(pred_ret) / vol_h, cal["confidence"])
        out["calibration_error"] = calibration_error(conf, direction_hit(sig, y))
    return out


def crossfit_fold_metrics(signal, y, vol_h, fold_id, n_folds, groups, directional=True, fixed_zero=False):
    """Per group (timeframe) and fold: metrics of `signal` with shrink and calibration fitted on other folds.

    signal, y, vol_h, fold_id: arrays over the evaluated rows (fold_id -1 = not evaluated); groups: dict
    name -> boolean mask over those rows. Returns {group: [fold metrics or None]}.
    """
    z = y / vol_h
    out = {g: [None] * n_folds for g in groups}
    for f in range(n_folds):
        te = fold_id == f
        other = (fold_id >= 0) & ~te
        if not te.any() or not other.any():
            continue
        stacked = signal.ndim == 2
        if fixed_zero:
            coef = np.zeros(1)
            cal = {"interval": fit_interval(z[other][:: max(1, int(other.sum() // 400_000))])}
        elif stacked:
            coef = fit_stack(signal[other], z[other])
            cal = fit_calibration(signal[other] @ coef, z[other], 1.0)
        else:
            coef = np.array([fit_shrink(signal[other], z[other])])
            cal = fit_calibration(signal[other], z[other], float(coef[0]))
        for g, mask in groups.items():
            m = te & mask
            if m.sum() < 3:
                continue
            if stacked:
                # direction and IC of the served combination (before the NNLS weights it is not one signal)
                comb = signal[m] @ coef
                sig = comb if np.any(comb != 0) else signal[m][:, 0]
                pred = comb * vol_h[m]
            else:
                sig = signal[m]
                pred = coef[0] * signal[m] * vol_h[m]
            out[g][f] = score(pred, y[m], vol_h[m], cal, directional, sig)
            out[g][f]["shrink"] = [float(c) for c in coef]
    return out


def summarize(folds: list, min_rows: int) -> dict:
    """Mean over folds (with >= min_rows rows) of each metric; IC t-statistic and share of folds with IC > 0."""
    used = [f for f in folds if f is not None and f["rows"] >= min_rows]
    if not used:
        return {"folds": 0}
    out = {"folds": len(used), "rows": int(sum(f["rows"] for f in used))}
    for key in ("ic", "hit_rate", "rmse_ratio", "mae_ratio", "coverage_80", "calibration_error"):
        vals = [f[key] for f in used if f[key] is not None and np.isfinite(f[key])]
        out[key] = float(np.mean(vals)) if vals else None
    ics = np.array([f["ic"] for f in used if f["ic"] is not None and np.isfinite(f["ic"])])
    if len(ics):
        out["ic_positive_share"] = float(np.mean(ics > 0))
        out["ic_t"] = float(ics.mean() / (ics.std(ddof=1) / np.sqrt(len(ics)))) if len(ics) > 1 and ics.std(ddof=1) > 0 else None
    return out
