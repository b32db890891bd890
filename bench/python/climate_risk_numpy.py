#!/usr/bin/env python3
"""The climate-risk model of SimRun's `climate-risk` kind, vectorized with NumPy.

The same model on the same inputs as kinds/climate-risk (docs/climate-risk.md): per unit (site,
scenario, year) and hazard, a Poisson count of events per path with the hazard table's frequency,
lognormal intensities with its median and sigma (both scaled by the scenario's warming), the asset
type's vulnerability curve, loss = damage ratio x asset value summed over a year's events; then the
average annual loss per hazard and in total, VaR and expected shortfall at 95% and 99% of the total,
and exceedance probabilities. The tables are read from the kind's resources, so both sides use the
same numbers. The random numbers are NumPy's own (PCG64): the two implementations agree in
distribution, not bit for bit.

It runs as a worker beside the Java benchmark (bench/.../ClimateRiskBenchmark.java), one command per
line on stdin:
  round     run every unit once; answers {"seconds": s} on one line
  results   answers {"units": [[aal, aalStdError, [hazard aal...], [hazard se...]], ...]}
  quit
Single-threaded: run it with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (the benchmark does).

Usage: climate_risk_numpy.py PARAMS_JSON [--units N] [--seed S]
"""
import csv
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = os.path.join(HERE, "..", "..", "kinds", "climate-risk", "src", "main", "resources",
                      "dev", "simrun", "kinds", "climate")
HAZARDS = ["flood", "extreme-heat", "drought", "wildfire", "tropical-cyclone", "sea-level-rise",
           "landslide", "cold-wave", "water-stress"]
BANDS = ["tropical", "subtropical", "temperate", "subpolar", "polar"]
BASE_WARMING = 1.1


def rows(name):
    with open(os.path.join(TABLES, name), newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def band(latitude):
    a = abs(latitude)
    for i, upper in enumerate([23.5, 35.0, 50.0, 66.5]):
        if a < upper:
            return i
    return 4


class Model:
    def __init__(self, params):
        self.params = params
        warming = {}
        for r in rows("warming.csv"):
            warming.setdefault(r["scenario"], []).append((int(r["year"]), float(r["warming"])))
        self.warming = warming
        self.table = {}
        for r in rows("hazards.csv"):
            self.table[(r["hazard"], r["band"])] = [float(r[c]) for c in (
                "frequency", "frequencyPerDegree", "intensityMedian", "intensitySigma",
                "intensityPerDegree")]
        self.curves = {}
        for r in rows("vulnerability.csv"):
            self.curves[(r["assetType"], r["hazard"])] = r
        self.sites = params["sites"]
        self.scenarios = params["scenarios"]
        y = params["years"]
        if y.get("values") is not None:
            self.years = list(y["values"])
        else:
            self.years = list(range(y["from"], y["to"] + 1, y.get("step") or 1))
        self.hazards = params.get("hazards") or HAZARDS
        self.paths = params["paths"]
        self.thresholds = params.get("lossThresholds") or [0.001, 0.01, 0.05, 0.1]

    def warming_at(self, scenario, year):
        anchors = self.warming[scenario]
        if year <= anchors[0][0]:
            return anchors[0][1]
        for (y0, w0), (y1, w1) in zip(anchors, anchors[1:]):
            if year <= y1:
                return w0 + (year - y0) / (y1 - y0) * (w1 - w0)
        return anchors[-1][1]

    def damage(self, asset_type, hazard, x):
        c = self.curves[(asset_type, hazard)]
        family = c["family"]
        if family == "piecewise":
            pts = [p.split(":") for p in c["points"].split()]
            xs = np.array([float(p[0]) for p in pts])
            ys = np.array([float(p[1]) for p in pts])
            return np.interp(x, xs, ys)
        cap = float(c["cap"])
        if family == "logistic":
            return cap / (1.0 + np.exp(-float(c["steepness"]) * (x - float(c["midpoint"]))))
        threshold = float(c["threshold"])
        v = np.maximum(0.0, x - threshold) / (float(c["halfDamage"]) - threshold)
        v3 = v * v * v
        return cap * v3 / (1.0 + v3)

    def unit(self, u, rng):
        n_years = len(self.years)
        n_scen = len(self.scenarios)
        site = self.sites[u // (n_scen * n_years)]
        scenario = self.scenarios[(u // n_years) % n_scen]
        year = self.years[u % n_years]
        value = float(site["assetValue"])
        b = BANDS[band(site["latitude"])]
        dt = self.warming_at(scenario, year) - BASE_WARMING
        paths = self.paths
        totals = np.zeros(paths)
        aal_h, se_h = [], []
        path_index = np.arange(paths)
        for hazard in self.hazards:
            f, fpd, m, sigma, ipd = self.table[(hazard, b)]
            lam = f * max(0.0, 1 + fpd * dt)
            median = m * max(0.0, 1 + ipd * dt)
            if lam <= 0:
                aal_h.append(0.0)
                se_h.append(0.0)
                continue
            counts = rng.poisson(lam, paths)
            events = int(counts.sum())
            intensity = median * np.exp(sigma * rng.standard_normal(events))
            ratios = self.damage(site["assetType"], hazard, intensity)
            loss = np.bincount(np.repeat(path_index, counts), weights=ratios,
                               minlength=paths) * value
            totals += loss
            aal_h.append(float(loss.mean()))
            se_h.append(float(loss.std(ddof=1) / math.sqrt(paths)))
        tail = {}
        for q in (0.95, 0.99):
            k = max(0, min(paths - 1, math.ceil(q * paths) - 1))
            part = np.partition(totals, k)
            tail[q] = (float(part[k]), float(part[k:].mean()))
        exceedance = [float((totals > t * value).mean()) for t in self.thresholds]
        return [float(sum(aal_h)), float(totals.std(ddof=1) / math.sqrt(paths)), aal_h, se_h,
                tail[0.95][0], tail[0.99][0], tail[0.95][1], tail[0.99][1], exceedance]


def main():
    args = sys.argv[1:]
    with open(args[0]) as f:
        body = json.load(f)
    params = body.get("params", body)
    units = None
    seed = 12345
    if "--units" in args:
        units = int(args[args.index("--units") + 1])
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    model = Model(params)
    total = len(model.sites) * len(model.scenarios) * len(model.years)
    units = total if units is None else min(units, total)
    rng = np.random.default_rng(seed)
    last = None
    for line in sys.stdin:
        command = line.strip()
        if command == "round":
            t0 = time.perf_counter()
            last = [model.unit(u, rng) for u in range(units)]
            seconds = time.perf_counter() - t0
            print(json.dumps({"seconds": seconds}), flush=True)
        elif command == "results":
            print(json.dumps({"numpy": np.__version__, "units": last}), flush=True)
        elif command == "quit":
            break


if __name__ == "__main__":
    main()
