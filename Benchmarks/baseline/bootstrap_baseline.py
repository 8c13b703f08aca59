#!/usr/bin/env python3
"""Reference implementation and speed baseline of the fit bootstrap (numpy/scipy).

Built on :mod:`paper_baseline` (same data, preset, imputation, PCA and solvers; read its docstring
first).  Setup: the GSM8K CoT fit of ``paper_baseline`` — target
``gsm8k_cot_8_exact_match,flexible-extract``, the 7 non-GSM8K benchmarks, ``paper-2024`` preset
joined with the downstream file (75 models with the target, panel row order), FLOPs cutoff 84:
train = FLOPs <= 84 (47 models), test = the rest (28, including unknown FLOPs).

Procedure (what the Swift bootstrap implements):

* main fit: :func:`paper_baseline.fit_once` (imputation + PCA K = 3 fitted on the train rows);
* replicate r = 0 .. R-1: draw n indices with replacement from the n training rows (the *training
  rows* are the train models in panel row order; index i = the i-th of them);

  - ``fixed`` mode: regress the target on the main fit's PC scores of the drawn rows (a row drawn
    twice counts twice); predict every model of the panel (train and test, 75) with the
    replicate's parameters, using the main fit's scores;
  - ``refit-pca`` mode: the same draw, but the imputation (:func:`paper_baseline.pca_impute_fit`)
    and the PCA (:func:`paper_baseline.pca_fit`, sign rule "loadings sum positive") are re-fitted
    on the drawn rows (duplicates included as rows of the matrix).  The regression uses the scores
    of the drawn rows as imputed by that fit (as ``fit_once`` does for its train rows); every
    panel model (all 75, drawn or not) is then imputed with the replicate's imputer held fixed
    (:func:`paper_baseline.pca_impute_apply`) and scored with the replicate's PCA for the
    predictions.  (For the drawn rows the two routes agree to ~1e-10.)

  record per-model predictions, the replicate's test MSE against the observed test targets, and
  the parameters ``[alpha, beta_1..beta_K, b]``;
* summary per model over the successful replicates: percentile interval at level 0.95 =
  ``np.quantile(preds, [0.025, 0.975])`` (linear interpolation), SE = ``np.std(preds, ddof=1)``;
  test MSE: mean and the 2.5 / 50 / 97.5 % quantiles.

A replicate whose refit fails (solver exception, non-finite result, degenerate imputation or PCA,
KKT check of :func:`paper_baseline.polish` failing; in the fixture also a rank-deficient Jacobian of
the free parameters at the tight optimum) is recorded as failed and left out of the
summary, never a crash.

Two uses:

1. speed baseline (``--repeat K --replicates R --json out.json``): times the loop of R replicates
   (draw + refit with the paper's solver — ``fit_ls_paper`` (curve_fit), or ``fit_huber_paper``
   (L-BFGS-B) with ``--loss huber`` — + predict all models), excluding data loading and the main
   fit; ``--mode refit-pca`` includes the imputation + PCA refit.  The summary (quantiles/SE) is
   timed separately.  BLAS threading matters: scipy's L-BFGS-B (Huber) makes many tiny BLAS calls,
   and with OpenBLAS's default threads on a 2-core machine the Huber loop ran 3-7x slower and
   very noisily (86-204 s per 1000 replicates vs 27 s with ``OPENBLAS_NUM_THREADS=1``); LS is
   barely affected.  Time with ``OPENBLAS_NUM_THREADS=1`` for stable numbers; the report records
   the thread variables and the 1-minute load average before/after.
2. fixture (``--fixture PATH``): 20 replicates, both modes, tightly converged least squares
   (``fit_tight`` + ``polish``), for ``Tests/ObsScaleFitTests/Fixtures/paper_bootstrap.json``.

Draws: ``np.random.default_rng(seed)``; replicate r takes ``rng.integers(0, n, size=n)`` in turn
from one generator (the Swift side has its own generator, hence the fixture lists the indices).

Usage (from the repository root)::

    python3 Benchmarks/baseline/bootstrap_baseline.py \\
        --fixture Tests/ObsScaleFitTests/Fixtures/paper_bootstrap.json
    python3 Benchmarks/baseline/bootstrap_baseline.py --repeat 3 --replicates 1000 \\
        [--mode fixed|refit-pca] [--loss ls|huber] --json /tmp/bootstrap_timing.json
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import scipy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_baseline as pb  # noqa: E402

LEVEL = 0.95
QUANTILES = [(1.0 - LEVEL) / 2.0, 1.0 - (1.0 - LEVEL) / 2.0]  # [0.025, 0.975]
MSE_QUANTILES = [0.025, 0.5, 0.975]
FIXTURE_REPLICATES = 20
DEFAULT_SEED = 20240601


class ReplicateFailure(Exception):
    """A degenerate replicate (recorded as failed)."""


# ---------------------------------------------------------------------------------------------
# Setup and one replicate
# ---------------------------------------------------------------------------------------------

def setup(data, cutoff):
    """Main fit (``fit_once``) and the arrays every replicate needs."""
    main = pb.fit_once(data["flops"], data["X"], data["y"], cutoff, with_huber=False)
    train, test = main["train"], main["test"]
    # scores of every panel model in panel order, from the main fit
    scores_all = np.empty((len(data["y"]), main["scores_train"].shape[1]))
    scores_all[train] = main["scores_train"]
    scores_all[test] = main["scores_test"]
    return {
        "main": main,
        "train": train, "test": test,
        "X_train": data["X"][train], "y_train": data["y"][train], "y_test": data["y"][test],
        "X_all": data["X"], "scores_all": scores_all,
        "names": data["names"],
        "train_names": [n for n, t in zip(data["names"], train) if t],
        "test_names": [n for n, t in zip(data["names"], test) if t],
    }


def draw_indices(rng, n):
    return rng.integers(0, n, size=n)


def replicate_scores(st, idx, mode):
    """(regression scores of the drawn rows, scores of all panel models, diagnostics)."""
    if mode == "fixed":
        return st["scores_all"][st["train"]][idx], st["scores_all"], {}
    Xd = st["X_train"][idx]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # nanmean of an all-NaN column, std 0, ...
        try:
            imp = pb.pca_impute_fit(Xd)
            if not np.all(np.isfinite(imp["imputed"])) or not np.all(imp["scale_std"] > 0):
                raise ReplicateFailure("degenerate imputation (constant or empty column)")
            pca = pb.pca_fit(imp["imputed"], pb.N_COMPONENTS)
            all_imputed, _, _ = pb.pca_impute_apply(imp, st["X_all"])
        except (RuntimeWarning, np.linalg.LinAlgError, FloatingPointError) as e:
            raise ReplicateFailure(f"imputation/PCA: {e}") from e
    s_fit = pb.pca_scores(pca, imp["imputed"])
    s_all = pb.pca_scores(pca, all_imputed)
    if not (np.all(np.isfinite(s_fit)) and np.all(np.isfinite(s_all))):
        raise ReplicateFailure("non-finite PC scores")
    diag = {"imputation": imp, "pca": pca, "scores_fit": s_fit, "all_imputed": all_imputed}
    return s_fit, s_all, diag


def paper_solver(loss):
    if loss == "ls":
        return pb.fit_ls_paper
    return lambda S, y: pb.fit_huber_paper(S, y)[0]


def run_replicate(st, idx, mode, solver):
    """One replicate with the paper's solver: (params, predictions of all models, test MSE)."""
    s_fit, s_all, _ = replicate_scores(st, idx, mode)
    try:
        p = solver(s_fit, st["y_train"][idx])
    except (RuntimeError, ValueError, np.linalg.LinAlgError) as e:  # curve_fit: maxfev reached
        raise ReplicateFailure(f"solver: {e}") from e
    if not np.all(np.isfinite(p)):
        raise ReplicateFailure("non-finite parameters")
    pred = pb.sigmoid_floor(p, s_all)
    test_mse = float(np.mean((pred[st["test"]] - st["y_test"]) ** 2))
    return p, pred, test_mse


def summarize(preds, test_mses):
    """Per-model percentile intervals / SEs and the test-MSE distribution (successful rows)."""
    preds = np.asarray(preds, dtype=float)  # (R_ok, n_models)
    q = np.quantile(preds, QUANTILES, axis=0)
    mses = np.asarray(test_mses, dtype=float)
    mq = np.quantile(mses, MSE_QUANTILES)
    return {
        "lower": q[0], "upper": q[1], "se": np.std(preds, axis=0, ddof=1),
        "mean": np.mean(preds, axis=0),
        "testMSE": {"mean": float(np.mean(mses)), "q025": float(mq[0]), "q50": float(mq[1]),
                    "q975": float(mq[2])},
    }


# ---------------------------------------------------------------------------------------------
# Speed baseline
# ---------------------------------------------------------------------------------------------

def time_bootstrap(st, replicates, mode, loss, seed):
    """One timed round: R replicates (draw + refit + predict). Returns (seconds, summary s, stats)."""
    solver = paper_solver(loss)
    n = len(st["y_train"])
    rng = np.random.default_rng(seed)
    preds, mses, failures = [], [], []
    t0 = time.perf_counter()
    for r in range(replicates):
        idx = draw_indices(rng, n)
        try:
            _, pred, m = run_replicate(st, idx, mode, solver)
        except ReplicateFailure as e:
            failures.append({"replicate": r, "reason": str(e)})
            continue
        preds.append(pred)
        mses.append(m)
    t1 = time.perf_counter()
    summary = summarize(preds, mses)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, summary, failures


def machine_info():
    info = {"platform": platform.platform(), "machine": platform.machine(),
            "processor": platform.processor(), "cpuCount": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpuModel"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def run_benchmark(st, repeat, replicates, mode, loss, seed, json_path):
    load_before = os.getloadavg()
    loop, summ, summary, failures = [], [], None, []
    for k in range(repeat):
        a, b, summary, failures = time_bootstrap(st, replicates, mode, loss, seed)
        loop.append(a)
        summ.append(b)
        print(f"round {k + 1}/{repeat}: {a:.3f} s for {replicates} replicates "
              f"({a / replicates * 1e3:.3f} ms each), summary {b * 1e3:.2f} ms, "
              f"{len(failures)} failed", flush=True)
    med = statistics.median(loop)
    report = {
        "description": "bootstrap_baseline.py: loop of R bootstrap replicates (draw + refit with "
                       "the paper's solver + predict all models), data loading and main fit "
                       "excluded; summary = per-model quantiles/SE + test-MSE quantiles.",
        "mode": mode, "loss": loss,
        "solver": "curve_fit (trf, bounds, maxfev 10000)" if loss == "ls"
                  else "minimize L-BFGS-B (finite differences), Huber delta 1",
        "replicates": replicates, "repeat": repeat, "seed": seed,
        "nModels": len(st["names"]), "nTrain": len(st["train_names"]),
        "nTest": len(st["test_names"]),
        "secondsPerRun": {"median": med, "min": min(loop), "max": max(loop), "all": loop},
        "secondsPerReplicate": {"median": med / replicates, "min": min(loop) / replicates,
                                "max": max(loop) / replicates},
        "summarySeconds": {"median": statistics.median(summ), "min": min(summ), "max": max(summ)},
        "failedReplicates": len(failures),
        "failures": failures[:20],
        "testMSE": summary["testMSE"],
        "numpy": np.__version__, "scipy": scipy.__version__,
        "python": sys.version.split()[0],
        "machine": machine_info(),
        # BLAS threading and machine load (a busy 2-core machine slows these small fits a lot)
        "threadEnv": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                      "MKL_NUM_THREADS")},
        "loadAverage1mBeforeAfter": [load_before[0], os.getloadavg()[0]],
    }
    if json_path:
        pb.write_json(json_path, report)
    return report


# ---------------------------------------------------------------------------------------------
# Fixture
# ---------------------------------------------------------------------------------------------

def tight_fit(S, y):
    """Tightly converged least squares: fit_tight, snapped to the bounds, then polish."""
    k = S.shape[1]
    p, res = pb.fit_tight(S, y, loss="linear")
    p = pb.snap_to_bounds(p, k)
    try:
        pp, iters = pb.polish(p, S, y)
    except AssertionError as e:  # KKT check of the active set
        raise ReplicateFailure(f"polish: {e}") from e
    if not np.all(np.isfinite(pp)):
        raise ReplicateFailure("non-finite polished parameters")
    at_lower, at_upper = pb._active(pp, k)
    free = ~(at_lower | at_upper)
    J = pb._jacobian(pp, S)[:, free]
    if np.linalg.matrix_rank(J) < int(free.sum()):  # e.g. fewer distinct rows than parameters
        raise ReplicateFailure("singular Jacobian at the optimum (parameters not identified)")
    return pp, iters, res


def fixture_replicate(st, idx, mode):
    try:
        s_fit, s_all, diag = replicate_scores(st, idx, mode)
        y_fit = st["y_train"][idx]
        p, iters, res = tight_fit(s_fit, y_fit)
    except ReplicateFailure as e:
        return {"failed": True, "reason": str(e)}, None
    pred = pb.sigmoid_floor(p, s_all)
    at_lower, at_upper = pb._active(p, s_fit.shape[1])
    # paper solver on the same replicate, for information only
    try:
        p_paper = pb.fit_ls_paper(s_fit, y_fit)
        paper_diff = float(np.max(np.abs(pb.sigmoid_floor(p_paper, s_all) - pred)))
    except RuntimeError:
        paper_diff = None
    out = {
        "failed": False,
        "params": pb._f(p),
        "activeLower": [int(i) for i in np.flatnonzero(at_lower)],
        "activeUpper": [int(i) for i in np.flatnonzero(at_upper)],
        "predictions": pb._f(pred),
        "trainMSE": pb.mse(p, s_fit, y_fit),
        "testMSE": float(np.mean((pred[st["test"]] - st["y_test"]) ** 2)),
        "projectedGradient": pb.projected_gradient_norm(p, s_fit, y_fit, "ls"),
        "polishIterations": int(iters),
        "tightStatus": int(res.status),
    }
    info = {"paperSolverMaxAbsPredictionDiff": paper_diff}
    if mode == "refit-pca":
        out["imputationIterations"] = int(diag["imputation"]["iterations"])
        out["explainedVarianceRatio"] = pb._f(diag["pca"]["explained_variance_ratio"])
        out["pcaComponents"] = pb._rows(diag["pca"]["components"])
        # drawn rows: scores from the fitted imputed matrix vs from the fixed-model apply
        s_apply = s_all[st["train"]][idx]
        info["drawnScoreDiffFitVsApply"] = float(np.max(np.abs(diag["scores_fit"] - s_apply)))
    return out, info


def run_fixture(st, data, cutoff, seed, path):
    n = len(st["y_train"])
    rng = np.random.default_rng(seed)
    draws = [draw_indices(rng, n) for _ in range(FIXTURE_REPLICATES)]
    modes = {}
    for mode in ("fixed", "refit-pca"):
        reps, infos = [], []
        for idx in draws:
            rep, info = fixture_replicate(st, idx, mode)
            reps.append(rep)
            infos.append(info)
        ok = [r for r in reps if not r["failed"]]
        block = {"replicates": reps, "failedReplicates": [i for i, r in enumerate(reps) if r["failed"]]}
        if len(ok) >= 2:
            s = summarize([r["predictions"] for r in ok], [r["testMSE"] for r in ok])
            block["summary"] = {
                "lower": pb._f(s["lower"]), "upper": pb._f(s["upper"]),
                "standardError": pb._f(s["se"]), "mean": pb._f(s["mean"]),
                "testMSE": s["testMSE"], "successfulReplicates": len(ok),
            }
        good = [i for i in infos if i is not None]
        diffs = [i["paperSolverMaxAbsPredictionDiff"] for i in good
                 if i["paperSolverMaxAbsPredictionDiff"] is not None]
        block["diagnostics"] = {
            "paperSolverMaxAbsPredictionDiff": max(diffs) if diffs else None,
            "paperSolverFailures": sum(1 for i in good if i["paperSolverMaxAbsPredictionDiff"] is None),
        }
        if mode == "refit-pca" and good:
            block["diagnostics"]["maxDrawnScoreDiffFitVsApply"] = max(
                i["drawnScoreDiffFitVsApply"] for i in good)
        modes[mode] = block

    main = st["main"]
    s_tr, y_tr = main["scores_train"], st["y_train"]
    p_main, _, _ = tight_fit(s_tr, y_tr)
    payload = {
        "description": "bootstrap_baseline.py --fixture: fit bootstrap of the paper_fit.json setup "
                       "(paper-2024 preset joined with the downstream file, 75 models). "
                       "Parameter order [alpha, beta1..betaK, b]; least squares tightly "
                       "converged (fit_tight + polish). See Fixtures/README.md.",
        "panel": "base_llm_benchmark_eval.csv",
        "downstream": "base_llm_post_training_eval.csv",
        "target": data["target"],
        "benchmarks": data["benchmarks"],
        "cutoff": cutoff,
        "nComponents": pb.N_COMPONENTS,
        "loss": "leastSquares",
        "level": LEVEL,
        "quantiles": QUANTILES,
        "seed": seed,
        "generator": "numpy.random.default_rng(seed).integers(0, n, size=n), one call per replicate",
        "replicateCount": FIXTURE_REPLICATES,
        "models": list(st["names"]),
        "trainModels": st["train_names"],
        "testModels": st["test_names"],
        "trainRowIndices": [int(i) for i in np.flatnonzero(st["train"])],
        "testRowIndices": [int(i) for i in np.flatnonzero(st["test"])],
        "draws": [[int(i) for i in d] for d in draws],
        "mainFit": {
            "params": pb._f(p_main),
            "predictions": pb._f(pb.sigmoid_floor(p_main, st["scores_all"])),
            "testMSE": float(np.mean((pb.sigmoid_floor(p_main, main["scores_test"]) - st["y_test"]) ** 2)),
        },
        "fixed": modes["fixed"],
        "refitPCA": modes["refit-pca"],
    }
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, allow_nan=False, sort_keys=True)
        f.write("\n")
    print("wrote", path)
    return payload


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--panel", default=pb.DEFAULT_PANEL)
    ap.add_argument("--downstream", default=pb.DEFAULT_DOWNSTREAM)
    ap.add_argument("--target", default=pb.DEFAULT_TARGET)
    ap.add_argument("--cutoff", type=float, default=pb.DEFAULT_CUTOFF)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--mode", choices=["fixed", "refit-pca"], default="fixed")
    ap.add_argument("--loss", choices=["ls", "huber"], default="ls")
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=0, help="time K rounds of R replicates")
    ap.add_argument("--json", help="write the timing report here")
    ap.add_argument("--fixture", help="write paper_bootstrap.json here")
    args = ap.parse_args(argv)

    data = pb.load_fit_data(args.panel, args.downstream, args.target)
    st = setup(data, args.cutoff)
    if args.fixture:
        fx = run_fixture(st, data, args.cutoff, args.seed, args.fixture)
        for key in ("fixed", "refitPCA"):
            b = fx[key]
            print(f"{key}: failed {b['failedReplicates']}, test MSE {b['summary']['testMSE']}, "
                  f"diagnostics {b['diagnostics']}")
    if args.repeat > 0 or args.json:
        report = run_benchmark(st, max(1, args.repeat), args.replicates, args.mode, args.loss,
                               args.seed, args.json)
        print(f"{args.mode}/{args.loss}: median {report['secondsPerRun']['median']:.3f} s per "
              f"{args.replicates} replicates (min {report['secondsPerRun']['min']:.3f}, max "
              f"{report['secondsPerRun']['max']:.3f}); {report['failedReplicates']} failed")


if __name__ == "__main__":
    main()
