package main

import (
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// drawGrowth draws the growth curves side by side into a PNG: p99 of each TimeWave request kind by
// store size, the mixed scenario's req/s and p99 by connections, and RSS, req/s and p99 by sessions
// (every axis logarithmic).
func drawGrowth(path string, sizes []growthSize, conns []growthConn, sess []growthSessions) error {
	bySize := plot.New()
	bySize.Title.Text = "TimeWave store size (validated)"
	bySize.X.Label.Text = "clients"
	bySize.Y.Label.Text = "p99 ms"
	logAxes(bySize)
	var lines []any
	for i, op := range growthOps(1) {
		xys := make(plotter.XYs, 0, len(sizes))
		for _, g := range sizes {
			if i < len(g.ops) {
				xys = append(xys, plotter.XY{X: float64(g.clients), Y: positive(float64(g.ops[i].res.P99.Microseconds()) / 1000)})
			}
		}
		lines = append(lines, op.name, xys)
	}
	if err := plotutil.AddLinePoints(bySize, lines...); err != nil {
		return err
	}
	byConn := plot.New()
	byConn.Title.Text = "Mixed scenario by connections (validated)"
	byConn.X.Label.Text = "connections"
	byConn.Y.Label.Text = "req/s (hundreds) and p99 ms"
	logAxes(byConn)
	rps, p99 := make(plotter.XYs, 0, len(conns)), make(plotter.XYs, 0, len(conns))
	for _, c := range conns {
		rps = append(rps, plotter.XY{X: float64(c.conns), Y: positive(c.res.RPS() / 100)})
		p99 = append(p99, plotter.XY{X: float64(c.conns), Y: positive(float64(c.res.P99.Microseconds()) / 1000)})
	}
	if err := plotutil.AddLinePoints(byConn, "req/s / 100", rps, "p99 ms", p99); err != nil {
		return err
	}
	bySess := plot.New()
	bySess.Title.Text = "Sessions, each opened by one read"
	bySess.X.Label.Text = "sessions"
	bySess.Y.Label.Text = "RSS MB, req/s (hundreds), p99 ms"
	logAxes(bySess)
	rss, srps, sp99 := make(plotter.XYs, 0, len(sess)), make(plotter.XYs, 0, len(sess)), make(plotter.XYs, 0, len(sess))
	for _, g := range sess {
		x := float64(g.sessions)
		rss = append(rss, plotter.XY{X: x, Y: positive(float64(g.rss.RSS) / (1 << 20))})
		srps = append(srps, plotter.XY{X: x, Y: positive(g.res.RPS() / 100)})
		sp99 = append(sp99, plotter.XY{X: x, Y: positive(float64(g.res.P99.Microseconds()) / 1000)})
	}
	if err := plotutil.AddLinePoints(bySess, "RSS MB", rss, "req/s / 100", srps, "p99 ms", sp99); err != nil {
		return err
	}
	for _, p := range []*plot.Plot{bySize, byConn, bySess} {
		widenLogAxis(&p.X)
		widenLogAxis(&p.Y)
	}
	img := vgimg.New(vg.Points(1400), vg.Points(420))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 3, PadX: vg.Millimeter * 6, PadY: vg.Millimeter, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align([][]*plot.Plot{{bySize, byConn, bySess}}, tiles, dc)
	bySize.Draw(canvases[0][0])
	byConn.Draw(canvases[0][1])
	bySess.Draw(canvases[0][2])
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func logAxes(p *plot.Plot) {
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top = true
}

// widenLogAxis gives a logarithmic axis holding one value a range around it: gonum widens an empty
// range by one on each side, below zero for a value under one, which a logarithmic scale refuses
// (a panic), as with a single connection count.
func widenLogAxis(a *plot.Axis) {
	if a.Min == a.Max && a.Min > 0 {
		a.Min, a.Max = a.Min/2, a.Max*2
	}
}

// positive keeps a value off zero, which a logarithmic axis cannot show.
func positive(v float64) float64 { return max(v, 0.001) }
