/**
 * The script of report.html (plain browser JavaScript, ES2019, no modules): reads the plots from the
 * `<script type="application/json" id="hpcbench-data">` element and draws each with uPlot into its
 * `<div data-plot="id">`. Hover shows every series' value in the legend. The drawn charts are listed in
 * `window.hpcbenchPlots` ({id, plot}) so a browser test can count series and points.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('hpcbench-data').textContent);
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  window.hpcbenchPlots = [];

  function pctLabel(x) {
    var p = 100 * (1 - Math.pow(10, -x));
    return String(Number(p.toFixed(p >= 99 ? 3 : 2))) + '%';
  }
  function num(v) {
    if (v === null || v === undefined || !isFinite(v)) return '-';
    if (v === 0) return '0';
    var a = Math.abs(v);
    return String(Number(a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3)));
  }
  function utc(t) {
    var d = new Date(t * 1000);
    return d.toISOString().slice(11, 19);
  }

  function bandsHook(bands) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      for (var i = 0; i < bands.length; i++) {
        var b = bands[i];
        var x0 = u.valToPos(b.from, 'x', true);
        var x1 = u.valToPos(b.to, 'x', true);
        var left = Math.max(x0, u.bbox.left);
        var right = Math.min(x1, u.bbox.left + u.bbox.width);
        if (right <= left) continue;
        ctx.fillStyle = b.kind === 'warmup' ? 'rgba(255,165,0,0.15)' : 'rgba(46,160,67,0.12)';
        ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
      }
      ctx.restore();
    };
  }

  function options(p, width) {
    var time = p.kind === 'time';
    var series = [{
      label: p.kind === 'percentile' ? 'percentile' : p.xLabel,
      value: function (u, v) {
        if (v === null || v === undefined) return '-';
        if (p.kind === 'percentile') return pctLabel(v);
        if (time) return utc(v);
        if (p.pointLabels) {
          var i = u.data[0].indexOf(v);
          return num(v) + (i >= 0 && p.pointLabels[i] ? ' (' + p.pointLabels[i] + ')' : '');
        }
        return num(v);
      }
    }];
    for (var i = 0; i < p.series.length; i++) {
      var s = p.series[i];
      var color = COLORS[i % COLORS.length];
      series.push({
        label: s.label,
        scale: s.axis === 2 ? 'y2' : 'y',
        stroke: color,
        width: s.pointsOnly ? 0 : 2,
        spanGaps: true,
        points: { show: s.pointsOnly || p.kind === 'xy' || p.data[0].length < 12, size: s.pointsOnly ? 8 : 5, fill: color },
        value: function (u, v) { return num(v); }
      });
    }
    var axes = [
      {
        label: p.xLabel,
        values: p.kind === 'percentile'
          ? function (u, splits) { return splits.map(pctLabel); }
          : time ? function (u, splits) { return splits.map(utc); } : undefined
      },
      { label: p.yLabel, scale: 'y', values: function (u, splits) { return splits.map(num); }, size: 60 }
    ];
    if (p.y2Label) axes.push({ label: p.y2Label, scale: 'y2', side: 1, grid: { show: false }, values: function (u, splits) { return splits.map(num); }, size: 60 });
    var scales = { x: { time: false }, y: { auto: true, range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.05 : 1]; } } };
    if (p.y2Label) scales.y2 = { auto: true, range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.05 : 1]; } };
    if (p.kind === 'percentile') {
      scales.x.distr = 1;
      axes[0].splits = function (u) {
        var out = [0, Math.log10(2)];
        var max = u.scales.x.max;
        for (var k = 1; k <= max + 1e-9; k++) out.push(k);
        return out;
      };
    }
    if (p.xRange) { scales.x.range = function () { return p.xRange; }; }
    return {
      title: p.title,
      width: width,
      height: 260,
      series: series,
      axes: axes,
      scales: scales,
      cursor: { drag: { x: true, y: false } },
      hooks: p.bands && p.bands.length ? { drawClear: [bandsHook(p.bands)] } : {}
    };
  }

  var plots = data.plots || [];
  for (var i = 0; i < plots.length; i++) {
    var p = plots[i];
    var el = document.querySelector('[data-plot="' + p.id + '"]');
    if (!el) continue;
    var width = Math.max(320, Math.min(el.clientWidth || 560, 900));
    var u = new uPlot(options(p, width), p.data, el);
    window.hpcbenchPlots.push({ id: p.id, plot: u });
  }
  window.addEventListener('resize', function () {
    for (var i = 0; i < window.hpcbenchPlots.length; i++) {
      var e = window.hpcbenchPlots[i];
      var w = Math.max(320, Math.min(e.plot.root.parentNode.clientWidth || 560, 900));
      e.plot.setSize({ width: w, height: 260 });
    }
  });
  document.body.setAttribute('data-plots-drawn', String(window.hpcbenchPlots.length));
})();
`;
