#!/usr/bin/env python3
"""Reference implementation and speed baseline of the paper's model-family subset selection.

This script mirrors the brute-force V-optimal family selection of the paper (§5) in
plain numpy: every combination of up to 10 families is enumerated with ``itertools.combinations``
and scored with one 3×3 matrix inverse, V(S) = tr(L G_S⁻¹), G_S = X_Sᵀ X_S over the first 3 PC
scores of the selected models, L = X_Tᵀ X_T over the whole pool.  It is written from the paper's
published procedure (github.com/ryoungj/ObsScaling: ``utils/selection.py`` — ``search_subset``,
``brute_force``, ``compute_object_val``; ``utils/data.py``; the notebooks
``model_subset_selection_guide.ipynb`` and ``model_subset_selection_eval.ipynb``), not copied from
it.  It serves three purposes:

1. the *reference* the Swift ``exhaustive`` solver is checked against (``--fixture`` writes
   ``Tests/ObsScaleSelectTests/Fixtures/paper_selection.json``);
2. the *speed baseline* (``--repeat N --json out.json``): the brute force of the guide setup,
   enumeration + V of every combination, timed without data loading and PCA;
3. a check that the imputation's stopping rule does not change the selection (``--paper-stopping``).

Setups (all on the ``paper-2024`` preset of :mod:`paper_baseline`, 77 models / 21 families):

``guide``        the guide notebook: the whole preset; all 8 benchmarks imputed (rank 1, clip
                 [0, 1]) and PCA'd (centered, not standardized) on the pool; Llama-2 always
                 included; ≤ 10 families; budgets 4, 8, ..., 36 models.
``guide_max7b``  the same with the pool cut to ``Model Size (B)`` ≤ 7 *before* imputation and PCA
                 (the notebook passes ``cutoff_by_Model Size (B)`` / 7 to ``split_data``, which
                 runs before ``pca_preprocess_data``; unknown sizes fall out of the pool).
``evaluation``   the evaluation notebook: the panel inner-joined with
                 ``base_llm_post_training_eval.csv`` on ``Model``; FLOPs ≤ 84 (1E21; 6·N·D when the
                 cell is empty, unknown FLOPs out of the pool); models with any of the 8 benchmarks
                 missing dropped; imputation + PCA of all 8 benchmarks on this pool; no include.

Selection per budget B, exactly as the paper: keep the combinations with model count ≤ B, sort them
by −V descending with Python's stable ``sorted`` (so among equal V the first in enumeration order
wins), take the first.  Combinations with fewer models than K_sel = 3 are infeasible (V = +∞).

Enumeration order (the tie-breaking order): the families of the pool in the order of the paper's
``EVAL_BASE_MODEL_FAMILIES`` (``all_families_for_select`` in both notebooks), restricted to the
families present in the pool; the must-include families are removed from it; then sizes
1 .. (10 − #included), each size in ``itertools.combinations`` order over that list, each
combination with the included families appended at the end.  On this panel the paper's order equals
the order of first appearance in the CSV (checked at run time).  Note that the included family alone
(the empty combination) is never enumerated, as in the paper.

Usage::

    python3 selection_baseline.py                               # all setups, summary on stdout
    python3 selection_baseline.py --fixture ../../Tests/ObsScaleSelectTests/Fixtures/paper_selection.json
    python3 selection_baseline.py --repeat 5 --json /tmp/selection_timing.json
    python3 selection_baseline.py --paper-stopping              # fixed-point vs paper's allclose rule
"""

import argparse
import itertools
import json
import math
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_baseline as pb  # noqa: E402  (CSV reading, preset, imputation, PCA)

#: ``EVAL_BASE_MODEL_FAMILIES`` of the paper's ``utils/constants.py`` — the ``all_families_for_select``
#: of both selection notebooks, hence the enumeration (tie-breaking) order.
PAPER_SELECT_FAMILY_ORDER = [
    "Llama-2", "Llama", "Llama-3", "Qwen1.5", "Qwen", "Mistral", "Mixtral", "Yi", "Gemma",
    "Falcon", "Phi", "Pythia", "BLOOM", "GPT-Neo/J", "OPT", "MPT", "XGLM", "CodeLlama",
    "StarCoder", "StarCoder2", "DeepSeek-Coder",
]
BUDGETS = [4, 8, 12, 16, 20, 24, 28, 32, 36]
MAX_FAMILIES = 10
K_SELECT = 3          # PCs used for selection (num_pc_for_select)
PCA_COMPONENTS = 5    # DEFAULT_PCA_PREPROCESS_KWARGS: n_components 5 (only the first 3 are used)
EVAL_FLOPS_CUTOFF = 84.0
GUIDE_MAX_SIZE = 7.0

#: What the paper's notebooks print (families as printed, objective −V rounded to 2 decimals),
#: recorded only to compare against; the notebooks ran on the CSV of their commit.
PAPER_NOTEBOOK = {
    "guide": {
        4: (["Mistral", "Llama-2"], -1365.30),
        8: (["Mixtral", "Phi", "MPT", "Llama-2"], -37.43),
        12: (["Llama-3", "Falcon", "DeepSeek-Coder", "Llama-2"], -16.93),
        16: (["Llama-3", "Falcon", "Phi", "MPT", "DeepSeek-Coder", "Llama-2"], -12.70),
        20: (["Qwen", "Mixtral", "Falcon", "MPT", "CodeLlama", "DeepSeek-Coder", "Llama-2"], -10.25),
        24: (["Llama-3", "Qwen", "Falcon", "MPT", "CodeLlama", "StarCoder2", "DeepSeek-Coder",
              "Llama-2"], -8.35),
        28: (["Llama", "Llama-3", "Qwen1.5", "Mixtral", "Falcon", "CodeLlama", "DeepSeek-Coder",
              "Llama-2"], -7.21),
        32: (["Llama-3", "Qwen", "Mixtral", "Yi", "Falcon", "OPT", "MPT", "CodeLlama",
              "DeepSeek-Coder", "Llama-2"], -6.30),
        36: (["Llama-3", "Qwen1.5", "Mixtral", "Falcon", "OPT", "CodeLlama", "StarCoder",
              "DeepSeek-Coder", "Llama-2"], -5.65),
    },
    "guide_max7b": {
        4: (["Phi", "CodeLlama", "Llama-2"], -25.61),
        8: (["Llama", "Qwen", "Phi", "MPT", "DeepSeek-Coder", "Llama-2"], -10.51),
        12: (["Llama", "Qwen", "Gemma", "Falcon", "Phi", "MPT", "DeepSeek-Coder", "Llama-2"], -7.04),
        16: (["Llama", "Qwen1.5", "Gemma", "Falcon", "Phi", "MPT", "CodeLlama", "DeepSeek-Coder",
              "Llama-2"], -5.71),
        20: (["Llama", "Qwen1.5", "Yi", "Gemma", "Phi", "OPT", "MPT", "CodeLlama", "DeepSeek-Coder",
              "Llama-2"], -5.04),
        24: (["Qwen1.5", "Gemma", "Falcon", "Phi", "Pythia", "MPT", "CodeLlama", "StarCoder2",
              "DeepSeek-Coder", "Llama-2"], -4.57),
        28: (["Qwen1.5", "Gemma", "Falcon", "Phi", "Pythia", "OPT", "MPT", "StarCoder2",
              "DeepSeek-Coder", "Llama-2"], -4.27),
        32: (["Qwen1.5", "Gemma", "Falcon", "Phi", "Pythia", "GPT-Neo/J", "OPT", "StarCoder",
              "DeepSeek-Coder", "Llama-2"], -4.15),
        36: (["Qwen1.5", "Gemma", "Falcon", "Phi", "Pythia", "GPT-Neo/J", "OPT", "StarCoder",
              "DeepSeek-Coder", "Llama-2"], -4.15),
    },
    "evaluation": {
        4: (["Phi", "MPT", "StarCoder2"], -26.76),
        8: (["Llama-2", "Llama", "Phi", "MPT", "DeepSeek-Coder"], -8.84),
        12: (["Llama-2", "Llama", "Qwen1.5", "Phi", "MPT", "StarCoder2", "DeepSeek-Coder"], -6.31),
        16: (["Llama-2", "Llama", "Qwen1.5", "Gemma", "Phi", "MPT", "StarCoder", "StarCoder2",
              "DeepSeek-Coder"], -5.27),
        20: (["Llama-2", "Llama", "Qwen1.5", "Phi", "GPT-Neo/J", "MPT", "StarCoder", "StarCoder2",
              "DeepSeek-Coder"], -4.55),
        24: (["Llama-2", "Llama", "Qwen1.5", "Gemma", "Phi", "OPT", "MPT", "StarCoder",
              "StarCoder2", "DeepSeek-Coder"], -4.08),
        28: (["Llama-2", "Llama", "Qwen1.5", "Phi", "GPT-Neo/J", "OPT", "MPT", "StarCoder",
              "StarCoder2", "DeepSeek-Coder"], -3.72),
        32: (["Llama-2", "Llama", "Qwen1.5", "Phi", "Pythia", "OPT", "MPT", "StarCoder",
              "StarCoder2", "DeepSeek-Coder"], -3.52),
        36: (["Llama", "Qwen1.5", "Phi", "Pythia", "GPT-Neo/J", "OPT", "MPT", "StarCoder",
              "StarCoder2", "DeepSeek-Coder"], -3.34),
    },
}
#: Combination counts printed by the notebooks ("Total: ...").
PAPER_NOTEBOOK_TOTALS = {"guide": 431909, "guide_max7b": 89845, "evaluation": 15913}
#: The guide notebook's brute force of the full pool: "431909it [00:17, 23995.38it/s]" (pandas rows
#: per combination, ThreadPoolExecutor, tqdm; the paper's machine).
PAPER_NOTEBOOK_GUIDE_SECONDS = 17.0


# ---------------------------------------------------------------------------------------------
# Pools
# ---------------------------------------------------------------------------------------------

def _first_appearance(families):
    order = []
    for f in families:
        if f not in order:
            order.append(f)
    return order


def guide_pool(panel_rows, max_size=None):
    """Preset rows (panel order), optionally only ``Model Size (B)`` ≤ max_size (NaN excluded)."""
    rows = pb.paper_preset_rows(panel_rows)
    if max_size is not None:
        rows = [r for r in rows if pb._num(r["Model Size (B)"]) <= max_size]  # NaN -> False
    return rows


def evaluation_pool(panel_rows, downstream_rows, cutoff=EVAL_FLOPS_CUTOFF):
    """Preset ⋈ downstream on Model (panel order), FLOPs ≤ cutoff, no missing benchmark."""
    downstream = {}
    for r in downstream_rows:
        assert r["Model"] not in downstream, f"duplicate model in downstream: {r['Model']}"
        downstream[r["Model"]] = r
    rows = [r for r in pb.paper_preset_rows(panel_rows) if r["Model"] in downstream]
    rows = [r for r in rows if pb.row_flops(r) <= cutoff]  # unknown FLOPs (NaN) -> out
    rows = [r for r in rows if not any(math.isnan(pb._num(r[b])) for b in pb.ALL_BENCHMARKS)]
    return rows


def build_setup(name, rows, include, paper_stopping=False):
    """Imputation + PCA on the pool rows; family row index lists in the paper's family order."""
    names = [r["Model"] for r in rows]
    families = [r["Model Family"] for r in rows]
    present = set(families)
    unknown = present - set(PAPER_SELECT_FAMILY_ORDER)
    assert not unknown, f"families outside the paper's list: {unknown}"
    family_order = [f for f in PAPER_SELECT_FAMILY_ORDER if f in present]
    first_app = _first_appearance(families)
    X = pb.benchmark_matrix(rows, pb.ALL_BENCHMARKS)
    t0 = time.perf_counter()
    imp = pb.pca_impute_fit(X, paper_stopping=paper_stopping)
    pca = pb.pca_fit(imp["imputed"], PCA_COMPONENTS)
    scores = pb.pca_scores(pca, imp["imputed"])[:, :K_SELECT]
    t1 = time.perf_counter()
    family_rows = [np.array([i for i, f in enumerate(families) if f == fam], dtype=np.intp)
                   for fam in family_order]
    return {
        "name": name, "rows": rows, "names": names, "families": families,
        "familyOrder": family_order, "familyOrderEqualsFirstAppearance": family_order == first_app,
        "include": list(include), "X": X, "impute": imp, "pca": pca, "scores": scores,
        "familyRows": family_rows, "t_impute_pca": t1 - t0,
    }


# ---------------------------------------------------------------------------------------------
# Brute force — one matrix inverse per combination, as the paper
# ---------------------------------------------------------------------------------------------

def enumerate_combinations(n_families, include_idx, max_families=MAX_FAMILIES):
    """Paper's enumeration: sizes 1..(max − #include) of the non-included families (index order),
    each combination with the included indices appended."""
    others = [i for i in range(n_families) if i not in include_idx]
    inc = tuple(include_idx)
    for size in range(1, max_families - len(inc) + 1):
        for comb in itertools.combinations(others, size):
            yield comb + inc


def count_combinations(n_families, n_include, max_families=MAX_FAMILIES):
    m = n_families - n_include
    return sum(math.comb(m, s) for s in range(1, max_families - n_include + 1))


def brute_force(scores, family_rows, include_idx, k=K_SELECT, max_families=MAX_FAMILIES):
    """Score every combination. Returns (list of (n_models, family index tuple, V), n_singular).

    V = tr(L G_S⁻¹), L = XᵀX over the whole pool, G_S = X_SᵀX_S; V = +inf if n_models < k (and if
    G_S is exactly singular, which the paper's code would not survive; counted, never seen here).
    """
    S = np.ascontiguousarray(scores[:, :k])
    L = S.T @ S
    sizes = [len(r) for r in family_rows]
    results = []
    singular = 0
    inv, trace, concat = np.linalg.inv, np.trace, np.concatenate
    for units in enumerate_combinations(len(family_rows), include_idx, max_families):
        n = 0
        for u in units:
            n += sizes[u]
        if n >= k:
            Xs = S[concat([family_rows[u] for u in units])]
            try:
                V = float(trace(L @ inv(Xs.T @ Xs)))
            except np.linalg.LinAlgError:
                V, singular = math.inf, singular + 1
        else:
            V = math.inf
        results.append((n, units, V))
    return results, singular


def select_budget(results, budget):
    """The paper's rule: filter n ≤ budget, stable sort by −V descending, take the first.

    Returns (best, n_candidates, n_ties_at_best, runner_up) where runner_up is the best entry with a
    different V (None if none)."""
    cand = [r for r in results if r[0] <= budget]
    ranked = sorted(cand, key=lambda r: -r[2], reverse=True)
    best = ranked[0]
    ties = 0
    runner = None
    for r in ranked:
        if r[2] == best[2]:
            ties += 1
        else:
            runner = r
            break
    return best, len(cand), ties, runner


def run_selection(setup, budgets=BUDGETS):
    fam = setup["familyOrder"]
    include_idx = [fam.index(f) for f in setup["include"]]
    t0 = time.perf_counter()
    results, singular = brute_force(setup["scores"], setup["familyRows"], include_idx)
    t1 = time.perf_counter()
    expected = count_combinations(len(fam), len(include_idx))
    assert len(results) == expected, (len(results), expected)
    per_budget = []
    for b in budgets:
        best, n_cand, ties, runner = select_budget(results, b)
        n, units, V = best
        chosen = [fam[u] for u in units]
        models = [setup["names"][i] for u in sorted(units) for i in setup["familyRows"][u]]
        per_budget.append({
            "budget": b,
            "familyIndices": list(units),
            "families": chosen,
            "familiesInFamilyOrder": [fam[u] for u in sorted(units)],
            "familiesSorted": sorted(chosen),
            "nFamilies": len(units),
            "nModels": n,
            "models": models,
            "V": V,
            "objective": -V,
            "combinationsWithinBudget": n_cand,
            "tiesAtBest": ties,
            "runnerUpV": None if runner is None else runner[2],
            "runnerUpFamilies": None if runner is None else [fam[u] for u in runner[1]],
        })
    return {
        "results": results, "perBudget": per_budget, "combinations": len(results),
        "singular": singular, "infeasible": sum(1 for r in results if math.isinf(r[2])),
        "t_brute_force": t1 - t0,
    }


# ---------------------------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------------------------

def _rows(a):
    return [[float(v) for v in r] for r in np.asarray(a)]


def _f(x):
    return [float(v) for v in np.asarray(x).ravel()]


def compare_with_notebook(setup_name, sel):
    """(budget, families match, our −V rounded == notebook's) for each budget."""
    out = []
    for pbud in sel["perBudget"]:
        fams, obj = PAPER_NOTEBOOK[setup_name][pbud["budget"]]
        out.append({
            "budget": pbud["budget"],
            "notebookFamilies": fams,
            "notebookObjective": obj,
            "familiesMatch": pbud["families"] == fams,
            "objectiveMatches2dp": round(pbud["objective"], 2) == obj,
        })
    return out


SETUP_DESCRIPTIONS = {
    "guide": "model_subset_selection_guide.ipynb, first run: the paper-2024 preset (77 models, 21 "
             "families); imputation (rank 1, clip [0,1]) + PCA (centered, 5 components, first 3 "
             "used) of all 8 benchmarks on the pool; Llama-2 always included; at most 10 families.",
    "guide_max7b": "model_subset_selection_guide.ipynb, second run: the preset cut to Model Size (B) "
                   "<= 7 before imputation and PCA (refitted on the cut pool, L over the cut pool); "
                   "Llama-2 always included; at most 10 families.",
    "evaluation": "model_subset_selection_eval.ipynb: the preset inner-joined with "
                  "base_llm_post_training_eval.csv on Model, FLOPs (1E21) <= 84 (6*N*D when the "
                  "cell is empty; unknown FLOPs out), rows with any of the 8 benchmarks missing "
                  "dropped; imputation + PCA of all 8 benchmarks on this pool; no include; at most "
                  "10 families.",
}


def setup_payload(setup, sel):
    imp, pca = setup["impute"], setup["pca"]
    S = setup["scores"]
    missing = np.isnan(setup["X"])
    budgets = []
    for p in sel["perBudget"]:
        budgets.append({k: p[k] for k in (
            "budget", "families", "familiesInFamilyOrder", "familiesSorted", "familyIndices",
            "nFamilies", "nModels", "models", "V", "combinationsWithinBudget", "tiesAtBest",
            "runnerUpV", "runnerUpFamilies")})
    return {
        "description": SETUP_DESCRIPTIONS[setup["name"]],
        "models": setup["names"],
        "modelFamilies": setup["families"],
        "familyOrder": setup["familyOrder"],
        "familySizes": [len(r) for r in setup["familyRows"]],
        "includeFamilies": setup["include"],
        "maxFamilies": MAX_FAMILIES,
        "budgets": BUDGETS,
        "imputation": {
            "missingCells": np.argwhere(missing).tolist(),
            "imputedValues": _f(imp["imputed"][missing]),
            "iterations": imp["iterations"],
            "converged": imp["converged"],
        },
        "pca": {
            "mean": _f(pca["mean"]),
            "components": _rows(pca["components"][:K_SELECT]),
            "explainedVarianceRatio": _f(pca["explained_variance_ratio"]),
        },
        # first K_SELECT PC scores of every pool model, rows in `models` order
        "pcScores": _rows(S),
        "targetGram": _rows(S.T @ S),
        "combinationsEnumerated": sel["combinations"],
        "infeasibleCombinations": sel["infeasible"],
        "selection": budgets,
        "paperNotebook": {
            "combinationsPrinted": PAPER_NOTEBOOK_TOTALS[setup["name"]],
            "perBudget": compare_with_notebook(setup["name"], sel),
        },
    }


def load_setups(panel_path, downstream_path, paper_stopping=False):
    panel = pb.read_csv_rows(panel_path)
    downstream = pb.read_csv_rows(downstream_path)
    return {
        "guide": build_setup("guide", guide_pool(panel), ["Llama-2"], paper_stopping),
        "guide_max7b": build_setup("guide_max7b", guide_pool(panel, GUIDE_MAX_SIZE), ["Llama-2"],
                                   paper_stopping),
        "evaluation": build_setup("evaluation", evaluation_pool(panel, downstream), [],
                                  paper_stopping),
    }


def print_selection(name, setup, sel):
    print(f"== {name}: {len(setup['names'])} models, {len(setup['familyOrder'])} families, "
          f"include {setup['include'] or '-'}, {sel['combinations']} combinations "
          f"({sel['infeasible']} infeasible), brute force {sel['t_brute_force']:.2f} s, "
          f"imputation iterations {setup['impute']['iterations']}; family order == first "
          f"appearance: {setup['familyOrderEqualsFirstAppearance']}")
    cmp = {c["budget"]: c for c in compare_with_notebook(name, sel)}
    for p in sel["perBudget"]:
        c = cmp[p["budget"]]
        print(f"  B={p['budget']:2d}: n={p['nModels']:2d} V={p['V']!r} ties={p['tiesAtBest']} "
              f"runner-up V={p['runnerUpV']!r}  [{', '.join(p['families'])}]  notebook: families "
              f"{'match' if c['familiesMatch'] else 'DIFFER'}, -V 2dp "
              f"{'match' if c['objectiveMatches2dp'] else 'DIFFERS (' + str(c['notebookObjective']) + ')'}")


def write_json(path, payload):
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote", path)


def run_fixture(setups, selections, path):
    payload = {
        "description": "selection_baseline.py --fixture: the paper's brute-force V-optimal family "
                       "selection (utils/selection.py search_subset) on three setups. V = "
                       "tr(L G_S^-1), G_S = X_S^T X_S over the first 3 PC scores of the selected "
                       "models, L = X^T X over the whole pool; no intercept, no ridge; V = +inf "
                       "when fewer than 3 models. Per budget B: the first combination in "
                       "enumeration order with minimal V among those with <= B models. "
                       "Enumeration: families in familyOrder minus includeFamilies, sizes 1..(10 - "
                       "#include), itertools.combinations order, includeFamilies appended. "
                       "familyIndices index familyOrder. PC signs: loadings of each component sum "
                       "to a positive value (V does not depend on the signs).",
        "panel": "base_llm_benchmark_eval.csv",
        "downstream": "base_llm_post_training_eval.csv",
        "preset": "paper-2024",
        "benchmarks": pb.ALL_BENCHMARKS,
        "nComponentsSelect": K_SELECT,
        "pcaComponents": PCA_COMPONENTS,
        "imputeRank": pb.IMPUTE_RANK,
        "imputeTolerance": pb.IMPUTE_TOL,
        "imputeMaxIterations": pb.IMPUTE_MAX_ITER,
        "evaluationFlopsCutoff": EVAL_FLOPS_CUTOFF,
        "guideMaxModelSize": GUIDE_MAX_SIZE,
        "setups": {name: setup_payload(setups[name], selections[name]) for name in setups},
    }
    write_json(path, payload)


def run_benchmark(setup, repeat):
    """Time the brute force (enumeration + V of all combinations) of one setup, N times."""
    fam = setup["familyOrder"]
    include_idx = [fam.index(f) for f in setup["include"]]
    times, sel_times = [], []
    results = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        results, _ = brute_force(setup["scores"], setup["familyRows"], include_idx)
        t1 = time.perf_counter()
        for b in BUDGETS:
            select_budget(results, b)
        t2 = time.perf_counter()
        times.append(t1 - t0)
        sel_times.append(t2 - t1)
    med = statistics.median(times)
    return {
        "setup": setup["name"],
        "repeat": repeat,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "nModels": len(setup["names"]),
        "nFamilies": len(fam),
        "combinations": len(results),
        "medianSeconds": {
            "bruteForce": med,
            "selectAllBudgets": statistics.median(sel_times),
            "imputePca": setup["t_impute_pca"],
        },
        "allBruteForceSeconds": times,
        "microsecondsPerCombination": med / len(results) * 1e6,
        "paperNotebookGuideSeconds": PAPER_NOTEBOOK_GUIDE_SECONDS,
    }


def compare_stopping(setups, selections, panel_path, downstream_path):
    """Rerun everything with the paper's allclose stopping rule; compare the selections."""
    paper_setups = load_setups(panel_path, downstream_path, paper_stopping=True)
    report = {}
    for name, ps in paper_setups.items():
        psel = run_selection(ps)
        fx = selections[name]
        rows = []
        for a, b in zip(fx["perBudget"], psel["perBudget"]):
            rows.append({
                "budget": a["budget"],
                "sameFamilies": a["familyIndices"] == b["familyIndices"],
                "VFixedPoint": a["V"], "VPaperStopping": b["V"],
                "relativeVDiff": abs(a["V"] - b["V"]) / abs(a["V"]),
            })
        # V over every combination, not only the chosen ones
        va = np.array([r[2] for r in fx["results"]])
        vb = np.array([r[2] for r in psel["results"]])
        fin = np.isfinite(va) & np.isfinite(vb)
        report[name] = {
            "imputationIterations": {"fixedPoint": setups[name]["impute"]["iterations"],
                                     "paperStopping": ps["impute"]["iterations"]},
            "maxAbsScoreDiff": float(np.max(np.abs(setups[name]["scores"] - ps["scores"]))),
            "allSameFamilies": all(r["sameFamilies"] for r in rows),
            "maxRelativeVDiffChosen": max(r["relativeVDiff"] for r in rows),
            "maxRelativeVDiffAllCombinations": float(np.max(np.abs(va[fin] - vb[fin]) / np.abs(va[fin]))),
            "perBudget": rows,
        }
        r = report[name]
        print(f"paper stopping vs fixed point, {name}: iterations {r['imputationIterations']}, "
              f"same families at every budget: {r['allSameFamilies']}, max rel V diff chosen "
              f"{r['maxRelativeVDiffChosen']:.3e}, over all combinations "
              f"{r['maxRelativeVDiffAllCombinations']:.3e}, max |score diff| {r['maxAbsScoreDiff']:.3e}")
    return report


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--panel", default=pb.DEFAULT_PANEL)
    ap.add_argument("--downstream", default=pb.DEFAULT_DOWNSTREAM)
    ap.add_argument("--fixture", help="write the selection fixture (paper_selection.json) here")
    ap.add_argument("--repeat", type=int, default=0,
                    help="time the guide brute force N times (median)")
    ap.add_argument("--json", help="write the timing report (and --paper-stopping comparison) here")
    ap.add_argument("--paper-stopping", action="store_true",
                    help="also run with the paper's allclose imputation stopping rule and compare")
    args = ap.parse_args(argv)

    setups = load_setups(args.panel, args.downstream)
    selections = {}
    for name, setup in setups.items():
        selections[name] = run_selection(setup)
        print_selection(name, setup, selections[name])
    if args.fixture:
        run_fixture(setups, selections, args.fixture)
    report = {}
    if args.repeat > 0:
        report["timing"] = run_benchmark(setups["guide"], args.repeat)
        t = report["timing"]
        print(f"guide brute force: {t['combinations']} combinations, median "
              f"{t['medianSeconds']['bruteForce']:.3f} s over {t['repeat']} runs "
              f"({t['microsecondsPerCombination']:.2f} us per combination); selection of all "
              f"budgets {t['medianSeconds']['selectAllBudgets']:.3f} s")
    if args.paper_stopping:
        report["paperStopping"] = compare_stopping(setups, selections, args.panel, args.downstream)
    if args.json and report:
        write_json(args.json, report)


if __name__ == "__main__":
    main()
