#!/usr/bin/env python3
"""Writes the slices of the paper's public panel that the tests read in a clone without the data.

The public evaluation results of Ruan, Maddison & Hashimoto (2024), "Observational Scaling Laws
and the Predictability of Language Model Performance" (github.com/ryoungj/ObsScaling,
`eval_results/`, Apache-2.0), cut to what the tests use (README.md in this folder says why):

- `base_llm_benchmark_eval.csv`: whole, byte for byte (every model and column is read).
- `base_llm_post_training_eval.csv`, `base_llm_emergent_capability_eval.csv`: the rows of the
  models in the `paper-2024` preset (data/presets/paper-2024.json), and the columns that some set
  of those models can make an accuracy metric (`Panel.accuracyMetricNames`: a name containing
  `acc` or `exact_match`, every observed value in [0, 1], population standard deviation >= 0.01).
  Rows and columns keep the source order and cells keep their text.
- `LICENSE`: the source's Apache-2.0 licence, byte for byte.

Usage, from anywhere:

    python3 Tests/Fixtures/public-panel/make_slices.py [SOURCE_DIR] [--out DIR]

SOURCE_DIR defaults to the first folder holding the files among $OBSSCALE_DATA_DIR,
`data/obsscaling/` in the checkout (`obsscale data fetch`) and `../shared/data/obsscaling` beside
the checkout (the workspace copy CI uses). Each source file must match its SHA-256 digest in
data/checksums.json, so the slices always come from the published files; the output is
deterministic (Python 3 standard library only).
"""

import argparse
import csv
import hashlib
import io
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CHECKSUMS = os.path.join(REPO_ROOT, "data", "checksums.json")
PRESET = os.path.join(REPO_ROOT, "data", "presets", "paper-2024.json")

PANEL = "base_llm_benchmark_eval.csv"
DOWNSTREAM = ["base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv"]
LICENSE = "LICENSE"

# Panel.accuracyMetricNames keeps a metric whose observed values lie in [0, 1] with a population
# standard deviation of at least this; the largest such deviation a set of values in [low, high]
# can have is (high - low) / 2, from the two extremes alone.
MINIMUM_SPREAD = 0.01


def default_source():
    candidates = [
        os.environ.get("OBSSCALE_DATA_DIR") or "",
        os.path.join(REPO_ROOT, "data", "obsscaling"),
        os.path.join(os.path.dirname(REPO_ROOT), "shared", "data", "obsscaling"),
    ]
    needed = [PANEL, *DOWNSTREAM, LICENSE]
    for folder in candidates:
        if folder and all(os.path.isfile(os.path.join(folder, name)) for name in needed):
            return folder
    sys.exit("make_slices.py: no folder holds the public files %s; looked in: %s" % (needed, [c for c in candidates if c]))


def read_verified(folder, name, digests):
    """The bytes of a source file, refused unless they are the published ones."""
    with open(os.path.join(folder, name), "rb") as handle:
        data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != digests[name]:
        sys.exit("make_slices.py: %s has SHA-256 %s, not the published %s (data/checksums.json)" % (name, digest, digests[name]))
    return data


def parse(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def preset_models(panel_rows):
    """The models of the paper-2024 preset, as PanelQuery picks them: family listed, model not excluded."""
    with open(PRESET, encoding="utf-8") as handle:
        preset = json.load(handle)
    header = panel_rows[0]
    model, family = header.index("Model"), header.index("Model Family")
    families, excluded = set(preset["families"]), set(preset["excludeModels"])
    return {row[model] for row in panel_rows[1:] if row[family] in families and row[model] not in excluded}


def may_be_accuracy_metric(name, cells):
    """Whether some set of these rows makes the column one of `Panel.accuracyMetricNames`."""
    lower = name.lower()
    if "acc" not in lower and "exact_match" not in lower:
        return False
    in_range = [value for value in (float(cell) for cell in cells if cell.strip()) if 0 <= value <= 1]
    return len(in_range) >= 2 and (max(in_range) - min(in_range)) / 2 >= MINIMUM_SPREAD


def slice_downstream(rows, models):
    """The rows of `models` and the columns that may be accuracy metrics on them, `Model` first."""
    header, body = rows[0], [row for row in rows[1:] if row[0] in models]
    kept = [0] + [j for j in range(1, len(header)) if may_be_accuracy_metric(header[j], [row[j] for row in body])]
    return [[row[j] for j in kept] for row in [header] + body]


def csv_bytes(rows):
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", help="folder of the public files (default: see the module docstring)")
    parser.add_argument("--out", default=HERE, help="where the slices go (default: this script's folder)")
    arguments = parser.parse_args()
    source = arguments.source or default_source()
    with open(CHECKSUMS, encoding="utf-8") as handle:
        digests = {entry["name"]: entry["sha256"] for entry in json.load(handle)["files"]}

    panel = read_verified(source, PANEL, digests)
    outputs = {PANEL: panel, LICENSE: read_verified(source, LICENSE, digests)}
    models = preset_models(parse(panel))
    for name in DOWNSTREAM:
        outputs[name] = csv_bytes(slice_downstream(parse(read_verified(source, name, digests)), models))

    os.makedirs(arguments.out, exist_ok=True)
    for name in [PANEL, *DOWNSTREAM, LICENSE]:
        with open(os.path.join(arguments.out, name), "wb") as handle:
            handle.write(outputs[name])
        if name.endswith(".csv"):
            rows = parse(outputs[name])
            print("%s: %d rows x %d columns, %.1f KB" % (name, len(rows) - 1, len(rows[0]), len(outputs[name]) / 1024))


if __name__ == "__main__":
    main()
