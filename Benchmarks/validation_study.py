#!/usr/bin/env python3
"""The evidence behind obsscale's selection and fitting defaults ("How good is a subset?").

Runs `obsscale validate --target all` on the public files for every combination of selection
criterion x estimator x budget and prints a markdown table of the ratio of each subset fit's test
MSE to the all-models fit's (median, geometric mean, 90th percentile, share within 1.2x) and of the
median ratio to random subsets at the same cost. Two budget families:

- cost = parameters, budgets 5%, 10%, 20% of the pool's parameters, single models as units;
- cost = models (the paper's Section 5 setup: budgets 8-36 models, at most 10 families, the
  selection PCA on all 8 benchmarks with incomplete models dropped).

Setup throughout: the paper-2024 preset, split at 84 x 1E21 FLOPs, the 7 non-GSM8K benchmarks as
capabilities, Huber loss (delta = 1), 5 random subsets per budget, seed 0.

    python3 Benchmarks/validation_study.py [--obsscale .build/release/obsscale] [--data DIR] [--json OUT]

The panel is read from $OBSSCALE_DATA_DIR or ../shared/data/obsscaling beside the checkout.
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
    "parameters": ["--cost", "params", "--budget", "5%,10%,20%", "--method", "exchange:model"],
    "models (paper)": ["--cost", "count", "--budget", "8,12,16,24,36", "--method", "exchange:model",
                       "--select-benchmarks", ALL_BENCHMARKS, "--drop-incomplete", "--max-families", "10"],
}


def run(binary, panel, setup, criterion, estimator):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        path = handle.name
    command = [binary, "validate", "--panel", panel, "--preset", "paper-2024", "--cutoff-flops", "84",
               "--benchmarks", BENCHMARKS, "--target", "all", "--loss", "huber", "--random", "5", "--seed", "0",
               "--quiet", "--json", path] + SETUPS[setup] + CRITERIA[criterion] + ESTIMATORS[estimator]
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
                        or os.path.join(os.path.dirname(ROOT), "shared/data/obsscaling"))
    parser.add_argument("--json", help="write every summary entry here")
    args = parser.parse_args()
    panel = os.path.join(args.data, "base_llm_benchmark_eval.csv")
    rows, total = [], 0.0
    for setup in SETUPS:
        for criterion in CRITERIA:
            for estimator in ESTIMATORS:
                result, seconds, _ = run(args.obsscale, panel, setup, criterion, estimator)
                total += seconds
                for entry in result["summary"]:
                    if entry.get("group") is not None:
                        continue
                    rows.append({"setup": setup, "criterion": criterion, "estimator": estimator, **entry,
                                 "seconds": seconds, "targets": entry["targets"],
                                 "dropped": len(result["droppedTargets"])})
                print(f"  {setup:14s} {criterion:16s} {estimator:30s} {seconds:5.1f} s", file=sys.stderr)
    print(f"| setup | criterion | estimator | budget | cost | median | geo. mean | p90 | within 1.2x | vs random (median) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if row["selector"].startswith("cheapest"):
            continue
        name = row["criterion"] if not row["selector"].startswith("random") else "random subsets"
        if row["selector"].startswith("random") and not (row["criterion"] == "V (pool)"):
            continue
        budget = f"{row['budget']:.4g}"
        print(f"| {row['setup']} | {name} | {row['estimator']} | {budget} | {row['cost']:.4g} | {row['medianRatio']:.3f} | "
              f"{row['geometricMeanRatio']:.3f} | {row['p90Ratio']:.2f} | {100 * row['shareWithin1_2']:.0f}% | "
              f"{row['medianRatioToRandom']:.2f} |")
    print(f"\n{len(rows)} summary rows from {len(SETUPS) * len(CRITERIA) * len(ESTIMATORS)} runs of obsscale validate "
          f"in {total:.0f} s ({rows[0]['targets'] if rows else 0} targets, {rows[0]['dropped'] if rows else 0} degenerate ones dropped).")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
