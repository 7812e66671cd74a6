"""The three ensemble members: training, native prediction, saving/loading, conversion to the neutral form.

`hist_gbdt` is scikit-learn's HistGradientBoostingRegressor (LightGBM-style histogram GBDT); it is not LightGBM.
"""

from __future__ import annotations

import os
import pickle

import numpy as np
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

import onnx_convert

MEMBERS = ("xgboost", "hist_gbdt", "random_forest")
WEIGHTS = {"xgboost": 0.4, "hist_gbdt": 0.4, "random_forest": 0.2}


class Member:
    """A fitted member: `predict` takes float32 rows with NaN for missing values."""

    def __init__(self, name: str, model, impute: np.ndarray | None = None):
        self.name = name
        self.model = model
        self.impute = impute

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        if self.name == "xgboost":
            return self.model.predict(xgb.DMatrix(X, missing=np.nan)).astype(np.float64)
        if self.name == "random_forest":
            X = np.where(np.isnan(X), self.impute[None, :].astype(np.float32), X)
        return self.model.predict(X).astype(np.float64)

    def to_ensemble(self, n_features: int) -> onnx_convert.Ensemble:
        if self.name == "xgboost":
            return onnx_convert.from_xgboost(self.model, n_features)
        if self.name == "hist_gbdt":
            return onnx_convert.from_sklearn_hist_gbdt(self.model)
        return onnx_convert.from_sklearn_forest(self.model, self.impute)

    def save(self, folder: str, stem: str) -> None:
        os.makedirs(folder, exist_ok=True)
        if self.name == "xgboost":
            self.model.save_model(os.path.join(folder, f"{stem}.xgb.json"))
        else:
            with open(os.path.join(folder, f"{stem}.pkl"), "wb") as fh:
                pickle.dump({"model": self.model, "impute": self.impute}, fh)


def load_member(folder: str, name: str, stem: str) -> Member:
    if name == "xgboost":
        booster = xgb.Booster()
        booster.load_model(os.path.join(folder, f"{stem}.xgb.json"))
        return Member(name, booster)
    with open(os.path.join(folder, f"{stem}.pkl"), "rb") as fh:
        saved = pickle.load(fh)
    return Member(name, saved["model"], saved["impute"])


def fit_xgboost(X, y, Xv, yv, p: dict, seed: int, threads: int, w=None, wv=None) -> Member:
    params = {
        "objective": "reg:squarederror",
        "tree_method": "hist",
        "max_depth": p["max_depth"],
        "eta": p["learning_rate"],
        "subsample": p["subsample"],
        "colsample_bytree": p["colsample_bytree"],
        "min_child_weight": p["min_child_weight"],
        "lambda": p["reg_lambda"],
        # base score 0 (log returns are centred): a large offset would cost float32 precision in ONNX
        "base_score": 0.0,
        "seed": seed,
        "nthread": threads,
    }
    dtrain = xgb.DMatrix(X, label=y, weight=w, missing=np.nan)
    dval = xgb.DMatrix(Xv, label=yv, weight=wv, missing=np.nan)
    booster = xgb.train(
        params,
        dtrain,
        num_boost_round=p["n_estimators"],
        evals=[(dval, "val")],
        early_stopping_rounds=p["early_stopping_rounds"],
        verbose_eval=False,
    )
    best = int(booster.best_iteration) + 1 if hasattr(booster, "best_iteration") else p["n_estimators"]
    best = max(best, p.get("min_estimators", 1))
    return Member("xgboost", booster[:best])


def fit_hist_gbdt(X, y, Xv, yv, p: dict, seed: int, w=None, wv=None) -> Member:
    """Chooses the iteration count on validation (staged predictions) and keeps that many trees."""

    def make(max_iter: int) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            loss="squared_error",
            learning_rate=p["learning_rate"],
            max_iter=max_iter,
            max_leaf_nodes=p["max_leaf_nodes"],
            max_depth=p.get("max_depth"),
            min_samples_leaf=p["min_samples_leaf"],
            l2_regularization=p["l2_regularization"],
            max_bins=255,
            early_stopping=False,
            random_state=seed,
        )

    model = make(p["max_iter"]).fit(X, y, sample_weight=w)
    losses = [float(np.average((yv - pv) ** 2, weights=wv)) for pv in model.staged_predict(Xv)]
    best = max(int(np.argmin(losses)) + 1, p.get("min_iter", 1))
    # Boosting without subsampling is deterministic and sequential: the first `best` trees of this fit are
    # exactly the model a fit with max_iter=best would build, so truncating replaces a refit.
    model._predictors = model._predictors[:best]
    model.max_iter = best
    return Member("hist_gbdt", model)


def fit_random_forest(X, y, p: dict, seed: int, threads: int, w=None) -> Member:
    impute = np.nanmedian(X, axis=0).astype(np.float32)
    impute = np.where(np.isnan(impute), np.float32(0), impute)
    Xi = np.where(np.isnan(X), impute[None, :], X)
    model = RandomForestRegressor(
        n_estimators=p["n_estimators"],
        max_depth=p["max_depth"],
        min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"],
        max_samples=p["max_samples"],
        bootstrap=True,
        n_jobs=threads,
        random_state=seed,
    ).fit(Xi, y, sample_weight=w)
    return Member("random_forest", model, impute)
