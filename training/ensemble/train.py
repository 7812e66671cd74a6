#!/usr/bin/python3
"""Trains the price ensemble (xgboost 0.4, hist_gbdt 0.4, random_forest 0.2) for horizons 1, 5, 15, 60 and
judges it walk-forward beside three baselines.

Input: an export of export-features.ts (price inputs of src/core/models/price-inputs.ts, targets, sigma).
The served forecast of the volatility-scaled return z = ln(close[t+h]/close[t]) / (sigma_t sqrt(h)) is a
reversal prior plus the trees: z_hat = b[tf][h] * rev + k[tf][h] * trees, rev = -r5_z sqrt(5/h) (so b * rev * sigma
sqrt(h) = -b ln(c_t/c_{t-5})). The members are one model for every timeframe (log2 of the timeframe in minutes is
an input) fitted to what the prior leaves, z - b[tf] rev. Steps:
  1. walk-forward: `folds` time blocks; per fold the prior is fitted on the other blocks, the three members on
     its residual there (purge and embargo around the test block, left-out symbols and foreign files never
     trained), and they predict the block;
  2. per (timeframe, horizon) metrics of the model and of the zero-return, reversal -ln(c_t/c_{t-5}) and
     momentum ln(c_t/c_{t-h}) baselines, all cross-fitted (metrics.py); claims where IC > 0 in >= 80% of folds
     and the mean IC is not below reversal's;
  3. b and k per (timeframe, horizon) from the out-of-fold predictions (metrics.fit_stack); the trees keep their
     weight k only where the walk-forward shows them adding to the prior (the prior plus trees has IC >= the
     prior's in >= claim.min_fold_share of the folds), else k = 0 and the forecast is the prior alone; confidence
     curve and interval quantiles from the out-of-fold predictions;
  4. the shipped fit on all trainable rows (strided), ONNX export, OOD reference sample and threshold;
  5. the foreign files (other venues, FX; never trained) scored with the shipped models.
Run through `npm run train:ensemble`.
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
from calibration import fit_interval  # noqa: E402
from dataset import load_dataset, past_log_return, usable_rows, walk_forward_folds  # noqa: E402
from members import MEMBERS, WEIGHTS, fit_hist_gbdt, fit_random_forest, fit_xgboost  # noqa: E402
from metrics import (  # noqa: E402
    crossfit_fold_metrics, fit_calibration, fit_residual_interval, fit_shrink, fit_stack, score, spearman, summarize,
)
from ood import fit_ood, ood_flags, volatility_level  # noqa: E402

OPTIONAL_INPUTS = ["vol_rank_500", "sma200_z"]
# two ICs closer than this are equal (the prior alone and the reversal baseline differ only in float rounding)
IC_TIE = 1e-6


def log(msg: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def strided(idx: np.ndarray, cap: int) -> np.ndarray:
    """Every k-th row (time order kept) so at most `cap` rows remain."""
    if len(idx) <= cap:
        return idx
    return idx[:: int(np.ceil(len(idx) / cap))]


def fit_members(X, z, rows, config, seed, threads):
    Xt, zt = X[rows], z[rows]
    # no early stopping (fixed sizes, min_* = n): the small tail slice only satisfies the fit functions' API
    tail = rows[-min(2000, len(rows)):]
    return {
        "xgboost": fit_xgboost(Xt, zt, X[tail], z[tail], config["xgboost"], seed, threads),
        "hist_gbdt": fit_hist_gbdt(Xt, zt, X[tail], z[tail], config["hist_gbdt"], seed),
        "random_forest": fit_random_forest(Xt, zt, config["random_forest"], seed, threads),
    }


def ensemble_predict(fitted, X):
    return sum(WEIGHTS[m] * fitted[m].predict(X) for m in MEMBERS)


def predict_rows(fitted, X, rows, chunk=200_000):
    out = np.empty(len(rows))
    for s in range(0, len(rows), chunk):
        out[s:s + chunk] = ensemble_predict(fitted, X[rows[s:s + chunk]])
    return out


def prior_slopes(z, rev_in, rows, tf, tfs):
    """Per timeframe: the reversal prior's slope b (least squares of z on rev through 0, clipped to [0, 1.5])."""
    return {t: fit_shrink(rev_in[rows[tf[rows] == t]], z[rows[tf[rows] == t]]) if np.any(tf[rows] == t) else 0.0 for t in tfs}


def ic_or_zero(cell: dict) -> float:
    ic = cell.get("ic")
    return float(ic) if ic is not None and np.isfinite(ic) else 0.0


def residual(z, rev_in, tf, slopes):
    """What the reversal prior leaves: z - b[tf] rev (the members' target)."""
    b = np.zeros(len(z))
    for t, v in slopes.items():
        b[tf == t] = v
    return z - b * rev_in


def model_file(member: str, h: int) -> str:
    return f"{member}_h{h}.onnx"


def fit_ood_block(ds, config, trainable, evaluable, foreign_idx, foreign_report: dict) -> dict:
    """The OOD check (ood.py): dissimilarity reference = a strided sample of the shipped fit's training rows,
    threshold on evaluable rows, volatility range from the training rows; each foreign file's flag rate goes into
    foreign_report."""
    names = ds.feature_names
    vol = volatility_level(ds.sigma, ds.tf_ms / 60_000.0)
    ood_rows = strided(np.flatnonzero(trainable), int(config["ood_sample"]))
    check_rows = strided(np.flatnonzero(evaluable), 60_000)
    ood = fit_ood(ds.X, names, ood_rows, check_rows, float(config["ood_quantile"]), vol, np.flatnonzero(trainable))
    fs = ood_flags(ood, ds.X[foreign_idx], names, vol[foreign_idx]) if len(foreign_idx) else np.zeros(0, dtype=bool)
    for i, spec in enumerate(ds.meta["files"]):
        if spec.get("role") == "foreign":
            sel = ds.file_index[foreign_idx] == i
            foreign_report.setdefault(spec["file"], {})["ood_flag_rate"] = float(np.mean(fs[sel])) if sel.any() else None
    v = ood["volatility"]
    log(f"ood: threshold {ood['threshold']:.3f}, mean pairwise {ood['mean_pairwise']:.3f}, "
        f"volatility level range [{v['min']:.2f}, {v['max']:.2f}]")
    return ood


def refit_ood_only(args, ds, config, trainable, evaluable, foreign_idx) -> None:
    """--ood-only: refit the OOD check of an existing run (params in --out, report in --work) without refitting the
    trees; the same rows and code as a full run, so a full run reproduces it."""
    params_path = os.path.join(args.out, "price-ensemble.json")
    report_path = os.path.join(args.work, "report.json")
    with open(params_path, encoding="utf8") as fh:
        params = json.load(fh)
    with open(report_path, encoding="utf8") as fh:
        report = json.load(fh)
    foreign_report = report["metrics"]["foreign"]
    ood = fit_ood_block(ds, config, trainable, evaluable, foreign_idx, foreign_report)
    params["ood"] = ood
    params["version"] = report["version"] = config["version"]
    report["ood"] = {k: ood[k] for k in ("threshold", "quantile", "mean_pairwise", "features", "volatility")}
    with open(params_path, "w", encoding="utf8") as fh:
        json.dump(params, fh, indent=1)
    with open(report_path, "w", encoding="utf8") as fh:
        json.dump(report, fh, indent=1)
    log(f"ood refitted -> {params_path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="feature export folder")
    ap.add_argument("--config", required=True, help="training config JSON")
    ap.add_argument("--out", required=True, help="artifact folder (ONNX + price-ensemble.json)")
    ap.add_argument("--work", required=True, help="folder for native models and parity rows")
    ap.add_argument("--shuffle-targets", action="store_true", help="leakage control: permute training targets")
    ap.add_argument("--inject-target", action="store_true", help="positive control: add the target as an input")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ood-only", action="store_true", help="refit only the OOD check of the run in --out/--work")
    args = ap.parse_args()

    t_start = time.time()
    with open(args.config, encoding="utf8") as fh:
        config = json.load(fh)
    seed = int(config["seed"])
    rng = np.random.default_rng(seed)
    ds = load_dataset(args.data)
    names = ds.feature_names
    files = ds.meta["files"]
    usable = usable_rows(ds, OPTIONAL_INPUTS)
    foreign = ds.file_flag(lambda f: f.get("role") == "foreign")
    unseen = ds.file_flag(lambda f: f["symbol"] in set(config["unseen_symbols"]))
    evaluable = usable & ~foreign
    trainable = evaluable & ~unseen
    tf = ds.tf_name()
    tfs = [t for t in ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d") if np.any(evaluable & (tf == t))]
    folds = walk_forward_folds(ds, config, evaluable, trainable)
    n_folds = len(folds)
    fold_id = np.full(len(ds.time), -1, dtype=np.int32)
    for f in folds:
        fold_id[f.test] = f.index
    log(f"rows={len(ds.time)} inputs={len(names)} usable={usable.sum()} trainable={trainable.sum()} "
        f"foreign={np.sum(foreign & usable)} timeframes={tfs} folds={n_folds}")
    for f in folds:
        log(f"fold {f.index}: {time.strftime('%Y-%m-%d', time.gmtime(f.start / 1000))} .. "
            f"{time.strftime('%Y-%m-%d', time.gmtime(f.end / 1000))} test={f.test.sum()} train={f.train.sum()}")
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)

    X = ds.X
    r5 = past_log_return(ds, 5)
    min_rows = int(config["claim"]["min_fold_rows"])
    horizons_out: dict = {}
    walk_forward: dict = {t: {} for t in tfs}
    fold_detail: dict = {t: {} for t in tfs}
    shrink: dict = {t: {} for t in tfs}
    reversal_weight: dict = {t: {} for t in tfs}
    r5z = ds.X[:, names.index("r5_z")].astype(np.float64)
    claims: dict = {t: {} for t in tfs}
    foreign_report: dict = {}
    timings: dict = {}
    fitted_final: dict = {}
    parity_pred: dict = {}
    foreign_idx = np.flatnonzero(foreign & usable)
    if args.ood_only:
        refit_ood_only(args, ds, config, trainable, evaluable, foreign_idx)
        return
    parity_rows = np.sort(rng.choice(foreign_idx, size=min(256, len(foreign_idx)), replace=False)) if len(foreign_idx) else np.flatnonzero(evaluable)[:256]
    warm = np.flatnonzero(~usable & np.isfinite(ds.X[:, 1]))[:32]
    parity_rows = np.concatenate([parity_rows, warm])
    if args.inject_target:
        X = np.concatenate([ds.X, np.zeros((len(ds.time), 1), dtype=np.float32)], axis=1)

    for hi, h in enumerate(ds.horizons):
        t0 = time.time()
        y = ds.Y[:, hi]
        vol_h = ds.sigma * np.sqrt(h)
        z = y / vol_h
        ok = np.isfinite(z)
        lo_w, hi_w = np.quantile(z[trainable & ok], [config["winsorize"], 1 - config["winsorize"]])
        z_fit = np.clip(z, lo_w, hi_w)
        if args.shuffle_targets:
            z_fit = z_fit.copy()
            idx = np.flatnonzero(trainable & ok)
            z_fit[idx] = rng.permutation(z_fit[idx])
        if args.inject_target:
            X[:, -1] = np.where(ok, z, np.nan).astype(np.float32)
        # the reversal input as the runtime computes it (0 where r5_z is missing)
        rev_in = np.where(np.isfinite(r5z), -r5z * np.sqrt(5.0 / h), 0.0)
        oof = np.full(len(ds.time), np.nan)
        for f in folds:
            log(f"h={h} fold {f.index}")
            tr = strided(np.flatnonzero(f.train & ok), int(config["fold_train_rows"]))
            te = strided(np.flatnonzero(f.test & ok), int(config["fold_eval_rows"]))
            tf0 = time.time()
            res_fit = residual(z_fit, rev_in, tf, prior_slopes(z_fit, rev_in, tr, tf, tfs))
            fitted = fit_members(X, res_fit, tr, config, seed, args.threads)
            tf1 = time.time()
            oof[te] = predict_rows(fitted, X, te)
            log(f"h={h} fold {f.index}: fit {tf1 - tf0:.0f}s predict {time.time() - tf1:.0f}s")
        t1 = time.time()
        ev = np.flatnonzero(evaluable & ok & np.isfinite(oof))
        fid = fold_id[ev]
        groups = {t: tf[ev] == t for t in tfs}
        # the served forecast: the reversal prior plus the trees (metrics.fit_stack)
        stack = np.stack([oof[ev], rev_in[ev]], axis=1)
        signals = {
            "model": (stack, True, False),
            "prior": (np.stack([np.zeros(len(ev)), rev_in[ev]], axis=1), True, False),
            "reversal": (-r5[ev] / vol_h[ev], True, False),
            "momentum": (past_log_return(ds, h)[ev] / vol_h[ev], True, False),
            "zero": (np.zeros(len(ev)), False, True),
        }
        per: dict = {}
        for name, (sig, directional, zero) in signals.items():
            sig = np.where(np.isfinite(sig), sig, 0.0)
            per[name] = crossfit_fold_metrics(sig, y[ev], vol_h[ev], fid, n_folds, groups, directional, zero)
        claim_cfg = config["claim"]
        for t in tfs:
            # the trees keep a weight only where they add to the prior in most folds
            # (a prior that serves zero in a fold has no skill there: IC 0)
            pairs = [(ic_or_zero(a), ic_or_zero(p)) for a, p in zip(per["model"][t], per["prior"][t])
                     if a is not None and p is not None and a["rows"] >= min_rows]
            trees_add = len(pairs) >= int(claim_cfg["min_folds"]) and np.mean([a >= p for a, p in pairs]) >= float(claim_cfg["min_fold_share"])
            log(f"h={h} {t}: trees+prior vs prior IC per fold: {[(round(a, 4), round(p, 4)) for a, p in pairs]}")
            if not trees_add:
                per["model"][t] = per["prior"][t]
            cell = {name: summarize(per[name][t], min_rows) for name in per if name != "prior"}
            cell["model"]["trees_weighted"] = bool(trees_add)
            walk_forward[t][str(h)] = cell
            fold_detail[t][str(h)] = {name: per[name][t] for name in ("model", "reversal")}
            m, r = cell["model"], cell["reversal"]
            claimed = (
                m.get("folds", 0) >= int(claim_cfg["min_folds"])
                and m.get("ic") is not None and m["ic"] > 0
                and m.get("ic_positive_share", 0) >= float(claim_cfg["min_fold_share"])
                # not below the reversal baseline (the prior alone equals it up to rounding in the volatility floor)
                and (r.get("ic") is None or m["ic"] >= r["ic"] - IC_TIE)
            )
            coef = fit_stack(stack[groups[t]], z[ev][groups[t]]) if groups[t].any() else np.zeros(2)
            if not trees_add:
                coef[0] = 0.0
            k = float(coef[0])
            claims[t][str(h)] = bool(claimed and np.any(coef > 0))
            shrink[t][str(h)] = k
            reversal_weight[t][str(h)] = float(coef[1])
            log(f"h={h} {t}: model ic={m.get('ic')} share={m.get('ic_positive_share')} rmse={m.get('rmse_ratio')} "
                f"| reversal ic={r.get('ic')} | shrink={k:.3f} reversal weight={coef[1]:.3f} claim={claims[t][str(h)]}")

        # calibration of the shipped numbers from all out-of-fold predictions, shrink applied per timeframe
        k_row = np.array([shrink[t][str(h)] for t in tf[ev]]) if len(ev) else np.zeros(0)
        b_row = np.array([reversal_weight[t][str(h)] for t in tf[ev]]) if len(ev) else np.zeros(0)
        served_z = k_row * oof[ev] + b_row * rev_in[ev]
        # confidence from the timeframes that serve a forecast (a zero forecast has no direction); interval from all
        weighted = (k_row > 0) | (b_row > 0)
        cal = fit_calibration(served_z[weighted], z[ev][weighted], 1.0) if weighted.any() else fit_calibration(served_z, z[ev], 0.0)
        cal["interval"] = fit_residual_interval(served_z, z[ev], 1.0)
        cal["interval_zero"] = fit_interval(z[ev][:: max(1, len(ev) // 400_000)])

        # shipped fit: the members learn what the shipped prior leaves
        tr = strided(np.flatnonzero(trainable & ok), int(config["final_train_rows"]))
        fitted = fit_members(X, residual(z_fit, rev_in, tf, {t: reversal_weight[t][str(h)] for t in tfs}), tr, config, seed, args.threads)
        fitted_final[h] = fitted
        t2 = time.time()
        timings[str(h)] = {"walk_forward_s": round(t1 - t0, 1), "final_fit_s": round(t2 - t1, 1)}
        log(f"h={h}: walk-forward {t1 - t0:.0f}s, shipped fit {t2 - t1:.0f}s on {len(tr)} rows")

        # foreign files, scored with the shipped fit and the static calibration (the runtime adds adaptation)
        for i, spec in enumerate(files):
            if spec.get("role") != "foreign":
                continue
            rows = np.flatnonzero((ds.file_index == i) & usable & ok)
            if len(rows) < 3:
                continue
            t = tf[rows[0]]
            k = shrink.get(t, {}).get(str(h), 0.0)
            b = reversal_weight.get(t, {}).get(str(h), 0.0)
            s = predict_rows(fitted, X, rows)
            comb = k * s + b * rev_in[rows]
            m = score(comb * vol_h[rows], y[rows], vol_h[rows], cal, True, (comb if np.any(comb != 0) else s) * vol_h[rows])
            m["ic_raw"] = spearman(s, y[rows])
            m["reversal_ic"] = spearman(-r5[rows][np.isfinite(r5[rows])], y[rows][np.isfinite(r5[rows])])
            m["claimed"] = bool(claims.get(t, {}).get(str(h), False))
            foreign_report.setdefault(spec["file"], {})[str(h)] = m
            log(f"h={h} foreign {spec['file']}: ic={m['ic']:.4f} reversal={m['reversal_ic']:.4f} rmse={m['rmse_ratio']:.4f} cov={m['coverage_80']:.3f}")

        files_out, dtypes = {}, {}
        for m in MEMBERS:
            stem = f"{m}_h{h}"
            ens = fitted[m].to_ensemble(X.shape[1])
            meta = {"member": m, "horizon": str(h), "feature_schema_hash": ds.meta["schema_hash"]}
            model = onnx_convert.to_onnx(ens, f"candlecast price ensemble: {m}, z of the log return over {h} candles", meta)
            onnx.save(model, os.path.join(args.out, model_file(m, h)))
            fitted[m].save(args.work, stem)
            files_out[m] = model_file(m, h)
            dtypes[m] = onnx_convert.input_dtype(ens)
            parity_pred[stem] = [float(v) for v in fitted[m].predict(X[parity_rows])]
        horizons_out[str(h)] = {
            "files": files_out,
            "input_dtypes": dtypes,
            "trees": {m: len(fitted[m].to_ensemble(X.shape[1]).trees) for m in MEMBERS},
            "winsorize": [float(lo_w), float(hi_w)],
            **cal,
        }

    ood = fit_ood_block(ds, config, trainable, evaluable, foreign_idx, foreign_report)

    used_files = [f for i, f in enumerate(files) if np.any(trainable & (ds.file_index == i))]
    params = {
        "schema": 2,
        "version": config["version"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "feature_schema_hash": ds.meta["schema_hash"],
        "feature_names": names + (["injected_target"] if args.inject_target else []),
        "horizons": [str(h) for h in ds.horizons],
        "weights": WEIGHTS,
        "input": {"name": onnx_convert.INPUT_NAME, "output": onnx_convert.OUTPUT_NAME},
        "target": "z = ln(close[t+h]/close[t]) / (sigma_t sqrt(h)); return = (shrink[tf][h] * z_ensemble + "
        "reversal_weight[tf][h] * (-r5_z sqrt(5/h))) * sigma sqrt(h)",
        "optional_inputs": OPTIONAL_INPUTS,
        "shrink": shrink,
        "reversal_weight": reversal_weight,
        "claims": claims,
        "ood": ood,
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
            "files": [{k: f[k] for k in ("file", "exchange", "symbol", "timeframe", "first", "last")} for f in used_files],
            "left_out_symbols": config["unseen_symbols"],
            "foreign_files": [f["file"] for f in files if f.get("role") == "foreign"],
            "final_train_rows": int(config["final_train_rows"]),
            "fold_train_rows": int(config["fold_train_rows"]),
        },
        "split_note": (
            f"walk-forward: {n_folds} time-ordered blocks with equal evaluable rows across all files; each fold "
            f"trains on the other blocks (purge {config['purge_candles']} candles before the test block, embargo "
            f"{config['embargo_candles']} after it), left-out symbols {config['unseen_symbols']} are tested but never "
            "trained, foreign files are never trained. Shrink, confidence curve and interval of each fold's metrics "
            "come from the other folds. Fold models have the shipped sizes but fewer rows."
        ),
        "folds": [{"index": f.index, "start": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(f.start / 1000)),
                   "end": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(f.end / 1000)), "test_rows": int(f.test.sum())} for f in folds],
        "metrics": {"walk_forward": walk_forward, "walk_forward_folds": fold_detail, "foreign": foreign_report},
        "claims": claims,
        "shrink": shrink,
        "reversal_weight": reversal_weight,
        "ood": {k: ood[k] for k in ("threshold", "quantile", "mean_pairwise", "features", "volatility")},
        "train_seconds": round(time.time() - t_start, 1),
        "fit_seconds_per_horizon": timings,
        "controls": {"shuffle_targets": args.shuffle_targets, "inject_target": args.inject_target},
    }
    with open(os.path.join(args.work, "report.json"), "w", encoding="utf8") as fh:
        json.dump(report, fh, indent=1)
    np.asarray(X[parity_rows], dtype="<f4").tofile(os.path.join(args.work, "parity_rows.f32"))
    with open(os.path.join(args.work, "parity.json"), "w", encoding="utf8") as fh:
        json.dump({"rows": int(len(parity_rows)), "features": int(X.shape[1]), "predictions": parity_pred}, fh)
    log(f"done in {time.time() - t_start:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
