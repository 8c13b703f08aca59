#!/usr/bin/env python3
"""Do obsscale's 95% score intervals contain the larger models' scores 95% of the time?

Runs `obsscale validate` (which refits each target's law on each subset, bootstraps it, and scores
its intervals on the test models above the cutoff) with the calibrated intervals (the default) and
the bootstrap's (`--interval bootstrap`), and prints the tables of README "Error bars you can
trust" and BENCHMARKS.md:

1. the public panel (paper-2024 preset, split at 84×1E21 FLOPs, every public accuracy metric as a
   target): the all-models fit (the full pool), `select`'s default subsets at 10% and 20% of the
   pool's parameters, and at the paper's count budgets of 8, 12, 16 and 24 models;
2. simulated worlds whose targets the law cannot describe (own numpy generator, below): an upper
   asymptote below 1 ("ceiling"), a floor above the law's 0.2 ("floor"), a sharp emergence, a
   capability the benchmarks barely measure ("unlike"), and one target the law does describe. Their
   public metrics are a realistic mix of the same kinds, or (adversarial) all the law's kind, so
   the calibration cannot learn the targets' misspecification from them.

    python3 Benchmarks/interval_study.py [--obsscale BIN] [--bootstrap 200] [--worlds 6] [--json out.json]

The panel is read from $OBSSCALE_DATA_DIR (else data/obsscaling/); simulated worlds are written to a
temporary folder. Coverage, width and interval score are pooled over every (target, test model).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"]
CHANCE = [0.25, 0.25, 0.25, 0.5, 0.25, 0.0, 0.5, 0.0]


def validate(binary, panel, extra, interval, bootstrap, downstream=None, targets=("all",)):
    command = [binary, "validate", "--panel", panel, "--bootstrap", str(bootstrap),
               "--interval", interval, "--quiet", "--json", "-"] + extra
    for target in targets:
        command += ["--target", target]
    if downstream:
        command += ["--downstream", downstream]
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)}\nfailed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout)["result"], time.time() - started, command


def rows(result, selector_prefix):
    """(fit, budget, intervals) of the all-models fit and the first selector at every budget."""
    out = [("all models", "—", result["allModelsIntervals"])]
    for entry in result["summary"]:
        if entry.get("group") is None and entry["selector"].startswith(selector_prefix) and "intervals" in entry:
            out.append((entry["selector"], entry["budget"], entry["intervals"]))
    return out


def line(label, budget, old, new):
    def cell(s):
        return f"{100 * s['coverage']:.1f}% / {s['meanWidth']:.3f} / {s['intervalScore']:.3f}"
    return f"| {label} | {budget} | {old['count']} | {cell(old)} | {cell(new)} |"


# ---- simulated worlds -----------------------------------------------------------------------

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def simulated_world(folder, seed, adversarial, families=16, per_family=5, public=30):
    """16 families × 5 models with four latent capabilities (a general one, two specialisations, and
    one the benchmarks barely load on), growing with log compute at a family's own rates; the 8
    benchmarks are noisy sigmoids above chance (5% missing); targets of every kind and `public`
    public accuracy metrics. Returns (panel path, downstream path, cutoff, target kinds)."""
    rng = np.random.default_rng(seed)
    capabilities, models = [], []
    for f in range(families):
        rate = np.array([rng.uniform(0.8, 1.4), rng.uniform(-0.2, 0.6), rng.uniform(-0.2, 0.6), rng.uniform(0.0, 0.8)])
        offset = rng.uniform(-1, 1, size=4) * [0.6, 1, 1, 1]
        tokens = rng.uniform(0.2, 3.0)
        start, step = rng.uniform(-1.5, 1.5), rng.uniform(0.25, 0.6)
        for j in range(per_family):
            log_compute = start + step * j + rng.uniform(-0.05, 0.05)
            capabilities.append(rate * log_compute + offset + 0.1 * rng.normal(size=4))
            flops = 10 ** log_compute
            models.append((f"F{f + 1:02d}/m{j + 1}", f"F{f + 1:02d}", flops / (6 * tokens), tokens, flops))
    S = np.array(capabilities)
    n = len(models)
    loads = np.abs(rng.normal(size=(8, 4))) * [1.0, 0.6, 0.6, 0.08]
    bench = np.column_stack([
        np.clip(c + (1 - c) * sigmoid(S @ loads[b] - 1 + 0.05 * rng.normal(size=n)), 0, 1) for b, c in enumerate(CHANCE)])
    bench[rng.random(bench.shape) < 0.05] = np.nan

    def metric(kind):
        w = np.abs(rng.normal(size=4)) * ([1, 0.5, 0.5, 0.1] if kind != "unlike" else [0.3, 0.1, 0.1, 1.5])
        z = S @ w + rng.uniform(-3, 0)
        if kind == "emergent":
            z = 4 * (z - np.quantile(z, 0.7))
        y = sigmoid(z)
        if kind == "ceiling":
            y = rng.uniform(0.55, 0.9) * y
        elif kind == "floor":
            base = rng.uniform(0.3, 0.5)
            y = base + (1 - base) * y
        return np.clip(y + 0.02 * rng.normal(size=n), 0, 1)

    # The targets are one task ("target_acc,…"): none calibrates another, as a user's new
    # evaluation is calibrated by the public metrics only.
    kinds = ["law", "ceiling", "ceiling", "floor", "floor", "emergent", "unlike", "unlike"]
    targets = {f"target_acc,{kind}{i}": metric(kind) for i, kind in enumerate(kinds)}
    mix = ["law"] * 15 + ["ceiling"] * 5 + ["floor"] * 4 + ["emergent"] * 3 + ["unlike"] * 3
    public_metrics = {f"public{i}_{kind}_acc": metric("law" if adversarial else kind) for i, kind in enumerate(mix[:public])}
    panel, downstream = os.path.join(folder, "panel.csv"), os.path.join(folder, "downstream.csv")
    with open(panel, "w") as f:
        f.write("Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21)," + ",".join(BENCHMARKS) + "\n")
        for i, (name, family, size, tokens, flops) in enumerate(models):
            cells = ["" if np.isnan(v) else f"{v:.4f}" for v in bench[i]]
            f.write(f"{name},{family},{size:.6g},{tokens:.4g},{flops:.6g}," + ",".join(cells) + "\n")
    columns = {**targets, **public_metrics}
    with open(downstream, "w") as f:
        f.write("Model," + ",".join(f'"{c}"' for c in columns) + "\n")  # the names hold commas
        for i, (name, *_rest) in enumerate(models):
            f.write(name + "," + ",".join(f"{columns[c][i]:.4f}" for c in columns) + "\n")
    cutoff = float(np.quantile([m[4] for m in models], 0.65))
    return panel, downstream, cutoff, {name: kind for name, kind in zip(targets, kinds)}


def pooled(scores):
    count = sum(s["count"] for s in scores)
    return {"count": count, "coverage": sum(s["covered"] for s in scores) / count,
            "meanWidth": sum(s["widthSum"] for s in scores) / count, "intervalScore": sum(s["scoreSum"] for s in scores) / count}


def world_scores(result, kinds, selector_prefix):
    """Per (setup, kind): the targets' interval scores, from the per-target results."""
    out = {}
    for target in result["targets"]:
        kind = kinds.get(target["name"])
        if kind is None:
            continue
        out.setdefault(("full", kind), []).append(target["allModels"].get("intervals"))
        for budget in target["budgets"]:
            score = budget["selectors"][0].get("intervals")
            out.setdefault(("10%", kind), []).append(score)
    return {key: [s for s in value if s] for key, value in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--obsscale", default=os.path.join(ROOT, ".build", "release", "obsscale"))
    parser.add_argument("--data", default=os.environ.get("OBSSCALE_DATA_DIR") or os.path.join(ROOT, "data", "obsscaling"))
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--worlds", type=int, default=6, help="simulated worlds of each kind (mixed, adversarial)")
    parser.add_argument("--json", help="write every number here")
    args = parser.parse_args()
    panel = os.path.join(args.data, "base_llm_benchmark_eval.csv")
    started, everything = time.time(), {}
    print("### Public panel (paper-2024 preset, split at 84×1E21 FLOPs, every public accuracy metric a target)\n")
    print("| fit | budget | predictions | bootstrap interval: coverage / width / IS | calibrated: coverage / width / IS |")
    print("|---|---|---:|---|---|")
    setups = [["--cost", "params", "--budget", "10%,20%"], ["--cost", "count", "--budget", "8,12,16,24"]]
    for index, extra in enumerate(setups):
        base = ["--preset", "paper-2024", "--cutoff-flops", "84", "--random", "0"] + extra
        old, _, _ = validate(args.obsscale, panel, base, "bootstrap", args.bootstrap)
        new, seconds, command = validate(args.obsscale, panel, base, "calibrated", args.bootstrap)
        for (name, budget, a), (_, _, b) in zip(rows(old, "auto"), rows(new, "auto")):
            if index > 0 and name == "all models":
                continue
            print(line(name, budget, a, b))
            everything[f"public {name} {budget}"] = {"bootstrap": a, "calibrated": b}
        print(f"<!-- {' '.join(command[1:]).replace(panel, 'PANEL')}: {seconds:.1f} s -->", file=sys.stderr)
    print("\n### Simulated worlds with a law that cannot describe the targets (coverage / width / IS at 95%)\n")
    print("| public metrics | setup | target kind | predictions | bootstrap interval | calibrated |")
    print("|---|---|---|---:|---|---|")
    with tempfile.TemporaryDirectory() as root:
        for adversarial in (False, True):
            collected = {}
            for seed in range(1, args.worlds + 1):
                folder = os.path.join(root, f"world-{adversarial}-{seed}")
                os.makedirs(folder)
                world, downstream, cutoff, kinds = simulated_world(folder, seed, adversarial)
                base = ["--cutoff-flops", f"{cutoff:.6g}", "--cost", "params", "--budget", "10%", "--random", "0",
                        "--min-test-sd", "0"]
                for interval in ("bootstrap", "calibrated"):
                    result, _, _ = validate(args.obsscale, world, base, interval, args.bootstrap, downstream, targets=list(kinds))
                    for key, scores in world_scores(result, kinds, "auto").items():
                        collected.setdefault((interval,) + key, []).extend(scores)
            label = "all the law's kind (adversarial)" if adversarial else "a mix of kinds"
            for setup in ("full", "10%"):
                for kind in ("law", "ceiling", "floor", "emergent", "unlike", "all"):
                    def get(interval):
                        if kind == "all":
                            return pooled([s for (i, st, _k), v in collected.items() if i == interval and st == setup for s in v])
                        return pooled(collected[(interval, setup, kind)])
                    old, new = get("bootstrap"), get("calibrated")
                    print(f"| {label} | {setup} | {kind} | {old['count']} | {100 * old['coverage']:.1f}% / {old['meanWidth']:.3f} / "
                          f"{old['intervalScore']:.3f} | {100 * new['coverage']:.1f}% / {new['meanWidth']:.3f} / {new['intervalScore']:.3f} |")
                    everything[f"simulated {label} {setup} {kind}"] = {"bootstrap": old, "calibrated": new}
    print(f"\n(study: {time.time() - started:.0f} s; {args.bootstrap} bootstrap replicates per fit)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(everything, f, indent=1)


if __name__ == "__main__":
    main()
