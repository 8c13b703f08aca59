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
  ones -- 14B to 141B -- are the test set, a quarter of the world, as the paper's cutoff holds out
  the models above Llama-2-7B's compute). The headline also splits it by release date (train up
  to 2024-04-30, test the 100 later models: the next period's models).

Four parts:

1. **The headline** per world: obsscale's defaults (no selection or estimator flag), the paper's
   pipeline (V-optimal whole families without an intercept, imputation and PCA on each subset, no
   prior), cheapest-first and random subsets (5 draws) at the same cost.
2. **The grid**: selection criterion x unit (single models, whole families) x estimator (where the
   imputation and PCA are fitted, the public prior, the law's number of components K) x anchor
   (`--anchor compute-extremes`), with `--random 0` (the baselines are in part 1).
3. **The choice**: every grid cell ranked by its worse world -- for each budget the larger of the
   two worlds' median ratios (and geometric means), averaged over the budgets. A default must hold
   on both worlds, not on the one it was tuned on.
4. **Time** (with the headline): a default `select` on the leaderboard v2 export's ~2,000 models of
   at most 10B (near-duplicate fine-tunes), one process per budget.

Every choice uses only the training side: no test value reaches a selection or a fit.

    python3 Benchmarks/validation_study.py [--obsscale .build/release/obsscale] [--data DIR] [--oll DIR]
        [--json OUT] [--only headline|grid] [--jobs N]

The paper's panel is read from --data, else $OBSSCALE_DATA_DIR, else data/obsscaling/ (obsscale data
fetch); the leaderboard exports (the Open LLM Leaderboard v1 and v2 exports and their merge
v1_v2_merged.csv) from --oll, else $OBSSCALE_OLL_DIR, else data/oll/.
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
# `--bootstrap 0`: the study compares point predictions (test MSE); the score intervals validate
# measures by default (100 bootstrap replicates per fit) would multiply its time by about 5.
COMMON = ["--cost", "params", "--budget", ",".join(BUDGETS), "--loss", "huber", "--seed", "0", "--bootstrap", "0", "--quiet"]

CRITERIA = {
    "D + intercept": ["--criterion", "d", "--intercept"],
    "V (pool)": ["--criterion", "v", "--no-intercept"],
    "V (pool) + intercept": ["--criterion", "v", "--intercept"],
    "V (test models)": ["--criterion", "v", "--no-intercept", "--targets", "test"],
    "V (test models) + intercept": ["--criterion", "v", "--intercept", "--targets", "test"],
    "A": ["--criterion", "a", "--no-intercept"],
}
ESTIMATORS = {
    "paper fit": ["--pca-on", "train", "--prior", "none", "--components", "3"],
    "PCA on pool": ["--pca-on", "pool", "--prior", "none", "--components", "3"],
    "PCA on pool + prior": ["--pca-on", "pool", "--prior", "public", "--components", "3"],
    "PCA on pool + prior, K = 1": ["--pca-on", "pool", "--prior", "public", "--components", "1", "--select-components", "3"],
    "PCA on pool + prior, auto K": ["--pca-on", "pool", "--prior", "public", "--components", "auto"],
    "PCA on pool + prior, average K": ["--pca-on", "pool", "--prior", "public", "--components", "average"],
    "PCA on pool + prior, average K, equal weights": ["--pca-on", "pool", "--prior", "public", "--components", "average",
                                                      "--average-weights", "equal"],
    "PCA on pool + prior, average K, stacking": ["--pca-on", "pool", "--prior", "public", "--components", "average",
                                                 "--average-weights", "stacking"],
}
# `--anchor compute-extremes` is tried on the cells that matter (the default criterion and the
# strongest alternatives, with the two prior estimators), not on the whole grid.
ANCHORED = [(criterion, estimator) for criterion in ["D + intercept", "V (pool) + intercept", "V (test models)", "V (test models) + intercept"]
            for estimator in ["PCA on pool + prior", "PCA on pool + prior, average K", "PCA on pool + prior, average K, equal weights",
                              "PCA on pool + prior, average K, stacking"]]
UNITS = "auto:model,auto:family"
# The law whose all-models fit is every ratio's common reference (the default before the study).
REFERENCE_NAME = "K = 3 law (the previous default)"
REFERENCE = REFERENCE_NAME
# Complete pipelines: obsscale's defaults (no selection or estimator flag at all: what `select`
# + `fit` give a user) and the paper's (V-optimal whole families, no intercept, imputation and PCA
# on each subset, no prior; `auto` is the exhaustive search wherever it is feasible).
PIPELINES = {
    "obsscale defaults": [],
    REFERENCE_NAME: ["--components", "3", "--prior", "public", "--pca-on", "pool"],
    "the paper's pipeline": ["--method", "auto:family", "--criterion", "v", "--no-intercept", "--anchor", "none",
                             "--pca-on", "train", "--prior", "none", "--components", "3"],
}


def worlds(args, scratch):
    panel = os.path.join(args.data, "base_llm_benchmark_eval.csv")
    public = ["--panel", panel, "--preset", "paper-2024", "--cutoff-flops", "84",
              "--benchmarks", "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval", "--target", "all"]
    v1v2_panel, v1v2_targets, names, notes = leaderboard_worlds.build_v1v2(args.oll, os.path.join(scratch, "v1v2"))
    v1v2 = ["--panel", v1v2_panel, "--downstream", v1v2_targets, "--date-column", "Release Date", "--target", "all"]
    print(f"v1->v2 world: {notes}", file=sys.stderr)
    return {"public metrics": public, "v1->v2": v1v2 + ["--cutoff-size", "13"], "v1->v2 by date": v1v2 + ["--cutoff-date", "2024-04-30"]}


# The time split (train on the models released up to 2024-04-30, test on the 100 later ones) is
# reported beside the two worlds, not used to choose: the defaults are chosen on extrapolation to
# larger models, which both worlds test.
HEADLINE_ONLY = {"v1->v2 by date"}


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
    """(selector, budget) -> {median, geo, p90, …, perTarget}: the summary over all targets, and each target's test MSE."""
    table = {}
    budgets = result["settings"]["budgets"]
    for entry in result["summary"]:
        if entry.get("group") is not None:
            continue
        table[(entry["selector"], entry["budget"])] = {"median": num(entry["medianRatio"]), "geo": num(entry["geometricMeanRatio"]),
                                                       "p90": num(entry["p90Ratio"]), "within": num(entry["shareWithin1_2"]),
                                                       "toRandom": num(entry["medianRatioToRandom"]), "targets": entry["targets"],
                                                       "failed": entry["failures"]}
    # Every subset fit's test MSE per target (and the all-models fit's), for ratios against a
    # common reference: an estimator that fits all models worse must not look better for it.
    def mse(score):
        value = num(score["testMSE"])
        return value if score.get("failure") is None and value > 0 else None
    labels = result["budgetLabels"]
    for s, selector in enumerate(result["selectors"]):
        for b, label in enumerate(labels):
            table.setdefault((selector, label), {})["perTarget"] = {
                t["name"]: mse(t["budgets"][b]["selectors"][s]) for t in result["targets"]}
    for b, label in enumerate(labels):
        table.setdefault((result["cheapest"], label), {})["perTarget"] = {
            t["name"]: mse(t["budgets"][b]["cheapest"]) for t in result["targets"] if t["budgets"][b].get("cheapest")}
        if result.get("randomBaseline"):
            table.setdefault((result["randomBaseline"], label), {})["perTarget"] = {
                t["name"]: (num(t["budgets"][b]["random"]["meanTestMSE"]) if t["budgets"][b].get("random") else None)
                for t in result["targets"]}
    table[("all models", "")] = {"perTarget": {t["name"]: mse(t["allModels"]) for t in result["targets"]}}
    del budgets
    return table


def against(per_target, reference):
    """Median and geometric mean over the targets of MSE / the reference all-models fit's MSE."""
    ratios = sorted(value / reference[name] for name, value in per_target.items()
                    if value is not None and reference.get(name))
    if not ratios:
        return float("nan"), float("nan")
    middle = len(ratios) // 2
    median = ratios[middle] if len(ratios) % 2 else 0.5 * (ratios[middle - 1] + ratios[middle])
    return median, math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def fmt(value, digits=2):
    return "—" if value is None or value != value else f"{value:.{digits}f}"


def select_timing(args, scratch):
    """`select` with its defaults on the leaderboard v2 export's ~2,000 models of at most 10B
    (near-duplicate fine-tunes: many ties), one process per budget: wall time and certified gap —
    without models to predict (the pool file alone: D-optimality with an intercept) and with them
    (every model in the file, `--max-size 10`: V-optimality for the larger ones, anchored)."""
    panel, notes = leaderboard_worlds.build_pool(args.oll, os.path.join(scratch, "pool"), 10.0)
    everything, _ = leaderboard_worlds.build_pool(args.oll, os.path.join(scratch, "all"), float("inf"))
    benchmarks = "IFEval,BBH,MATH Lvl 5,GPQA,MUSR,MMLU-PRO"
    print(f"## Time: default `select` on a large pool ({notes})\n")
    print("| design | budget | models chosen | certified gap | whole process |")
    print("|---|---|---:|---:|---:|")
    commands = []
    for design, flags in [("D + intercept (no models to predict)", ["--panel", panel]),
                          ("V for the larger models, anchored (`--max-size 10`)", ["--panel", everything, "--max-size", "10"])]:
        for budget in BUDGETS:
            path = os.path.join(scratch, "select.json")
            command = [args.obsscale, "select"] + flags + ["--benchmarks", benchmarks, "--cost", "params", "--budget", budget,
                                                           "--quiet", "--json", path]
            started = time.time()
            subprocess.run(command, check=True)
            seconds = time.time() - started
            with open(path) as handle:
                result = json.load(handle)["result"]["results"][0]
            print(f"| {design} | {budget} | {len(result['models'])} | {100 * num(result.get('gap', float('nan'))):.3f}% | {seconds:.2f} s |")
        commands.append(command)
    print()
    for command in commands:
        print("    obsscale " + " ".join(command[1:-2]).replace(scratch, "WORLD"))
    print()


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
    for world in world_flags:
        for name, flags in PIPELINES.items():
            if args.only != "grid" or name == REFERENCE_NAME:
                runs.append((world, "headline", name, flags, 0 if name == REFERENCE_NAME else 5))
    if args.only != "headline":
        criteria = args.criteria.split(";") if args.criteria else list(CRITERIA)
        estimators = args.estimators.split(";") if args.estimators else list(ESTIMATORS)
        cells = [(c, e, False) for c in criteria for e in estimators]
        cells += [(c, e, True) for c, e in ANCHORED if c in criteria and e in estimators]
        for world in [w for w in world_flags if w not in HEADLINE_ONLY]:
            for criterion, estimator, anchored in cells:
                name = f"{criterion} | {estimator}" + (" | anchored" if anchored else "")
                runs.append((world, "grid", name, ["--method", UNITS] + CRITERIA[criterion] + ESTIMATORS[estimator]
                             + ["--anchor", "compute-extremes" if anchored else "none"], 0))

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

    grid_worlds = [w for w in world_flags if w not in HEADLINE_ONLY]
    # The common reference: every pool model fitted with the previous default law (K = 3, PCA on
    # the pool, public prior); ratios to it compare estimators fairly (`against`).
    reference = {}
    for world in world_flags:
        record = find(world, REFERENCE, "all models", "")
        reference[world] = record["perTarget"] if record else {}

    def cell(world, config, selector, budget):
        record = find(world, config, selector, budget)
        if not record:
            return "—", None
        median, geo = against(record["perTarget"], reference[world])
        return f"{fmt(record.get('median'))} / {fmt(record.get('geo'))} [{fmt(median)} / {fmt(geo)}]", (median, geo, record)

    if args.only != "grid":
        print("## Headline\n")
        print("Each cell: median / geometric mean over the targets of the ratio of a subset fit's test MSE to the all-models")
        print("fit's of the same estimator (what `validate` reports), and in brackets to the all-models fit of one common")
        print("law (K = 3, PCA on the pool, public prior: the default before this study) -- which an estimator cannot improve by fitting")
        print("all models worse.\n")
        for world in world_flags:
            defaults = next(o for o in outcomes if o[0] == world and o[2] == "obsscale defaults")
            paper = next(o for o in outcomes if o[0] == world and o[2] == "the paper's pipeline")
            print(f"**{world}** ({defaults[7]} targets, {defaults[8]} dropped as degenerate)\n")
            print("| budget | obsscale defaults | the paper's pipeline | cheapest first, same cost | random subsets, same cost |")
            print("|---|---|---|---|---|")
            for budget in BUDGETS:
                cells = [cell(world, config, selector, budget)[0] for config, selector in [
                    ("obsscale defaults", defaults[4][0]), ("the paper's pipeline", paper[4][0]),
                    ("obsscale defaults", defaults[6]), ("obsscale defaults", defaults[5])]]
                print(f"| {budget} | " + " | ".join(cells) + " |")
            all_models = find(world, "obsscale defaults", "all models", "")
            if all_models and reference[world]:
                median, geo = against(all_models["perTarget"], reference[world])
                print(f"\nThe defaults' all-models fit against the common reference: median {fmt(median)}, geometric mean {fmt(geo)}.")
            print("\n    obsscale " + " ".join(defaults[10][1:]).replace(scratch, "WORLD") + "\n")

    if args.only != "headline":
        print("## Grid\n")
        print("| criterion \\| estimator \\| anchor | unit | " + " | ".join(f"{w} {b}" for w in grid_worlds for b in BUDGETS) + " |")
        print("|---|---|" + "---|" * (len(grid_worlds) * len(BUDGETS)))
        configs = list(dict.fromkeys(o[2] for o in outcomes if o[1] == "grid"))
        scores = []
        for config in configs:
            for selector in UNITS.split(","):
                row = [config, selector.split(":")[1]]
                values = {}
                for world in grid_worlds:
                    for budget in BUDGETS:
                        text, value = cell(world, config, selector, budget)
                        row.append(text)
                        values[(world, budget)] = value
                print("| " + " | ".join(row) + " |")
                if all(values.values()):
                    worst = [max(values[(w, b)][0] for w in grid_worlds) for b in BUDGETS]
                    worst_geo = [max(values[(w, b)][1] for w in grid_worlds) for b in BUDGETS]
                    native = [max(values[(w, b)][2]["median"] for w in grid_worlds) for b in BUDGETS]
                    scores.append((sum(worst) / len(worst), sum(worst_geo) / len(worst_geo), config, selector, worst, worst_geo, native))
        print("\n## Ranking by the worse world\n")
        print("Per budget the larger of the two worlds' median ratios to the common reference, then their mean over the")
        print("budgets (geometric means beside; the native median, against each estimator's own all-models fit, last).\n")
        print("| rank | criterion \\| estimator \\| anchor | unit | worse-world median 5/10/20% | mean | worse-world geo. mean 5/10/20% | mean | native worse-world median |")
        print("|---:|---|---|---|---:|---|---:|---|")
        for rank, (score, geo, config, selector, medians, geos, native) in enumerate(sorted(scores, key=lambda s: (s[0], s[1])), 1):
            print(f"| {rank} | {config} | {selector.split(':')[1]} | {' / '.join(fmt(m) for m in medians)} | {fmt(score)} | "
                  f"{' / '.join(fmt(g) for g in geos)} | {fmt(geo)} | {' / '.join(fmt(m) for m in native)} |")
    if args.only != "grid":
        select_timing(args, scratch)
    print(f"\n{len(runs)} runs of obsscale validate, {total:.0f} s of runs, {time.time() - started:.0f} s in all.")


if __name__ == "__main__":
    main()
