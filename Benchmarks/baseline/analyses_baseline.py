#!/usr/bin/env python3
"""Reference implementation of three panel analyses: compute efficiency per family, the
compute-based baseline predictors (paper §4.1) and the post-training comparison (paper §4.3, §6).

An independent numpy/scipy re-implementation that writes the fixture
``Tests/ObsScaleFitTests/Fixtures/analyses.json``.  Loading, imputation and PCA come from
``paper_baseline.py`` (``pb``); the tight least-squares sigmoid-floor fit and the joined panel come
from ``prior_baseline.py`` (``prb``).

Data (read-only, never copied into the project): ``base_llm_benchmark_eval.csv``, left-joined on
``Model`` with ``base_llm_post_training_eval.csv`` then ``base_llm_emergent_capability_eval.csv``
(``prb.load_panel``).  The fixture holds no observed score, target value or FLOPs — only model
names, derived quantities and fitted results; tests join the data from the shared files.  Model set: the ``paper-2024`` preset (77 models, panel row order), except
for the ``fullPanel`` efficiency setup (all 148 panel rows, no preset).

Conventions.  FLOPs are the panel's ``FLOPs (1E21)`` column (units of 1E21 FLOPs) and
x = log10(FLOPs); model size is ``Model Size (B)``.  An empty or non-positive cell is unknown
(the 6·N·D fallback of ``pb.row_flops`` never applies to this panel: no row lacks FLOPs while having
both size and tokens; this is asserted).  SEVEN = the 7 non-GSM8K benchmarks
(``pb.DEFAULT_BENCHMARKS``).  Parameter vectors are ``[alpha, beta_1..beta_K, b]``, b ∈ [0, 0.2];
the law is f(s) = b + (1 − b)·σ(α + βᵀs), σ the logistic.  Least-squares fits are ``prb.fit``
(``least_squares`` trf from α = 0, β = 0.03, b = 0, then Newton polishing; its ``objective`` is
½·Σ r²); each is checked to have converged (projected gradient < 1e-8).  Huber(δ = 1) fits are
``pb.fit_tight(S, y, loss="huber")`` (trf, f_scale = 1, tol 1e-15), snapped onto bounds within
1e-12.  OLS of y on x: slope = Sxy/Sxx, intercept = ȳ − slope·x̄, r2 = 1 − SSres/SStot (null if
SStot = 0), slopeStandardError = sqrt(SSres/(n − 2)/Sxx) for n ≥ 3 (null for n = 2).

1. ``efficiency`` (:func:`efficiency_setup`), setups ``paper2024`` and ``fullPanel``.  The capability
   space of ``obsscale pca``: rank-1 imputation (``pb.pca_impute_fit``) and centered PCA
   (``pb.pca_fit``, K = 3) fitted on every model of the setup, all 8 benchmarks.  Per family
   (first-appearance order): the models with known FLOPs; with n ≥ 2 of them and x not constant,
   for k = 1..3 the OLS of the PC-k score on x; ``pc1At1e22``/``pc1At1e23`` = the PC-1 line at
   x = 1 / x = 2; ``twoModels`` = (n == 2).  Otherwise the family is ``excluded`` with a reason.
   ``averageR2[k]`` = mean r2 of component k over families with n ≥ 3 (null r2 ignored).
   ``outliers[k]``: the models (panel order) whose residual from the pooled OLS line of PC-k on x
   over every model with FLOPs exceeds 2 residual standard deviations, sqrt(SSres / (n − 2)).

2. ``predictors`` (:func:`predictors_setup`).  Split at the cutoff: train side = FLOPs ≤ cutoff,
   test side = the rest including unknown FLOPs; training / test models = the models of each side
   that have the target.  With a target range [lo, 1] the target is normalized to
   (y − lo)/(1 − lo) and everything (fits, MSEs, predictions) is on that scale.  Predictors:
   ``pcs`` = imputation + PCA (K = 3) fitted on the training models' SEVEN benchmarks, applied to
   all rows (``pb.pca_impute_apply``, ``pb.pca_scores``), regressor = the 3 scores; ``flops`` /
   ``params`` = the single regressor log10(FLOPs) / log10(Model Size (B)), models without it left
   out (``excludedTrain``/``excludedTest``).  Each predictor: LS fit, train/test MSE, test
   predictions, the Huber fit; per setup ``commonTestModels`` (usable by all three predictors) and
   per predictor ``commonTestMSE`` on them.

3. ``compare`` (:func:`compare_section`).  Targets A (gsm8k 5-shot), B (8-shot CoT), C (CoT
   self-consistency maj@5); SEVEN; cutoff 84.  Imputation + PCA (K = 3) fitted on the pool (every
   preset model with FLOPs ≤ 84, with or without the targets), applied to all 77 rows.  Each target
   is fitted on the pool models that have it.  η = α + βᵀs for all rows; benchmark weights
   Σ_k β_k·components[k, j].  Given the laws:

   * equivalent-FLOPs line of each target: OLS of η on x over the ``Llama-2`` models with FLOPs;
   * grid x_i = lo + i·(hi − lo)/200, i = 0..200, lo = min x over the preset models with FLOPs,
     hi = max x + 1; curve E_t(x) = b_t + (1 − b_t)·σ(w_t·x + c_t);
   * gap g = E_later − E_first (B − A, C − A) on the grid: ``maxGap`` and ``argmaxX`` (first
     maximum); ``onset`` (threshold 0.05): the first i with g_i > 0.05 — x_0 if i = 0, else
     x_{i−1} + (0.05 − g_{i−1})/(g_i − g_{i−1})·(x_i − x_{i−1}); null if none; ``maxGrowth`` =
     max_i (g_{i+1} − g_i)/(x_{i+1} − x_i); ``gapsAtFlops`` at FLOPs 84, 840, 8400 from the closed
     form;
   * per family with ≥ 2 models with FLOPs and x not constant: the same with each target's line
     fitted (OLS of η on x) over the family's models with FLOPs and the law's own floor b_t;
     ``observed``: per family model with both targets observed, {model, lawGap = f_later(s) −
     f_first(s), lineGap = family gap at its x (null without FLOPs)} — the observed gap itself is
     data and is joined by the tests from the shared files; flags against the Llama-2 (reference) result of the same pair:
     ``earlierOnset`` = family onset not null and (reference onset null or family < reference),
     ``slowerGrowth`` = family maxGrowth < reference maxGrowth.  Other families are listed in
     ``excludedFamilies`` with a reason.

Usage (from the repository root)::

    python3 Benchmarks/baseline/analyses_baseline.py \\
        --fixture Tests/ObsScaleFitTests/Fixtures/analyses.json
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_baseline as pb  # noqa: E402
import prior_baseline as prb  # noqa: E402

N_COMPONENTS = 3
SEVEN = list(pb.DEFAULT_BENCHMARKS)
ALL_BENCHMARKS = list(pb.ALL_BENCHMARKS)
CLI = os.path.join(pb._REPO_ROOT, ".build", "release", "obsscale")

PREDICTOR_SETUPS = {
    "subtraction": {"target": "arithmetic_3ds_2_acc", "cutoff": 22.0, "range": None},
    "multiplication": {"target": "arithmetic_2dm_2_acc", "cutoff": 22.0, "range": None},
    "unscramble": {"target": "word_unscrambling_2_exact_match", "cutoff": 84.0, "range": None},
    "persianQA": {"target": "parsinlu_qa_2_acc", "cutoff": 84.0, "range": [0.25, 1.0]},
}
PREDICTORS = ["pcs", "flops", "params"]

COMPARE_TARGETS = ["gsm8k_5_exact_match,flexible-extract",
                   "gsm8k_cot_8_exact_match,flexible-extract",
                   "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract"]
COMPARE_CUTOFF = 84.0
REFERENCE_FAMILY = "Llama-2"
GRID_POINTS = 201
GRID_EXTENSION = 1.0          # hi = max x + 1
ONSET_THRESHOLD = 0.05
AT_FLOPS = [84.0, 840.0, 8400.0]


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def _f(x):
    return [float(v) for v in np.asarray(x, dtype=float).ravel()]


def _rows(a):
    return [[float(v) for v in r] for r in np.asarray(a, dtype=float)]


def _opt(v):
    """float, or None for NaN / None."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def positive_cell(row, column):
    """The cell as a float when present and > 0, else NaN (unknown)."""
    v = pb._num(row[column])
    return v if v > 0 else math.nan


def row_flops(row):
    """``FLOPs (1E21)``; unknown when empty or non-positive.  Asserts that the 6·N·D fallback of
    ``pb.row_flops`` (size and tokens present, FLOPs missing) never arises."""
    v = positive_cell(row, "FLOPs (1E21)")
    assert not (math.isnan(v) and not math.isnan(pb.row_flops(row))), row["Model"]
    return v


def row_size(row):
    return positive_cell(row, "Model Size (B)")


def family_order(families):
    """Families in order of first appearance, and their row indices."""
    order, members = [], {}
    for i, fam in enumerate(families):
        if fam not in members:
            order.append(fam)
            members[fam] = []
        members[fam].append(i)
    return order, members


def ols(x, y):
    """Ordinary least squares of y on x (see the module docstring)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    sxy = float(np.sum((x - xm) * (y - ym)))
    slope = sxy / sxx
    intercept = float(ym - slope * xm)
    ss_res = float(np.sum((y - intercept - slope * x) ** 2))
    ss_tot = float(np.sum((y - ym) ** 2))
    return {
        "slope": slope, "intercept": intercept,
        "r2": None if ss_tot == 0 else 1.0 - ss_res / ss_tot,
        "slopeStandardError": math.sqrt(ss_res / (n - 2) / sxx) if n >= 3 else None,
    }


def line_exclusion(x):
    """Why a family gets no line (None when it does): fewer than 2 known x, or x constant."""
    if len(x) < 2:
        return "fewer than 2 models with FLOPs"
    if np.all(np.asarray(x) == x[0]):
        return "FLOPs do not vary"
    return None


def law_curve(b, w, c, x):
    """b + (1 − b)·σ(w·x + c)."""
    return b + (1.0 - b) * pb._sigmoid(w * np.asarray(x, float) + c)


# ---------------------------------------------------------------------------------------------
# 1. Compute efficiency per family
# ---------------------------------------------------------------------------------------------

def capability_scores(X, k=N_COMPONENTS):
    """``obsscale pca``: rank-1 imputation and centered PCA fitted on every row; scores (n × k)."""
    imp = pb.pca_impute_fit(X)
    pca = pb.pca_fit(imp["imputed"], k)
    return pb.pca_scores(pca, imp["imputed"]), pca, imp


def family_efficiency(family, idx, names, flops, scores):
    """One family: its models with FLOPs, the per-component OLS lines on log10 FLOPs."""
    known = [i for i in idx if not math.isnan(flops[i])]
    x = np.log10(flops[known])
    out = {"family": family, "models": [names[i] for i in known], "n": len(known)}
    reason = line_exclusion(x)
    if reason is not None:
        out["excluded"] = reason
        return out
    comps = [ols(x, scores[known, k]) for k in range(scores.shape[1])]
    out.update({
        "components": comps,
        "pc1At1e22": comps[0]["intercept"] + comps[0]["slope"] * 1.0,
        "pc1At1e23": comps[0]["intercept"] + comps[0]["slope"] * 2.0,
        "twoModels": len(known) == 2,
    })
    return out


def average_r2(families, k=N_COMPONENTS):
    """Per component, the mean r2 over families with n ≥ 3 (null r2 ignored)."""
    out = []
    for c in range(k):
        vals = [f["components"][c]["r2"] for f in families
                if "components" in f and f["n"] >= 3 and f["components"][c]["r2"] is not None]
        out.append(float(np.mean(vals)) if vals else None)
    return out


def outliers(names, flops, scores, threshold=2.0):
    """Per component, the models far from the all-family trend (see the module docstring)."""
    idx = [i for i in range(len(names)) if not math.isnan(flops[i])]
    x = np.log10(flops[idx])
    out = []
    for c in range(scores.shape[1]):
        y = scores[idx, c]
        line = ols(x, y)
        res = y - line["intercept"] - line["slope"] * x
        spread = math.sqrt(float(np.sum(res ** 2)) / (len(idx) - 2))
        out.append([names[i] for i, r in zip(idx, res) if abs(r) > threshold * spread])
    return out


def efficiency_setup(rows):
    names = [r["Model"].strip() for r in rows]
    fams = [r["Model Family"].strip() for r in rows]
    flops = np.array([row_flops(r) for r in rows], dtype=float)
    scores, pca, imp = capability_scores(pb.benchmark_matrix(rows, ALL_BENCHMARKS))
    order, members = family_order(fams)
    families = [family_efficiency(f, members[f], names, flops, scores) for f in order]
    return {
        "benchmarks": ALL_BENCHMARKS,
        "nComponents": N_COMPONENTS,
        "explainedVarianceRatio": _f(pca["explained_variance_ratio"]),
        "imputationIterations": imp["iterations"],
        "models": [{"name": n, "family": fa, "scores": _f(s)}
                   for n, fa, s in zip(names, fams, scores)],
        "families": families,
        "averageR2": average_r2(families),
        "modelsWithoutFlops": [n for n, fl in zip(names, flops) if math.isnan(fl)],
        "outliers": outliers(names, flops, scores),
    }


def cli_cross_check(cli, panel_path, preset, setup):
    """Max |score difference| (first 3 components) against ``obsscale pca --json``; None when the
    binary is missing or fails."""
    if not cli or not os.path.exists(cli):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "p.json")
        cmd = [cli, "pca", "--panel", panel_path, "--quiet", "--json", out]
        if preset:
            cmd += ["--preset", preset]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            with open(out) as f:
                res = json.load(f)["result"]
        except (subprocess.SubprocessError, OSError, ValueError, KeyError):
            return None
    assert res["models"] == [m["name"] for m in setup["models"]], "CLI model order differs"
    assert res["pca"]["columnNames"] == setup["benchmarks"]
    sc = np.array(res["scores"]["storage"], float).reshape(res["scores"]["rowCount"], res["scores"]["columnCount"])
    mine = np.array([m["scores"] for m in setup["models"]])
    return float(np.max(np.abs(sc[:, :N_COMPONENTS] - mine)))


# ---------------------------------------------------------------------------------------------
# 2. Compute-based baseline predictors
# ---------------------------------------------------------------------------------------------

def normalize(y, target_range):
    if target_range is None:
        return y
    lo, hi = target_range
    return (y - lo) / (hi - lo)


def pcs_regressor(X, train):
    """Imputation + PCA (K = 3) fitted on the training rows, applied to all rows."""
    imp = pb.pca_impute_fit(X[train])
    imputed_all, _, _ = pb.pca_impute_apply(imp, X)
    pca = pb.pca_fit(imp["imputed"], N_COMPONENTS)
    return pb.pca_scores(pca, imputed_all), pca


def huber_fit(S, y):
    """Tight Huber(δ = 1) fit (``pb.fit_tight``, loss huber), snapped onto bounds."""
    p, res = pb.fit_tight(S, y, loss="huber")
    p = pb.snap_to_bounds(p, S.shape[1])
    return p, res


def regression(S_tr, y_tr, S_te, y_te):
    """LS fit (``prb.fit``, converged), MSEs, test predictions, diagnostics and the Huber fit."""
    r = prb.fit(S_tr, y_tr)
    assert r["converged"], f"LS fit did not converge: {r}"
    p = r["params"]
    k = S_tr.shape[1]
    other = min(prb.objective(prb.fit(S_tr, y_tr, start=s)["params"], S_tr, y_tr)
                for s in prb.other_starts(k))
    ph, rh = huber_fit(S_tr, y_tr)
    return {
        "params": _f(p),
        "objective": r["objective"],
        "objectiveKind": "0.5*sum(r^2) over the training models",
        "projectedGradient": r["projectedGradient"],
        "converged": r["converged"],
        "identifiability": prb.identifiability(p, S_tr),
        "lowestObjectiveFromOtherStarts": other,
        "trainMSE": pb.mse(p, S_tr, y_tr),
        "testMSE": _opt(pb.mse(p, S_te, y_te)),
        "testPredictions": _f(pb.sigmoid_floor(p, S_te)) if len(y_te) else [],
        "huber": {
            "params": _f(ph),
            "loss": pb.huber_loss(ph, S_tr, y_tr),
            "projectedGradient": pb.projected_gradient_norm(ph, S_tr, y_tr, "huber"),
            "status": int(rh.status),
            "maxAbsResidual": float(np.max(np.abs(pb.sigmoid_floor(ph, S_tr) - y_tr))),
            # every |r| ≤ δ: Huber(1) and least squares share the optimum (params differ only by
            # the unpolished trf tolerance)
            "sameOptimumAsLeastSquares": bool(np.max(np.abs(pb.sigmoid_floor(p, S_tr) - y_tr)) <= pb.HUBER_DELTA),
            "trainMSE": pb.mse(ph, S_tr, y_tr),
            "testMSE": _opt(pb.mse(ph, S_te, y_te)),
        },
    }


def predictor_fit(regressor, train, test, y, names):
    """One predictor: regressor (n × k, NaN = unknown) on the training models, scored on the test
    models; models without the regressor left out."""
    known = ~np.any(np.isnan(regressor), axis=1)
    used_tr = [i for i in train if known[i]]
    used_te = [i for i in test if known[i]]
    out = {
        "trainModels": [names[i] for i in used_tr],
        "testModels": [names[i] for i in used_te],
        "excludedTrain": [names[i] for i in train if not known[i]],
        "excludedTest": [names[i] for i in test if not known[i]],
    }
    out.update(regression(regressor[used_tr], y[used_tr], regressor[used_te], y[used_te]))
    return out


def predictors_setup(panel, target, cutoff, target_range):
    names, flops, rows = panel["names"], panel["flops"], panel["rows"]
    n = len(names)
    y = normalize(panel["metrics"][target], target_range)
    has = ~np.isnan(y)
    train = [i for i in range(n) if flops[i] <= cutoff and has[i]]
    test = [i for i in range(n) if not flops[i] <= cutoff and has[i]]  # NaN FLOPs: test side
    X = pb.benchmark_matrix(rows, SEVEN)
    scores, pca = pcs_regressor(X, train)
    regressors = {
        "pcs": scores,
        "flops": np.log10(flops)[:, None],
        "params": np.log10(np.array([row_size(r) for r in rows], dtype=float))[:, None],
    }
    preds = {key: predictor_fit(regressors[key], train, test, y, names) for key in PREDICTORS}
    common = [i for i in test if all(not np.any(np.isnan(regressors[k][i])) for k in PREDICTORS)]
    for key in PREDICTORS:
        p = np.array(preds[key]["params"])
        preds[key]["commonTestMSE"] = _opt(pb.mse(p, regressors[key][common], y[common]))
    return {
        "target": target, "cutoff": cutoff, "benchmarks": SEVEN,
        "targetRange": target_range,
        "trainModels": [names[i] for i in train],
        "testModels": [names[i] for i in test],
        "commonTestModels": [names[i] for i in common],
        "pca": {"explainedVarianceRatio": _f(pca["explained_variance_ratio"]),
                "components": _rows(pca["components"])},
        "predictors": preds,
    }


def print_predictor_table(setups):
    print("\npredictors: test MSE (all usable test models | common test models), LS")
    print(f"{'setup':<15}{'nTe':>4}{'nCom':>5}" + "".join(f"{p:>22}" for p in PREDICTORS))
    for key, s in setups.items():
        cells = []
        for p in PREDICTORS:
            d = s["predictors"][p]
            cells.append(f"{d['testMSE']:.4f} ({len(d['testModels'])}) | {d['commonTestMSE']:.4f}")
        print(f"{key:<15}{len(s['testModels']):>4}{len(s['commonTestModels']):>5}"
              + "".join(f"{c:>22}" for c in cells))


# ---------------------------------------------------------------------------------------------
# 3. Post-training techniques, by family
# ---------------------------------------------------------------------------------------------

def grid(xs):
    """GRID_POINTS points from min x to max x + GRID_EXTENSION, x_i = lo + i·(hi − lo)/200."""
    lo, hi = float(np.min(xs)), float(np.max(xs)) + GRID_EXTENSION
    m = GRID_POINTS - 1
    return np.array([lo + i * (hi - lo) / m for i in range(GRID_POINTS)])


def onset(x, g, threshold=ONSET_THRESHOLD):
    """The x where the gap first exceeds the threshold (linear interpolation); None if never."""
    above = np.nonzero(g > threshold)[0]
    if len(above) == 0:
        return None
    i = int(above[0])
    if i == 0:
        return float(x[0])
    return float(x[i - 1] + (threshold - g[i - 1]) / (g[i] - g[i - 1]) * (x[i] - x[i - 1]))


def gap_summary(x, lines, params, first, later):
    """Gap of target ``later`` over ``first`` for the curves of ``lines`` (per target
    {slope, intercept}) with the laws' floors: grid gap, onset, maxGap, argmaxX, maxGrowth and
    the closed-form gaps at AT_FLOPS."""
    def curve(t, xx):
        return law_curve(params[t][-1], lines[t]["slope"], lines[t]["intercept"], xx)
    g = curve(later, x) - curve(first, x)
    at = np.log10(AT_FLOPS)
    j = int(np.argmax(g))
    return {
        "first": COMPARE_TARGETS[first], "later": COMPARE_TARGETS[later],
        "gap": _f(g),
        "maxGap": float(g[j]), "argmaxX": float(x[j]),
        "onset": onset(x, g),
        "maxGrowth": float(np.max(np.diff(g) / np.diff(x))),
        "gapsAtFlops": _f(curve(later, at) - curve(first, at)),
    }


def target_fit(scores, y, pool):
    """A target's law on the pool models that have it."""
    rows = [i for i in pool if not math.isnan(y[i])]
    r = prb.fit(scores[rows], y[rows])
    assert r["converged"], f"compare fit did not converge: {r}"
    return r, rows


def family_lines(members_with_flops, x, eta):
    """Per target, the OLS line of η on x over the given rows."""
    return [{k: v for k, v in ols(x[members_with_flops], e[members_with_flops]).items()
             if k in ("slope", "intercept")} for e in eta]


def observed_gaps(idx, names, x, ys, preds, lines, params, first, later):
    """Family models with both targets observed: observed gap, law gap and family-line gap."""
    out = []
    for i in idx:
        if math.isnan(ys[first][i]) or math.isnan(ys[later][i]):
            continue
        xi = None if math.isnan(x[i]) else float(x[i])
        line = None
        if xi is not None:
            line = float(law_curve(params[later][-1], lines[later]["slope"], lines[later]["intercept"], xi)
                         - law_curve(params[first][-1], lines[first]["slope"], lines[first]["intercept"], xi))
        out.append({"model": names[i],
                    "lawGap": float(preds[later][i] - preds[first][i]),
                    "lineGap": line})
    return out


def compare_section(panel):
    names, fams, flops = panel["names"], panel["families"], panel["flops"]
    n = len(names)
    x = np.log10(flops)
    X = pb.benchmark_matrix(panel["rows"], SEVEN)
    pool = [i for i in range(n) if flops[i] <= COMPARE_CUTOFF]
    imp = pb.pca_impute_fit(X[pool])
    imputed_all, _, _ = pb.pca_impute_apply(imp, X)
    pca = pb.pca_fit(imp["imputed"], N_COMPONENTS)
    scores = pb.pca_scores(pca, imputed_all)

    ys = [panel["metrics"][t] for t in COMPARE_TARGETS]
    params, etas, preds, targets = [], [], [], []
    for t, y in zip(COMPARE_TARGETS, ys):
        r, rows = target_fit(scores, y, pool)
        p = r["params"]
        eta = p[0] + scores @ p[1:-1]
        params.append(p)
        etas.append(eta)
        preds.append(pb.sigmoid_floor(p, scores))
        targets.append({
            "target": t, "trainModels": [names[i] for i in rows],
            "params": _f(p), "objective": r["objective"], "projectedGradient": r["projectedGradient"],
            "converged": r["converged"],
            "linearPredictors": _f(eta),
            "benchmarkWeights": _f(p[1:-1] @ pca["components"]),
        })

    with_flops = [i for i in range(n) if not math.isnan(flops[i])]
    xg = grid(x[with_flops])
    order, members = family_order(fams)
    pairs = [(0, 1), (0, 2)]

    ref_rows = [i for i in members[REFERENCE_FAMILY] if not math.isnan(flops[i])]
    ref_lines = family_lines(ref_rows, x, etas)
    reference = {
        "family": REFERENCE_FAMILY, "models": [names[i] for i in ref_rows], "lines": ref_lines,
        "curves": [_f(law_curve(params[t][-1], ref_lines[t]["slope"], ref_lines[t]["intercept"], xg))
                   for t in range(len(COMPARE_TARGETS))],
        "pairs": [gap_summary(xg, ref_lines, params, a, b) for a, b in pairs],
    }

    families, excluded = [], []
    for fam in order:
        known = [i for i in members[fam] if not math.isnan(flops[i])]
        reason = line_exclusion(x[known])
        if reason is not None:
            excluded.append({"family": fam, "reason": reason, "models": [names[i] for i in members[fam]]})
            continue
        lines = family_lines(known, x, etas)
        fam_pairs = []
        for (a, b), ref in zip(pairs, reference["pairs"]):
            s = gap_summary(xg, lines, params, a, b)
            s["observed"] = observed_gaps(members[fam], names, x, ys, preds, lines, params, a, b)
            s["earlierOnset"] = s["onset"] is not None and (ref["onset"] is None or s["onset"] < ref["onset"])
            s["slowerGrowth"] = s["maxGrowth"] < ref["maxGrowth"]
            fam_pairs.append(s)
        families.append({
            "family": fam, "models": [names[i] for i in known], "lines": lines,
            "curves": [_f(law_curve(params[t][-1], lines[t]["slope"], lines[t]["intercept"], xg))
                       for t in range(len(COMPARE_TARGETS))],
            "pairs": fam_pairs,
        })

    return {
        "targets": targets,
        "benchmarks": SEVEN, "cutoff": COMPARE_CUTOFF,
        "poolModels": [names[i] for i in pool],
        "models": [{"name": nm, "family": fa} for nm, fa in zip(names, fams)],
        "scores": _rows(scores),
        "pca": {"mean": _f(pca["mean"]), "components": _rows(pca["components"]),
                "explainedVarianceRatio": _f(pca["explained_variance_ratio"]),
                "imputationIterations": imp["iterations"]},
        "referenceFamily": REFERENCE_FAMILY,
        "onsetThreshold": ONSET_THRESHOLD,
        "atFlops": AT_FLOPS,
        "grid": {"x": _f(xg), "lo": float(xg[0]), "hi": float(xg[-1]), "points": GRID_POINTS},
        "reference": reference,
        "families": families,
        "excludedFamilies": excluded,
    }


def print_compare(c):
    print("\ncompare: Llama-2-equivalent gaps")
    for p in c["reference"]["pairs"]:
        print(f"  {p['later'][:14]} - {p['first'][:14]}: onset {p['onset']}, maxGap {p['maxGap']:.4f} "
              f"at x {p['argmaxX']:.3f}, maxGrowth {p['maxGrowth']:.4f}, at {AT_FLOPS}: "
              + ", ".join(f"{g:.4f}" for g in p["gapsAtFlops"]))
    for f in c["families"]:
        flags = ["/".join(k for k in ("earlierOnset", "slowerGrowth") if p[k]) or "-" for p in f["pairs"]]
        print(f"  {f['family']:<15} " + " | ".join(
            f"onset {p['onset'] if p['onset'] is None else round(p['onset'], 3)} maxGap {p['maxGap']:.3f} "
            f"growth {p['maxGrowth']:.3f} [{fl}]" for p, fl in zip(f["pairs"], flags)))
    print("  excluded:", ", ".join(f"{e['family']} ({e['reason']})" for e in c["excludedFamilies"]))


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=pb.DATA_DIR)
    ap.add_argument("--fixture", help="write analyses.json here")
    ap.add_argument("--cli", default=CLI, help="obsscale binary for the PCA cross-check ('' to skip)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    panel_path = os.path.join(args.data_dir, "base_llm_benchmark_eval.csv")
    panel = prb.load_panel(args.data_dir)
    all_rows = pb.read_csv_rows(panel_path)

    efficiency = {"paper2024": efficiency_setup(panel["rows"]), "fullPanel": efficiency_setup(all_rows)}
    for key, preset in (("paper2024", "paper-2024"), ("fullPanel", None)):
        e = efficiency[key]
        print(f"efficiency {key}: {len(e['models'])} models, averageR2 {e['averageR2']}; "
              f"max |score - CLI| = {cli_cross_check(args.cli, panel_path, preset, e)}")

    predictors = {key: predictors_setup(panel, s["target"], s["cutoff"], s["range"])
                  for key, s in PREDICTOR_SETUPS.items()}
    print_predictor_table(predictors)

    compare = compare_section(panel)
    print_compare(compare)

    payload = {
        "description": "analyses_baseline.py --fixture: per-family compute efficiency (paper-2024 preset "
                       "and full panel), compute-based baseline predictors (paper 4.1) and post-training "
                       "technique gaps by family (paper 4.3, 6). Parameter order [alpha, beta1..betaK, b]. "
                       "See the script's docstring for every procedure.",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "efficiency": efficiency,
        "predictors": predictors,
        "compare": compare,
    }
    if args.fixture:
        with open(args.fixture, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True, allow_nan=False)
            f.write("\n")
        print("wrote", args.fixture)
    print(f"runtime {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
