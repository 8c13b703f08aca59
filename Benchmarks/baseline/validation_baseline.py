#!/usr/bin/env python3
"""Reference implementation of the paper's §5 evaluation of model-subset selection.

The paper (github.com/ryoungj/ObsScaling, ``model_subset_selection_eval.ipynb`` with
``utils/selection.py``, ``utils/plot.py`` and ``utils/data.py``) checks its V-optimal family
selection by hold-out validation: fit the scaling law on the selected models only, predict the
models above the FLOPs cutoff, and compare the test MSE with random selections of the same size
and with the fit on every model below the cutoff.  This script redoes that in plain numpy/scipy,
written from the paper's procedure, not copied from its code.  It writes
``Tests/ObsScaleEvaluationTests/Fixtures/paper_validation.json`` (``--fixture``), which the Swift
tests compare against.

Procedure, per target (the three GSM8K metrics below) and budget B in 4, 8, ..., 36:

1. selection (``selection_baseline.py``, setup ``evaluation``): the paper-2024 preset joined with
   ``base_llm_post_training_eval.csv``, FLOPs <= 84, complete rows on all 8 benchmarks (45 models,
   14 families); imputation + PCA of the 8 benchmarks on that pool; brute-force V-optimal
   families, at most 10, no family forced in;
2. training rows: the pool models of the chosen families (``search_subset``'s
   ``best_heldout_filter`` removes every other model from the FLOPs <= 84 rows that have the
   target; every pool model has all three targets);
3. test rows: the preset models joined with the downstream file that have the target and
   FLOPs > 84 or unknown FLOPs (``split_data`` sends NaN to the test side);
4. ``pca_on = "train"`` (the paper): rank-1 PCA imputation of the 7 non-GSM8K benchmarks fitted on
   the training rows and applied to the test rows, then a centered 3-component PCA of the imputed
   training rows (``NONGSM_PCA_PREPROCESS_KWARGS`` with ``n_components = 3``);
   ``pca_on = "panel"``: the same imputation + PCA fitted once on all 77 preset models (the target
   is still only used on the training rows);
5. regression ``sigmoid-parametric`` with fixed height, i.e. y = (1 - b) sigma(alpha + beta^T s) + b,
   b in [0, 0.2], robust (Huber, delta = 1.0): the paper's solver (``scipy.optimize.minimize``,
   L-BFGS-B, finite-difference gradient, start alpha = 0, beta = 0.01, b = 0) and the tightly
   converged optimum (``paper_baseline.fit_tight`` + ``polish``; every residual is below delta, so
   the Huber optimum is the least-squares optimum);
6. metrics on the raw accuracy scale: train MSE, test MSE, and the agreement MSE = mean over the
   test models of (subset-fit prediction - all-models-fit prediction)^2.

The all-models reference is the same fit without the hold-out filter: every preset model with the
target and FLOPs <= 84, including the rows with missing benchmarks (Falcon), which the imputation
fills in ("All 47 Models" in the notebook's plot; 45 for gsm8k_5, where the two Falcon rows lack the
target).

Random baseline, exactly as ``search_subset``: the brute-force results (enumeration order) with
max(B - 2, 3) <= n_models <= B, ``random.seed(0)`` then ``random.shuffle`` at every budget, the first
5 (``num_random_samples = 5``).  The first draw at every budget matches what the notebook prints.

Usage (from the repository root)::

    python3 Benchmarks/baseline/validation_baseline.py \\
        --fixture Tests/ObsScaleEvaluationTests/Fixtures/paper_validation.json
"""

import argparse
import json
import math
import os
import random
import sys
import time
import warnings

import numpy as np
import scipy
from scipy.optimize import least_squares, minimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_baseline as pb  # noqa: E402  (CSV reading, preset, imputation, PCA, tight fit)
import selection_baseline as sb  # noqa: E402  (the evaluation pool and brute-force selection)

TARGETS = [
    "gsm8k_5_exact_match,flexible-extract",
    "gsm8k_cot_8_exact_match,flexible-extract",
    "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract",
]
BENCHMARKS = pb.DEFAULT_BENCHMARKS  # the 7 non-GSM8K benchmarks (NONGSM_METRIC_LIST)
CUTOFF = 84.0
K = 3                       # n_components set to 3 in the notebook
HUBER_DELTA = 1.0           # reg_kwargs {"delta": 1.0}
PAPER_BETA_START = 0.01     # fit_multivariate_regression_model: np.ones(x_dim - 1) * 1e-2
FLOOR_MAX = 0.2             # sigmoid_param_range_width
NUM_RANDOM_SAMPLES = 5      # num_random_samples in the notebook
RANDOM_GRACE = 2            # random_select_grace_range in search_subset
RANDOM_SEED = 0             # random.seed(0) in search_subset, at every budget
PCA_ON = ("train", "panel")

#: What the notebook prints for the random baseline (first of the 5 draws per budget): families,
#: number of models, objective (-V, 2 decimals).  The V-optimal choices it prints are recorded in
#: paper_selection.json (setup "evaluation").
NOTEBOOK_RANDOM_FIRST = {
    4: (["Gemma", "Phi", "StarCoder2"], 4, -39.90),
    8: (["Gemma", "Phi", "StarCoder", "StarCoder2"], 7, -22.76),
    12: (["Llama-2", "MPT", "XGLM", "StarCoder", "StarCoder2"], 10, -24.02),
    16: (["Llama-2", "Llama", "Gemma", "BLOOM", "GPT-Neo/J", "MPT", "DeepSeek-Coder"], 16, -15.84),
    20: (["Llama-2", "Llama", "Pythia", "GPT-Neo/J", "StarCoder", "StarCoder2"], 20, -14.98),
    24: (["Qwen1.5", "Gemma", "Pythia", "BLOOM", "GPT-Neo/J", "DeepSeek-Coder"], 23, -6.39),
    28: (["Llama", "Gemma", "Phi", "Pythia", "OPT", "XGLM", "StarCoder"], 28, -6.93),
    32: (["Llama", "Qwen1.5", "Gemma", "Phi", "Pythia", "BLOOM", "GPT-Neo/J", "XGLM", "StarCoder2"],
         30, -7.13),
    36: (["Llama-2", "Gemma", "Phi", "Pythia", "BLOOM", "GPT-Neo/J", "OPT", "StarCoder",
          "DeepSeek-Coder"], 34, -4.68),
}


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def load_data(panel_path, downstream_path):
    panel = pb.read_csv_rows(panel_path)
    downstream_rows = pb.read_csv_rows(downstream_path)
    downstream = {r["Model"]: r for r in downstream_rows}
    preset = pb.paper_preset_rows(panel)
    joined = [r for r in preset if r["Model"] in downstream]  # panel order
    excluded_with_target = sorted(
        r["Model"] for r in panel
        if r["Model"] in set(pb.PAPER_EXCLUDED_MODELS) and r["Model"] in downstream)
    setup = sb.build_setup("evaluation", sb.evaluation_pool(panel, downstream_rows), [])
    return {
        "preset": preset,
        "presetNames": [r["Model"] for r in preset],
        "presetX": pb.benchmark_matrix(preset, BENCHMARKS),
        "joined": joined,
        "downstream": downstream,
        "setup": setup,
        "excludedWithTarget": excluded_with_target,
    }


def target_split(data, target):
    """Training candidates (FLOPs <= cutoff) and test rows of one target, panel order."""
    below, test = [], []
    for r in data["joined"]:
        y = pb._num(data["downstream"][r["Model"]][target])
        if math.isnan(y):
            continue
        (below if pb.row_flops(r) <= CUTOFF else test).append((r, y))  # NaN FLOPs -> test
    return below, test


# ---------------------------------------------------------------------------------------------
# Features: imputation + PCA on the training rows ("train") or on the whole preset ("panel")
# ---------------------------------------------------------------------------------------------

def features(data, train_rows, test_rows, pca_on):
    if pca_on == "train":
        X_tr = pb.benchmark_matrix(train_rows, BENCHMARKS)
        X_te = pb.benchmark_matrix(test_rows, BENCHMARKS)
        imp = pb.pca_impute_fit(X_tr)
        assert np.all(np.isfinite(imp["scale_std"])) and np.all(imp["scale_std"] > 0)
        te_imp, _, te_conv = pb.pca_impute_apply(imp, X_te)
        assert te_conv
        pca = pb.pca_fit(imp["imputed"], K)
        S_tr, S_te = pb.pca_scores(pca, imp["imputed"]), pb.pca_scores(pca, te_imp)
        fit_scores = S_tr
    else:
        cache = data.setdefault("_panelFeatures", None)
        if cache is None:
            imp = pb.pca_impute_fit(data["presetX"])
            pca = pb.pca_fit(imp["imputed"], K)
            S_all = pb.pca_scores(pca, imp["imputed"])
            cache = data["_panelFeatures"] = {
                "scores": dict(zip(data["presetNames"], S_all)), "fitScores": S_all, "pca": pca}
        S_tr = np.array([cache["scores"][r["Model"]] for r in train_rows])
        S_te = np.array([cache["scores"][r["Model"]] for r in test_rows])
        pca, fit_scores = cache["pca"], cache["fitScores"]
    # sklearn < 1.5 PCA sign convention (svd_flip, u_based_decision=True): in each column of U
    # (proportional to the PCA-fit rows' scores) the entry of largest magnitude is positive.
    # PC signs do not change the tight optimum's predictions, only the paper solver's path
    # (its start beta = 0.01 is not sign-symmetric).
    idx = np.argmax(np.abs(fit_scores), axis=0)
    sk_sign = np.sign(fit_scores[idx, np.arange(K)])
    sk_sign[sk_sign == 0] = 1.0
    # sklearn >= 1.5 (u_based_decision=False): largest-magnitude loading of each component > 0.
    comps = pca["components"]
    vidx = np.argmax(np.abs(comps), axis=1)
    v_sign = np.sign(comps[np.arange(K), vidx])
    return {"S_tr": S_tr, "S_te": S_te, "signs": {"sklearnUBased": sk_sign, "sklearnVBased": v_sign,
                                                   "loadingsSumPositive": np.ones(K)}}


# ---------------------------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------------------------

def fit_paper(S, y, delta=HUBER_DELTA):
    """The paper's robust sigmoid-parametric fit: sum of Huber losses, L-BFGS-B, numeric gradient.

    Model a/(1 + exp(-x)) + b with a = 1 - b and x = alpha + beta^T s, start [0, 0.01.., 0],
    bounds b in [0, 0.2], scipy defaults otherwise.
    """
    k = S.shape[1]
    Xc = np.column_stack([np.ones(len(y)), S])
    p0 = np.concatenate([[0.0], np.full(k, PAPER_BETA_START), [0.0]])
    bounds = [(-np.inf, np.inf)] * (k + 1) + [(0.0, FLOOR_MAX)]

    def objective(p):
        b = p[-1]
        with np.errstate(over="ignore"):
            pred = (1.0 - b) / (1.0 + np.exp(-(Xc @ p[:-1]))) + b
        r = pred - y
        a = np.abs(r)
        return np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta)).sum()

    res = minimize(objective, p0, method="L-BFGS-B", bounds=bounds)
    return res.x, res


def fit_tight_optimum(S, y):
    """Tightly converged optimum (least squares == Huber(1) here) and whether it is unique."""
    k = S.shape[1]
    if len(y) <= k + 2:
        # At most as many rows as parameters: the loss reaches (about) zero on a continuum of
        # parameters, so there is no unique optimum to converge to.  Record trf's answer from the
        # standard start with scipy's default tolerances; wellPosed = False tells the Swift tests
        # not to compare these.
        lower, upper = pb.param_bounds(k)
        res = least_squares(lambda q: pb.sigmoid_floor(q, S) - y, pb.start_params(k),
                            jac=lambda q: pb._jacobian(q, S), bounds=(lower, upper), method="trf")
        return pb.snap_to_bounds(res.x, k), {"polishIterations": 0, "freeParameters": k + 2,
                                             "jacobianRank": int(np.linalg.matrix_rank(
                                                 pb._jacobian(res.x, S))), "wellPosed": False}
    p, _ = pb.fit_tight(S, y, loss="linear")
    p = pb.snap_to_bounds(p, k)
    p, iters = pb.polish(p, S, y)
    r = pb.sigmoid_floor(p, S) - y
    assert np.max(np.abs(r)) < HUBER_DELTA, "a residual exceeds the Huber delta"
    at_lower, at_upper = pb._active(p, k)
    free = ~(at_lower | at_upper)
    J = pb._jacobian(p, S)[:, free]
    rank = int(np.linalg.matrix_rank(J))
    return p, {"polishIterations": iters, "freeParameters": int(free.sum()), "jacobianRank": rank,
               "wellPosed": bool(rank == int(free.sum()) and len(y) > k + 2)}


def fit_block(feat, y_tr, y_te, ref=None, sign_key="sklearnUBased"):
    """Paper-solver and tight fits on one set of features, their metrics and predictions."""
    S_tr, S_te = feat["S_tr"], feat["S_te"]
    signs = feat["signs"][sign_key]
    p_paper, res = fit_paper(S_tr * signs, y_tr)
    p_tight, info = fit_tight_optimum(S_tr, y_tr)
    pred_paper = pb.sigmoid_floor(p_paper, S_te * signs)
    pred_tight = pb.sigmoid_floor(p_tight, S_te)
    # the paper-solver parameters are reported in the fixture's sign convention (loadings sum > 0)
    p_paper_fx = p_paper.copy()
    p_paper_fx[1:-1] *= signs
    out = {
        "nTrain": len(y_tr),
        "params": pb._f(p_tight),
        "paperParams": pb._f(p_paper_fx),
        "trainMSE": pb.mse(p_tight, S_tr, y_tr),
        "testMSE": float(np.mean((pred_tight - y_te) ** 2)),
        "paperTrainMSE": pb.mse(p_paper, S_tr * signs, y_tr),
        "paperTestMSE": float(np.mean((pred_paper - y_te) ** 2)),
        "huberLoss": pb.huber_loss(p_tight, S_tr, y_tr, HUBER_DELTA),
        "paperHuberLoss": pb.huber_loss(p_paper, S_tr * signs, y_tr, HUBER_DELTA),
        "paperIterations": int(res.nit),
        "paperStatus": int(res.status),
        "testPredictions": pb._f(pred_tight),
        **info,
    }
    if ref is not None:
        out["agreementMSE"] = float(np.mean((pred_tight - ref["tight"]) ** 2))
        out["paperAgreementMSE"] = float(np.mean((pred_paper - ref["paper"]) ** 2))
    return out, {"tight": pred_tight, "paper": pred_paper}


def paper_sign_spread(feat, y_tr, y_te):
    """Test MSE of the paper solver under the three PC sign conventions (sensitivity only)."""
    vals = []
    for key in ("sklearnUBased", "sklearnVBased", "loadingsSumPositive"):
        s = feat["signs"][key]
        p, _ = fit_paper(feat["S_tr"] * s, y_tr)
        vals.append(float(np.mean((pb.sigmoid_floor(p, feat["S_te"] * s) - y_te) ** 2)))
    return vals


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------

def random_draws(setup, results):
    """search_subset's random baseline: per budget, seed 0, shuffle, first NUM_RANDOM_SAMPLES."""
    fam = setup["familyOrder"]
    out = {}
    for B in sb.BUDGETS:
        cand = [r for r in results if B >= r[0] >= max(B - RANDOM_GRACE, 3)]
        n_cand = len(cand)
        random.seed(RANDOM_SEED)
        random.shuffle(cand)
        draws = []
        for n, units, V in cand[:NUM_RANDOM_SAMPLES]:
            models = [setup["names"][i] for u in sorted(units) for i in setup["familyRows"][u]]
            draws.append({"families": [fam[u] for u in units], "familyIndices": list(units),
                          "nModels": n, "V": V, "models": models})
        out[B] = {"candidates": n_cand, "draws": draws}
    return out


def evaluate(data):
    setup = data["setup"]
    t0 = time.perf_counter()
    sel = sb.run_selection(setup)
    results = sel["results"]
    rnd = random_draws(setup, results)
    per_target = {}
    sign_spread = []
    for target in TARGETS:
        below, test = target_split(data, target)
        test_rows = [r for r, _ in test]
        y_te = np.array([y for _, y in test])
        all_rows = [r for r, _ in below]
        y_all = np.array([y for _, y in below])
        block = {
            "testModels": [r["Model"] for r in test_rows],
            "allModelsTrainModels": [r["Model"] for r in all_rows],
            "allModels": {}, "selected": [], "random": [],
        }
        refs = {}
        for pca_on in PCA_ON:
            feat = features(data, all_rows, test_rows, pca_on)
            block["allModels"][pca_on], refs[pca_on] = fit_block(feat, y_all, y_te)

        def subset_fit(models):
            keep = set(models)
            rows = [(r, y) for r, y in below if r["Model"] in keep]
            assert len(rows) == len(models), "a selected model lacks the target"
            tr_rows, y_tr = [r for r, _ in rows], np.array([y for _, y in rows])
            fits = {}
            for pca_on in PCA_ON:
                feat = features(data, tr_rows, test_rows, pca_on)
                fits[pca_on], _ = fit_block(feat, y_tr, y_te, refs[pca_on])
                if pca_on == "train":
                    sign_spread.append((paper_sign_spread(feat, y_tr, y_te),
                                        fits[pca_on]["wellPosed"]))
            return [r["Model"] for r in tr_rows], fits

        for pbud in sel["perBudget"]:
            models, fits = subset_fit(pbud["models"])
            block["selected"].append({
                "budget": pbud["budget"], "families": pbud["families"],
                "familiesInFamilyOrder": pbud["familiesInFamilyOrder"], "V": pbud["V"],
                "models": models, "pcaOn": fits})
        for B in sb.BUDGETS:
            samples = []
            for d in rnd[B]["draws"]:
                _, fits = subset_fit(d["models"])
                samples.append({pca_on: {k: fits[pca_on][k] for k in (
                    "nTrain", "trainMSE", "testMSE", "paperTrainMSE", "paperTestMSE",
                    "agreementMSE", "paperAgreementMSE", "wellPosed")} for pca_on in PCA_ON})
            block["random"].append({"budget": B, "samples": samples})
        per_target[target] = block
    spread = [(max(v) / min(v) - 1.0, ok) for v, ok in sign_spread]
    return {"selection": sel, "random": rnd, "perTarget": per_target,
            "paperSignMaxRelativeSpread": max(x for x, _ in spread),
            "paperSignMaxRelativeSpreadWellPosed": max(x for x, ok in spread if ok),
            "seconds": time.perf_counter() - t0}


# ---------------------------------------------------------------------------------------------
# Summary (aggregation over targets and random draws)
# ---------------------------------------------------------------------------------------------

def solver_gap(ev):
    """Max relative difference of test MSE, paper solver vs tight optimum, well-posed fits only."""
    out = {}
    for pca_on in PCA_ON:
        sel_d, rnd_d = [], []
        for block in ev["perTarget"].values():
            fits = [s["pcaOn"][pca_on] for s in block["selected"]] + [block["allModels"][pca_on]]
            sel_d += [abs(f["paperTestMSE"] / f["testMSE"] - 1.0) for f in fits if f["wellPosed"]]
            for rb in block["random"]:
                rnd_d += [abs(s[pca_on]["paperTestMSE"] / s[pca_on]["testMSE"] - 1.0)
                          for s in rb["samples"] if s[pca_on]["wellPosed"]]
        out[f"maxSelectedAndAllModels/{pca_on}"] = max(sel_d)
        out[f"maxRandom/{pca_on}"] = max(rnd_d)
        out[f"wellPosedRandomFits/{pca_on}"] = len(rnd_d)
    out["description"] = ("max over well-posed fits of |paperTestMSE / testMSE - 1|; V-optimal "
                          "and all-models fits, and the random draws")
    return out


def geo(xs):
    return float(np.exp(np.mean(np.log(xs))))


def summarize(ev):
    """Per pcaOn and solver: V-optimal / random / all-models test MSE per budget.

    Per target as computed; over targets both the arithmetic mean ("mean") and the geometric
    mean ("geoMean").  Random: each draw's mean over targets, then the geometric mean over the
    draws with the standard deviation of the log (the notebook plots exp(mean log) and the
    exp(mean log +- std log) band).
    """
    out = {}
    pt = ev["perTarget"]
    for pca_on in PCA_ON:
        for solver, key in (("tight", "testMSE"), ("paper", "paperTestMSE")):
            rows = []
            all_t = [pt[t]["allModels"][pca_on][key] for t in TARGETS]
            for i, B in enumerate(sb.BUDGETS):
                sel_t = [pt[t]["selected"][i]["pcaOn"][pca_on][key] for t in TARGETS]
                draws = []
                for j in range(NUM_RANDOM_SAMPLES):
                    draws.append([pt[t]["random"][i]["samples"][j][pca_on][key] for t in TARGETS])
                draw_means = [float(np.mean(d)) for d in draws]
                rows.append({
                    "budget": B,
                    "selectedPerTarget": sel_t,
                    "selectedMean": float(np.mean(sel_t)),
                    "selectedGeoMean": geo(sel_t),
                    "randomPerTargetGeoMean": [geo([d[k] for d in draws]) for k in range(len(TARGETS))],
                    "randomMeanOverTargetsPerDraw": draw_means,
                    "randomGeoMeanOfDrawMeans": geo(draw_means),
                    "randomLogStdOfDrawMeans": float(np.std(np.log(draw_means))),
                })
            out[f"{pca_on}/{solver}"] = {
                "allModelsPerTarget": all_t, "allModelsMean": float(np.mean(all_t)),
                "allModelsGeoMean": geo(all_t), "perBudget": rows}
    return out


# ---------------------------------------------------------------------------------------------
# Fixture
# ---------------------------------------------------------------------------------------------

PROCEDURE = {
    "selection": "selection_baseline.py setup 'evaluation' (paper_selection.json): preset joined "
                 "with the post-training file, FLOPs <= 84, complete rows on the 8 benchmarks "
                 "(45 models, 14 families), imputation + PCA of the 8 benchmarks on that pool, "
                 "brute-force V-optimal families (<= 10, none forced in).",
    "trainingRows": "pool models of the selected families (the paper's best_heldout_filter applied "
                    "to the FLOPs <= 84 rows with the target); all pool models have the targets.",
    "testRows": "preset models joined with the downstream file that have the target and FLOPs > "
                "84 or unknown FLOPs, panel order.",
    "pcaRows": "pcaOn 'train' (the paper): rank-1 PCA imputation of the 7 non-GSM8K benchmarks "
               "fitted on the training rows, applied to the test rows; centered 3-component PCA of "
               "the imputed training rows. pcaOn 'panel': the same fitted once on all 77 preset "
               "models.",
    "regression": "y = (1 - b) * sigmoid(alpha + beta . s) + b, b in [0, 0.2] (the paper's "
                  "'sigmoid-parametric' with fixed height); Huber delta 1.0. 'paper*' keys: "
                  "scipy minimize L-BFGS-B on the summed Huber loss, numeric gradient, start "
                  "[0, 0.01, 0.01, 0.01, 0], PC signs as sklearn < 1.5. Unprefixed keys: the "
                  "tight optimum (least_squares trf tol 1e-15 + Gauss-Newton polish), equal to the "
                  "Huber optimum because every residual is below delta.",
    "metric": "MSE on the raw accuracy scale; agreementMSE = mean over test models of (subset "
              "prediction - all-models prediction)^2, same solver and pcaOn.",
    "allModels": "no hold-out filter: every preset model with the target and FLOPs <= 84, "
                 "including rows with missing benchmarks (imputed): 45 for gsm8k_5, 47 for the "
                 "CoT targets ('All 47 Models' in the notebook).",
    "randomDraw": "search_subset: brute-force results in enumeration order with max(B - 2, 3) <= "
                  "n <= B, random.seed(0) and random.shuffle at every budget, first 5.",
    "aggregation": "the notebook's evaluation cell was not read (see README); its final plot shows "
                   "selected_mse_array, random_mse_array with an exp(mean log +- std log) band "
                   "over the random draws, and baseline_val ('All 47 Models'), y = 'Overall MSE'. "
                   "summary gives both the mean and the geometric mean over the 3 targets.",
}


def build_payload(data, ev):
    setup = data["setup"]
    rnd_out = []
    for B in sb.BUDGETS:
        first = ev["random"][B]["draws"][0]
        fams, n, obj = NOTEBOOK_RANDOM_FIRST[B]
        rnd_out.append({
            "budget": B, "candidates": ev["random"][B]["candidates"],
            "draws": ev["random"][B]["draws"],
            "firstDrawMatchesNotebook": first["families"] == fams and first["nModels"] == n
            and round(-first["V"], 2) == obj,
        })
    return {
        "description": "validation_baseline.py --fixture: the paper's Section 5 hold-out "
                       "evaluation of V-optimal model-subset selection. Parameter order "
                       "[alpha, beta1, beta2, beta3, b]; PC signs: loadings of each component sum "
                       "to a positive value.",
        "panel": "base_llm_benchmark_eval.csv",
        "downstream": "base_llm_post_training_eval.csv",
        "preset": "paper-2024",
        "targets": TARGETS,
        "benchmarks": BENCHMARKS,
        "cutoff": CUTOFF,
        "nComponents": K,
        "imputeRank": pb.IMPUTE_RANK,
        "floorBounds": [0.0, FLOOR_MAX],
        "huberDelta": HUBER_DELTA,
        "paperStartParams": [0.0] + [PAPER_BETA_START] * K + [0.0],
        "budgets": sb.BUDGETS,
        "maxFamilies": sb.MAX_FAMILIES,
        "pcaOn": list(PCA_ON),
        "procedure": PROCEDURE,
        "pool": {"models": setup["names"], "modelFamilies": setup["families"],
                 "familyOrder": setup["familyOrder"]},
        "excludedPresetModelsWithDownstreamRow": data["excludedWithTarget"],
        "perTarget": ev["perTarget"],
        "random": {"seed": RANDOM_SEED, "samplesPerBudget": NUM_RANDOM_SAMPLES,
                   "graceModels": RANDOM_GRACE, "perBudget": rnd_out},
        "summary": summarize(ev),
        "paperSolverSignSensitivity": {
            "description": "max over the V-optimal subset fits (pcaOn 'train') of max/min - 1 of "
                           "the paper solver's test MSE under three PC sign conventions (sklearn "
                           "< 1.5, sklearn >= 1.5, loadings-sum-positive)",
            "maxRelativeSpread": ev["paperSignMaxRelativeSpread"],
            "maxRelativeSpreadWellPosed": ev["paperSignMaxRelativeSpreadWellPosed"],
        },
        "paperVsTight": solver_gap(ev),
        "paperNotebook": {
            "randomFirstDrawPrinted": [
                {"budget": B, "families": NOTEBOOK_RANDOM_FIRST[B][0],
                 "nModels": NOTEBOOK_RANDOM_FIRST[B][1], "objective": NOTEBOOK_RANDOM_FIRST[B][2]}
                for B in sb.BUDGETS],
            "selectedPrinted": "see paper_selection.json setups.evaluation.paperNotebook",
            "combinationsPrinted": sb.PAPER_NOTEBOOK_TOTALS["evaluation"],
            "testMSEPrinted": None,
            "finalPlot": "line plot only, no printed numbers: 'V-Optimality Selection (Ours)' "
                         "(selected_mse_array), 'Random Selection' (random_mse_array, band "
                         "exp(random_log_mse_array +- random_log_std_array)), dashed 'All 47 "
                         "Models' (baseline_val); x 'Number of Selected Models' (4..36), y "
                         "'Overall MSE', log scale.",
        },
    }


def round_trip(payload):
    return json.loads(json.dumps(payload, allow_nan=False))


def print_summary(ev, summary):
    for key in ("train/tight", "train/paper", "panel/tight"):
        s = summary[key]
        print(f"== {key}: all models mean {s['allModelsMean']:.3e}  per target "
              + " ".join(f"{v:.3e}" for v in s["allModelsPerTarget"]))
        for r in s["perBudget"]:
            print(f"  B={r['budget']:2d} V-opt mean {r['selectedMean']:.3e} ["
                  + " ".join(f"{v:.3e}" for v in r["selectedPerTarget"])
                  + f"]  random geo {r['randomGeoMeanOfDrawMeans']:.3e} (log std "
                  f"{r['randomLogStdOfDrawMeans']:.2f})")
    print(f"paper-solver PC-sign sensitivity (max rel spread of test MSE): all "
          f"{ev['paperSignMaxRelativeSpread']:.3e}, well-posed {ev['paperSignMaxRelativeSpreadWellPosed']:.3e}")
    gap = solver_gap(ev)
    print("paper vs tight, max |rel diff| of test MSE over well-posed fits: "
          + ", ".join(f"{k} {v:.3e}" for k, v in sorted(gap.items()) if k.startswith("max")))
    print(f"evaluation took {ev['seconds']:.1f} s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--panel", default=pb.DEFAULT_PANEL)
    ap.add_argument("--downstream", default=pb.DEFAULT_DOWNSTREAM)
    ap.add_argument("--fixture", help="write paper_validation.json here")
    args = ap.parse_args(argv)
    warnings.simplefilter("error", RuntimeWarning)
    data = load_data(args.panel, args.downstream)
    ev = evaluate(data)
    payload = build_payload(data, ev)
    print_summary(ev, payload["summary"])
    first_ok = all(r["firstDrawMatchesNotebook"] for r in payload["random"]["perBudget"])
    print(f"random first draws match the notebook at every budget: {first_ok}")
    if args.fixture:
        with open(args.fixture, "w") as f:
            json.dump(round_trip(payload), f, indent=1, sort_keys=True, allow_nan=False)
            f.write("\n")
        print("wrote", args.fixture, f"(numpy {np.__version__}, scipy {scipy.__version__})")


if __name__ == "__main__":
    main()
