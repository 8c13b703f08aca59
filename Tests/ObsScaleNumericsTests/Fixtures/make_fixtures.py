#!/usr/bin/env python3
"""Generate reference fixtures for the ObsScaleNumerics tests.

Writes two JSON files beside this script:

linalg.json
    Dense linear-algebra reference values computed with numpy (LAPACK) on matrices drawn from
    ``numpy.random.default_rng(20261129)``.  For each general m x n matrix M:

    * ``svdValues``            thin-SVD singular values of M, descending;
    * ``symmetric``            A = M^T M + 0.5 I  (n x n, symmetric positive definite);
    * ``eigenvalues``          eigenvalues of A, descending;
    * ``eigenvectors``         matrix whose *columns* are the matching unit eigenvectors (stored as a
                               list of rows); each eigenvector is sign-normalised so that its
                               largest-|.| entry is positive;
    * ``eigenvectorDetermined`` per column, whether that eigenvector is unique up to sign (its
                               eigenvalue is simple).  When rank(M) < n (e.g. the 3 x 6 case) the
                               eigenvalue 0.5 is repeated and any orthonormal basis of its
                               eigenspace is correct: tests should check A v = lambda v and
                               orthonormality for those columns, not compare entries;
    * ``choleskyLower``        lower-triangular L with A = L L^T;
    * ``columnMeans``          column means of M;
    * ``columnStdPopulation``  column standard deviations of M with ddof = 0;
    * ``solve``                {"rhs": b, "x": x} with A x = b.

random.json
    Reference outputs of the project's deterministic generators (64-bit unsigned, wrap-around):
    SplitMix64, Xoshiro256** seeded through SplitMix64, the keyed ``stream(seed, index)`` and the
    53-bit uniform double.  UInt64 values are written as decimal strings (JSON numbers are doubles).

Usage:  python3 make_fixtures.py        (numpy only; deterministic; rerun to regenerate)
"""

import json
import os

import numpy as np

MASK64 = (1 << 64) - 1
HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------
# Random generators (pure Python ints, masked to 64 bits)
# ---------------------------------------------------------------------------------------------

def mix64(z):
    """SplitMix64 finaliser (Stafford variant 13)."""
    z &= MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class SplitMix64:
    """state += golden gamma; return mix64(state)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        return mix64(self.state)


class Xoshiro256StarStar:
    """xoshiro256** 1.0 (Blackman & Vigna); the state is seeded with four SplitMix64 outputs."""

    def __init__(self, seed=None, state=None):
        if state is not None:
            self.s = [v & MASK64 for v in state]
        else:
            sm = SplitMix64(seed)
            self.s = [sm.next() for _ in range(4)]

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & MASK64, 7) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_double(self):
        """Uniform double in [0, 1): top 53 bits times 2^-53 (exact in binary64)."""
        return (self.next() >> 11) * 2.0 ** -53


def stream(seed, index):
    """Independent generator for (seed, index): Xoshiro256**(mix64(mix64(seed ^ IV) ^ index))."""
    key = mix64(mix64((seed & MASK64) ^ 0x6A09E667F3BCC909) ^ (index & MASK64))
    return Xoshiro256StarStar(seed=key)


def _self_check():
    """Published test vectors, so the reference itself is known to be right."""
    # SplitMix64 with seed 0 (reference implementation by Vigna).
    sm = SplitMix64(0)
    assert [sm.next() for _ in range(3)] == [
        0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    # xoshiro256** from state {1, 2, 3, 4}.
    x = Xoshiro256StarStar(state=[1, 2, 3, 4])
    assert [x.next() for _ in range(4)] == [11520, 0, 1509978240, 1215971899390074240]


def make_random():
    _self_check()
    sm = SplitMix64(42)
    xo = Xoshiro256StarStar(seed=42)
    streams = []
    for seed, index in [(7, 0), (7, 1), (8, 0)]:
        g = stream(seed, index)
        streams.append({"seed": seed, "index": index,
                        "values": [str(g.next()) for _ in range(4)]})
    u = Xoshiro256StarStar(seed=42)
    return {
        "splitmix64": {"seed": 42, "values": [str(sm.next()) for _ in range(8)]},
        "xoshiro256starstar": {"seed": 42, "values": [str(xo.next()) for _ in range(8)]},
        "stream": streams,
        "uniform": {"seed": 42, "values": [u.next_double() for _ in range(4)]},
    }


# ---------------------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------------------

def rows(a):
    return [[float(v) for v in r] for r in np.asarray(a)]


def vec(a):
    return [float(v) for v in np.asarray(a)]


def sign_normalise_columns(v):
    v = v.copy()
    for j in range(v.shape[1]):
        i = int(np.argmax(np.abs(v[:, j])))
        if v[i, j] < 0:
            v[:, j] = -v[:, j]
    return v


def linalg_case(name, m, rng):
    n = m.shape[1]
    a = m.T @ m + 0.5 * np.eye(n)
    a = 0.5 * (a + a.T)  # exactly symmetric
    evals, evecs = np.linalg.eigh(a)
    order = np.argsort(evals)[::-1]
    evals, evecs = evals[order], sign_normalise_columns(evecs[:, order])
    gaps = np.abs(np.subtract.outer(evals, evals))
    np.fill_diagonal(gaps, np.inf)
    determined = gaps.min(axis=1) > 1e-8 * max(1.0, abs(evals[0]))
    chol = np.linalg.cholesky(a)
    b = rng.standard_normal(n)
    x = np.linalg.solve(a, b)
    # sanity checks on the reference itself
    assert np.allclose(chol @ chol.T, a, atol=1e-10 * max(1.0, np.abs(a).max()))
    assert np.allclose(a @ evecs, evecs * evals, atol=1e-9 * max(1.0, evals[0]))
    assert np.allclose(a @ x, b, atol=1e-9 * max(1.0, np.abs(b).max()) * max(1.0, evals[0]))
    return {
        "name": name,
        "rows": int(m.shape[0]),
        "cols": int(n),
        "matrix": rows(m),
        "svdValues": vec(np.linalg.svd(m, compute_uv=False)),
        "symmetric": rows(a),
        "eigenvalues": vec(evals),
        "eigenvectors": rows(evecs),
        "eigenvectorDetermined": [bool(d) for d in determined],
        "choleskyLower": rows(chol),
        "columnMeans": vec(m.mean(axis=0)),
        "columnStdPopulation": vec(m.std(axis=0, ddof=0)),
        "solve": {"rhs": vec(b), "x": vec(x)},
    }


def make_linalg():
    rng = np.random.default_rng(20261129)
    cases = []
    cases.append(linalg_case("tall_6x3", rng.standard_normal((6, 3)), rng))
    cases.append(linalg_case("wide_3x6", rng.standard_normal((3, 6)), rng))
    cases.append(linalg_case("tall_10x8", rng.standard_normal((10, 8)), rng))
    # panel-shaped: 148 models x 8 benchmarks, scores in [0, 1]
    cases.append(linalg_case("panel_148x8", rng.uniform(0.0, 1.0, (148, 8)), rng))
    # square, with a wide spread of scales to exercise pivoting / conditioning
    sq = rng.standard_normal((5, 5)) * np.array([1e-2, 1e-1, 1.0, 10.0, 100.0])
    cases.append(linalg_case("square_5x5_scaled", sq, rng))
    return {"generator": "numpy.random.default_rng(20261129); numpy " + np.__version__,
            "cases": cases}


def main():
    for fname, payload in [("linalg.json", make_linalg()), ("random.json", make_random())]:
        path = os.path.join(HERE, fname)
        with open(path, "w") as f:
            json.dump(payload, f, indent=1)
            f.write("\n")
        print("wrote", path)


if __name__ == "__main__":
    main()
