"""Out-of-distribution check of a price-input vector, two parts:

- FreqAI's dissimilarity index (freqtrade/freqai, data_kitchen.py `compute_DI_values`): the mean Euclidean
  distance from the point to a reference sample of training points, divided by the mean pairwise distance within
  that sample, on standardized inputs; flagged above a high quantile of its held-out values.
- The volatility level ln(sigma_t / sqrt(timeframe minutes)), the pace of the market per minute, outside the
  range the training rows span (their 0.01% and 99.99% quantiles, widened by VOL_MARGIN). The dissimilarity
  index cannot see this: every regime input is scaled by sigma, so a market that moves 8% a minute looks like
  an ordinary trending one to it.

Why the dissimilarity threshold is a 99.99% quantile and not a 99.5% one: at 99.5% it flagged 0.05-0.3% of
ordinary 1m candles (sharp but real moves, where the reversal forecast is strongest), and abstaining there cost
1-4e-4 of IC against the reversal baseline on average over the 28 1m files (measured, see README).

The TypeScript twin is src/core/models/price-ood.ts; both read the same fields of price-ensemble.json.
"""

from __future__ import annotations

import numpy as np

# What makes a market unlike the training data (volatility and volume regime, trend, no-trading fractions), not
# the size of the last few moves: single-candle returns (r1_z, r3_z, r10_z, lag1_z) are left out, so a sharp but
# ordinary move (where the reversal prior is strongest) is not flagged; halted, flat or synthetic streams still are.
OOD_FEATURES = [
    "sma20_z", "sma50_z", "close_pos", "signed_volume_20", "vol_imbalance_20", "volume_z_20", "log_volume_ratio_20",
    "park_to_sigma", "range_to_sigma", "std20_to_sigma", "vol_ratio_20_100", "efficiency_ratio_10",
    "zero_volume_frac_20", "flat_frac_20",
]
SCALE_FLOOR = 0.05
# Quantiles of the training rows' volatility level that bound the range, and how far beyond them (in ln units)
# a stream may go: more room on the quiet side (a quiet market, FX at night, makes the forecast ~0, which is
# harmless) than on the fast side (a market faster than any trained on is where forecasts break).
VOL_QUANTILES = (1e-4, 0.9999)
VOL_MARGIN = (float(np.log(2.0)), float(np.log(1.5)))


def volatility_level(sigma: np.ndarray, timeframe_minutes: np.ndarray) -> np.ndarray:
    """ln(sigma / sqrt(timeframe minutes)): the per-minute pace of the market (src/core/models/price-ood.ts)."""
    return np.log(sigma) - 0.5 * np.log(timeframe_minutes)


def _standardize(ood: dict, X: np.ndarray, names: list[str]) -> np.ndarray:
    cols = [names.index(f) for f in ood["features"]]
    Z = (X[:, cols].astype(np.float64) - np.asarray(ood["center"])) / np.asarray(ood["scale"])
    return np.where(np.isfinite(Z), Z, 0.0)


def ood_scores(ood: dict, X: np.ndarray, names: list[str], chunk: int = 4096) -> np.ndarray:
    Z = _standardize(ood, X, names)
    S = np.asarray(ood["sample"]).reshape(-1, len(ood["features"]))
    out = np.empty(len(Z))
    for s in range(0, len(Z), chunk):
        d = np.sqrt(np.maximum(((Z[s:s + chunk, None, :] - S[None, :, :]) ** 2).sum(-1), 0.0))
        out[s:s + chunk] = d.mean(1) / ood["mean_pairwise"]
    return out


def ood_flags(ood: dict, X: np.ndarray, names: list[str], vol_level: np.ndarray) -> np.ndarray:
    """The flag the runtime raises: dissimilarity above its threshold, or the volatility level out of range."""
    v = ood["volatility"]
    out_of_range = ~((vol_level >= v["min"]) & (vol_level <= v["max"]))
    return ~(ood_scores(ood, X, names) <= ood["threshold"]) | out_of_range


def fit_ood(X: np.ndarray, names: list[str], sample_rows: np.ndarray, check_rows: np.ndarray, quantile: float,
            vol_level: np.ndarray, vol_rows: np.ndarray) -> dict:
    cols = [names.index(f) for f in OOD_FEATURES]
    ref = X[sample_rows][:, cols].astype(np.float64)
    center = np.nanmedian(ref, axis=0)
    scale = np.maximum(np.nanstd(ref, axis=0), SCALE_FLOOR)
    ood = {"features": OOD_FEATURES, "center": center.tolist(), "scale": scale.tolist(), "quantile": quantile}
    S = _standardize(ood, X[sample_rows], names)
    d = np.sqrt(((S[:, None, :] - S[None, :, :]) ** 2).sum(-1))
    n = len(S)
    ood["mean_pairwise"] = float(d.sum() / (n * (n - 1)))
    ood["sample"] = [round(float(v), 5) for v in S.ravel()]
    ood["sample"] = [float(v) for v in np.asarray(ood["sample"])]
    ood["threshold"] = float(np.quantile(ood_scores(ood, X[check_rows], names), quantile))
    v = vol_level[vol_rows]
    lo, hi = np.quantile(v[np.isfinite(v)], VOL_QUANTILES)
    ood["volatility"] = {"min": float(lo - VOL_MARGIN[0]), "max": float(hi + VOL_MARGIN[1]),
                         "quantiles": list(VOL_QUANTILES), "margin": list(VOL_MARGIN)}
    return ood
