#!/usr/bin/env python3
"""Generate the reference fixture of the robust-statistics tests: robust.json beside this script.

    python3 Tests/ObsScaleNumericsTests/Fixtures/make_robust_fixtures.py

(numpy 2.4, scipy 1.17). Keys:

chiSquareQuantiles
    [{"q": q, "k": k, "x": scipy.stats.chi2.ppf(q, k)}, ...]: the quantiles the outlier screen and
    the MCD use, and a spread of others.
gammaP
    [{"a": a, "x": x, "p": scipy.special.gammainc(a, x)}, ...]: the regularized lower incomplete
    gamma function on both sides of x = a + 1 (series and continued fraction).
mcd
    Clouds drawn from numpy.random.default_rng(20261207) — a correlated Gaussian bulk with planted
    far points, and a heavy-tailed one (with subsets of 0.75 n and of the maximum-breakdown
    (n + p + 1)/2) — each with {"points": rows, "subsetShare", "subsetSize": h, "center",
    "scatter" (rows), "squaredDistances"}: the reweighted minimum covariance determinant estimate
    computed here in numpy by the algorithm documented in
    Sources/ObsScaleNumerics/RobustCovariance.swift (h = max((n + p + 1)/2, ceil(share n)); two deterministic starts — the h points
    nearest the coordinatewise median in MAD-scaled distance, and the h nearest the mean in
    classical Mahalanobis distance — C-steps to a fixed point, the smaller determinant, consistency
    factor median(d^2)/chi2_p(0.5), reweighting at chi2_p(0.975)). scikit-learn's MinCovDet uses
    random starts, so it is not the reference. In the first case the two starts reach different
    fixed points and the median start's determinant is the smaller, in the third the classical
    start's, so the fixture checks the choice between them too.
"""
import json
import os

import numpy as np
from scipy.special import gammainc
from scipy.stats import chi2


def moments(points, rows):
    subset = points[rows]
    mean = subset.mean(axis=0)
    centered = subset - mean
    return mean, centered.T @ centered / len(rows)


def squared_distances(points, mean, covariance):
    diff = points - mean
    return np.einsum("ij,jk,ik->i", diff, np.linalg.inv(covariance), diff)


def nearest(count, values):
    return np.sort(np.argsort(values, kind="stable")[:count])


def concentrate(points, rows, h):
    subset = np.sort(rows)
    mean, covariance = moments(points, subset)
    for _ in range(200):
        following = nearest(h, squared_distances(points, mean, covariance))
        if np.array_equal(following, subset):
            break
        subset = following
        mean, covariance = moments(points, subset)
    return mean, covariance


def mcd(points, share):
    n, p = points.shape
    h = min(n, max((n + p + 1) // 2, int(np.ceil(share * n))))
    mean, covariance = moments(points, np.arange(n))
    median = np.median(points, axis=0)
    mad = np.median(np.abs(points - median), axis=0)
    spread = np.where(mad > 0, mad, np.sqrt(np.diag(covariance)))
    starts = [
        nearest(h, (((points - median) / spread) ** 2).sum(axis=1)),
        nearest(h, squared_distances(points, mean, covariance)),
    ]
    best = None
    for start in starts:
        candidate = concentrate(points, start, h)
        if best is None or np.linalg.slogdet(candidate[1])[1] < np.linalg.slogdet(best[1])[1]:
            best = candidate
    mean, covariance = best
    chi_median = chi2.ppf(0.5, p)
    covariance = covariance * np.median(squared_distances(points, mean, covariance)) / chi_median
    inliers = np.where(squared_distances(points, mean, covariance) <= chi2.ppf(0.975, p))[0]
    mean, covariance = moments(points, inliers)
    covariance = covariance * np.median(squared_distances(points, mean, covariance)) / chi_median
    return h, mean, covariance, squared_distances(points, mean, covariance)


def main():
    rng = np.random.default_rng(20261207)
    clouds = []  # (points, subset share)
    # A correlated Gaussian bulk of 200 points in 3 dimensions with 8 planted far points.
    bulk = rng.multivariate_normal([0.5, -1.0, 2.0], [[1.0, 0.6, 0.2], [0.6, 1.0, 0.3], [0.2, 0.3, 0.5]], size=200)
    planted = rng.normal(0, 0.3, size=(8, 3)) + np.array([6.0, -6.0, 6.0])
    clouds.append((np.vstack([bulk, planted]), 0.75))
    # A heavy-tailed cloud (Student t, 3 degrees of freedom) of 150 points in 2 dimensions.
    heavy = rng.standard_t(3, size=(150, 2)) * np.array([2.0, 0.5])
    clouds.append((heavy, 0.75))
    clouds.append((heavy, 0.5))  # the maximum-breakdown subset
    payload = {
        "chiSquareQuantiles": [
            {"q": q, "k": k, "x": float(chi2.ppf(q, k))}
            for k in [1, 2, 3, 4, 5, 8]
            for q in [0.001, 0.5, 0.9, 0.975, 0.999, 0.999999]
        ],
        "gammaP": [
            {"a": a, "x": x, "p": float(gammainc(a, x))}
            for a in [0.5, 1.0, 1.5, 4.0, 25.0]
            for x in [0.01, 0.5, 1.4, 2.6, 10.0, 40.0]
        ],
        "mcd": [],
    }
    for points, share in clouds:
        h, mean, covariance, distances = mcd(points, share)
        payload["mcd"].append({
            "points": points.tolist(), "subsetShare": share, "subsetSize": h, "center": mean.tolist(), "scatter": covariance.tolist(),
            "squaredDistances": distances.tolist(),
        })
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "robust.json"), "w") as f:
        json.dump(payload, f, indent=1)


if __name__ == "__main__":
    main()
