#!/usr/bin/env python3
"""Validation worlds built from the Open LLM Leaderboard exports (MIT; see their LICENSE and README).

Writes clean panels that obsscale loads as they are (`Model, Model Family, Model Size (B)`, benchmark
columns as fractions, a downstream file of targets) into a folder of the caller's choice -- never into
the repository. Two worlds:

- **v1 -> v2** (`v1v2/panel.csv`, `v1v2/targets.csv`): the models of `v1_v2_merged.csv` with both
  leaderboard generations (383 rows). Capabilities: the six v1 benchmarks, named as in the paper's
  panel so that no `--benchmarks` is needed (ARC -> ARC-C, Winogrande -> Winograd: the paper's
  "Winograd" column is Winogrande too). Targets: the six v2 scores (normalized fractions, as in the
  merged file), named as the leaderboard's harness names them (`ifeval,inst_level_strict_acc`, …),
  so that `--target all` and the public prior see them as accuracy metrics of six tasks. Families: the file's `family` column. Sizes: `#Params (B)` of
  `open_llm_leaderboard_v1.csv`, joined on the lower-cased name after `/` (or that name with the "-hf" suffix of Hub
  conversions, e.g. llama-2-7b); several rows per name: the most frequent size above 0, the larger
  on a tie; where the v1 export has no size above 0,
  the v2 export's `#Params (B)` joined the same way; models without any size are left out (a size
  split cannot place them; they are listed). Two short names occur twice (different organisations'
  uploads of gpt2 and Phi-3-mini-4k-instruct); the second copy is kept as `NAME (2)`.
  Release dates (`Release Date`, read with `--date-column 'Release Date'`): `date` of the v1 export
  (the earliest submission of the name, or of its "-hf" upload).
- **pool** (`pool/panel.csv`): the v2 export's models as a large pool of near-duplicate fine-tunes
  for timing `select`: one row per `fullname` (the first), the six v2 `... Raw` scores (fractions) as
  benchmarks, family = `Base Model` (the model itself where the export says `Removed` or nothing),
  size = `#Params (B)` (models without a size above 0 left out), capped at `--pool-max-size`
  billion parameters so the pool is about 2,000 models.

    python3 Benchmarks/leaderboard_worlds.py --out DIR [--oll DIR]

The exports are read from --oll, else $OBSSCALE_OLL_DIR, else data/oll/ in the checkout.
"""
import argparse
import collections
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
V1_BENCHMARKS = [("arc", "ARC-C"), ("hellaswag", "HellaSwag"), ("mmlu", "MMLU"), ("truthfulqa", "TruthfulQA"),
                 ("winogrande", "Winograd"), ("gsm8k", "GSM8K")]
# The v2 scores under the leaderboard harness's task and metric names (without its "leaderboard_"
# prefix): obsscale takes accuracy/exact-match columns as public metrics (`--target all`, the prior's
# sources) and groups variants of one task by the name before the first "_" or ",".
V2_TARGETS = [("ifeval", "ifeval,inst_level_strict_acc"), ("bbh", "bbh,acc_norm"), ("math", "math_hard,exact_match"),
              ("mmlu-pro", "mmlu_pro,acc"), ("gpqa", "gpqa,acc_norm"), ("musr", "musr,acc_norm")]
V2_RAW = ["IFEval Raw", "BBH Raw", "MATH Lvl 5 Raw", "GPQA Raw", "MUSR Raw", "MMLU-PRO Raw"]


def default_oll_dir():
    return os.environ.get("OBSSCALE_OLL_DIR") or os.path.join(ROOT, "data", "oll")


def short_name(model):
    return model.split("/")[-1].strip().lower()


def number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value == value else None


def sizes_by_name(path, model_column):
    """Lower-cased short name -> the most frequent size > 0 (the larger on a tie), from an export."""
    counts = collections.defaultdict(collections.Counter)
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            size = number(row.get("#Params (B)"))
            if size is not None and size > 0:
                counts[short_name(row[model_column])][size] += 1
    return {name: max(counter.items(), key=lambda item: (item[1], item[0]))[0] for name, counter in counts.items()}


def dates_by_name(path):
    """Lower-cased short name -> the earliest `date` (YYYY-MM-DD) of the v1 export."""
    dates = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            date = (row.get("date") or "")[:10]
            if len(date) == 10:
                name = short_name(row["Model"])
                dates[name] = min(dates.get(name, date), date)
    return dates


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def build_v1v2(oll, out):
    """The 383-model v1 -> v2 world; returns (panel path, targets path, target names, notes)."""
    v1_sizes = sizes_by_name(os.path.join(oll, "open_llm_leaderboard_v1.csv"), "Model")
    v2_sizes = sizes_by_name(os.path.join(oll, "open_llm_leaderboard_v2.csv"), "fullname")
    dates = dates_by_name(os.path.join(oll, "open_llm_leaderboard_v1.csv"))
    panel_rows, target_rows, seen, unsized = [], [], collections.Counter(), []
    from_v1 = from_v2 = both_blocks = 0
    with open(os.path.join(oll, "v1_v2_merged.csv"), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            scores = [number(row[key]) for key, _ in V1_BENCHMARKS]
            targets = [number(row[key]) for key, _ in V2_TARGETS]
            if any(value is None for value in scores) or any(value is None for value in targets):
                continue
            both_blocks += 1
            name_key = row["model"].strip().lower()
            # Hub uploads of Meta's and AI2's checkpoints carry an "-hf" suffix the merged file drops.
            key = next((k for k in (name_key, name_key + "-hf") if k in v1_sizes), None)
            if key is not None:
                size = v1_sizes[key]
                from_v1 += 1
            else:
                key = next((k for k in (name_key, name_key + "-hf") if k in v2_sizes), None)
                if key is None:
                    unsized.append(row["model"])
                    continue
                size = v2_sizes[key]
                from_v2 += 1
            seen[row["model"]] += 1
            name = row["model"] if seen[row["model"]] == 1 else f"{row['model']} ({seen[row['model']]})"
            family = row["family"].strip() or name
            panel_rows.append([name, family, f"{size:g}", dates.get(name_key) or dates.get(name_key + "-hf", "")] + [f"{value:.6g}" for value in scores])
            target_rows.append([name] + [f"{value:.6g}" for value in targets])
    os.makedirs(out, exist_ok=True)
    panel = os.path.join(out, "panel.csv")
    targets = os.path.join(out, "targets.csv")
    write_csv(panel, ["Model", "Model Family", "Model Size (B)", "Release Date"] + [name for _, name in V1_BENCHMARKS], panel_rows)
    write_csv(targets, ["Model"] + [name for _, name in V2_TARGETS], target_rows)
    notes = (f"{both_blocks} rows with both blocks; sizes from the v1 export for {from_v1}, from the v2 export for {from_v2}; "
             f"{len(unsized)} without a size left out ({', '.join(unsized)}); {len(panel_rows)} models in "
             f"{len(set(row[1] for row in panel_rows))} families")
    return panel, targets, [name for _, name in V2_TARGETS], notes


def build_pool(oll, out, max_size):
    """The v2 export as one pool of near-duplicate fine-tunes; returns (panel path, notes)."""
    rows, seen = [], set()
    with open(os.path.join(oll, "open_llm_leaderboard_v2.csv"), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["fullname"].strip()
            size = number(row["#Params (B)"])
            scores = [number(row[column]) for column in V2_RAW]
            if name in seen or size is None or size <= 0 or size > max_size or any(value is None for value in scores):
                continue
            seen.add(name)
            base = row["Base Model"].strip()
            family = name if base in ("", "Removed") else base
            rows.append([name, family, f"{size:g}"] + [f"{value:.6g}" for value in scores])
    os.makedirs(out, exist_ok=True)
    panel = os.path.join(out, "panel.csv")
    write_csv(panel, ["Model", "Model Family", "Model Size (B)"] + [column.replace(" Raw", "") for column in V2_RAW], rows)
    return panel, f"{len(rows)} models in {len(set(row[1] for row in rows))} families, sizes ≤ {max_size:g}B"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder to write the worlds into (v1v2/, pool/)")
    parser.add_argument("--oll", default=default_oll_dir())
    parser.add_argument("--pool-max-size", type=float, default=10.0)
    args = parser.parse_args()
    panel, targets, names, notes = build_v1v2(args.oll, os.path.join(args.out, "v1v2"))
    print(f"v1 -> v2 world: {panel}, {targets} ({', '.join(names)}): {notes}")
    panel, notes = build_pool(args.oll, os.path.join(args.out, "pool"), args.pool_max_size)
    print(f"pool: {panel}: {notes}")


if __name__ == "__main__":
    sys.exit(main())
