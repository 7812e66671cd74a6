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
    """The served conditional mean of z from S (n x 2: the trees' z of the residual, the reversal input
    -r5_z sqrt(5/h)), fitted in order: first the reversal prior b = least-squares slope of the realized z on
    the reversal input, then the trees' weight k = slope of what the prior leaves (z - b rev) on the trees'
    output; each clipped to [0, SHRINK_MAX]. Returns [k, b]. The prior comes first because it is the part that
    holds on markets the trees never saw (see README: on foreign files the trees' own ranking is weaker)."""
    b = fit_shrink(S[:, 1], z)
    k = fit_shrink(S[:, 0], np.clip(z, -Z_CLIP, Z_CLIP) - b * S[:, 1])
    return np.array([k, b])


def fit_residual_interval(s: np.ndarray, z: np.ndarray, k: float, cap: int = 400_000) -> dict:
    """Interval quantiles of z - k s (rows strided to at most `cap`), as fit_calibration fits them."""
    step = max(1, int(np.ceil(len(s) / cap)))
    return fit_interval(z[::step] - k * s[::step])


def fit_calibration(s: np.ndarray, z: np.ndarray, k: float, cap: int = 400_000) -> dict:
    """Confidence curve on |k s| and interval quantiles of z - k s (rows strided to at most `cap`)."""
    cal = {"interval": fit_residual_interval(s, z, k, cap)}
    step = max(1, int(np.ceil(len(s) / cap)))
    s, z = s[::step], z[::step]
    pred = k * s
    cal["confidence"] = fit_confidence(np.abs(pred), direction_hit(pred, z)) if k > 0 else {"x": [0.0], "p": [0.5]}
    return cal


def score(pred_ret: np.ndarray, y: np.ndarray, vol_h: np.ndarray, cal: dict, directional: bool, signal=None) -> dict:
    """Metrics of one cell. pred_ret: forecast log return; y: realized; vol_h: sigma sqrt(h). IC and hit rate are
    those of `signal`, a return forecast (pred_ret when None; a baseline's own return before shrinking, so the
    reversal's IC is exactly that of -ln(c_t/c_{t-5}), as the acceptance measures it)."""
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
    """Per group (timeframe) and fold: metrics of `signal` with weights and calibration fitted on other folds.

    signal, y, vol_h, fold_id: arrays over the evaluated rows (fold_id -1 = not evaluated); groups: dict
    name -> boolean mask over those rows. The weights (shrink, or the stack's [k, b]) are fitted per group, as
    the runtime serves them per timeframe; the interval and confidence curve are pooled over the groups, as the
    runtime keeps one per horizon. Returns {group: [fold metrics or None]}.
    """
    z = y / vol_h
    stacked = signal.ndim == 2
    out = {g: [None] * n_folds for g in groups}
    for f in range(n_folds):
        te = fold_id == f
        other = (fold_id >= 0) & ~te
        if not te.any() or not other.any():
            continue
        coefs = {}
        served_z = np.zeros(len(z))  # the served z of the other folds' rows, each with its group's weights
        for g, mask in groups.items():
            o = other & mask
            if fixed_zero or not o.any():
                coefs[g] = np.zeros(2 if stacked else 1)
            elif stacked:
                coefs[g] = fit_stack(signal[o], z[o])
            else:
                coefs[g] = np.array([fit_shrink(signal[o], z[o])])
            served_z[o] = signal[o] @ coefs[g] if stacked else coefs[g][0] * signal[o]
        step = max(1, int(other.sum() // 400_000))
        # the confidence curve is learned where something is served (a zero forecast has no direction)
        weighted = np.zeros(len(z), dtype=bool)
        for g, mask in groups.items():
            if np.any(coefs[g] > 0):
                weighted |= other & mask
        if fixed_zero:
            cal = {"interval": fit_interval(z[other][::step])}
        elif weighted.any():
            cal = fit_calibration(served_z[weighted], z[weighted], 1.0)
            cal["interval"] = fit_residual_interval(served_z[other], z[other], 1.0)
        else:
            cal = fit_calibration(served_z[other], z[other], 0.0)
        for g, mask in groups.items():
            m = te & mask
            if m.sum() < 3:
                continue
            coef = coefs[g]
            if stacked:
                # IC and direction of the served return (the combination, in return space as the runtime serves it);
                # a forecast that is zero everywhere points nowhere: no IC, hit rate or calibration
                pred = (signal[m] @ coef) * vol_h[m]
                sig = pred
                if not np.any(pred != 0):
                    out[g][f] = score(pred, y[m], vol_h[m], cal, False, sig)
                    out[g][f]["shrink"] = [float(c) for c in coef]
                    continue
            else:
                # a baseline's own return forecast (before its shrink): -r5 for reversal, r_h for momentum
                sig = signal[m] * vol_h[m]
                pred = coef[0] * sig
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
