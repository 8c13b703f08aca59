#!/usr/bin/env python3
"""Writes the binary seed inputs of FuzzLinearProgram and FuzzOptions (Fuzz/Corpus/<target>/).

The bytes follow the decoders in Fuzz/Sources (ByteReader and each target's layout); each seed is a
small, readable program or option set, so the fuzzer starts from every code path (valid MILPs and
LPs, infeasible and unbounded ones, invalid values; every selection method and option parser).
Run from anywhere: python3 Fuzz/Corpus/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def i8(v):
    return v & 0xFF


# ---- ByteReader.double(): tag byte, then the value bytes --------------------------------------
SPECIALS = ["nan", "inf", "-inf", 0, "-0", 1, -1, 0.5, 1e15, -1e15]  # first entries of specialDoubles


def d_int(v):  # small integer −128…127
    return bytes([0, i8(v)])


def d_frac16(v):  # v / 16
    return bytes([3, i8(round(v * 16))])


def d_special(index):  # ByteReader.specialDoubles[index]
    return bytes([4, index])


def d_raw(value):  # any IEEE double, 8 bytes little-endian
    return bytes([7]) + struct.pack("<d", value)


# ---- FuzzLinearProgram -------------------------------------------------------------------------
def lp(maximize, variables, constraints, presolve=True, time=None, gap=None, iterations=None, constant=None):
    """variables: (kind 0/1/2, lower, upper, objective/8) with bounds given as encoded bytes or
    None for infinite; constraints: (terms [(index, coefficient·8)], bounds bytes)."""
    out = bytes([1 if maximize else 0, len(variables), len(constraints), 1 if presolve else 0])
    out += bytes([0]) + time if time is not None else bytes([2])
    out += bytes([0]) + gap if gap is not None else bytes([1])
    out += bytes([0, i8(iterations)]) if iterations is not None else bytes([1])
    for kind, lower, upper, objective in variables:
        out += bytes([kind])
        out += bytes([0]) if lower is None else lower
        out += bytes([0]) if upper is None else upper
        out += bytes([1, i8(objective)])  # objective = Int8 / 8
    for terms, bounds in constraints:
        out += bytes([len(terms)])
        for index, coefficient in terms:
            out += bytes([i8(index), 1, i8(coefficient)])  # coefficient = Int8 / 8
        out += bounds
    out += bytes([1]) + constant if constant is not None else bytes([0])
    return out


def bound16(v):  # the "ordinary" bound encoding: Int8 / 16
    return bytes([2, i8(round(v * 16))])


def bound_any(double_bytes):
    return bytes([1]) + double_bytes


def upper(v):
    return bytes([0, i8(v)])


def lower(v):
    return bytes([1, i8(v)])


def equal(v):
    return bytes([2, i8(v)])


def ranged(low, width):
    return bytes([3, i8(low), width])


FREE = bytes([5])

LP_SEEDS = {
    # max 10a + 7b + 5c, 5a + 4b + 3c ≤ 8, binary: a knapsack MILP
    "knapsack-milp": lp(True, [(2, bound16(0), bound16(1), 80), (2, bound16(0), bound16(1), 56),
                               (2, bound16(0), bound16(1), 40)],
                        [([(0, 40), (1, 32), (2, 24)], upper(8))]),
    # min x + y, x + 2y ≥ 4, 3x + y ≥ 6, x, y ≥ 0: an LP with duals
    "lp-two-rows": lp(False, [(0, bound16(0), None, 8), (0, bound16(0), None, 8)],
                      [([(0, 8), (1, 16)], lower(4)), ([(0, 24), (1, 8)], lower(6))]),
    # x + y = 3 and x + y ≥ 5: infeasible
    "lp-infeasible": lp(False, [(0, bound16(0), None, 8), (0, bound16(0), None, 8)],
                        [([(0, 8), (1, 8)], equal(3)), ([(0, 8), (1, 8)], lower(5))]),
    # max x + z, x free continuous, z free integer, x − z ≤ 1: unbounded relaxation → feasibility search
    "milp-unbounded-free-integer": lp(True, [(0, None, None, 8), (1, None, None, 8)],
                                      [([(0, 8), (1, -8)], upper(1))]),
    # integer x in [0.2, 0.8]: empty integer domain, decided without GLPK
    "milp-empty-domain": lp(False, [(1, bound16(0.25), bound16(0.75), 8)], []),
    # a NaN variable bound: rejected by validation
    "invalid-nan-bound": lp(False, [(0, bound_any(d_special(0)), None, 8)], []),
    # a term with variable index −125: rejected by validation
    "invalid-index": lp(False, [(0, bound16(0), bound16(1), 8)], [([(-125 & 0xFF, 8)], upper(1))]),
    # bounds at the 1e15 limit and a coefficient of 1e-15 next to 1: the numerically extreme region
    "extreme-magnitudes": lp(True, [(0, bound_any(d_special(9)), bound_any(d_special(8)), 8),
                                    (1, None, bound16(6), 8)],
                             [([(0, 8), (1, 8)], bytes([4]) + d_raw(1e-15) + d_raw(1e15))]),
    # an invalid time limit (NaN) and a 0.5 relative MIP gap
    "invalid-time-limit": lp(False, [(1, bound16(0), bound16(3), 8)], [([(0, 8)], ranged(1, 2))],
                             time=d_special(0), gap=d_frac16(0.5)),
    # a MILP with an iteration limit of 1 and an objective constant
    "iteration-limit": lp(True, [(1, bound16(0), bound16(7), 8), (1, bound16(0), bound16(7), 12)],
                          [([(0, 16), (1, 24)], upper(17)), ([(0, 24), (1, -8)], ranged(-2, 9))],
                          iterations=1, constant=d_int(5)),
}

# ---- FuzzOptions -------------------------------------------------------------------------------
def panel(families=3, benchmarks=4, members=(2, 3, 2)):
    """families, benchmark count, models per family; deterministic scores and scales."""
    out = bytes([families - 1, benchmarks - 1])
    count = 0
    for f in range(families):
        out += bytes([members[f] - 1])
        for m in range(members[f]):
            # size, tokens, FLOPs (b / 4; a multiple of 8 = unknown); FLOPs grow with the model and
            # are unknown (derived as 6·N·D) for every third one
            out += bytes([8 * (m + 1) + 1 + f, 8 * (f + 1) + 2, 8 * (m + f + 1) + 3 if (m + f) % 3 else 0])
            count += 1
    for column in range(benchmarks + 1):  # the benchmarks and task_acc
        out += bytes([(37 * (i + 1) * (column + 2)) % 239 if (i + column) % 7 else 241 for i in range(count)])
    out += bytes([14 + 3 * i for i in range(count)])  # gpu_hours: (b − 10) / 4 > 0
    return out


def name(index, mode=0):  # ByteReader.name(from:): index, mode (0 = the known name itself)
    return bytes([index, mode])


def array(items):
    return bytes([len(items)]) + b"".join(items)


def selection(unit=0, criterion=0, cost=name(0), cutoff=None, include=(), exclude=(), max_families=None,
              min_models=None, per_family=None, budgets=(5, 10), method=1, baseline=False, ridge=0, components=4,
              targets=2):
    out = bytes([5, 0, components, 0, ridge, criterion, unit]) + cost  # opcode 5, benchmarks nil, K = components − 1
    out += bytes([1, 1, cutoff]) if cutoff is not None else bytes([0])
    out += bytes([0, 0, targets])  # no maxSizeB, dropIncomplete off, targets
    out += array(list(include)) + array(list(exclude))
    for value in (max_families, min_models, per_family):
        out += bytes([1, value]) if value is not None else bytes([0])
    out += array([bytes([1, b]) for b in budgets])  # b % 24 models' worth
    out += bytes([method, 7, 1, 0 if baseline else 1])  # method, seed, no time-limit override, baseline?
    if baseline:
        out += bytes([2])  # count 2
    return out


METHODS = ["auto", "exhaustive", "greedy", "exchange", "relaxation", "bnb", "random"]

OPTION_SEEDS = {
    "costs-each-kind": panel() + bytes([0]) + name(0) + bytes([0]) + name(1) + bytes([0]) + name(2)
                       + bytes([0]) + name(3) + bytes([0]) + name(5, 4) + b"\x03GPU",
    "filters": panel() + bytes([1, 1]) + array([name(0)]) + array([name(2)]) + array([name(1)])
               + bytes([1, 0, 20]) + bytes([1]) + array([name(0)]) + bytes([1, 0])
               + bytes([0]) + array([]) + array([name(3)]) + bytes([0, 0]),
    "splits": panel() + bytes([2, 1, 0, 30]) + bytes([2, 2]) + name(1) + bytes([3, 8]) + bytes([2, 3]) + name(0)
              + bytes([0, 2]) + bytes([2, 4]) + array([name(0), name(4)]),
    "selectors": panel() + bytes([3]) + name(0) + bytes([3]) + name(1) + bytes([3]) + name(6) + bytes([3]) + name(8),
    "preset": panel() + bytes([4, 0]) + array([name(0), name(2)]) + array([name(1)])
              + bytes([4, 1, 20]) + b'{"name":"x","families":[]}',
    "paper-baseline": panel() + selection(baseline=True, budgets=(4, 6)),
}
for index, method in enumerate(METHODS):
    OPTION_SEEDS[f"select-{method}-families"] = panel() + selection(method=index, include=[name(0)], max_families=2)
    OPTION_SEEDS[f"select-{method}-models"] = panel() + selection(
        unit=1, method=index, cost=name(1), exclude=[name(2)], min_models=3, per_family=2, budgets=(14, 23),
        criterion=index % 3)
OPTION_SEEDS["select-above-cutoff-ridge"] = panel(families=4, members=(2, 2, 2, 3)) + selection(
    cutoff=40, targets=0, ridge=4, method=4, budgets=(3, 5, 7))

if __name__ == "__main__":
    for target, seeds in (("FuzzLinearProgram", LP_SEEDS), ("FuzzOptions", OPTION_SEEDS)):
        folder = os.path.join(HERE, target)
        os.makedirs(folder, exist_ok=True)
        for seed_name, data in seeds.items():
            with open(os.path.join(folder, seed_name + ".bin"), "wb") as file:
                file.write(data)
        print(f"{target}: {len(seeds)} seeds in {folder}")
