"""Tree models -> ONNX ai.onnx.ml TreeEnsembleRegressor, written by hand (no converter package is available).

Each model computes in its library's precision. onnxruntime evaluates a TreeEnsembleRegressor in the input's
type: XGBoost models take float32 rows (XGBoost compares and sums in float32); scikit-learn models take float64
rows holding the float32 feature values they were trained on (thresholds, leaf weights and base value stored as
double tensors, `*_as_tensor`), so onnxruntime compares and accumulates in float64 like scikit-learn. Outputs
are float32. Each library's semantics are reproduced:

* XGBoost (1.7, gbtree): a sample goes left when ``x < split_condition`` (BRANCH_LT); split conditions are
  float32 values; missing values follow ``default_left``; the prediction is ``base_score + sum(leaves)``.
* scikit-learn RandomForestRegressor: left when ``x <= threshold`` (BRANCH_LEQ, float64 threshold); the
  prediction is the average of the trees (aggregate_function AVERAGE). scikit-learn 1.2 forests do not accept
  NaN: training imputes the training medians m, and the model reproduces that imputation through the missing
  routing: at a split on feature f with threshold t, NaN goes left exactly when m[f] <= t.
* scikit-learn HistGradientBoostingRegressor (``hist_gbdt``): left when ``x <= num_threshold`` (float64
  threshold, raw feature space) and NaN goes left iff ``missing_go_to_left``; leaf values already include the
  learning rate; the prediction is ``_baseline_prediction + sum(leaves)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ML_DOMAIN = "ai.onnx.ml"
ML_OPSET = 3  # TreeEnsembleRegressor-3; onnxruntime-web 1.30 and python3-onnx 1.12 both support it
ONNX_OPSET = 17
INPUT_NAME = "input"
OUTPUT_NAME = "variable"


@dataclass
class Tree:
    """One binary tree in a library-neutral form; node 0 is the root."""

    feature: list[int] = field(default_factory=list)
    threshold: list[float] = field(default_factory=list)
    left: list[int] = field(default_factory=list)  # -1 for leaves
    right: list[int] = field(default_factory=list)
    missing_left: list[bool] = field(default_factory=list)
    leaf_value: list[float] = field(default_factory=list)

    def add(self, feature: int, threshold: float, left: int, right: int, missing_left: bool, value: float) -> None:
        self.feature.append(int(feature))
        self.threshold.append(float(threshold))
        self.left.append(int(left))
        self.right.append(int(right))
        self.missing_left.append(bool(missing_left))
        self.leaf_value.append(float(value))


@dataclass
class Ensemble:
    trees: list[Tree]
    mode: str  # "BRANCH_LT" or "BRANCH_LEQ"
    base_value: float
    aggregate: str  # "SUM" or "AVERAGE"
    n_features: int
    impute: list[float] | None = None  # random forest: the NaN replacement the missing routing reproduces


def from_xgboost(booster, n_features: int) -> Ensemble:
    model = json.loads(booster.save_raw(raw_format="json"))
    learner = model["learner"]
    objective = learner["objective"]["name"]
    if objective != "reg:squarederror":
        raise ValueError(f"unsupported xgboost objective {objective}")
    booster_name = learner["gradient_booster"]["name"]
    if booster_name != "gbtree":
        raise ValueError(f"unsupported xgboost booster {booster_name}")
    base_score = float(np.float32(float(learner["learner_model_param"]["base_score"])))
    trees: list[Tree] = []
    for t in learner["gradient_booster"]["model"]["trees"]:
        tree = Tree()
        lefts, rights = t["left_children"], t["right_children"]
        for i in range(len(lefts)):
            leaf = lefts[i] == -1
            cond = float(np.float32(t["split_conditions"][i]))
            tree.add(
                t["split_indices"][i] if not leaf else 0,
                0.0 if leaf else cond,
                lefts[i],
                rights[i],
                bool(t["default_left"][i]),
                cond if leaf else 0.0,
            )
        trees.append(tree)
    return Ensemble(trees, "BRANCH_LT", base_score, "SUM", n_features)


def from_sklearn_forest(forest, impute: Sequence[float]) -> Ensemble:
    trees: list[Tree] = []
    for est in forest.estimators_:
        tr = est.tree_
        tree = Tree()
        for i in range(tr.node_count):
            leaf = tr.children_left[i] == -1
            f = int(tr.feature[i])
            t = float(tr.threshold[i])
            tree.add(
                0 if leaf else f,
                0.0 if leaf else t,
                tr.children_left[i],
                tr.children_right[i],
                (not leaf) and float(np.float32(impute[f])) <= t,  # NaN routes like the imputed median
                float(tr.value[i, 0, 0]) if leaf else 0.0,
            )
        trees.append(tree)
    return Ensemble(trees, "BRANCH_LEQ", 0.0, "AVERAGE", forest.n_features_in_, [float(v) for v in impute])


def from_sklearn_hist_gbdt(model) -> Ensemble:
    if model._predictors and len(model._predictors[0]) != 1:
        raise ValueError("hist_gbdt: only single-output regression is supported")
    trees: list[Tree] = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if np.any(nodes["is_categorical"]):
            raise ValueError("hist_gbdt: categorical splits are not supported")
        tree = Tree()
        for nd in nodes:
            leaf = bool(nd["is_leaf"])
            tree.add(
                0 if leaf else nd["feature_idx"],
                0.0 if leaf else float(nd["num_threshold"]),
                -1 if leaf else nd["left"],
                -1 if leaf else nd["right"],
                bool(nd["missing_go_to_left"]),
                float(nd["value"]) if leaf else 0.0,
            )
        trees.append(tree)
    baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
    return Ensemble(trees, "BRANCH_LEQ", baseline, "SUM", model.n_features_in_)


def input_dtype(ens: Ensemble) -> str:
    """XGBoost computes in float32 (float32 input, thresholds, leaves and sum); scikit-learn in float64."""
    return "float32" if ens.mode == "BRANCH_LT" else "float64"


def to_onnx(ens: Ensemble, doc: str, metadata: dict[str, str]) -> onnx.ModelProto:
    attrs: dict[str, list] = {
        k: []
        for k in (
            "nodes_treeids nodes_nodeids nodes_featureids nodes_modes nodes_values nodes_truenodeids "
            "nodes_falsenodeids nodes_missing_value_tracks_true target_treeids target_nodeids target_ids "
            "target_weights"
        ).split()
    }
    for tid, tree in enumerate(ens.trees):
        for nid in range(len(tree.left)):
            leaf = tree.left[nid] == -1
            attrs["nodes_treeids"].append(tid)
            attrs["nodes_nodeids"].append(nid)
            attrs["nodes_featureids"].append(tree.feature[nid])
            attrs["nodes_modes"].append("LEAF" if leaf else ens.mode)
            attrs["nodes_values"].append(tree.threshold[nid])
            attrs["nodes_truenodeids"].append(0 if leaf else tree.left[nid])
            attrs["nodes_falsenodeids"].append(0 if leaf else tree.right[nid])
            attrs["nodes_missing_value_tracks_true"].append(1 if (tree.missing_left[nid] and not leaf) else 0)
            if leaf:
                attrs["target_treeids"].append(tid)
                attrs["target_nodeids"].append(nid)
                attrs["target_ids"].append(0)
                attrs["target_weights"].append(tree.leaf_value[nid])

    dtype = input_dtype(ens)
    if dtype == "float64":
        values = np.asarray(attrs.pop("nodes_values"), dtype=np.float64)
        weights = np.asarray(attrs.pop("target_weights"), dtype=np.float64)
        attrs["base_values_as_tensor"] = numpy_helper.from_array(np.asarray([ens.base_value], dtype=np.float64))
        attrs["nodes_values_as_tensor"] = numpy_helper.from_array(values)
        attrs["target_weights_as_tensor"] = numpy_helper.from_array(weights)
    else:
        attrs["base_values"] = [ens.base_value]
    node = helper.make_node(
        "TreeEnsembleRegressor",
        [INPUT_NAME],
        [OUTPUT_NAME],
        domain=ML_DOMAIN,
        n_targets=1,
        aggregate_function=ens.aggregate,
        post_transform="NONE",
        **attrs,
    )
    elem = TensorProto.DOUBLE if dtype == "float64" else TensorProto.FLOAT
    graph = helper.make_graph(
        [node],
        "tree_ensemble",
        [helper.make_tensor_value_info(INPUT_NAME, elem, [None, ens.n_features])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [None, 1])],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", ONNX_OPSET), helper.make_opsetid(ML_DOMAIN, ML_OPSET)],
        producer_name="candlecast-training",
        doc_string=doc,
    )
    model.ir_version = 8
    helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model


def reference_predict(ens: Ensemble, X: np.ndarray) -> np.ndarray:
    """Pure-numpy evaluation of the neutral form (float32 rows compared in float64), to check a conversion."""
    X = np.asarray(X, dtype=np.float32).astype(np.float64)
    out = np.zeros(X.shape[0], dtype=np.float64)
    for tree in ens.trees:
        for r in range(X.shape[0]):
            n = 0
            while tree.left[n] != -1:
                x = X[r, tree.feature[n]]
                t = tree.threshold[n]
                if np.isnan(x):
                    go_left = tree.missing_left[n]
                else:
                    go_left = bool(x < t) if ens.mode == "BRANCH_LT" else bool(x <= t)
                n = tree.left[n] if go_left else tree.right[n]
            out[r] += tree.leaf_value[n]
    if ens.aggregate == "AVERAGE":
        out /= len(ens.trees)
    return out + ens.base_value
