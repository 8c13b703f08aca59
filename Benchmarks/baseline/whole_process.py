#!/usr/bin/env python3
"""Whole-process speed baseline: the paper's procedure, one Python process per call.

Each call starts Python, imports numpy/scipy and the reference implementations in this folder,
reads the CSV files, runs the paper's procedure once and prints a short result, which is what a
user of the paper's Python code waits for on each call.  No code is copied: the work is done by
``paper_baseline.py`` (fit), ``bootstrap_baseline.py`` (bootstrap) and ``selection_baseline.py``
(family selection).

Subcommands:

``fit``        one fit of the paper setup (``paper_baseline.fit_once``, with Huber): paper-2024
               preset joined with ``base_llm_post_training_eval.csv``, target GSM8K CoT, the 7
               non-GSM8K benchmarks, cutoff 84 (1E21 FLOPs);
``bootstrap``  the same fit, then 1,000 bootstrap replicates with fixed capabilities and the
               paper's solver (``--loss huber``, the default: L-BFGS-B; ``--loss ls``: curve_fit);
``select``     the ``guide`` setup of ``selection_baseline.py``: imputation + PCA of the whole
               preset, then brute force over every family combination of at most 10 families
               with Llama-2 included, budgets 4..36 models;
``imports``    only the imports (interpreter start plus numpy/scipy and the modules above).

BENCHMARKS.md times these with ``hyperfine -N`` as whole processes, next to the matching
``obsscale`` commands, e.g.::

    hyperfine -N -w 2 -r 10 'python3 Benchmarks/baseline/whole_process.py fit' \\
        '.build/release/obsscale fit ... --quiet'

Run the interpreter itself, not a wrapper script such as a pyenv shim (which adds its own start
time).  BLAS threads are left as the environment sets them; the Huber bootstrap is several times
slower and much noisier with more than one OpenBLAS thread (see ``bootstrap_baseline.py``), so
time it with ``OPENBLAS_NUM_THREADS=1`` and say so.

Data: ``--data-dir``, else ``$OBSSCALE_DATA_DIR``, else ``data/obsscaling`` in the checkout.
"""

import argparse
import os
import sys

import numpy as np
import scipy.optimize  # noqa: F401  (what the reference modules use)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bootstrap_baseline as bb  # noqa: E402
import paper_baseline as pb  # noqa: E402
import selection_baseline as sb  # noqa: E402

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PANEL = "base_llm_benchmark_eval.csv"
DOWNSTREAM = "base_llm_post_training_eval.csv"
REPLICATES = 1000


def default_data_dir():
    return os.environ.get("OBSSCALE_DATA_DIR") or os.path.join(_REPO_ROOT, "data", "obsscaling")


def _params(p):
    return "[" + ", ".join(f"{v:.6g}" for v in np.asarray(p, dtype=float)) + "]"


def load(data_dir):
    return pb.load_fit_data(os.path.join(data_dir, PANEL), os.path.join(data_dir, DOWNSTREAM),
                            pb.DEFAULT_TARGET, pb.DEFAULT_BENCHMARKS)


def cmd_fit(args):
    data = load(args.data_dir)
    res = pb.fit_once(data["flops"], data["X"], data["y"], pb.DEFAULT_CUTOFF, with_huber=True)
    train_mse, test_mse = res["mse_huber"]
    print(f"fit {data['target']}: {int(res['train'].sum())} train / {int(res['test'].sum())} "
          f"test models, cutoff {pb.DEFAULT_CUTOFF:g}, Huber(delta={pb.HUBER_DELTA:g})")
    print(f"params [alpha, beta1..beta{pb.N_COMPONENTS}, b] = {_params(res['params_huber'])}")
    print(f"train MSE {train_mse:.6g}, test MSE {test_mse:.6g}")


def cmd_bootstrap(args):
    data = load(args.data_dir)
    st = bb.setup(data, pb.DEFAULT_CUTOFF)  # main fit: split, imputation, PCA, least squares
    main = st["main"]
    if args.loss == "huber":  # the main fit's Huber regression on the same scores
        p_main, _ = pb.fit_huber_paper(main["scores_train"], st["y_train"])
    else:
        p_main = main["params_ls"]
    loop_s, _, summary, failures = bb.time_bootstrap(st, args.replicates, "fixed", args.loss,
                                                     args.seed)
    m = summary["testMSE"]
    ok = args.replicates - len(failures)
    print(f"main fit ({args.loss}): params {_params(p_main)}, test MSE "
          f"{pb.mse(p_main, main['scores_test'], st['y_test']):.6g}")
    print(f"bootstrap: {args.replicates} replicates (fixed capabilities, {args.loss}), {ok} ok, "
          f"{len(failures)} failed; replicate loop {loop_s:.2f} s")
    print(f"test MSE mean {m['mean']:.6g}, median {m['q50']:.6g}, "
          f"95% interval [{m['q025']:.6g}, {m['q975']:.6g}]")


def cmd_select(args):
    panel = pb.read_csv_rows(os.path.join(args.data_dir, PANEL))
    setup = sb.build_setup("guide", sb.guide_pool(panel), ["Llama-2"])
    sel = sb.run_selection(setup, sb.BUDGETS)
    print(f"select guide: {len(setup['names'])} models, {len(setup['familyOrder'])} families, "
          f"{sel['combinations']} combinations, at most {sb.MAX_FAMILIES} families, Llama-2 included")
    for p in sel["perBudget"]:
        print(f"  budget {p['budget']:2d}: {p['nModels']:2d} models, V {p['V']:.4f}  "
              f"[{', '.join(p['families'])}]")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=default_data_dir(),
                    help="folder with the CSV files (default: $OBSSCALE_DATA_DIR or data/obsscaling)")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("fit", help="one fit of the paper setup (Huber)")
    b = sub.add_parser("bootstrap", help="the fit plus a fixed-capabilities bootstrap")
    b.add_argument("--loss", choices=["ls", "huber"], default="huber")
    b.add_argument("--replicates", type=int, default=REPLICATES)
    b.add_argument("--seed", type=int, default=bb.DEFAULT_SEED)
    sub.add_parser("select", help="brute-force family selection, guide setup")
    sub.add_parser("imports", help="only the imports, then exit")
    args = ap.parse_args(argv)
    if args.command == "imports":
        return
    {"fit": cmd_fit, "bootstrap": cmd_bootstrap, "select": cmd_select}[args.command](args)


if __name__ == "__main__":
    main()
