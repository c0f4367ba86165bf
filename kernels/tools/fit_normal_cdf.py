#!/usr/bin/env python3
"""Fits the polynomial coefficients of dev.slimfit.kernels.cpu.NormalCdfVectors (the float GELU's Φ) and of
dev.slimfit.kernels.cpu.VectorExp (e^r on the reduced range |r| <= ln2/2, degree EXP_DEGREE).

Φ(x) is split in two regions:
  −TAIL_START <= x <= CENTRAL_LIMIT:  Φ(x) = ½ + x·P(x²)      P approximates (Φ(x) − ½)/x on |x| <= CENTRAL_LIMIT
  elsewhere, a = |x|:                 1 − Φ(a) = φ(a)·Q(t), t = 1/(1 + a/TAIL_SCALE)
                       Q approximates Mills' ratio (1 − Φ(a))/φ(a) on [TAIL_START, TAIL_LIMIT]
The central form is used on the negative side only down to −TAIL_START: further down ½ + x·P cancels (at x = −1.5
it loses a factor 7 of relative accuracy), while the tail form has no cancellation for x < 0.
Both fits minimise the relative error by weighted least squares on Chebyshev nodes (close to minimax), against
values computed with mpmath at 40 digits. Run with python3 (numpy, mpmath); paste the printed arrays into the
Java class. The printed maximum relative errors are those of the polynomials in exact arithmetic; the Java test
NormalCdfVectorsTest measures the float implementation against the double-precision reference.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
CENTRAL_LIMIT = 1.5
CENTRAL_DEGREE = 6      # in x²
TAIL_START = 0.5
TAIL_LIMIT = 14.5       # φ(14.5) underflows to 0 in float, so larger |x| need no better approximation
TAIL_SCALE = 4.0
TAIL_DEGREE = 10
NODES = 2000
EXP_DEGREE = 6


def cdf(x):
    return mp.erfc(-mp.mpf(x) / mp.sqrt(2)) / 2


def upper_tail(a):
    """1 − Φ(a), computed as ½·erfc(a/√2) so that it keeps its digits where Φ(a) rounds to 1."""
    return mp.erfc(mp.mpf(a) / mp.sqrt(2)) / 2


def pdf(x):
    x = mp.mpf(x)
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def chebyshev_nodes(lo, hi, n):
    k = np.arange(n)
    return (lo + hi) / 2 + (hi - lo) / 2 * np.cos((2 * k + 1) * np.pi / (2 * n))


def relative_fit(variable, target, degree):
    basis = np.vander(variable, degree + 1, increasing=True)
    coefficients, *_ = np.linalg.lstsq(basis / target[:, None], np.ones_like(target), rcond=None)
    error = np.max(np.abs(basis @ coefficients / target - 1))
    return coefficients, error


def main():
    x = chebyshev_nodes(1e-6, CENTRAL_LIMIT, NODES)
    central_target = np.array([float((cdf(v) - mp.mpf(1) / 2) / v) for v in x])
    central, central_error = relative_fit(x * x, central_target, CENTRAL_DEGREE)

    a = chebyshev_nodes(TAIL_START, TAIL_LIMIT, NODES)
    tail_target = np.array([float(upper_tail(v) / pdf(v)) for v in a])
    tail, tail_error = relative_fit(1 / (1 + a / TAIL_SCALE), tail_target, TAIL_DEGREE)

    half_ln2 = float(mp.log(2) / 2)
    r = chebyshev_nodes(-half_ln2, half_ln2, NODES)
    exp, exp_error = relative_fit(r, np.array([float(mp.exp(v)) for v in r]), EXP_DEGREE)

    def java(values):
        return "{" + ", ".join("%.9e" % v for v in values) + "}"

    print("CENTRAL (x² powers 0..%d), max relative error %.2e:" % (CENTRAL_DEGREE, central_error))
    print(java(central))
    print("TAIL (t powers 0..%d), max relative error %.2e:" % (TAIL_DEGREE, tail_error))
    print(java(tail))
    print("EXP (r powers 0..%d), max relative error %.2e:" % (EXP_DEGREE, exp_error))
    print(java(exp))


if __name__ == "__main__":
    main()
