#!/usr/bin/env python3
"""Reference quantiles of Student's t for studentt_test.go, independent of the Go code.

For integer df the CDF has a finite closed form (Abramowitz & Stegun 26.7.3, 26.7.4) in
theta = atan(t/sqrt(df)). It is evaluated here with 50-digit decimal arithmetic, tails
included (no cancellation at 1 - F), and inverted by bisection. Standard library only.
Run: python3 testdata/tquantile.py
"""
from decimal import Decimal as D, getcontext

getcontext().prec = 60


def pi():
    # Machin: pi = 16 atan(1/5) - 4 atan(1/239)
    return 16 * atan_series(D(1) / 5) - 4 * atan_series(D(1) / 239)


def atan_series(x):
    s, term, k, x2 = D(0), x, 0, x * x
    while abs(term) > D(10) ** -58:
        s += (term if k % 2 == 0 else -term) / (2 * k + 1)
        term *= x2
        k += 1
    return s


def atan(x):
    # reduce twice: atan x = 2 atan(x / (1 + sqrt(1 + x^2)))
    if x > 1:
        return pi() / 2 - atan(1 / x)
    for _ in range(3):
        x = x / (1 + (1 + x * x).sqrt())
    return 8 * atan_series(x)


def upper_tail(t, df):
    """P(T > t) for t >= 0, exact series, no cancellation."""
    r = (df + t * t).sqrt()
    s, c = t / r, D(df).sqrt() / r  # sin, cos of theta
    if df % 2 == 0:
        # 1 - F = (1 - s * sum) / 2, sum = 1 + c^2/2 + 1*3 c^4/(2*4) + ...
        # 1 - s*sum cancels for large t; 60 digits leave far more than float64 needs.
        term, acc = D(1), D(1)
        for k in range(1, (df - 2) // 2 + 1):
            term *= c * c * (2 * k - 1) / (2 * k)
            acc += term
        return (1 - s * acc) / 2
    # odd: F = 1/2 + (theta + s*(c + 2/3 c^3 + ...))/pi ; 1 - F = (pi/2 - theta - s*acc)/pi
    acc = D(0)
    if df > 1:
        term, acc = c, c
        for k in range(1, (df - 3) // 2 + 1):
            term *= c * c * (2 * k) / (2 * k + 1)
            acc += term
    rest = atan(D(df).sqrt() / t) if t > 0 else pi() / 2  # pi/2 - theta
    return (rest - s * acc) / pi()


def quantile(p, df):
    q = 1 - D(float(p))  # the float64 the Go test passes, exactly
    lo, hi = D(0), D(10) ** 20
    for _ in range(260):
        mid = (lo + hi) / 2
        if upper_tail(mid, df) > q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


CASES = [
    ("0.95", 1), ("0.95", 2), ("0.95", 3), ("0.95", 4), ("0.95", 10), ("0.975", 10),
    ("0.95", 30), ("0.75", 3), ("0.6", 25), ("0.995", 5), ("0.9995", 7),
    ("0.99", 100), ("0.999999", 3), ("0.999999999", 6), ("0.55", 9), ("0.95", 33),
    ("0.975", 250), ("0.975", 2000), ("0.9999", 1501),
]

if __name__ == "__main__":
    for p, df in CASES:
        print(f"\t\t{{{p}, {df}, {float(quantile(p, df))!r}}},")
