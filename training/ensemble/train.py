#!/usr/bin/python3
"""Trains the price ensemble (xgboost 0.4, hist_gbdt 0.4, random_forest 0.2) for horizons 1, 5, 15, 60.

Input: a feature export of export-features.ts. Output (--out): 12 ONNX TreeEnsembleRegressor models and
price-ensemble.json (features, schema hash, weights, calibration, intervals, hold-out metrics); native models
and reference rows for the parity test go to --work. Run through `npm run train:ensemble`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import onnx_convert  # noqa: E402
from calibration import direction_hit, fit_confidence, fit_interval  # noqa: E402
from dataset import load_dataset, scale_column, time_split, usable_rows  # noqa: E402
from members import MEMBERS, WEIGHTS, fit_hist_gbdt, fit_random_forest, fit_xgboost  # noqa: E402
from metrics import horizon_metrics  # noqa: E402


def log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def subsample(idx: np.ndarray, cap: int) -> np.ndarray:
    """Every k-th row (time order kept) so at most `cap` rows remain."""
    if len(idx) <= cap:
        return idx
    step = int(np.ceil(len(idx) / cap))
    return idx[::step]


def sample_weights(scale: np.ndarray, tr: np.ndarray, va: np.ndarray, config: dict):
    """`inverse_variance`: weight 1/scale^2 (clipped at its 1st/99th training percentiles, mean 1), so the
    squared-error loss is that of volatility-standardized residuals and calm periods count as much as wild ones.
    The models still predict the log return. `none`: unweighted."""
    if config.get("weighting", "none") == "none":
        return None, None
    w = 1.0 / np.square(scale)
    lo, hi = np.quantile(w[tr], [0.01, 0.99])
    w = np.clip(w, lo, hi)
    w = w / w[tr].mean()
    return w[tr], w[va]


def model_file(member: str, h: int) -> str:
    return f"{member}_h{h}.onnx"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="feature export folder")
    ap.add_argument("--config", required=True, help="training config JSON")
    ap.add_argument("--out", required=True, help="artifact folder (ONNX + price-ensemble.json)")
    ap.add_argument("--work", required=True, help="folder for native models and parity rows")
    ap.add_argument("--shuffle-targets", action="store_true", help="leakage control: permute training targets")
    ap.add_argument("--inject-target", action="store_true", help="positive control: add the target as a feature")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    t_start = time.time()
    with open(args.config, encoding="utf8") as fh:
        config = json.load(fh)
    seed = int(config["seed"])
    rng = np.random.default_rng(seed)
    ds = load_dataset(args.data)
    names = ds.feature_names
    for key in ("feature", "fallback_feature"):
        if config["scale"][key] not in names:
            raise SystemExit(f"scale feature {config['scale'][key]!r} is not a model feature")
    scale = scale_column(ds, config)
    split = time_split(ds, config)
    usable = usable_rows(ds, config)
    log(f"rows={len(ds.time)} features={len(names)} usable={usable.sum()} "
        f"train={np.sum(split.train & usable)} val={np.sum(split.val & usable)} "
        f"test={np.sum(split.test & usable)} unseen={np.sum(split.unseen & usable)}")
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)

    horizons_out: dict[str, dict] = {}
    metrics_test: dict[str, dict] = {}
    metrics_unseen: dict[str, dict] = {}
    metrics_val: dict[str, dict] = {}
    timings: dict[str, float] = {}
    parity_rows = np.sort(rng.choice(np.flatnonzero(split.test & usable), size=min(256, int(np.sum(split.test & usable))), replace=False))
    # also a few warm-up rows with many NaN, so missing-value routing is exercised
    warm = np.flatnonzero(~usable & np.isfinite(ds.X[:, 0]))[:32]
    parity_rows = np.concatenate([parity_rows, warm])
    parity_pred: dict[str, list[float]] = {}

    for hi, h in enumerate(ds.horizons):
        y_all = ds.Y[:, hi]
        ok = usable & np.isfinite(y_all)
        tr = subsample(np.flatnonzero(split.train & ok), int(config["max_train_rows"]))
        va = subsample(np.flatnonzero(split.val & ok), int(config["max_val_rows"]))
        te = np.flatnonzero(split.test & ok)
        un = np.flatnonzero(split.unseen & ok)
        X = ds.X
        if args.inject_target:
            X = np.concatenate([ds.X, y_all.astype(np.float32)[:, None]], axis=1)
        y_tr = y_all[tr].copy()
        lo_w, hi_w = np.quantile(y_tr, [config["winsorize"], 1 - config["winsorize"]])
        y_tr = np.clip(y_tr, lo_w, hi_w)
        if args.shuffle_targets:
            y_tr = rng.permutation(y_tr)
        y_va = np.clip(y_all[va], lo_w, hi_w)
        fitted = {}
        t0 = time.time()
        w_tr, w_va = sample_weights(scale, tr, va, config)
        fitted["xgboost"] = fit_xgboost(X[tr], y_tr, X[va], y_va, config["xgboost"], seed, args.threads, w_tr, w_va)
        t1 = time.time()
        fitted["hist_gbdt"] = fit_hist_gbdt(X[tr], y_tr, X[va], y_va, config["hist_gbdt"], seed, w_tr, w_va)
        t2 = time.time()
        fitted["random_forest"] = fit_random_forest(X[tr], y_tr, config["random_forest"], seed, args.threads, w_tr)
        t3 = time.time()
        timings[str(h)] = round(t3 - t0, 1)
        log(f"h={h}: train rows={len(tr)} xgboost {t1 - t0:.0f}s hist_gbdt {t2 - t1:.0f}s random_forest {t3 - t2:.0f}s")

        def ensemble(rows: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            per = {m: fitted[m].predict(X[rows]) for m in MEMBERS}
            return sum(WEIGHTS[m] * per[m] for m in MEMBERS), per

        vol = lambda rows: scale[rows] * np.sqrt(h)  # noqa: E731
        r_va, per_va = ensemble(va)
        cal = {
            "confidence": fit_confidence(np.abs(r_va) / vol(va), direction_hit(r_va, y_all[va])),
            "interval": fit_interval((y_all[va] - r_va) / vol(va)),
        }
        metrics_val[str(h)] = horizon_metrics(r_va, y_all[va], vol(va), cal, per_va, h)
        r_te, per_te = ensemble(te)
        metrics_test[str(h)] = horizon_metrics(r_te, y_all[te], vol(te), cal, per_te, h)
        if len(un):
            r_un, per_un = ensemble(un)
            metrics_unseen[str(h)] = horizon_metrics(r_un, y_all[un], vol(un), cal, per_un, h)
        log(f"h={h}: test {json.dumps({k: v for k, v in metrics_test[str(h)].items() if k != 'ic_members'})}")
        if str(h) in metrics_unseen:
            log(f"h={h}: unseen {json.dumps({k: v for k, v in metrics_unseen[str(h)].items() if k != 'ic_members'})}")

        files = {}
        dtypes = {}
        for m in MEMBERS:
            stem = f"{m}_h{h}"
            ens = fitted[m].to_ensemble(X.shape[1])
            meta = {"member": m, "horizon": str(h), "feature_schema_hash": ds.meta["schema_hash"]}
            model = onnx_convert.to_onnx(ens, f"candlecast price ensemble: {m}, log return over {h} candles", meta)
            onnx.save(model, os.path.join(args.out, model_file(m, h)))
            fitted[m].save(args.work, stem)
            files[m] = model_file(m, h)
            dtypes[m] = onnx_convert.input_dtype(ens)
            parity_pred[stem] = [float(v) for v in fitted[m].predict(X[parity_rows])]
        horizons_out[str(h)] = {
            "files": files,
            "input_dtypes": dtypes,
            "trees": {m: len(fitted[m].to_ensemble(X.shape[1]).trees) for m in MEMBERS},
            "winsorize": [float(lo_w), float(hi_w)],
            **cal,
        }

    used_files = [f for i, f in enumerate(ds.meta["files"]) if np.any(split.train & (ds.file_index == i))]
    unseen_files = [f for i, f in enumerate(ds.meta["files"]) if np.any(split.unseen & (ds.file_index == i))]
    params = {
        "schema": 1,
        "version": config["version"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "feature_schema_hash": ds.meta["schema_hash"],
        "feature_names": names + (["injected_target"] if args.inject_target else []),
        "horizons": [str(h) for h in ds.horizons],
        "weights": WEIGHTS,
        "input": {"name": onnx_convert.INPUT_NAME, "output": onnx_convert.OUTPUT_NAME},
        "scale": {
            **config["scale"],
            "note": "per-candle volatility: feature if finite and > 0, else fallback_feature; max(., floor); "
            "vol_h = scale * sqrt(h)",
        },
        "optional_prefixes": config["optional_prefixes"],
        "horizon_models": horizons_out,
    }
    with open(os.path.join(args.out, "price-ensemble.json"), "w", encoding="utf8") as fh:
        json.dump(params, fh, indent=1)

    report = {
        "version": config["version"],
        "created": params["created"],
        "feature_schema_hash": ds.meta["schema_hash"],
        "feature_names": params["feature_names"],
        "weights": WEIGHTS,
        "horizons": params["horizons"],
        "training_data": {
            "files": [
                {k: f[k] for k in ("file", "symbol", "timeframe", "first", "last", "era")} for f in used_files
            ],
            "unseen_symbol_files": [
                {k: f[k] for k in ("file", "symbol", "timeframe", "first", "last", "era")} for f in unseen_files
            ],
            "eras": config["eras"],
            "purge_candles": config["purge_candles"],
            "unseen_symbols": config["unseen_symbols"],
            "max_train_rows": config["max_train_rows"],
        },
        "split_note": (
            "time-ordered per era: train < val_start, validation [val_start, test_start), test >= test_start, "
            f"{config['purge_candles']}-candle purge before each boundary; unseen symbols are evaluated on the test "
            "period only and never used for training or calibration"
        ),
        "metrics": {"held_out_period": metrics_test, "unseen_symbols": metrics_unseen, "validation": metrics_val},
        "train_seconds": round(time.time() - t_start, 1),
        "fit_seconds_per_horizon": timings,
        "controls": {"shuffle_targets": args.shuffle_targets, "inject_target": args.inject_target},
    }
    with open(os.path.join(args.work, "report.json"), "w", encoding="utf8") as fh:
        json.dump(report, fh, indent=1)
    np.asarray(X[parity_rows] if not args.inject_target else X[parity_rows], dtype="<f4").tofile(
        os.path.join(args.work, "parity_rows.f32")
    )
    with open(os.path.join(args.work, "parity.json"), "w", encoding="utf8") as fh:
        json.dump({"rows": int(len(parity_rows)), "features": int(X.shape[1]), "predictions": parity_pred}, fh)
    log(f"done in {time.time() - t_start:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
