#!/usr/bin/env python3
"""Generate block_missing.json beside this script: the fixed point of the rank-1 iterative PCA
imputation on a block-missing matrix, where the plain iteration converges slowly.

    python3 Tests/ObsScaleFitTests/Fixtures/make_block_missing.py

(numpy 2.4). A 400 x 8 matrix of scores 0.25 + 0.5·logistic(latent·loading + noise) drawn from
numpy.random.default_rng(20261208): rows 0-199 observe columns 0-3 only, rows 200-379 columns 4-7
only, rows 380-399 every column — the shape of two leaderboards merged. The imputation is the one
documented in Sources/ObsScaleFit/PCAImputer.swift without acceleration: standardize by the
observed means and population stds, fill 0, repeat (centre on the filled means, leading eigenvector
of the scatter, overwrite the missing cells with the rank-1 reconstruction) until the largest change
is below 1e-13, then unstandardize and clip to [0, 1]. Keys: "matrix" (rows, null = missing),
"plainIterations" (iterations the plain loop needs for the library's tolerance 1e-10),
"imputed" (the missing cells' values, row-major order).
"""
import json
import os

import numpy as np


def main():
    rng = np.random.default_rng(20261208)
    latent = rng.normal(size=400)
    loadings = rng.uniform(0.6, 1.4, size=8)
    scores = 0.25 + 0.5 / (1 + np.exp(-(np.outer(latent, loadings) + 0.3 * rng.normal(size=(400, 8)))))
    matrix = scores.copy()
    matrix[:200, 4:] = np.nan
    matrix[200:380, :4] = np.nan
    missing = np.isnan(matrix)
    means = np.nanmean(matrix, axis=0)
    scales = np.nanstd(matrix, axis=0)
    filled = np.where(missing, 0.0, (matrix - means) / scales)

    def step(x):
        center = x.mean(axis=0)
        _, vectors = np.linalg.eigh((x - center).T @ (x - center))
        v = vectors[:, -1]
        reconstruction = center + np.outer((x - center) @ v, v)
        y = x.copy()
        y[missing] = reconstruction[missing]
        return y, np.abs(y - x).max()

    plain = None
    for iteration in range(1, 200000):
        filled, change = step(filled)
        if plain is None and change < 1e-10:
            plain = iteration
        if change < 1e-13:
            break
    imputed = np.clip(filled * scales + means, 0, 1)[missing]
    payload = {
        "matrix": [[None if np.isnan(v) else float(v) for v in row] for row in matrix],
        "plainIterations": plain,
        "imputed": imputed.tolist(),
    }
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "block_missing.json"), "w") as f:
        json.dump(payload, f, indent=1)
    print("plain iterations to 1e-10:", plain, "to 1e-13:", iteration)


if __name__ == "__main__":
    main()
