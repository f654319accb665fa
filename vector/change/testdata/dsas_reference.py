#!/usr/bin/env python3
"""Reference statistics for change_test.go, computed independently of the Go code.

Decimal years and every sum are exact rationals (fractions.Fraction, with 365.242199 taken
as the exact decimal); square roots and t quantiles are taken in 60-digit decimal
arithmetic (t quantiles from tquantile.py). The formulas are DOMAIN.md's, written out
directly: SS, SCP, TSS about the (weighted) means, LSE = sqrt((TSS - LRR*SCP)/(n-2)).
Standard library only. Run: python3 testdata/dsas_reference.py
"""
from datetime import datetime, timezone
from decimal import Decimal as D, getcontext
from fractions import Fraction as F

from tquantile import quantile

getcontext().prec = 60
YEAR = F("365.242199")


def decimal_year(ts):
    t = datetime.fromisoformat(ts).astimezone(timezone.utc)
    doy = t.timetuple().tm_yday
    sec = F(t.hour * 3600 + t.minute * 60 + t.second) + F(t.microsecond, 10**6)
    return t.year + (doy + sec / 86400) / YEAR


def sqrt(fr):
    return (D(fr.numerator) / D(fr.denominator)).sqrt()


def fit(t, d, w):
    W = sum(w)
    tb = sum(wi * ti for wi, ti in zip(w, t)) / W
    db = sum(wi * di for wi, di in zip(w, d)) / W
    ss = sum(wi * (ti - tb) ** 2 for wi, ti in zip(w, t))
    scp = sum(wi * (ti - tb) * (di - db) for wi, ti, di in zip(w, t, d))
    tss = sum(wi * (di - db) ** 2 for wi, di in zip(w, d))
    b = scp / ss
    r2 = b * scp / tss if tss else None
    rss = tss - b * scp
    return b, r2, rss, ss


def stats(obs, confidence):
    t = [decimal_year(ts) for ts, _, _ in obs]
    d = [F(dist) for _, dist, _ in obs]
    u = [F(unc) for _, _, unc in obs]
    n = len(obs)
    t0, t1 = min(t), max(t)
    old = [i for i in range(n) if t[i] == t0]
    young = [i for i in range(n) if t[i] == t1]
    mean = lambda ix, v: sum(v[i] for i in ix) / len(ix)
    out = {}
    out["SCE"] = max(d) - min(d)
    out["NSM"] = mean(young, d) - mean(old, d)
    dt = t1 - t0
    out["EPR"] = out["NSM"] / dt
    # uncertainty of a date: root mean square of its shorelines' uncertainties
    u2 = mean(old, [x * x for x in u]) + mean(young, [x * x for x in u])
    out["EPRunc"] = sqrt(u2) / (D(dt.numerator) / D(dt.denominator))
    tq = quantile(str(D(1) - (D(1) - D(confidence)) / 2), n - 2)
    for prefix, w in (("L", [F(1)] * n), ("W", [1 / (x * x) for x in u])):
        b, r2, rss, ss = fit(t, d, w)
        se = sqrt(rss / (n - 2))
        out[prefix + ("RR" if prefix == "L" else "LR")] = b
        out[prefix + "R2"] = r2
        out[prefix + "SE"] = se
        out[prefix + "CI"] = tq * se / sqrt(ss)
    return out


CASES = {
    # Jan 1 00:00 every five years: decimal years differ by whole years.
    "regular": ([
        ("2000-01-01T00:00:00+00:00", "10", "5"),
        ("2005-01-01T00:00:00+00:00", "4", "10"),
        ("2010-01-01T00:00:00+00:00", "-1", "10"),
        ("2015-01-01T00:00:00+00:00", "-9", "10"),
        ("2020-01-01T00:00:00+00:00", "-14", "5"),
    ], "0.90"),
    # Irregular dates with times of day, a leap day, duplicates of the oldest and the
    # youngest date, a non-UTC zone.
    "irregular": ([
        ("1987-03-14T10:30:00+00:00", "25.3", "12"),
        ("1987-03-14T19:30:00+09:00", "22.1", "8"),
        ("1994-11-02T02:15:30+00:00", "18.7", "10"),
        ("2003-06-30T23:59:59+00:00", "9.2", "6"),
        ("2016-02-29T12:00:00+00:00", "1.4", "4"),
        ("2024-12-31T18:00:00+00:00", "-6.8", "3"),
        ("2024-12-31T18:00:00+00:00", "-4.0", "5"),
    ], "0.95"),
}

if __name__ == "__main__":
    keys = ["SCE", "NSM", "EPR", "EPRunc", "LRR", "LR2", "LSE", "LCI", "WLR", "WR2", "WSE", "WCI"]
    for name, (obs, conf) in CASES.items():
        s = stats(obs, conf)
        print(f"// {name}, confidence {conf}")
        for k in keys:
            v = s[k]
            print(f"{k}: {float(v)!r},")
