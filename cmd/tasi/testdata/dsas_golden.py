#!/usr/bin/env python3
"""Independent DSAS reference values for the real-data tests (standard library only).

Reads the CoastSat Narrabeen time series and the SDS_Benchmark survey ground truth from
../shared/data/sds_validation and writes sds_validation_golden.json: per transect n, SCE,
NSM, EPR, LRR, LSE, first and last date, with DSAS decimal years
(year + (day-of-year + day fraction)/365.242199). Run from the project root:
    python3 cmd/tasi/testdata/dsas_golden.py
"""
import csv, json, math, os, datetime as dt

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "data", "sds_validation")

def decyear(t):
    doy = t.timetuple().tm_yday
    frac = (t.hour * 3600 + t.minute * 60 + t.second) / 86400.0
    return t.year + (doy + frac) / 365.242199

def parse(s):
    s = s.strip().replace("Z", "+00:00")
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return t

def stats(obs):
    obs.sort(key=lambda o: o[0])
    ts = [decyear(t) for t, _ in obs]
    ds = [d for _, d in obs]
    n = len(obs)
    first, last = min(ts), max(ts)
    d_first = [d for t, d in zip(ts, ds) if t == first]
    d_last = [d for t, d in zip(ts, ds) if t == last]
    nsm = sum(d_last) / len(d_last) - sum(d_first) / len(d_first)
    tm, dm = sum(ts) / n, sum(ds) / n
    ss = sum((t - tm) ** 2 for t in ts)
    scp = sum((t - tm) * (d - dm) for t, d in zip(ts, ds))
    lrr = scp / ss
    resid = [d - (dm + lrr * (t - tm)) for t, d in zip(ts, ds)]
    lse = math.sqrt(sum(r * r for r in resid) / (n - 2))
    return {"n": n, "SCE": max(ds) - min(ds), "NSM": nsm, "EPR": nsm / (last - first),
            "LRR": lrr, "LSE": lse,
            "first": min(obs)[0].strftime("%Y-%m-%d"), "last": max(obs)[0].strftime("%Y-%m-%d")}

def wide(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    cols = [c for c in rows[0] if c not in ("", "dates", "satname")]
    out = {}
    for c in cols:
        obs = [(parse(r["dates"]), float(r[c])) for r in rows if r[c] not in ("", "nan", "NaN")]
        out[c] = stats(obs)
    return out

def long(path, prefix):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    by = {}
    for r in rows:
        if r["chainage_m"].strip() in ("", "nan", "NaN"):
            continue  # a survey that did not reach the contour
        by.setdefault(prefix + r["transect"], []).append((parse(r["date_utc"]), float(r["chainage_m"])))
    return {k: stats(v) for k, v in by.items()}

golden = {
    "coastsat_narrabeen": wide(os.path.join(ROOT, "coastsat_narrabeen_example", "NARRA_time_series_tidally_corrected.csv")),
    "narrabeen_survey": long(os.path.join(ROOT, "sds_benchmark", "NARRABEEN_groundtruth_insitu_early.csv"), ""),
    "duck_survey": long(os.path.join(ROOT, "sds_benchmark", "DUCK_groundtruth_insitu_early.csv"), "PF"),
}
with open(os.path.join(os.path.dirname(__file__), "sds_validation_golden.json"), "w") as f:
    json.dump(golden, f, indent=1, sort_keys=True)
