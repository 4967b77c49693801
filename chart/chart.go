// Package chart draws the few charts alliance needs as standalone SVG:
// a histogram of forecast dates with percentile markers, and time series of
// poll results. The SVG is plain text with a title and description for
// screen readers, a legend, and no external resources; the CLI writes it to
// files and the web pages embed it.
package chart

import (
	"fmt"
	"html"
	"math"
	"strings"

	"alliance"
)

const (
	width, height          = 760, 380
	left, right, top, bott = 64, 24, 56, 64
)

// Palette is colour-blind safe (Okabe–Ito).
var Palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

// Bin is one bar of a histogram.
type Bin struct {
	Label string
	Value float64
}

// Marker is a labelled vertical line at a bin index (fractional).
type Marker struct {
	Label string
	At    float64
}

type svg struct{ strings.Builder }

func (s *svg) f(format string, args ...any) { fmt.Fprintf(&s.Builder, format, args...) }

func start(title, desc string) *svg {
	s := &svg{}
	s.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="t d" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12">`, width, height, width, height)
	s.f(`<title id="t">%s</title><desc id="d">%s</desc>`, html.EscapeString(title), html.EscapeString(desc))
	s.f(`<rect width="100%%" height="100%%" fill="#fff"/>`)
	s.f(`<text x="%d" y="24" font-size="16" font-weight="600" fill="#111">%s</text>`, left, html.EscapeString(title))
	return s
}

// Histogram draws bars with markers. yLabel names the bar values.
func Histogram(title, desc, yLabel string, bins []Bin, markers []Marker) []byte {
	s := start(title, desc)
	pw, ph := float64(width-left-right), float64(height-top-bott)
	maxV := 0.0
	for _, b := range bins {
		maxV = math.Max(maxV, b.Value)
	}
	if maxV == 0 {
		maxV = 1
	}
	n := float64(max(len(bins), 1))
	bw := pw / n
	axes(s, yLabel, maxV, "%.0f%%", 100)
	for i, b := range bins {
		h := b.Value / maxV * ph
		s.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %.1f%%</title></rect>`,
			float64(left)+float64(i)*bw+0.5, float64(top)+ph-h, math.Max(bw-1, 0.5), h, Palette[0], html.EscapeString(b.Label), 100*b.Value)
	}
	// Label about eight bins along the axis.
	step := max(1, (len(bins)+7)/8)
	for i := 0; i < len(bins); i += step {
		s.f(`<text x="%.1f" y="%d" text-anchor="middle" fill="#333">%s</text>`, float64(left)+(float64(i)+0.5)*bw, height-bott+16, html.EscapeString(bins[i].Label))
	}
	for i, m := range markers {
		x := float64(left) + m.At*bw
		c := Palette[1+i%3]
		s.f(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="5 3"/>`, x, x, top, height-bott, c)
		s.f(`<text x="%.1f" y="%d" text-anchor="middle" fill="%s" font-weight="600">%s</text>`, x, top-6-12*(i%2), c, html.EscapeString(m.Label))
	}
	s.f(`</svg>`)
	return []byte(s.String())
}

// Point is one value on a date.
type Point struct {
	Date  alliance.Date
	Value float64
	Label string // shown on hover
}

// Series is a named line of points.
type Series struct {
	Name   string
	Points []Point
}

// TimeSeries draws lines with dots on a date axis, values from 0 to yMax.
func TimeSeries(title, desc, yLabel string, series []Series, yMax float64) []byte {
	s := start(title, desc)
	pw, ph := float64(width-left-right), float64(height-top-bott)
	var lo, hi alliance.Date
	for _, se := range series {
		for _, p := range se.Points {
			if lo.IsZero() || p.Date.Before(lo) {
				lo = p.Date
			}
			if hi.IsZero() || p.Date.After(hi) {
				hi = p.Date
			}
		}
	}
	if lo.IsZero() {
		s.f(`<text x="%d" y="%d" fill="#333">No data.</text></svg>`, left, height/2)
		return []byte(s.String())
	}
	lo = alliance.Date{Year: lo.Year, Month: 1, Day: 1}
	hi = alliance.Date{Year: hi.Year + 1, Month: 1, Day: 1}
	span := float64(hi.DaysSince(lo))
	x := func(d alliance.Date) float64 { return float64(left) + float64(d.DaysSince(lo))/span*pw }
	y := func(v float64) float64 { return float64(top) + ph - v/yMax*ph }
	axes(s, yLabel, yMax, "%.0f", 1)
	for yr := lo.Year; yr <= hi.Year; yr++ {
		d := alliance.Date{Year: yr, Month: 1, Day: 1}
		if (yr-lo.Year)%max(1, (hi.Year-lo.Year)/12) == 0 {
			s.f(`<text x="%.1f" y="%d" text-anchor="middle" fill="#333">%d</text>`, x(d), height-bott+16, yr)
		}
	}
	s.f(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#999" stroke-dasharray="2 3"/><text x="%d" y="%.1f" text-anchor="end" fill="#666">50%%</text>`,
		left, width-right, y(50), y(50), width-right, y(50)-4)
	for i, se := range series {
		c := Palette[i%len(Palette)]
		var path []string
		for _, p := range se.Points {
			path = append(path, fmt.Sprintf("%.1f,%.1f", x(p.Date), y(p.Value)))
		}
		s.f(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(path, " "), c)
		for _, p := range se.Points {
			s.f(`<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s</title></circle>`, x(p.Date), y(p.Value), c, html.EscapeString(p.Label))
		}
		// Legend, four to a row, under the date axis.
		lx, ly := left+(i%4)*170, height-bott+36+14*(i/4)
		name := se.Name
		if r := []rune(name); len(r) > 24 {
			name = string(r[:23]) + "…"
		}
		s.f(`<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" fill="#111">%s<title>%s</title></text>`, lx, ly-9, c, lx+14, ly, html.EscapeString(name), html.EscapeString(se.Name))
	}
	s.f(`</svg>`)
	return []byte(s.String())
}

func axes(s *svg, yLabel string, yMax float64, tickFmt string, scale float64) {
	ph := float64(height - top - bott)
	s.f(`<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#333"/>`, left, width-right, height-bott, height-bott)
	s.f(`<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#333"/>`, left, left, top, height-bott)
	for i := 0; i <= 4; i++ {
		v := yMax * float64(i) / 4
		yy := float64(top) + ph - ph*float64(i)/4
		s.f(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>`, left+1, width-right, yy, yy)
		s.f(`<text x="%d" y="%.1f" text-anchor="end" fill="#333">`+tickFmt+`</text>`, left-6, yy+4, v*scale)
	}
	s.f(`<text transform="translate(16 %d) rotate(-90)" text-anchor="middle" fill="#333">%s</text>`, top+int(ph/2), html.EscapeString(yLabel))
}

// Bar is one horizontal bar, in a group that sets its colour.
type Bar struct {
	Label string
	Value float64
	Group string
	Note  string // shown on hover
}

// Bars draws labelled horizontal bars, coloured by group, with a legend.
func Bars(title, desc, xLabel string, bars []Bar) []byte {
	const rowH, labelW = 22, 175
	h := top + len(bars)*rowH + 60
	s := &svg{}
	s.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="t d" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12">`, width, h, width, h)
	s.f(`<title id="t">%s</title><desc id="d">%s</desc><rect width="100%%" height="100%%" fill="#fff"/>`, html.EscapeString(title), html.EscapeString(desc))
	s.f(`<text x="%d" y="24" font-size="16" font-weight="600" fill="#111">%s</text>`, left, html.EscapeString(title))
	maxV := 1.0
	groups := []string{}
	for _, b := range bars {
		maxV = math.Max(maxV, b.Value)
		if !containsStr(groups, b.Group) {
			groups = append(groups, b.Group)
		}
	}
	pw := float64(width - labelW - right - 40)
	for i, g := range groups {
		s.f(`<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" fill="#111">%s</text>`, labelW+i*260, 32, Palette[i%len(Palette)], labelW+i*260+14, 41, html.EscapeString(g))
	}
	for i, b := range bars {
		y := top + i*rowH
		c := Palette[indexStr(groups, b.Group)%len(Palette)]
		w := b.Value / maxV * pw
		s.f(`<text x="%d" y="%d" text-anchor="end" fill="#111">%s</text>`, labelW-8, y+15, html.EscapeString(b.Label))
		s.f(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`, labelW, y+3, w, rowH-6, c, html.EscapeString(b.Note))
		s.f(`<text x="%.1f" y="%d" fill="#333">%.0f</text>`, float64(labelW)+w+4, y+15, b.Value)
	}
	s.f(`<text x="%d" y="%d" fill="#333">%s</text></svg>`, labelW, h-16, html.EscapeString(xLabel))
	return []byte(s.String())
}

func containsStr(xs []string, x string) bool { return indexStr(xs, x) >= 0 }

func indexStr(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
