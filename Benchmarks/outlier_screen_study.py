#!/usr/bin/env python3
"""The evidence behind `select`'s outlier-screen default (README, "From a leaderboard export").

On the Open LLM Leaderboard v1 export (read with the README's options), each of its six
benchmarks in turn is the target and the other five are the capabilities. For each budget, the
default selection (D-optimality with an intercept, single models, cost = parameters) is made with
the screen's outliers listed only (the default) and with `--exclude-outliers`; a law is fitted on
the chosen models (`fit --holdout` of every other model, the recommended law) and scored on every
pool model not chosen — all of them, those the screen lists, and the rest. Printed as a markdown
table with, per setting, the models chosen, how many of them the screen lists, and the test MSEs.

    python3 Benchmarks/outlier_screen_study.py [--obsscale .build/release/obsscale] [--export FILE]

The export is read from --export, else $OBSSCALE_LEADERBOARD_DIR/open_llm_leaderboard_v1.csv, else
the `oll` folder beside $OBSSCALE_DATA_DIR.
"""
import argparse
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPTIONS = ["--family-from", "org", "--exclude-column-false", "Flagged", "--duplicates", "first", "--score-scale", "percent"]
BENCHMARKS = ["ARC", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande", "GSM8K"]
BUDGETS = ["1%", "5%"]


def default_export():
    folder = os.environ.get("OBSSCALE_LEADERBOARD_DIR")
    if not folder:
        data = os.environ.get("OBSSCALE_DATA_DIR", os.path.join(ROOT, "data", "obsscaling"))
        folder = os.path.join(os.path.dirname(os.path.abspath(data)), "oll")
    return os.path.join(folder, "open_llm_leaderboard_v1.csv")


def run(binary, arguments):
    subprocess.run([binary] + arguments, check=True, stdout=subprocess.DEVNULL)


def mse(pairs):
    return sum((o - p) ** 2 for o, p in pairs) / len(pairs) if pairs else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--obsscale", default=os.path.join(ROOT, ".build", "release", "obsscale"))
    parser.add_argument("--export", default=default_export())
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="outlier-study-")
    print("| target | budget | screen | models chosen | of them listed | test MSE (all) | listed | not listed |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    totals = {}
    capabilities = os.path.join(work, "pca.json")
    run(args.obsscale, ["pca", "--panel", args.export, *OPTIONS, "--json", capabilities, "--quiet"])
    with open(capabilities) as f:
        everyone = set(json.load(f)["result"]["models"])
    for target in BENCHMARKS:
        others = ",".join(b for b in BENCHMARKS if b != target)
        for budget in BUDGETS:
            listed = None
            for label, extra in [("listed only (default)", []), ("--exclude-outliers", ["--exclude-outliers"])]:
                selection = os.path.join(work, "select.json")
                run(args.obsscale, ["select", "--panel", args.export, *OPTIONS, "--benchmarks", others, "--cost", "params",
                                    "--budget", budget, "--json", selection, "--quiet", *extra])
                with open(selection) as f:
                    result = json.load(f)["result"]
                chosen = set(result["results"][0]["models"])
                if listed is None:
                    listed = {o["model"] for o in result["outliers"]["outliers"]}
                pool = set(result["pool"]) | (listed if extra else set())
                # Every other model is held out (also those outside the pool, without a size):
                # the law is fitted on the chosen models alone.
                holdout = os.path.join(work, "holdout.txt")
                with open(holdout, "w") as f:
                    f.write("\n".join(sorted(everyone - chosen)) + "\n")
                fit = os.path.join(work, "fit.json")
                run(args.obsscale, ["fit", "--panel", args.export, *OPTIONS, "--benchmarks", others, "--target", target,
                                    "--holdout", "@" + holdout, "--json", fit, "--quiet"])
                with open(fit) as f:
                    predictions = json.load(f)["result"]["predictions"]
                test = [p for p in predictions if p["role"] == "test" and p["model"] in pool - chosen]
                pairs = lambda rows: [(p["observed"], p["predicted"]) for p in rows]
                row = (mse(pairs(test)), mse(pairs([p for p in test if p["model"] in listed])),
                       mse(pairs([p for p in test if p["model"] not in listed])))
                totals.setdefault(label, []).append(row)
                print(f"| {target} | {budget} | {label} | {len(chosen)} | {len(chosen & listed)} | "
                      + " | ".join(f"{v:.4f}" for v in row) + " |")
    for label, rows in totals.items():
        means = [sum(r[i] for r in rows) / len(rows) for i in range(3)]
        print(f"| mean | | {label} | | | " + " | ".join(f"{v:.4f}" for v in means) + " |")


if __name__ == "__main__":
    main()
