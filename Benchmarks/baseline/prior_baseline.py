#!/usr/bin/env python3
"""Reference implementation of the recommended scaling law (``ScalingLaw.recommended``).

An independent numpy/scipy re-implementation of obsscale's recommended fit: a sigmoid-floor law
whose parameters are pulled towards a prior built from the panel's other public metrics, with
the prior's strength λ chosen by cross-validation.  It writes the fixture
``Tests/ObsScaleFitTests/Fixtures/prior_fit.json`` that ``PriorFixtureTests.swift`` checks the
Swift implementation against.  Loading, imputation, PCA and the plain (λ = 0) tight solver come
from ``paper_baseline.py``; this file adds the penalty, the public prior, the folds, the
one-standard-error rule, the pool guard and the compatibility check.

Data (read-only, never copied into the project): ``base_llm_benchmark_eval.csv`` left-joined on
``Model`` with both companion downstream files, ``base_llm_post_training_eval.csv`` then
``base_llm_emergent_capability_eval.csv`` (what ``obsscale fit --panel …`` joins when no
``--downstream`` is given), restricted to the ``paper-2024`` preset (77 models, panel order).

The procedure of one setup (:func:`run_setup`), as the Swift sources define it:

1. Split by FLOPs: the *pool* is every preset model with FLOPs ≤ cutoff (with or without the
   target); the *prediction rows* are the rest (including unknown FLOPs).  The training models
   are the pool models with the target, the test models the prediction rows with the target.
2. Imputation (rank 1) and PCA (K = 3, centered) fitted on the pool; every panel row is imputed
   with the pool's imputer held fixed and scored with the pool's PCA (``pcaOn = .pool``).
3. Public metrics (``Panel.accuracyMetricNames``): downstream columns whose name contains ``acc``
   or ``exact_match`` (case-insensitive), every observed value in [0, 1] and population std
   ≥ 0.01 over the 77 panel models, in file order.  Each is fitted (plain least squares,
   sigmoid-floor, start α = 0, β = 0.03, b = 0) on the pool rows that have it, when they are at
   least 2·(K + 2) and their sample std is ≥ 0.01 (``PublicMetricFits``).
4. The prior of the target: the metrics outside its task (the name up to the first ``_`` or
   ``,``), at least 3; mean = elementwise median, scale = max(1.4826·MAD, 0.05).
5. The penalty ½·λ·Σ_j w_j (θ_j − c_j)², w = 1/scale², c = the prior mean, is added to the loss
   ½·Σ r² (``ParameterPenalty``, ``SigmoidRegression.assemble``).  Penalized fits start at the
   prior mean (floor clamped into [0, 0.2]), plain ones at (0, 0.03, …, 0).  They are solved here
   with ``least_squares`` on the residuals [f(θ) − y; √(λw)(θ − c)] (whose half squared norm *is*
   that objective), then polished by Newton steps on the free parameters.
6. Folds (``ModelSelection.foldRows``): one per training family (first-appearance order), and the
   top round-half-up(0.25·m) training models by PC-1.  For each λ of the grid
   [0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3] the held-out MSE of every fold;
   curve = mean and standard error (sample std / √folds).
7. ``pick``: the λ with the lowest mean error, taken when its paired advantage over λ = 0 (minus
   the mean of the fold differences) exceeds their standard error.  The pool guard (training
   models ≥ 0.9 × pool) then forces λ = 0; otherwise, when λ > 0 was picked, the extrapolation
   guard (λ = 0 is kept when the picked λ's error on the top fold exceeds λ = 0's) and then the
   compatibility check (``conflict``): the RMS change of the predictions of the prediction rows, penalized
   against plain fit on all training models, must not exceed the leave-one-family-out jackknife
   spread of the plain predictions (the family of the training model with the highest PC-1 left
   out).  The compatibility numbers are reported at every λ > 0 of the grid, also where the Swift
   code does not reach the check, so they are always tested.
8. The final fit (penalized when the prior is used), its train/test MSE and the predictions of
   every panel model; and two fits at fixed λ (0.01 and 1) with the same prior on all training
   models, to check the penalized solver on its own.

Some public metrics have no unique law (a saturated, step-like metric leaves a flat valley, or
another local minimum is reached by another descent path): each source law is classified by the
condition of its Hessian and a seeded multi-start search (:func:`classify`), so that tests compare
only the determined ones by their parameters.  The prior (a median over the laws) moves with the
undetermined ones; tests give the law this file's prior to check everything downstream of it.

Parameter vectors are ordered ``[alpha, beta1, beta2, beta3, b]``.

Usage (from the repository root)::

    python3 Benchmarks/baseline/prior_baseline.py \\
        --fixture Tests/ObsScaleFitTests/Fixtures/prior_fit.json
"""

import argparse
import csv
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy.optimize import least_squares

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_baseline as pb  # noqa: E402

DOWNSTREAM_FILES = ["base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv"]

STRENGTHS = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
TOP_FRACTION = 0.25
MAXIMUM_TRAINING_SHARE = 0.9
MINIMUM_SOURCES = 3
MINIMUM_SCALE = 0.05
MINIMUM_IDENTIFIABILITY = 1e-12  # PublicMetricFits.minimumIdentifiability
MAD_CONSISTENCY = 1.4826
FIXED_STRENGTHS = [0.01, 1.0]

#: The setups written to the fixture.  ``main`` is the command of the brief
#: (``obsscale fit --preset paper-2024 --target gsm8k… --benchmarks <7> --cutoff-flops 84 --loss ls``);
#: ``priorUsed`` a setup in which the recommended law does use the prior.
SETUPS = {
    "main": {"target": "gsm8k_cot_8_exact_match,flexible-extract", "cutoff": 84.0,
             "benchmarks": pb.DEFAULT_BENCHMARKS},
    "priorUsed": {"target": "parsinlu_qa_2_acc", "cutoff": 84.0,
                  "benchmarks": pb.DEFAULT_BENCHMARKS},
    "crossValidationRejects": {"target": "parsinlu_qa_2_acc", "cutoff": 30.0,
                               "benchmarks": pb.DEFAULT_BENCHMARKS},
}

#: Setups of ``--components auto`` (``ScalingLaw.maxAutoComponents`` = 3): K ∈ 1…3 and λ chosen
#: together (:func:`run_auto_setup`).  ``autoComponents``: K = 2 beats K = 3, the pool guard keeps
#: the prior out; ``autoComponentsPriorUsed``: K = 1 with the prior.
AUTO_SETUPS = {
    "autoComponents": {"target": "gsm8k_cot_8_exact_match,flexible-extract", "cutoff": 84.0,
                       "benchmarks": pb.DEFAULT_BENCHMARKS},
    "autoComponentsPriorUsed": {"target": "parsinlu_qa_2_acc", "cutoff": 84.0,
                                "benchmarks": pb.DEFAULT_BENCHMARKS},
}
MAX_AUTO_COMPONENTS = 3


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def load_panel(data_dir):
    """The paper-2024 preset of the panel, left-joined with the downstream files (77 rows).

    Returns names, families, flops, the benchmark rows (dicts) and the downstream metrics as an
    ordered dict name -> (77,) array (NaN = missing), in the panel's column order.
    """
    rows = pb.paper_preset_rows(pb.read_csv_rows(os.path.join(data_dir, "base_llm_benchmark_eval.csv")))
    names = [r["Model"].strip() for r in rows]
    metrics = {}
    for fname in DOWNSTREAM_FILES:
        with open(os.path.join(data_dir, fname), newline="", encoding="utf-8") as f:
            table = list(csv.reader(f))
        header, body = table[0], table[1:]
        model_col = header.index("Model")
        by_model = {}
        for r in body:
            name = r[model_col].strip()
            assert name not in by_model, f"duplicate model {name} in {fname}"
            by_model[name] = r
        for j, column in enumerate(header):
            if j == model_col:
                continue
            assert column not in metrics, f"duplicate column {column}"
            metrics[column] = np.array(
                [pb._num(by_model[n][j]) if n in by_model else math.nan for n in names], dtype=float)
    return {
        "names": names,
        "families": [r["Model Family"].strip() for r in rows],
        "flops": np.array([pb.row_flops(r) for r in rows], dtype=float),
        "rows": rows,
        "metrics": metrics,
    }


def accuracy_metric_names(metrics):
    """``Panel.accuracyMetricNames``: acc/exact_match columns in [0, 1] with population std ≥ 0.01."""
    out = []
    for name, values in metrics.items():
        lower = name.lower()
        if "acc" not in lower and "exact_match" not in lower:
            continue
        observed = values[~np.isnan(values)]
        if len(observed) < 2 or np.any(observed < 0) or np.any(observed > 1):
            continue
        if np.std(observed) >= 0.01:
            out.append(name)
    return out


def metric_task(metric):
    """``MetricGroups.task``: the name up to the first underscore or comma."""
    for i, ch in enumerate(metric):
        if ch in "_,":
            return metric[:i]
    return metric


def round_half_up(x):
    """Swift's ``Double.rounded()`` (schoolbook rounding) for x ≥ 0."""
    return int(math.floor(x + 0.5))


# ---------------------------------------------------------------------------------------------
# Penalized sigmoid-floor regression
# ---------------------------------------------------------------------------------------------

def default_start(k):
    return pb.start_params(k)


def penalty_weights(prior, strength):
    """λ·w with w = 1/scale² (``ParameterPenalty(prior:strength:)``)."""
    return strength / np.asarray(prior["scale"], float) ** 2


def objective(p, S, y, center=None, lw=None):
    """½Σr² + ½Σ λw_j (θ_j − c_j)² (the Swift loss with its penalty)."""
    r = pb.sigmoid_floor(p, S) - y
    value = 0.5 * float(np.sum(r ** 2))
    if lw is not None:
        value += 0.5 * float(np.sum(lw * (p - center) ** 2))
    return value


def gradient(p, S, y, center=None, lw=None):
    g = pb._jacobian(p, S).T @ (pb.sigmoid_floor(p, S) - y)
    if lw is not None:
        g = g + lw * (p - center)
    return g


def hessian(p, S, y, center=None, lw=None):
    """Exact Hessian: JᵀJ + Σ r_i ∇²f_i (+ diag λw)."""
    k = S.shape[1]
    b = p[-1]
    z = p[0] + S @ p[1:-1]
    sig = pb._sigmoid(z)
    sp = sig * (1.0 - sig)
    r = pb.sigmoid_floor(p, S) - y
    J = pb._jacobian(p, S)
    H = J.T @ J
    xt = np.column_stack([np.ones(len(y)), S])
    fzz = (1.0 - b) * sp * (1.0 - 2.0 * sig)
    fzb = -sp
    H[:k + 1, :k + 1] += (xt * (r * fzz)[:, None]).T @ xt
    cross = xt.T @ (r * fzb)
    H[:k + 1, k + 1] += cross
    H[k + 1, :k + 1] += cross
    if lw is not None:
        H += np.diag(lw)
    return H


def projected_gradient(p, S, y, center=None, lw=None):
    """Max-norm of the objective's gradient projected on the box (b ∈ [0, 0.2])."""
    g = gradient(p, S, y, center, lw)
    at_lower, at_upper = pb._active(p, S.shape[1])
    g = np.where(at_lower & (g > 0), 0.0, g)
    g = np.where(at_upper & (g < 0), 0.0, g)
    return float(np.max(np.abs(g)))


def polish(p, S, y, center=None, lw=None, max_iter=100):
    """Newton steps (Gauss–Newton where the Hessian is not positive definite) on the free
    parameters, the floor held on a bound when its gradient pushes outward (active set).
    Drives the projected gradient to rounding level.  Returns (params, iterations)."""
    k = S.shape[1]
    lower, upper = pb.param_bounds(k)
    p = pb.snap_to_bounds(np.asarray(p, dtype=float).copy(), k)
    it = 0
    for _ in range(5):  # active-set passes
        at_lower, at_upper = pb._active(p, k)
        g = gradient(p, S, y, center, lw)
        held = (at_lower & (g > 0)) | (at_upper & (g < 0))
        free = ~held
        for _ in range(max_iter):
            it += 1
            g = gradient(p, S, y, center, lw)[free]
            H = hessian(p, S, y, center, lw)[np.ix_(free, free)]
            try:
                L = np.linalg.cholesky(H)
                step = -np.linalg.solve(L.T, np.linalg.solve(L, g))
            except np.linalg.LinAlgError:
                # Gauss–Newton on the stacked residuals [f − y; √(λw)(θ − c)]
                J = pb._jacobian(p, S)
                r = pb.sigmoid_floor(p, S) - y
                if lw is not None:
                    J = np.vstack([J, np.diag(np.sqrt(lw))])
                    r = np.concatenate([r, np.sqrt(lw) * (p - center)])
                step = np.linalg.lstsq(J[:, free], -r, rcond=None)[0]
            trial = p.copy()
            trial[free] += step
            trial = np.clip(trial, lower, upper)
            if objective(trial, S, y, center, lw) > objective(p, S, y, center, lw) * (1 + 1e-15) + 1e-300:
                break
            moved = np.max(np.abs(trial - p) / (1.0 + np.abs(p)))
            p = trial
            if moved < 1e-16:
                break
        p = pb.snap_to_bounds(p, k)
        g = gradient(p, S, y, center, lw)
        at_lower, at_upper = pb._active(p, k)
        if not np.any((at_lower & (g < 0)) | (at_upper & (g > 0))) and projected_gradient(p, S, y, center, lw) < 1e-9:
            break
    return p, it


def fit(S, y, center=None, lw=None, start=None):
    """Tight fit of the (penalized) least-squares sigmoid-floor law from ``start`` (default: the
    prior mean when penalized, else α = 0, β = 0.03, b = 0; the floor clamped into its bounds).

    Returns a dict with params, objective, projectedGradient, status and the unpolished params.
    """
    k = S.shape[1]
    lower, upper = pb.param_bounds(k)
    if start is None:
        start = center if lw is not None else default_start(k)
    x0 = np.clip(np.asarray(start, float), lower, upper)
    # trf keeps iterates strictly inside the bounds
    x0[-1] = min(max(x0[-1], 1e-12), 0.2 - 1e-12)
    if lw is None:
        fun = lambda p: pb.sigmoid_floor(p, S) - y  # noqa: E731
        jac = lambda p: pb._jacobian(p, S)  # noqa: E731
    else:
        sq = np.sqrt(lw)
        fun = lambda p: np.concatenate([pb.sigmoid_floor(p, S) - y, sq * (p - center)])  # noqa: E731
        jac = lambda p: np.vstack([pb._jacobian(p, S), np.diag(sq)])  # noqa: E731
    res = least_squares(fun, x0, jac=jac, bounds=(lower, upper), method="trf",
                        ftol=pb.TIGHT_TOL, xtol=pb.TIGHT_TOL, gtol=pb.TIGHT_TOL,
                        max_nfev=pb.TIGHT_MAX_NFEV)
    p, iters = polish(res.x, S, y, center, lw)
    pg = projected_gradient(p, S, y, center, lw)
    return {"params": p, "objective": objective(p, S, y, center, lw), "projectedGradient": pg,
            "status": int(res.status), "polishIterations": iters,
            "tightParams": res.x, "converged": bool(res.status > 0 and pg < 1e-8)}


def other_starts(k):
    """``SigmoidRegression.starts`` after the first: tried here only as a local-minimum check."""
    return [np.array([-2.0] + [1.0] * k + [0.1]), np.array([2.0] + [0.3] * k + [0.0]),
            np.array([0.0] + [3.0] * k + [0.1])]


def mse(p, S, y):
    return pb.mse(p, S, y)


def _f(x):
    return [float(v) for v in np.asarray(x).ravel()]


# ---------------------------------------------------------------------------------------------
# Public prior, folds, choice
# ---------------------------------------------------------------------------------------------

SEARCH_SEED = 20240601
SEARCH_RANDOM_STARTS = 12
SAME_POINT = 1e-6        # relative parameter difference of "the same" optimum
WELL_CONDITIONED = 1e10  # largest / smallest eigenvalue of the free Hessian


def search_starts(k, rng):
    """The Swift starts after the first, then seeded random ones (α, β ~ U(−6, 6), b ~ U(0, 0.2))."""
    starts = other_starts(k)
    for _ in range(SEARCH_RANDOM_STARTS):
        starts.append(np.concatenate([rng.uniform(-6, 6, size=k + 1), rng.uniform(0, 0.2, size=1)]))
    return starts


def classify(S, y, res, rng):
    """Whether the optimum reached from the default start is *determined*: an isolated minimum
    (free Hessian positive definite, condition < WELL_CONDITIONED) that no other start of a
    multi-start search beats.  Where it is not (a flat valley of a saturated step-like law, or a
    lower minimum elsewhere), another descent method from the same start may legitimately stop at
    different parameters: such fits are compared by their loss only."""
    p = res["params"]
    at_lower, at_upper = pb._active(p, S.shape[1])
    free = ~(at_lower | at_upper)
    ev = np.linalg.eigvalsh(hessian(p, S, y)[np.ix_(free, free)])
    condition = float(ev[-1] / ev[0]) if ev[0] > 0 else math.inf
    best, distinct = res["objective"], 0
    for start in search_starts(S.shape[1], rng):
        other = fit(S, y, start=start)
        if not other["converged"]:
            continue
        best = min(best, other["objective"])
        if np.max(np.abs(other["params"] - p) / np.maximum(np.abs(p), 1e-3)) > SAME_POINT:
            distinct += 1
    lower_elsewhere = best < res["objective"] * (1 - 1e-9)
    determined = condition < WELL_CONDITIONED and not lower_elsewhere
    return {"determined": bool(determined), "hessianCondition": condition if math.isfinite(condition) else None,
            "bestObjectiveFromSearch": best, "startsReachingOtherPoints": distinct,
            "lowerMinimumElsewhere": bool(lower_elsewhere)}


def identifiability(p, S):
    """``SigmoidFit.identifiability``: the smallest over the largest eigenvalue of JᵀJ, J the
    Jacobian of the fitted values with respect to the free parameters (α, β, and the floor b when
    it is not within 1e-12 of a bound)."""
    k = S.shape[1]
    alpha, beta, b = p[0], p[1:k + 1], p[k + 1]
    s = 1 / (1 + np.exp(-(alpha + S @ beta)))
    fz = (1 - b) * s * (1 - s)
    columns = [fz] + [fz * S[:, c] for c in range(k)]
    if 1e-12 < b < 0.2 - 1e-12:
        columns.append(1 - s)
    J = np.column_stack(columns)
    ev = np.linalg.eigvalsh(J.T @ J)
    return float(max(0.0, ev[0] / ev[-1])) if ev[-1] > 0 else 0.0


def public_metric_fits(metrics, names, pool, scores):
    """``PublicMetricFits``: fit each metric on the pool rows that have it (from the default
    start); leave out laws the data do not determine (:func:`identifiability` below
    MINIMUM_IDENTIFIABILITY, e.g. a step through separable data), and classify each optimum
    (:func:`classify`)."""
    k = scores.shape[1]
    rng = np.random.default_rng(SEARCH_SEED)
    entries, left_out = [], []
    for metric in names:
        values = metrics[metric]
        observed = [i for i in pool if not math.isnan(values[i])]
        if len(observed) < 2 * (k + 2):
            left_out.append({"metric": metric, "reason": "fewRows", "observed": len(observed)})
            continue
        y = values[observed]
        if np.std(y, ddof=1) < 0.01:
            left_out.append({"metric": metric, "reason": "flat", "observed": len(observed)})
            continue
        res = fit(scores[observed], y)
        if not res["converged"]:
            left_out.append({"metric": metric, "reason": "notConverged", "observed": len(observed)})
            continue
        ratio = identifiability(res["params"], scores[observed])
        if ratio < MINIMUM_IDENTIFIABILITY:
            left_out.append({"metric": metric, "reason": "undetermined", "observed": len(observed), "identifiability": ratio})
            continue
        entries.append({"metric": metric, "task": metric_task(metric), "parameters": res["params"],
                        "observed": len(observed), "projectedGradient": res["projectedGradient"],
                        "objective": res["objective"], **classify(scores[observed], y, res, rng)})
    return entries, left_out


def prior_for(entries, target):
    """``PublicMetricFits.prior``: the metrics outside the target's task (at least 3); mean =
    elementwise median, scale = max(1.4826·MAD, 0.05)."""
    task = metric_task(target)
    chosen = [e for e in entries if e["metric"] != target and e["task"] != task]
    if len(chosen) < MINIMUM_SOURCES:
        return None
    P = np.array([e["parameters"] for e in chosen])
    med = np.median(P, axis=0)
    mad = np.median(np.abs(P - med), axis=0)
    scale = np.maximum(MAD_CONSISTENCY * mad, MINIMUM_SCALE)
    return {"mean": med, "scale": scale, "sources": [e["metric"] for e in chosen],
            "undeterminedSources": [e["metric"] for e in chosen if not e["determined"]]}


def fold_rows(families, capability):
    """``ModelSelection.foldRows`` with folds = families+top."""
    m = len(families)
    order, members = [], {}
    for row, fam in enumerate(families):
        if fam not in members:
            order.append(fam)
            members[fam] = []
        members[fam].append(row)
    folds = []
    if len(order) >= 2:
        folds += [{"heldOut": members[f], "isFamily": True, "family": f} for f in order]
    if m >= 4:
        count = max(1, round_half_up(TOP_FRACTION * m))
        ranked = sorted(range(m), key=lambda i: (-capability[i], i))
        folds.append({"heldOut": sorted(ranked[:count]), "isFamily": False, "family": None})
    return folds


def fold_errors(S, y, folds, prior, strength):
    m = len(y)
    center = lw = None
    if prior is not None and strength > 0:
        center, lw = np.asarray(prior["mean"], float), penalty_weights(prior, strength)
    errors, fits = [], []
    for fold in folds:
        held = set(fold["heldOut"])
        kept = [i for i in range(m) if i not in held]
        res = fit(S[kept], y[kept], center, lw)
        fits.append(res)
        if not res["converged"]:
            errors.append(math.nan)
            continue
        errors.append(mse(res["params"], S[fold["heldOut"]], y[fold["heldOut"]]))
    return errors, fits


def standard_error(values):
    finite = [v for v in values if not math.isnan(v)]
    if len(finite) < 2:
        return math.nan
    return float(np.std(finite, ddof=1) / math.sqrt(len(finite)))


def pick(errors, plain=0):
    """``ModelSelection.pick`` (one-standard-error rule).  Returns a dict of the rule's numbers."""
    def mean(v):
        f = [x for x in v if not math.isnan(x)]
        return float(np.mean(f)) if f else math.nan
    complete = [i for i, e in enumerate(errors) if all(not math.isnan(x) for x in e)]
    out = {"lowestIndex": None, "advantage": None, "standardError": None, "pickedIndex": plain}
    if not complete:
        out["case"] = "noneComplete"
        return out
    lowest = complete[0]
    for i in complete[1:]:
        if mean(errors[i]) < mean(errors[lowest]):
            lowest = i
    out["lowestIndex"] = lowest
    if lowest == plain:
        out["case"] = "plainLowest"
        return out
    if plain not in complete:
        out["case"] = "plainIncomplete"
        out["pickedIndex"] = lowest
        return out
    diff = [a - b for a, b in zip(errors[lowest], errors[plain])]
    advantage = -float(np.mean(diff))
    margin = standard_error(diff)
    out.update({"case": "rule", "advantage": advantage, "standardError": margin,
                "pickedIndex": lowest if advantage > margin else plain})
    return out


def compatibility(S, y, folds, prior, strengths, S_pred):
    """``ModelSelection.conflict`` at each of ``strengths``: the RMS change of the predictions of
    the prediction rows (penalized against plain fit, both on every training model) against the
    leave-one-family-out jackknife spread of the plain predictions, without the fold of the family
    of the training model with the highest PC-1.  Conflict when the shift exceeds the spread."""
    m, n = len(y), S_pred.shape[0]
    plain = fit(S, y)
    assert plain["converged"]
    pred_plain = pb.sigmoid_floor(plain["params"], S_pred)
    top = int(np.argmax(S[:, 0]))  # first maximum, as Swift's max(by:)
    jack = [f for f in folds if f["isFamily"] and top not in f["heldOut"]]
    reps = []
    for fold in jack:
        held = set(fold["heldOut"])
        kept = [i for i in range(m) if i not in held]
        res = fit(S[kept], y[kept])
        if res["converged"]:
            reps.append(pb.sigmoid_floor(res["params"], S_pred))
    R = np.array(reps)
    f = len(reps)
    variance = float(np.sum((f - 1) / f * np.sum((R - R.mean(axis=0)) ** 2, axis=0)))
    spread = math.sqrt(variance / n)
    checks = []
    for strength in strengths:
        pulled = fit(S, y, np.asarray(prior["mean"], float), penalty_weights(prior, strength))
        assert pulled["converged"]
        pred_pulled = pb.sigmoid_floor(pulled["params"], S_pred)
        moved = math.sqrt(float(np.sum((pred_pulled - pred_plain) ** 2)) / n)
        checks.append({"strength": strength, "rmsShift": moved, "conflict": bool(moved > spread),
                       "pulledParams": _f(pulled["params"])})
    return {"jackknifeSpread": spread, "replicates": f,
            "topFamilyLeftOut": next(fd["family"] for fd in folds if fd["isFamily"] and top in fd["heldOut"]),
            "plainParams": _f(plain["params"]), "checks": checks}


# ---------------------------------------------------------------------------------------------
# One setup
# ---------------------------------------------------------------------------------------------

def run_setup(panel, target, cutoff, benchmarks, log=print):
    names, families, flops = panel["names"], panel["families"], panel["flops"]
    n = len(names)
    X = pb.benchmark_matrix(panel["rows"], benchmarks)
    yall = panel["metrics"][target]
    pool = [i for i in range(n) if flops[i] <= cutoff]          # NaN compares False: test side
    prediction = [i for i in range(n) if not flops[i] <= cutoff]
    train = [i for i in pool if not math.isnan(yall[i])]
    test = [i for i in prediction if not math.isnan(yall[i])]

    imp = pb.pca_impute_fit(X[pool])
    imputed_all, _, _ = pb.pca_impute_apply(imp, X)
    pca = pb.pca_fit(imp["imputed"], pb.N_COMPONENTS)
    scores = pb.pca_scores(pca, imputed_all)
    k = scores.shape[1]

    acc_names = accuracy_metric_names(panel["metrics"])
    entries, left_out = public_metric_fits(panel["metrics"], acc_names, pool, scores)
    prior = prior_for(entries, target)

    S, y = scores[train], yall[train]
    S_pred = scores[prediction]
    folds = fold_rows([families[i] for i in train], S[:, 0])

    strengths = STRENGTHS if prior is not None else [0.0]
    errors = []
    for lam in strengths:
        e, _ = fold_errors(S, y, folds, prior, lam)
        errors.append(e)
    curve = [{"strength": lam, "meanError": float(np.mean(e)), "standardError": standard_error(e),
              "foldErrors": e} for lam, e in zip(strengths, errors)]
    rule = pick(errors, 0)
    picked = rule["pickedIndex"]
    pool_guard = len(train) >= MAXIMUM_TRAINING_SHARE * len(pool)

    compat = None
    if prior is not None and len(prediction) > 0:
        compat = compatibility(S, y, folds, prior, [lam for lam in strengths if lam > 0], S_pred)

    # The extrapolation guard: the picked λ must not predict the top fold (the most capable
    # training models) worse than λ = 0.
    top = next((i for i, fd in enumerate(folds) if not fd["isFamily"]), None)
    extrapolation = {"topFoldIndex": top, "applies": None, "pickedTopError": None, "plainTopError": None}
    if top is not None and picked != 0:
        extrapolation.update({
            "pickedTopError": errors[picked][top], "plainTopError": errors[0][top],
            "applies": not (errors[picked][top] <= errors[0][top])})

    if prior is None:
        decision, strength = "noPrior", 0.0
    elif pool_guard:
        decision, strength = "poolGuard", 0.0
    elif picked == 0:
        decision, strength = "crossValidation", 0.0
    elif extrapolation["applies"]:
        decision, strength = "extrapolation", 0.0
    elif next(c for c in compat["checks"] if c["strength"] == strengths[picked])["conflict"]:
        decision, strength = "conflict", 0.0
    else:
        decision, strength = "used", strengths[picked]

    center = lw = None
    if strength > 0:
        center, lw = np.asarray(prior["mean"], float), penalty_weights(prior, strength)
    final = fit(S, y, center, lw)
    p = final["params"]
    local_check = min(objective(fit(S, y, center, lw, start=s)["params"], S, y, center, lw)
                      for s in other_starts(k))

    fixed = []
    if prior is not None:
        for lam in FIXED_STRENGTHS:
            c, w = np.asarray(prior["mean"], float), penalty_weights(prior, lam)
            r = fit(S, y, c, w)
            fixed.append({
                "strength": lam, "params": _f(r["params"]), "objective": r["objective"],
                "loss": objective(r["params"], S, y),
                "projectedGradient": r["projectedGradient"], "tightStatus": r["status"],
                "tightParams": _f(r["tightParams"]),
                "maxRelativeParamDiffTightVsPolished": pb.max_rel_diff(r["tightParams"], r["params"]),
                "trainMSE": mse(r["params"], S, y), "testMSE": mse(r["params"], scores[test], yall[test]),
                "lowestObjectiveFromOtherStarts": min(
                    objective(fit(S, y, c, w, start=s)["params"], S, y, c, w) for s in other_starts(k)),
            })

    out = {
        "target": target,
        "cutoff": cutoff,
        "benchmarks": list(benchmarks),
        "nComponents": k,
        "models": names,
        "poolModels": [names[i] for i in pool],
        "predictionModels": [names[i] for i in prediction],
        "trainModels": [names[i] for i in train],
        "testModels": [names[i] for i in test],
        "pca": {"explainedVarianceRatio": _f(pca["explained_variance_ratio"]),
                "components": pb._rows(pca["components"]),
                "imputationIterations": imp["iterations"]},
        "accuracyMetrics": acc_names,
        "sourceFits": [{"metric": e["metric"], "task": e["task"], "parameters": _f(e["parameters"]),
                        "observed": e["observed"], "projectedGradient": e["projectedGradient"],
                        "objective": e["objective"], "determined": e["determined"],
                        "hessianCondition": e["hessianCondition"],
                        "bestObjectiveFromSearch": e["bestObjectiveFromSearch"],
                        "startsReachingOtherPoints": e["startsReachingOtherPoints"],
                        "lowerMinimumElsewhere": e["lowerMinimumElsewhere"]}
                       for e in entries],
        "leftOutMetrics": left_out,
        "prior": None if prior is None else {
            "mean": _f(prior["mean"]), "scale": _f(prior["scale"]), "sources": prior["sources"],
            "undeterminedSources": prior["undeterminedSources"]},
        "folds": [{"heldOut": fd["heldOut"], "models": [names[train[i]] for i in fd["heldOut"]],
                   "isFamily": fd["isFamily"], "family": fd["family"]} for fd in folds],
        "strengths": strengths,
        "curve": curve,
        "rule": {**rule, "pickedStrength": strengths[picked],
                 "lowestStrength": None if rule["lowestIndex"] is None else strengths[rule["lowestIndex"]]},
        "poolGuard": {"trainCount": len(train), "poolSize": len(pool),
                      "maximumTrainingShare": MAXIMUM_TRAINING_SHARE, "applies": bool(pool_guard)},
        "extrapolationGuard": extrapolation,
        "compatibility": compat,
        "decision": decision,
        "strength": strength,
        "priorUsed": strength > 0,
        "finalFit": {
            "params": _f(p), "objective": final["objective"], "loss": objective(p, S, y),
            "projectedGradient": final["projectedGradient"], "tightStatus": final["status"],
            "trainMSE": mse(p, S, y), "testMSE": mse(p, scores[test], yall[test]),
            "predictions": _f(pb.sigmoid_floor(p, scores)),
            "lowestObjectiveFromOtherStarts": local_check,
        },
        "fixedStrengthFits": fixed,
    }
    log(f"[{target} cutoff {cutoff}] pool {len(pool)}, train {len(train)}, test {len(test)}, "
        f"prediction rows {len(prediction)}; {len(acc_names)} public metrics, {len(entries)} fitted, "
        f"prior sources {0 if prior is None else len(prior['sources'])}; rule {rule}; "
        f"pool guard {pool_guard}; decision {decision}, λ = {strength}")
    if prior is not None:
        log(f"  prior mean {_f(prior['mean'])}\n  prior scale {_f(prior['scale'])}")
    log(f"  final params {_f(p)}, train MSE {out['finalFit']['trainMSE']!r}, test MSE {out['finalFit']['testMSE']!r}")
    if compat:
        log(f"  jackknife spread {compat['jackknifeSpread']:.6g} ({compat['replicates']} replicates); shifts "
            + ", ".join(f"λ={c['strength']:g}: {c['rmsShift']:.4g}{' (conflict)' if c['conflict'] else ''}"
                        for c in compat["checks"]))
    undetermined = [e["metric"] for e in entries if not e["determined"]]
    log(f"  undetermined source fits ({len(undetermined)}): {undetermined}")
    return out


def choose_strength(S, y, folds, prior, pool_size, S_pred):
    """The per-K half of ``ModelSelection.choose``: the CV curve over the λ grid, the
    one-standard-error rule, then the pool guard, the extrapolation guard and the compatibility
    check (at the picked λ only, as the library).  Returns the curve, the decision, λ and the
    chosen λ's fold errors."""
    strengths = STRENGTHS if prior is not None else [0.0]
    errors = [fold_errors(S, y, folds, prior, lam)[0] for lam in strengths]
    curve = [{"strength": lam, "meanError": float(np.mean(e)), "standardError": standard_error(e),
              "foldErrors": e} for lam, e in zip(strengths, errors)]
    rule = pick(errors, 0)
    picked = rule["pickedIndex"]
    top = next((i for i, fd in enumerate(folds) if not fd["isFamily"]), None)
    if prior is None:
        decision, index = "noPrior", 0
    elif len(y) >= MAXIMUM_TRAINING_SHARE * pool_size:
        decision, index = "poolGuard", 0
    elif picked == 0:
        decision, index = "crossValidation", 0
    elif top is not None and not (errors[picked][top] <= errors[0][top]):
        decision, index = "extrapolation", 0
    elif compatibility(S, y, folds, prior, [strengths[picked]], S_pred)["checks"][0]["conflict"]:
        decision, index = "conflict", 0
    else:
        decision, index = "used", picked
    return {"curve": curve, "rule": rule, "decision": decision, "strength": strengths[index],
            "chosenErrors": errors[index]}


def run_auto_setup(panel, target, cutoff, benchmarks, max_components=MAX_AUTO_COMPONENTS, log=print):
    """``--components auto``: the PCA is fitted with ``max_components`` components; the candidate
    K's capability space is its leading K columns, with public-metric laws and a prior of its own.
    Each K picks its λ (:func:`choose_strength`); then K is picked among the candidates' chosen
    fold errors by the same one-standard-error rule, the law's own K = 3 being the plain option."""
    names, families, flops = panel["names"], panel["families"], panel["flops"]
    n = len(names)
    X = pb.benchmark_matrix(panel["rows"], benchmarks)
    yall = panel["metrics"][target]
    pool = [i for i in range(n) if flops[i] <= cutoff]
    prediction = [i for i in range(n) if not flops[i] <= cutoff]
    train = [i for i in pool if not math.isnan(yall[i])]
    test = [i for i in prediction if not math.isnan(yall[i])]
    imp = pb.pca_impute_fit(X[pool])
    imputed_all, _, _ = pb.pca_impute_apply(imp, X)
    pca = pb.pca_fit(imp["imputed"], max_components)
    widest = pb.pca_scores(pca, imputed_all)
    acc_names = accuracy_metric_names(panel["metrics"])
    y = yall[train]
    folds = fold_rows([families[i] for i in train], widest[train][:, 0])
    candidates = []
    for k in range(1, max_components + 1):
        scores = widest[:, :k]
        entries, _ = public_metric_fits(panel["metrics"], acc_names, pool, scores)
        prior = prior_for(entries, target)
        chosen = choose_strength(scores[train], y, folds, prior, len(pool), scores[prediction])
        candidates.append({"componentCount": k, "scores": scores, "priorObject": prior,
                           "sourceCount": len(entries), **chosen})
    plain = next(i for i, c in enumerate(candidates) if c["componentCount"] == pb.N_COMPONENTS)
    k_rule = pick([c["chosenErrors"] for c in candidates], plain)
    best = candidates[k_rule["pickedIndex"]]
    prior, strength = best["priorObject"], best["strength"]
    S = best["scores"][train]
    center = lw = None
    if strength > 0:
        center, lw = np.asarray(prior["mean"], float), penalty_weights(prior, strength)
    final = fit(S, y, center, lw)
    p = final["params"]
    log(f"[auto K: {target} cutoff {cutoff}] " + "; ".join(
        f"K={c['componentCount']}: {c['decision']} λ={c['strength']} CV {np.mean(c['chosenErrors']):.4g}"
        for c in candidates) + f" -> K = {best['componentCount']} ({k_rule})")
    return {
        "target": target, "cutoff": cutoff, "benchmarks": list(benchmarks),
        "maxComponents": max_components,
        "trainModels": [names[i] for i in train], "testModels": [names[i] for i in test],
        "folds": [{"heldOut": fd["heldOut"], "isFamily": fd["isFamily"]} for fd in folds],
        "candidates": [{
            "componentCount": c["componentCount"], "sourceCount": c["sourceCount"],
            "prior": None if c["priorObject"] is None else {
                "mean": _f(c["priorObject"]["mean"]), "scale": _f(c["priorObject"]["scale"]),
                "sources": c["priorObject"]["sources"]},
            "curve": c["curve"], "rule": c["rule"], "decision": c["decision"], "strength": c["strength"],
            "chosenErrors": c["chosenErrors"]} for c in candidates],
        "componentRule": k_rule,
        "componentCount": best["componentCount"],
        "decision": best["decision"],
        "strength": strength,
        "priorUsed": strength > 0,
        "finalFit": {"params": _f(p), "objective": final["objective"], "trainMSE": mse(p, S, y),
                     "testMSE": mse(p, best["scores"][test], yall[test]),
                     "predictions": _f(pb.sigmoid_floor(p, best["scores"]))},
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=pb.DATA_DIR)
    ap.add_argument("--fixture", help="write prior_fit.json here")
    ap.add_argument("--setup", action="append", help="only these setups (default: all)")
    ap.add_argument("--target", help="explore: one setup with this target")
    ap.add_argument("--cutoff", type=float, default=84.0)
    args = ap.parse_args(argv)

    panel = load_panel(args.data_dir)
    if args.target:
        run_setup(panel, args.target, args.cutoff, pb.DEFAULT_BENCHMARKS)
        return
    setups = {}
    for key, s in SETUPS.items():
        if args.setup and key not in args.setup:
            continue
        setups[key] = run_setup(panel, s["target"], s["cutoff"], s["benchmarks"])
    for key, s in AUTO_SETUPS.items():
        if args.setup and key not in args.setup:
            continue
        setups[key] = run_auto_setup(panel, s["target"], s["cutoff"], s["benchmarks"])
    payload = {
        "description": "prior_baseline.py --fixture: the recommended law (pcaOn pool, public prior, "
                       "lambda by cross-validation) on the paper-2024 preset joined with the post-training "
                       "and emergent downstream files. Parameter order [alpha, beta1..beta3, b].",
        "panel": "base_llm_benchmark_eval.csv",
        "downstream": DOWNSTREAM_FILES,
        "preset": "paper-2024",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "strengthsGrid": STRENGTHS,
        "topFraction": TOP_FRACTION,
        "minimumSources": MINIMUM_SOURCES,
        "minimumScale": MINIMUM_SCALE,
        "setups": setups,
    }
    if args.fixture:
        with open(args.fixture, "w") as f:
            json.dump(payload, f, indent=1, sort_keys=True, allow_nan=False)
            f.write("\n")
        print("wrote", args.fixture)


if __name__ == "__main__":
    main()
