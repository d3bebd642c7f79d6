// Tapbook console, Dashboard: draws the two charts with Chart.js (served from node_modules by the
// console's asset route) from the numbers the server put in #kpi-charts's data-kpis attribute.
// Without JavaScript the table below the charts holds every number.
(function () {
  'use strict';

  var COLORS = ['#1f6feb', '#8250df', '#1a7f37', '#bf8700', '#cf222e'];

  function draw() {
    var holder = document.getElementById('kpi-charts');
    if (!holder || !window.Chart) return;
    var data = JSON.parse(holder.getAttribute('data-kpis') || '{}');
    var periods = document.getElementById('kpi-chart-periods');
    if (periods && data.periods) {
      new window.Chart(periods, {
        data: {
          labels: data.periods.labels,
          datasets: data.periods.series.map(function (series, index) {
            return { type: series.kind, label: series.label, data: series.values, backgroundColor: COLORS[index], borderColor: COLORS[index], tension: 0.2 };
          }),
        },
        options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }
    var funnel = document.getElementById('kpi-chart-funnel');
    if (funnel && data.funnel) {
      new window.Chart(funnel, {
        type: 'bar',
        data: { labels: data.funnel.labels, datasets: [{ label: '', data: data.funnel.values, backgroundColor: COLORS }] },
        options: { animation: false, maintainAspectRatio: false, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }
    holder.setAttribute('data-drawn', 'true');
  }

  document.addEventListener('DOMContentLoaded', draw);
})();
