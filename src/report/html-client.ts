/**
 * The script that draws the HTML report's charts in the browser, with Chart.js (inlined in the
 * page before it). It reads the data from the page's `bench-data` JSON block:
 * - a bar chart of the mean F-measure per method, with bootstrap interval whiskers, for the
 *   dataset chosen in a selector (all images by default);
 * - a scatter of predicted versus best threshold, one series per featured method;
 * - histograms with the featured methods' thresholds as vertical lines: a chart for the image
 *   chosen in a selector (any image; with a table of every histogram method's threshold and
 *   F-measure), and cards for the most disputed images.
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
        x: {
          min: 0, max: 255,
          title: { display: true, text: 'best threshold for the polarity used, bin' }
        },
        y: { min: 0, max: 255, title: { display: true, text: 'predicted threshold, bin' } }
      }
    }
  });

  // Histograms: one chart per shown image, with the featured methods' thresholds as lines.
  var rowsByMethod = {};
  data.thresholds.forEach(function (row) { rowsByMethod[row.method] = row; });

  function histogramPoints(image) {
    return image.counts.map(function (count, offset) {
      return { x: image.first + offset, y: count };
    });
  }

  function thresholdLinesOf(index) {
    var lines = [];
    data.featured.forEach(function (name) {
      var row = rowsByMethod[name];
      var threshold = row ? row.values[index] : null;
      if (threshold === null || threshold === undefined) return;
      var method = data.methods.filter(function (item) { return item.name === name; })[0];
      lines.push({
        threshold: threshold, colour: colours[name], label: name + ' ' + threshold,
        dashed: method.kind === 'oracle'
      });
    });
    return lines;
  }

  function histogramChart(canvas, index) {
    return new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [{
          label: 'pixels',
          data: histogramPoints(data.images[index]),
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
        plugins: { legend: { display: false }, thresholdLines: { lines: thresholdLinesOf(index) } }
      }
    });
  }

  for (var card = 0; card < data.cards; card++) {
    histogramChart(document.getElementById('histogram-' + card), data.order[card]);
  }

  // The selector: any image of the chosen dataset, most disputed first.
  var datasetChoice = document.getElementById('histogram-dataset');
  var imageChoice = document.getElementById('histogram-image');
  var explorer = histogramChart(document.getElementById('histogram-explorer'), data.order[0]);

  function imageLabel(index) {
    var image = data.images[index];
    var spread = data.spreads[index];
    return image.dataset + ' / ' + image.id +
      (spread === null ? '' : ' (spread ' + (100 * spread).toFixed(2) + ')');
  }

  function fillImages() {
    var dataset = datasetChoice.value;
    imageChoice.textContent = '';
    data.order.forEach(function (index) {
      if (dataset !== data.allDatasets && data.images[index].dataset !== dataset) return;
      var option = document.createElement('option');
      option.value = String(index);
      option.textContent = imageLabel(index);
      imageChoice.appendChild(option);
    });
    showImage(Number(imageChoice.value));
  }

  function showImage(index) {
    explorer.data.datasets[0].data = histogramPoints(data.images[index]);
    explorer.options.plugins.thresholdLines.lines = thresholdLinesOf(index);
    explorer.update();
    var rows = data.thresholds
      .filter(function (row) { return row.values[index] !== null; })
      .sort(function (a, b) { return b.fmeasures[index] - a.fmeasures[index]; });
    var body = document.getElementById('histogram-table');
    body.textContent = '';
    rows.forEach(function (row) {
      var line = document.createElement('tr');
      [row.method, String(row.values[index]), (100 * row.fmeasures[index]).toFixed(2)]
        .forEach(function (text, column) {
          var cell = document.createElement('td');
          cell.textContent = text;
          if (column > 0) cell.className = 'num';
          line.appendChild(cell);
        });
      body.appendChild(line);
    });
  }

  function step(offset) {
    var next = imageChoice.selectedIndex + offset;
    if (next < 0 || next >= imageChoice.options.length) return;
    imageChoice.selectedIndex = next;
    showImage(Number(imageChoice.value));
  }

  datasetChoice.addEventListener('change', fillImages);
  imageChoice.addEventListener('change', function () { showImage(Number(imageChoice.value)); });
  document.getElementById('histogram-previous')
    .addEventListener('click', function () { step(-1); });
  document.getElementById('histogram-next').addEventListener('click', function () { step(1); });
  fillImages();

  window.benchReportReady = true;
})();
`;
