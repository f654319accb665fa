package synthetic

import (
	"math"
	"math/rand/v2"
)

// The positional noise of a shoreline is a stationary Gaussian process along the coast
// with correlation exp(−(d/L)²) at along-shore distance d: white noise on a grid of
// spacing L/8 convolved with a Gaussian kernel of standard deviation L/2 (normalised to
// unit variance), then interpolated linearly to the vertices. On a closed chain the grid
// wraps round, so the noise does too.

// prepareNoise sets up the noise grid of c for correlation length l > 0.
func (c *chain) prepareNoise(l float64) {
	step := l / 8
	if c.closed {
		c.noiseN = max(1, int(math.Ceil(c.length/step)))
		step = c.length / float64(c.noiseN)
	} else {
		c.noiseN = int(c.length/step) + 2
	}
	c.noiseStep = step
	sd := l / 2 / step // kernel standard deviation in grid steps
	half := int(math.Ceil(3 * sd))
	w := make([]float64, 2*half+1)
	for j := range w {
		x := float64(j-half) / sd
		w[j] = math.Exp(-x * x / 2)
	}
	if c.closed && c.noiseN < len(w) { // a ring shorter than the kernel: fold it round
		f := make([]float64, c.noiseN)
		for j, v := range w {
			f[j%c.noiseN] += v
		}
		w = f
	}
	var ss float64
	for _, v := range w {
		ss += v * v
	}
	for j := range w {
		w[j] /= math.Sqrt(ss)
	}
	c.noiseW = w
}

// noise draws one unit-variance noise field on the grid of c into field.
func (c *chain) noise(rng *rand.Rand, white, field []float64) ([]float64, []float64) {
	n, k := c.noiseN, len(c.noiseW)
	if c.closed {
		white = grow(white, n)
	} else {
		white = grow(white, n+k-1)
	}
	for i := range white {
		white[i] = rng.NormFloat64()
	}
	field = grow(field, n)
	for i := range field {
		var v float64
		if c.closed {
			for j, w := range c.noiseW {
				v += w * white[(i+j)%n]
			}
		} else {
			for j, w := range c.noiseW {
				v += w * white[i+j]
			}
		}
		field[i] = v
	}
	return white, field
}

// noiseAt interpolates a noise field of c at arc length s.
func (c *chain) noiseAt(field []float64, s float64) float64 {
	x := s / c.noiseStep
	i := int(x)
	f := x - float64(i)
	j := i + 1
	if c.closed {
		i %= c.noiseN
		j %= c.noiseN
	} else {
		i = min(i, c.noiseN-1)
		j = min(j, c.noiseN-1)
	}
	return (1-f)*field[i] + f*field[j]
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}
