package change

import "math"

// StudentTQuantile returns the p-quantile of Student's t distribution with df degrees of
// freedom: the t with P(T ≤ t) = p. It returns −Inf for p = 0, +Inf for p = 1 and NaN for p
// outside [0, 1] or df < 1. The result is accurate to about 1e-12 relative.
//
// df 1 and 2 have closed forms. Otherwise the upper tail probability
// Q(t) = I_{df/(df+t²)}(df/2, 1/2) / 2, with I the regularized incomplete beta function
// (continued fraction, modified Lentz), is solved for t by Newton's method on ln Q against
// ln t, started from the Cornish–Fisher expansion about the normal quantile and kept inside a
// bracket that bisects when a step leaves it. From 200000 degrees of freedom on, the
// Cornish–Fisher expansion (four terms) is itself accurate to rounding and is returned.
func StudentTQuantile(p float64, df int) float64 {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1 || df < 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p == 0.5:
		return 0
	case p > 0.5:
		return studentTUpper(1-p, float64(df))
	default:
		return -studentTUpper(p, float64(df))
	}
}

// studentTUpper returns t > 0 with P(T > t) = q for 0 < q < 0.5 and nu ≥ 1 degrees of
// freedom. Callers that know q exactly (Compute knows α/2) pass it here to keep its digits.
func studentTUpper(q, nu float64) float64 {
	switch {
	case q >= 0.5:
		return 0
	case nu == 1:
		return 1 / math.Tan(math.Pi*q)
	case nu == 2:
		return (1 - 2*q) / math.Sqrt(2*q*(1-q))
	case nu >= cornishFisherDF:
		return cornishFisher(q, nu)
	}
	lbeta := lnBetaHalf(nu / 2)
	// log of the density's constant: Γ((ν+1)/2) / (Γ(ν/2) √(νπ)) = 1 / (B(ν/2, 1/2) √ν).
	lpdf0 := -lbeta - 0.5*math.Log(nu)
	lnq := math.Log(q)

	t := cornishFisher(q, nu)
	lo, hi := 0.0, math.Inf(1) // Q(lo) > q > Q(hi)
	for range 100 {
		tail := tTail(t, nu, lbeta)
		if tail > q {
			lo = t
		} else {
			hi = t
		}
		if tail == q {
			return t
		}
		// d ln Q / d ln t = −t·f(t)/Q(t), f the density.
		lf := lpdf0 - (nu+1)/2*math.Log1p(t*t/nu)
		slope := -t * math.Exp(lf) / tail
		step := (math.Log(tail) - lnq) / slope // change of ln t
		next := t * math.Exp(-step)
		// Newton converges quadratically: after a step of 1e-9 in ln t the error left is of
		// order 1e-18. (Checked before the bracket, which rounding can make next touch.)
		if math.Abs(step) <= 1e-9 {
			return next
		}
		if !(next > lo && next < hi) {
			switch {
			case math.IsInf(hi, 1):
				next = 4 * t
			case lo == 0:
				next = hi / 4
			default:
				next = math.Sqrt(lo * hi)
			}
		}
		t = next
	}
	return t
}

// cornishFisherDF is the number of degrees of freedom from which the Cornish–Fisher
// expansion alone is used: its first neglected term is of order z¹¹/ν⁵, below 1e-15 relative
// there for tails down to 1e-12, while the continued fraction of the incomplete beta function
// converges ever more slowly (in about √ν steps) and with growing rounding error.
const cornishFisherDF = 2e5

// cornishFisher approximates the upper q-quantile of Student's t with nu degrees of freedom
// by the Cornish–Fisher expansion about the normal quantile z (Abramowitz & Stegun 26.7.5).
func cornishFisher(q, nu float64) float64 {
	z := math.Sqrt2 * math.Erfcinv(2*q)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	t := z + (g1+(g2+(g3+g4/nu)/nu)/nu)/nu
	if !(t > 0) || math.IsInf(t, 0) {
		t = math.Max(z, 1e-3)
	}
	return t
}

// tTail returns P(T > t) for t > 0 with nu degrees of freedom, given lbeta = ln B(ν/2, 1/2).
func tTail(t, nu, lbeta float64) float64 {
	r := t * t / nu
	x, y := 1/(1+r), r/(1+r)
	lnx := -math.Log1p(r) // ln x without the rounding of x, which ν/2 would amplify
	return 0.5 * incBeta(nu/2, 0.5, x, y, lnx, math.Log(y), lbeta)
}

// lnBetaHalf returns ln B(a, 1/2) = ln Γ(a) + ln Γ(1/2) − ln Γ(a + 1/2). For large a the
// difference of the two large log-gammas is taken from Stirling's series instead, which
// keeps its absolute accuracy near 1e-16 where plain subtraction would lose ln Γ(a)'s digits.
func lnBetaHalf(a float64) float64 {
	const lnSqrtPi = 0.5723649429247001 // ln Γ(1/2)
	if a < 30 {
		return lgamma(a) + lnSqrtPi - lgamma(a+0.5)
	}
	// ln Γ(a+½) − ln Γ(a) = a·ln(1 + 1/(2a)) + ½ ln a − ½ + s(a+½) − s(a),
	// s(z) = 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷).
	s := func(z float64) float64 {
		z2 := z * z
		return (1.0/12 - (1.0/360-(1.0/1260-1/(1680*z2))/z2)/z2) / z
	}
	d := a*math.Log1p(0.5/a) - 0.5 + 0.5*math.Log(a) + s(a+0.5) - s(a)
	return lnSqrtPi - d
}

// incBeta returns the regularized incomplete beta function I_x(a, b), given y = 1 − x
// computed without cancellation, ln x, ln y and lbeta = ln B(a, b).
func incBeta(a, b, x, y, lnx, lny, lbeta float64) float64 {
	switch {
	case x <= 0:
		return 0
	case y <= 0:
		return 1
	}
	front := math.Exp(a*lnx + b*lny - lbeta)
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, y)/b
}

// betaCF evaluates the continued fraction of the incomplete beta function by the modified
// Lentz method (Numerical Recipes, 3rd ed., §6.4).
func betaCF(a, b, x float64) float64 {
	const (
		eps  = 4e-16
		tiny = 1e-300
	)
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m < 100000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) <= eps {
			break
		}
	}
	return h
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}
