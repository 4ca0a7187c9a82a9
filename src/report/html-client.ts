/**
 * The script that draws the HTML report's charts in the browser, with Chart.js (inlined in the
 * page before it). It reads the data from the page's `bench-data` JSON block:
 * - a bar chart of the mean F-measure per method, with bootstrap interval whiskers, for the
 *   dataset chosen in a selector (all images by default);
 * - a scatter of predicted versus best (oracle) threshold, one series per featured method;
 * - one histogram per featured image, with the featured methods' thresholds as vertical lines.
 * Animations are off, so the charts are complete as soon as the page has loaded.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('bench-data').textContent);
  var colours = {};
  data.methods.forEach(function (method) { colours[method.name] = method.colour; });

  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';

  // Vertical bootstrap-interval whiskers over each bar (options.plugins.whiskers.intervals).
  var whiskers = {
    id: 'whiskers',
    afterDatasetsDraw: function (chart) {
      var options = chart.options.plugins.whiskers;
      if (!options || !options.intervals) return;
      var meta = chart.getDatasetMeta(0);
      var scale = chart.scales.y;
      var context = chart.ctx;
      context.save();
      context.strokeStyle = '#222';
      context.lineWidth = 1.5;
      options.intervals.forEach(function (interval, index) {
        var bar = meta.data[index];
        if (!interval || !bar) return;
        var low = scale.getPixelForValue(interval[0]);
        var high = scale.getPixelForValue(interval[1]);
        context.beginPath();
        context.moveTo(bar.x, low);
        context.lineTo(bar.x, high);
        context.moveTo(bar.x - 5, low);
        context.lineTo(bar.x + 5, low);
        context.moveTo(bar.x - 5, high);
        context.lineTo(bar.x + 5, high);
        context.stroke();
      });
      context.restore();
    }
  };

  // Vertical threshold lines on a histogram (options.plugins.thresholdLines.lines).
  var thresholdLines = {
    id: 'thresholdLines',
    afterDatasetsDraw: function (chart) {
      var options = chart.options.plugins.thresholdLines;
      if (!options || !options.lines) return;
      var area = chart.chartArea;
      var context = chart.ctx;
      context.save();
      options.lines.forEach(function (line, index) {
        var x = chart.scales.x.getPixelForValue(line.threshold);
        context.strokeStyle = line.colour;
        context.lineWidth = 2;
        context.setLineDash(line.dashed ? [5, 4] : []);
        context.beginPath();
        context.moveTo(x, area.top);
        context.lineTo(x, area.bottom);
        context.stroke();
        context.fillStyle = line.colour;
        context.font = '11px system-ui, sans-serif';
        context.fillText(line.label, Math.min(x + 3, area.right - 60), area.top + 12 + 12 * index);
      });
      context.restore();
    }
  };
  Chart.register(whiskers, thresholdLines);

  function summaryOf(dataset, method) {
    for (var i = 0; i < data.summaries.length; i++) {
      var summary = data.summaries[i];
      if (summary.dataset === dataset && summary.method === method) return summary;
    }
    return null;
  }

  function barData(dataset) {
    var labels = [], values = [], intervals = [], backgrounds = [];
    data.methods.forEach(function (method) {
      var summary = summaryOf(dataset, method.name);
      var fmeasure = summary && summary.metrics.fmeasure;
      if (!fmeasure || fmeasure.mean === null) return;
      labels.push(method.name);
      values.push(100 * fmeasure.mean);
      intervals.push(fmeasure.interval
        ? [100 * fmeasure.interval[0], 100 * fmeasure.interval[1]]
        : null);
      backgrounds.push(method.colour);
    });
    return { labels: labels, values: values, intervals: intervals, backgrounds: backgrounds };
  }

  var initial = barData(data.allDatasets);
  var barChart = new Chart(document.getElementById('fmeasure-chart'), {
    type: 'bar',
    data: {
      labels: initial.labels,
      datasets: [{
        label: 'mean F-measure (%)',
        data: initial.values,
        backgroundColor: initial.backgrounds
      }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: { min: 0, max: 100, title: { display: true, text: 'mean F-measure (%)' } }
      },
      plugins: { legend: { display: false }, whiskers: { intervals: initial.intervals } }
    }
  });
  document.getElementById('dataset-select').addEventListener('change', function (event) {
    var next = barData(event.target.value);
    barChart.data.labels = next.labels;
    barChart.data.datasets[0].data = next.values;
    barChart.data.datasets[0].backgroundColor = next.backgrounds;
    barChart.options.plugins.whiskers.intervals = next.intervals;
    barChart.update();
  });

  var scatterSeries = data.scatter.map(function (series) {
    return {
      label: series.method,
      data: series.points.map(function (point) { return { x: point[0], y: point[1] }; }),
      backgroundColor: colours[series.method],
      pointRadius: 3
    };
  });
  scatterSeries.push({
    type: 'line',
    label: 'predicted = best',
    data: [{ x: 0, y: 0 }, { x: 255, y: 255 }],
    borderColor: '#888',
    borderDash: [4, 4],
    pointRadius: 0
  });
  new Chart(document.getElementById('threshold-scatter'), {
    type: 'scatter',
    data: { datasets: scatterSeries },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { min: 0, max: 255, title: { display: true, text: 'best threshold (oracle), bin' } },
        y: { min: 0, max: 255, title: { display: true, text: 'predicted threshold, bin' } }
      }
    }
  });

  data.histograms.forEach(function (histogram, index) {
    new Chart(document.getElementById('histogram-' + index), {
      type: 'line',
      data: {
        datasets: [{
          label: 'pixels',
          data: histogram.counts.map(function (count, bin) { return { x: bin, y: count }; }),
          borderColor: '#555',
          backgroundColor: 'rgba(90, 90, 90, 0.35)',
          borderWidth: 1,
          fill: true,
          pointRadius: 0,
          stepped: 'middle'
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', min: 0, max: 255, title: { display: true, text: 'bin' } },
          y: { beginAtZero: true, ticks: { maxTicksLimit: 4 } }
        },
        plugins: { legend: { display: false }, thresholdLines: { lines: histogram.lines } }
      }
    });
  });

  window.benchReportReady = true;
})();
`;
