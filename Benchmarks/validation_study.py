#!/usr/bin/env python3
"""The evidence behind obsscale's selection and fitting defaults ("How good is a subset?").

Runs `obsscale validate --target all` on the public files for obsscale's defaults, the paper's
pipeline, and every combination of selection criterion x estimator x budget and prints a markdown table of the ratio of each subset fit's test
MSE to the all-models fit's (median, geometric mean, 90th percentile, share within 1.2x), of the
median ratio to random subsets at the same cost, and the geometric means of the absolute test MSEs
of the subset fits and of the all-models fit. Compare estimators by the absolute columns too: an
estimator that makes the all-models fit worse (e.g. `--components auto`) lowers every ratio
without predicting any better. Two budget families:

- cost = parameters, budgets 5%, 10%, 20% of the pool's parameters, single models as units;
- cost = models (the paper's Section 5 setup: budgets 8-36 models, at most 10 families, the
  selection PCA on all 8 benchmarks with incomplete models dropped).

Setup throughout: the paper-2024 preset, split at 84 x 1E21 FLOPs, the 7 non-GSM8K benchmarks as
capabilities, Huber loss (delta = 1), 5 random subsets per budget, seed 0.

    python3 Benchmarks/validation_study.py [--obsscale .build/release/obsscale] [--data DIR] [--json OUT]

The panel is read from $OBSSCALE_DATA_DIR, else data/obsscaling/ (obsscale data fetch).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval"
ALL_BENCHMARKS = "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,GSM8K,XWinograd,HumanEval"

CRITERIA = {
    "V (pool)": ["--criterion", "v"],
    "V (test models)": ["--criterion", "v", "--targets", "test"],
    "D + intercept": ["--criterion", "d", "--intercept"],
    "A": ["--criterion", "a"],
}
ESTIMATORS = {
    "paper fit": ["--pca-on", "train", "--prior", "none", "--components", "3"],
    "PCA on pool": ["--pca-on", "pool", "--prior", "none", "--components", "3"],
    "prior": ["--pca-on", "train", "--prior", "public", "--components", "3"],
    "PCA on pool + prior": ["--pca-on", "pool", "--prior", "public", "--components", "3"],
    "PCA on pool + prior + auto K": ["--pca-on", "pool", "--prior", "public", "--components", "auto"],
}
SETUPS = {
    "parameters": ["--cost", "params", "--budget", "5%,10%,20%", "--method", "auto:model"],
    "models (paper)": ["--cost", "count", "--budget", "8,12,16,24,36", "--method", "auto:model",
                       "--select-benchmarks", ALL_BENCHMARKS, "--drop-incomplete", "--max-families", "10"],
}
# Two complete pipelines beside the grid: obsscale's defaults (no selection or estimator flag at
# all: what `select` + `fit` give a user) and the paper's (V-optimal whole families found
# exhaustively, no intercept, imputation and PCA on each subset, no prior).
PIPELINES = {
    "obsscale defaults": [],
    "the paper's pipeline": ["--method", "exhaustive:family", "--criterion", "v", "--no-intercept", "--pca-on", "train",
                             "--prior", "none", "--components", "3"],
}


def run(binary, panel, setup, flags):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        path = handle.name
    setup_flags = SETUPS[setup]
    if "--method" in flags:  # a pipeline with its own method
        at = setup_flags.index("--method")
        setup_flags = setup_flags[:at] + setup_flags[at + 2:]
    command = [binary, "validate", "--panel", panel, "--preset", "paper-2024", "--cutoff-flops", "84",
               "--benchmarks", BENCHMARKS, "--target", "all", "--loss", "huber", "--random", "5", "--seed", "0",
               "--quiet", "--json", path] + setup_flags + flags
    started = time.time()
    subprocess.run(command, check=True)
    seconds = time.time() - started
    with open(path) as handle:
        result = json.load(handle)["result"]
    os.unlink(path)
    return result, seconds, command


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--obsscale", default=os.path.join(ROOT, ".build/release/obsscale"))
    parser.add_argument("--data", default=os.environ.get("OBSSCALE_DATA_DIR")
                        or os.path.join(ROOT, "data", "obsscaling"))
    parser.add_argument("--json", help="write every summary entry here")
    args = parser.parse_args()
    panel = os.path.join(args.data, "base_llm_benchmark_eval.csv")
    rows, total = [], 0.0
    runs = [(setup, name, "", flags) for setup in SETUPS for name, flags in PIPELINES.items()]
    runs += [(setup, criterion, estimator, CRITERIA[criterion] + ESTIMATORS[estimator])
             for setup in SETUPS for criterion in CRITERIA for estimator in ESTIMATORS]
    for setup, criterion, estimator, flags in runs:
        result, seconds, command = run(args.obsscale, panel, setup, flags)
        total += seconds
        means = {g["budget"]: g for g in result["geometricMeans"]}
        for entry in result["summary"]:
            if entry.get("group") is not None:
                continue
            mean = means.get(entry["budget"], {})
            is_selector = not entry["selector"].startswith(("random", "cheapest"))
            rows.append({"setup": setup, "criterion": criterion, "estimator": estimator, **entry,
                         "seconds": seconds, "targets": entry["targets"],
                         "dropped": len(result["droppedTargets"]),
                         "absoluteMSE": mean.get("testMSE", [float("nan")])[0] if is_selector else float("nan"),
                         "allModelsMSE": mean.get("allModelsTestMSE", float("nan"))})
        print(f"  {setup:14s} {criterion:20s} {estimator:30s} {seconds:5.1f} s", file=sys.stderr)
        if criterion == "obsscale defaults":
            print("  " + " ".join(command[1:]).replace(panel, "PANEL"), file=sys.stderr)
    print(f"| setup | criterion | estimator | budget | cost | median | geo. mean | p90 | within 1.2x | vs random (median) "
          f"| subset MSE (geo. mean) | all-models MSE (geo. mean) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if row["selector"].startswith("cheapest") and row["criterion"] != "obsscale defaults":
            continue
        name = row["criterion"]
        if row["selector"].startswith("random"):
            name = "random subsets, same cost"
        elif row["selector"].startswith("cheapest"):
            name = "cheapest first, same cost"
        # One random and one cheapest-first row per budget: those drawn in the defaults' run.
        if row["selector"].startswith("random") and row["criterion"] != "obsscale defaults":
            continue
        budget = row["budget"]
        print(f"| {row['setup']} | {name} | {row['estimator']} | {budget} | {row['cost']:.4g} | {row['medianRatio']:.3f} | "
              f"{row['geometricMeanRatio']:.3f} | {row['p90Ratio']:.2f} | {100 * row['shareWithin1_2']:.0f}% | "
              f"{row['medianRatioToRandom']:.2f} | {row['absoluteMSE']:.5f} | {row['allModelsMSE']:.5f} |")
    print(f"\n{len(rows)} summary rows from {len(runs)} runs of obsscale validate "
          f"in {total:.0f} s ({rows[0]['targets'] if rows else 0} targets, {rows[0]['dropped'] if rows else 0} degenerate ones dropped).")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
