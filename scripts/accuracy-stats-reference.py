#!/usr/bin/env python3
"""Writes the reference values the accuracy statistics are tested against (committed):
Tests/CheckingTests/Fixtures/accuracy/stats-reference.json

  mcnemar    exact McNemar p-values: scipy.stats.binomtest(b, b + c, 0.5).pvalue (two-sided), the
             same as statsmodels' mcnemar(exact=True)
  bh         Benjamini-Hochberg adjusted p-values: scipy.stats.false_discovery_control(p, method="bh")
  bootstrap  paired percentile intervals of an accuracy delta: the same SplitMix64 draws as
             Sources/Checking/Accuracy/PairedBootstrap.swift, replayed here, with numpy.percentile
             (method "linear"); plus scipy.stats.bootstrap's percentile interval on the same data
             (its own random draws) as an independent, looser check
  seeds      AccuracyDrift.groupSeed values
  metrics    per-class precision / recall / F1 / support, confusion matrix and top-k accuracy from
             scikit-learn on seeded random scores

Run in the generator venv (scipy and scikit-learn pinned in scripts/generator-requirements.txt):
    PY="$(bash scripts/generator-venv.sh)"; "$PY" scripts/accuracy-stats-reference.py
"""

from __future__ import annotations

import json
import os

import numpy as np
import scipy
import scipy.stats as stats
import sklearn
from sklearn import metrics as skm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "CheckingTests", "Fixtures", "accuracy", "stats-reference.json")
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & MASK

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def group_seed(seed: int, group: int) -> int:
    return SplitMix64((seed + ((group + 1) & MASK) * 0xD1B54A32D192ED03) & MASK).next()


def bootstrap(worse: int, better: int, count: int, confidence: float, resamples: int, seed: int):
    g = SplitMix64(seed)
    stats_ = np.empty(resamples)
    for r in range(resamples):
        s = 0
        for _ in range(count):
            index = (g.next() * count) >> 64
            if index < worse:
                s -= 1
            elif index < worse + better:
                s += 1
        stats_[r] = s / count
    tail = (1 - confidence) / 2
    lo, hi = np.percentile(stats_, [100 * tail, 100 * (1 - tail)], method="linear")
    # Independent check: scipy's percentile bootstrap of the mean difference on the same samples.
    diffs = np.array([-1.0] * worse + [1.0] * better + [0.0] * (count - worse - better))
    ci = stats.bootstrap((diffs,), np.mean, n_resamples=20000, confidence_level=confidence, method="percentile",
                         rng=np.random.default_rng(12345)).confidence_interval
    return float(lo), float(hi), float(ci.low), float(ci.high)


def main() -> None:
    mcnemar = []
    for b, c in [(0, 0), (1, 0), (0, 1), (5, 0), (6, 0), (0, 7), (9, 0), (10, 2), (2, 10), (3, 3), (4, 5),
                 (12, 3), (30, 14), (100, 70), (70, 100), (500, 430), (2000, 1900), (5000, 4800), (1, 1000), (0, 60)]:
        p = 1.0 if b + c == 0 else float(stats.binomtest(b, b + c, 0.5).pvalue)
        mcnemar.append({"b": b, "c": c, "p": p})

    rng = np.random.default_rng(7)
    bh_inputs = [
        [0.01, 0.04, 0.03, 0.5],
        [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216],
        [0.05, 0.05, 0.05],
        [1.0, 0.0, 0.5],
        [0.2],
        [0.03, 0.03, 0.01, 0.2, 0.04, 0.04],
        [float(x) for x in rng.uniform(0, 0.2, size=25)],
    ]
    bh = [{"p": ps, "adjusted": [float(x) for x in stats.false_discovery_control(ps, method="bh")]} for ps in bh_inputs]

    boot = []
    for worse, better, count, conf, res, seed in [(10, 1, 90, 0.95, 2000, 0), (3, 2, 40, 0.95, 1000, 42),
                                                  (0, 0, 30, 0.95, 500, 1), (14, 4, 120, 0.9, 3000, 2024),
                                                  (1, 8, 60, 0.99, 2000, 9)]:
        lo, hi, slo, shi = bootstrap(worse, better, count, conf, res, seed)
        boot.append({"worse": worse, "better": better, "count": count, "confidence": conf, "resamples": res,
                     "seed": seed, "lower": lo, "upper": hi, "scipyLower": slo, "scipyUpper": shi})

    seeds = [{"seed": s, "group": g, "value": str(group_seed(s, g))} for s in (0, 1, 2**63 + 5) for g in (-1, 0, 1, 9)]

    rng = np.random.default_rng(11)
    n, classes, k = 200, 5, 3
    labels = rng.integers(0, classes, size=n)
    scores = rng.normal(size=(n, classes))
    scores[np.arange(n), labels] += 1.0  # better than chance
    predicted = np.argmax(scores, axis=1)
    precision, recall, f1, support = skm.precision_recall_fscore_support(labels, predicted, labels=list(range(classes)),
                                                                         zero_division=np.nan)
    metrics = {
        "labels": labels.tolist(), "scores": scores.tolist(), "k": k,
        "accuracy": float(skm.accuracy_score(labels, predicted)),
        "topKAccuracy": float(skm.top_k_accuracy_score(labels, scores, k=k, labels=list(range(classes)))),
        "confusion": skm.confusion_matrix(labels, predicted, labels=list(range(classes))).tolist(),
        "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(), "support": support.tolist(),
        "macroF1": float(skm.f1_score(labels, predicted, average="macro")),
    }

    doc = {
        "generator": "scripts/accuracy-stats-reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__},
        "mcnemar": mcnemar, "bh": bh, "bootstrap": boot, "seeds": seeds, "metrics": metrics,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
