#!/usr/bin/env python3
"""numpy/scipy reference of obsscale's calibrated prediction intervals (IntervalCalibrator,
IntervalFeatureModel, QuantileLines; docs/architecture.md, "Calibrated intervals").

Writes a fixture with two independent checks, on seeded synthetic data (no panel needed):

1. features — the delta method of a fitted sigmoid-floor law with K = 2 capabilities, a free floor
   and a penalty: sigma = sqrt(SSR / max(n - p, 1)), C = sigma^2 H+ (J'J) H+ with
   H = J'J + diag(lambda * w) (numpy pinv), the curve's standard error sqrt(g'Cg) at new models,
   the PC-1 distance past the training maximum in training-SD units, and the room to [0, 1].
2. quantile lines — 400 records (residual, sigma, sd, d1, headroom, footroom); at each level L the
   upper line b+ = argmin_{b >= 0} sum rho_tau(r - x+'b) with x+ = (1, sigma, sd, d1, headroom)
   and the lower b- of -r on x- = (1, sigma, sd, d1, footroom), tau = (1 + L) / 2, by scipy's
   HiGHS on the primal LP (min tau*1'u + (1 - tau)*1'v, Xb + u - v = r, b, u, v >= 0); the
   fixture keeps the coefficients and the optimal pinball losses, and the lines' interval at a few
   feature vectors.

    python3 Benchmarks/baseline/calibration_baseline.py --fixture Tests/ObsScaleEvaluationTests/Fixtures/calibration.json
"""
import argparse
import json

import numpy as np
from scipy.optimize import linprog


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def law(theta, S):
    k = S.shape[1]
    alpha, beta, b = theta[0], theta[1:k + 1], theta[k + 1]
    return (1 - b) * sigmoid(alpha + S @ beta) + b


def jacobian(theta, S):
    """Of the fitted values w.r.t. (alpha, beta, b) — the floor free (inside its bounds)."""
    k = S.shape[1]
    alpha, beta, b = theta[0], theta[1:k + 1], theta[k + 1]
    s = sigmoid(alpha + S @ beta)
    fz = (1 - b) * s * (1 - s)
    return np.column_stack([fz] + [fz * S[:, c] for c in range(k)] + [1 - s])


def features_case(rng):
    n, k = 18, 2
    S = rng.normal(size=(n, k)) * [1.0, 0.4]
    theta = np.array([-0.8, 1.6, 0.7, 0.12])  # floor 0.12: inside [0, 0.2], free
    y = np.clip(law(theta, S) + rng.normal(scale=0.04, size=n), 0, 1)
    center = np.array([-1.0, 1.0, 0.5, 0.05])
    scale = np.array([2.0, 1.5, 1.0, 0.05])
    strength = 0.3
    J = jacobian(theta, S)
    r = y - law(theta, S)
    p = J.shape[1]
    sigma2 = float(r @ r) / max(n - p, 1)
    A = J.T @ J
    H = A + np.diag(strength / scale ** 2)
    Hi = np.linalg.pinv(H)
    C = sigma2 * Hi @ A @ Hi
    new = rng.normal(size=(5, k)) * [1.5, 0.5]
    new[0, 0] = S[:, 0].max() + 1.3  # past the training range
    G = jacobian(theta, new)
    sd = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", G, C, G), 0))
    spread = float(np.std(S[:, 0])) or 1.0
    d1 = np.maximum(0, new[:, 0] - S[:, 0].max()) / spread
    yhat = law(theta, new)
    low, high = min(0.0, y.min()), max(1.0, y.max())
    return {
        "trainScores": S.tolist(), "targets": y.tolist(), "parameters": theta.tolist(),
        "penalty": {"center": center.tolist(), "weights": (1 / scale ** 2).tolist(), "strength": strength},
        "sigma": float(np.sqrt(sigma2)), "covariance": C.tolist(), "trainingMaximum": float(S[:, 0].max()),
        "trainingSpread": spread, "newScores": new.tolist(), "predicted": yhat.tolist(), "curveSD": sd.tolist(),
        "distance": d1.tolist(), "headroom": (high - yhat).tolist(), "footroom": (yhat - low).tolist(),
    }


def quantile_regression(X, r, tau):
    n, m = X.shape
    c = np.concatenate([np.zeros(m), np.full(n, tau), np.full(n, 1 - tau)])
    A = np.hstack([X, np.eye(n), -np.eye(n)])
    res = linprog(c, A_eq=A, b_eq=r, bounds=[(0, None)] * (m + 2 * n), method="highs")
    assert res.status == 0, res.message
    return res.x[:m], float(res.fun)


def lines_case(rng):
    n = 400
    sigma = rng.uniform(0.02, 0.1, n)
    sd = rng.uniform(0, 0.08, n) * (rng.random(n) < 0.8)
    d1 = rng.exponential(1.0, n) * (rng.random(n) < 0.5)
    yhat = rng.uniform(0.05, 0.95, n)
    head, foot = 1 - yhat, yhat
    scale = sigma + 0.8 * sd + 0.04 * d1
    r = rng.normal(0, 1, n) * scale + 0.1 * d1 * head * (rng.random(n) < 0.3)
    Xp = np.column_stack([np.ones(n), sigma, sd, d1, head])
    Xm = np.column_stack([np.ones(n), sigma, sd, d1, foot])
    levels = {}
    probes = [[0.05, 0.03, 0.0, 0.4, 0.6], [0.08, 0.06, 2.5, 0.1, 0.9]]
    for level in (0.5, 0.8, 0.9, 0.95):
        tau = (1 + level) / 2
        up, up_loss = quantile_regression(Xp, r, tau)
        lo, lo_loss = quantile_regression(Xm, -r, tau)
        intervals = []
        for sigma_, sd_, d1_, head_, foot_ in ([p[0], p[1], p[2], p[3], p[4]] for p in probes):
            yh = 1 - head_
            hi = yh + np.dot(up, [1, sigma_, sd_, d1_, head_])
            lw = yh - np.dot(lo, [1, sigma_, sd_, d1_, foot_])
            intervals.append([float(min(max(lw, 0), 1)), float(min(max(hi, 0), 1))])
        levels[str(level)] = {"upper": up.tolist(), "lower": lo.tolist(), "upperLoss": up_loss, "lowerLoss": lo_loss,
                              "intervals": intervals}
    return {
        "records": {"residual": r.tolist(), "sigma": sigma.tolist(), "curveSD": sd.tolist(), "distance": d1.tolist(),
                    "headroom": head.tolist(), "footroom": foot.tolist()},
        "probes": probes, "levels": levels,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixture", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(19)
    fixture = {"features": features_case(rng), "lines": lines_case(rng)}
    with open(args.fixture, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
