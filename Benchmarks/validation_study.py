#!/usr/bin/env python3
"""The evidence behind obsscale's selection and fitting defaults ("How good is a subset?"), on two worlds.

Runs `obsscale validate` on two validation worlds and prints markdown tables of the ratio of each
subset fit's test MSE to the all-models fit's (median / geometric mean over the targets) at budgets
of 5%, 10% and 20% of the pool's parameters:

- **public metrics**: the paper's panel (paper-2024 preset) with every public accuracy/exact-match
  metric as a target, split at 84 x 1E21 FLOPs (Llama-2-7B's compute), the 7 non-GSM8K benchmarks as
  capabilities;
- **v1->v2**: the 382 Open LLM Leaderboard models with both generations (Benchmarks/leaderboard_worlds.py
  builds it in a temporary folder from the MIT-licensed exports), the six v1 benchmarks as
  capabilities, the six v2 scores as targets, split by size at 13B parameters (the largest
  conventional "small" class, Llama-2-13B: the pool is the 287 models of at most 13B, the 95 larger
  ones -- 14B to 141B -- are the test set, 25% of the world, as the paper's cutoff holds out the
  models above Llama-2-7B's compute).

Three parts:

1. **The headline** per world: obsscale's defaults (no selection or estimator flag), the paper's
   pipeline (V-optimal whole families without an intercept, imputation and PCA on each subset, no
   prior), cheapest-first and random subsets (5 draws) at the same cost.
2. **The grid**: selection criterion x unit (single models, whole families) x estimator (where the
   imputation and PCA are fitted, the public prior, the law's number of components K) x anchor
   (`--anchor compute-extremes`), with `--random 0` (the baselines are in part 1).
3. **The choice**: every grid cell ranked by its worse world -- for each budget the larger of the
   two worlds' median ratios (and geometric means), averaged over the budgets. A default must hold
   on both worlds, not on the one it was tuned on.

Every choice uses only the training side: no test value reaches a selection or a fit.

    python3 Benchmarks/validation_study.py [--obsscale .build/release/obsscale] [--data DIR] [--oll DIR]
        [--json OUT] [--only headline|grid] [--jobs N]

The paper's panel is read from --data, else $OBSSCALE_DATA_DIR, else data/obsscaling/ (obsscale data
fetch); the leaderboard exports from --oll, else $OBSSCALE_OLL_DIR, else ../shared/data/oll.
"""
import argparse
import concurrent.futures
import json
import math
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import leaderboard_worlds  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUDGETS = ["5%", "10%", "20%"]
COMMON = ["--cost", "params", "--budget", ",".join(BUDGETS), "--loss", "huber", "--seed", "0", "--quiet"]

CRITERIA = {
    "D + intercept": ["--criterion", "d", "--intercept"],
    "V (pool)": ["--criterion", "v", "--no-intercept"],
    "V (pool) + intercept": ["--criterion", "v", "--intercept"],
    "V (test models)": ["--criterion", "v", "--no-intercept", "--targets", "test"],
    "A": ["--criterion", "a", "--no-intercept"],
}
ESTIMATORS = {
    "paper fit": ["--pca-on", "train", "--prior", "none", "--components", "3"],
    "PCA on pool": ["--pca-on", "pool", "--prior", "none", "--components", "3"],
    "PCA on pool + prior": ["--pca-on", "pool", "--prior", "public", "--components", "3"],
    "PCA on pool + prior, K = 2": ["--pca-on", "pool", "--prior", "public", "--components", "2"],
    "PCA on pool + prior, K = 1": ["--pca-on", "pool", "--prior", "public", "--components", "1"],
    "PCA on pool + prior, auto K": ["--pca-on", "pool", "--prior", "public", "--components", "auto"],
}
ANCHORS = {"": [], "anchored": ["--anchor", "compute-extremes"]}
UNITS = "auto:model,auto:family"
# Two complete pipelines: obsscale's defaults (no selection or estimator flag at all: what `select`
# + `fit` give a user) and the paper's (V-optimal whole families, no intercept, imputation and PCA
# on each subset, no prior; `auto` is the exhaustive search wherever it is feasible).
PIPELINES = {
    "obsscale defaults": [],
    "the paper's pipeline": ["--method", "auto:family", "--criterion", "v", "--no-intercept", "--anchor", "none",
                             "--pca-on", "train", "--prior", "none", "--components", "3"],
}


def worlds(args, scratch):
    panel = os.path.join(args.data, "base_llm_benchmark_eval.csv")
    public = ["--panel", panel, "--preset", "paper-2024", "--cutoff-flops", "84",
              "--benchmarks", "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval", "--target", "all"]
    v1v2_panel, v1v2_targets, names, notes = leaderboard_worlds.build_v1v2(args.oll, os.path.join(scratch, "v1v2"))
    v1v2 = ["--panel", v1v2_panel, "--downstream", v1v2_targets, "--cutoff-size", "13", "--target", "all"]
    print(f"v1->v2 world: {notes}", file=sys.stderr)
    return {"public metrics": public, "v1->v2": v1v2}


def run(binary, world_flags, flags, random_count):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        path = handle.name
    command = [binary, "validate"] + world_flags + COMMON + ["--random", str(random_count), "--json", path] + flags
    started = time.time()
    subprocess.run(command, check=True)
    seconds = time.time() - started
    with open(path) as handle:
        result = json.load(handle)["result"]
    os.unlink(path)
    return result, seconds, command


def num(value):
    """A JSON number; obsscale writes non-finite ones as "NaN", "Infinity", "-Infinity"."""
    return float(value) if isinstance(value, str) else value


def entries(result):
    """(selector, budget) -> {median, geo, p90, abs} over all targets; abs = geometric mean of the absolute test MSE."""
    table = {}
    budgets = result["settings"]["budgets"]
    for entry in result["summary"]:
        if entry.get("group") is not None:
            continue
        table[(entry["selector"], entry["budget"])] = {"median": num(entry["medianRatio"]), "geo": num(entry["geometricMeanRatio"]),
                                                       "p90": num(entry["p90Ratio"]), "within": num(entry["shareWithin1_2"]),
                                                       "toRandom": num(entry["medianRatioToRandom"]), "targets": entry["targets"],
                                                       "failed": entry["failures"]}
    # Absolute test MSEs: geometric mean over the targets with a fit of every selector.
    selectors = result["selectors"]
    labels = result["budgetLabels"]
    for s, selector in enumerate(selectors):
        for b, label in enumerate(labels):
            logs = [math.log(num(t["budgets"][b]["selectors"][s]["testMSE"])) for t in result["targets"]
                    if t["budgets"][b]["selectors"][s].get("failure") is None and num(t["budgets"][b]["selectors"][s]["testMSE"]) > 0]
            table.setdefault((selector, label), {})["abs"] = math.exp(sum(logs) / len(logs)) if logs else float("nan")
    alls = [math.log(num(t["allModels"]["testMSE"])) for t in result["targets"] if t["allModels"].get("failure") is None]
    table[("all models", "")] = {"abs": math.exp(sum(alls) / len(alls)) if alls else float("nan")}
    del budgets
    return table


def fmt(value, digits=2):
    return "—" if value is None or value != value else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--obsscale", default=os.path.join(ROOT, ".build/release/obsscale"))
    parser.add_argument("--data", default=os.environ.get("OBSSCALE_DATA_DIR") or os.path.join(ROOT, "data", "obsscaling"))
    parser.add_argument("--oll", default=leaderboard_worlds.default_oll_dir())
    parser.add_argument("--json", help="write every run's summary here")
    parser.add_argument("--only", choices=["headline", "grid"])
    parser.add_argument("--jobs", type=int, default=1, help="validate runs at once (each uses every core by itself)")
    parser.add_argument("--criteria", help="semicolon-separated subset of the grid's criteria")
    parser.add_argument("--estimators", help="semicolon-separated subset of the grid's estimators")
    parser.add_argument("--worlds", help="comma-separated subset of the worlds (exploration; the choice needs both)")
    args = parser.parse_args()
    started = time.time()
    scratch = tempfile.mkdtemp(prefix="obsscale-study-")
    world_flags = worlds(args, scratch)
    if args.worlds:
        world_flags = {name: flags for name, flags in world_flags.items() if name in args.worlds.split(",")}

    runs = []  # (world, part, name, flags, random)
    if args.only != "grid":
        for world in world_flags:
            for name, flags in PIPELINES.items():
                runs.append((world, "headline", name, flags, 5))
    if args.only != "headline":
        criteria = args.criteria.split(";") if args.criteria else list(CRITERIA)
        estimators = args.estimators.split(";") if args.estimators else list(ESTIMATORS)
        for world in world_flags:
            for criterion in criteria:
                for estimator in estimators:
                    for anchor, anchor_flags in ANCHORS.items():
                        name = f"{criterion} | {estimator}" + (f" | {anchor}" if anchor else "")
                        runs.append((world, "grid", name, ["--method", UNITS] + CRITERIA[criterion] + ESTIMATORS[estimator]
                                     + ["--anchor", "compute-extremes" if anchor else "none"], 0))

    def execute(item):
        world, part, name, flags, random_count = item
        result, seconds, command = run(args.obsscale, world_flags[world], flags, random_count)
        print(f"  {world:15s} {name:60s} {seconds:5.1f} s", file=sys.stderr)
        return world, part, name, entries(result), result["selectors"], result.get("randomBaseline"), result["cheapest"], \
            len(result["targets"]), len(result["droppedTargets"]), seconds, command

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(execute, runs))
    total = sum(outcome[9] for outcome in outcomes)

    records = []
    for world, part, name, table, selectors, random_name, cheapest_name, kept, dropped, seconds, command in outcomes:
        for (selector, budget), values in table.items():
            records.append({"world": world, "part": part, "config": name, "selector": selector, "budget": budget, **values,
                            "targets": kept, "dropped": dropped, "seconds": seconds,
                            "command": " ".join(command[1:])})

    if args.json:
        with open(args.json, "w") as handle:
            json.dump(records, handle, indent=1)

    def find(world, config, selector, budget):
        for record in records:
            if record["world"] == world and record["config"] == config and record["selector"] == selector and record["budget"] == budget:
                return record
        return None

    if args.only != "grid":
        print("## Headline: median / geometric mean of the ratio to the all-models fit\n")
        for world in world_flags:
            defaults = next(o for o in outcomes if o[0] == world and o[2] == "obsscale defaults")
            paper = next(o for o in outcomes if o[0] == world and o[2] == "the paper's pipeline")
            print(f"**{world}** ({defaults[7]} targets, {defaults[8]} dropped as degenerate)\n")
            print("| budget | obsscale defaults | the paper's pipeline | cheapest first, same cost | random subsets, same cost |")
            print("|---|---|---|---|---|")
            for budget in BUDGETS:
                cells = []
                for config, selector in [("obsscale defaults", defaults[4][0]), ("the paper's pipeline", paper[4][0]),
                                         ("obsscale defaults", defaults[6]), ("obsscale defaults", defaults[5])]:
                    record = find(world, config, selector, budget)
                    cells.append(f"{fmt(record['median'])} / {fmt(record['geo'])}" if record else "—")
                print(f"| {budget} | " + " | ".join(cells) + " |")
            print()
            print("    obsscale " + defaults[10][1:][0] + " " + " ".join(defaults[10][2:]).replace(scratch, "WORLD"))
            print()

    if args.only != "headline":
        print("## Grid: median / geometric mean of the ratio (absolute test MSE, geometric mean)\n")
        configs = sorted({o[2] for o in outcomes if o[1] == "grid"}, key=lambda c: list(o[2] for o in outcomes).index(c))
        scores = []
        for config in configs:
            for selector in UNITS.split(","):
                row = [config.replace(" | ", " | ", 2), selector.split(":")[1]]
                worst_median, worst_geo = [], []
                for world in world_flags:
                    for budget in BUDGETS:
                        record = find(world, config, selector, budget)
                        row.append(f"{fmt(record['median'])} / {fmt(record['geo'])} ({fmt(record['abs'], 4)})" if record else "—")
                for budget in BUDGETS:
                    medians = [find(w, config, selector, budget) for w in world_flags]
                    if all(medians):
                        worst_median.append(max(r["median"] for r in medians))
                        worst_geo.append(max(r["geo"] for r in medians))
                score = sum(worst_median) / len(worst_median) if worst_median else float("nan")
                scores.append((score, sum(worst_geo) / len(worst_geo) if worst_geo else float("nan"), config, selector, worst_median, worst_geo))
                print("| " + " | ".join(row) + " |")
        header = "| criterion \\| estimator \\| anchor | unit | " + " | ".join(
            f"{w} {b}" for w in world_flags for b in BUDGETS) + " |"
        print("\n(columns: " + header + ")\n")
        print("## Ranking by the worse world (mean over budgets of the larger median ratio; geometric means beside)\n")
        print("| rank | criterion \\| estimator \\| anchor | unit | worse-world median 5/10/20% | mean | worse-world geo. mean 5/10/20% | mean |")
        print("|---:|---|---|---|---:|---|---:|")
        for rank, (score, geo, config, selector, medians, geos) in enumerate(sorted(scores, key=lambda s: (s[0], s[1])), 1):
            print(f"| {rank} | {config} | {selector.split(':')[1]} | {' / '.join(fmt(m) for m in medians)} | {fmt(score)} | "
                  f"{' / '.join(fmt(g) for g in geos)} | {fmt(geo)} |")
    print(f"\n{len(runs)} runs of obsscale validate, {total:.0f} s of runs, {time.time() - started:.0f} s in all.")


if __name__ == "__main__":
    main()
