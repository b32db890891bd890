// Charts with uPlot, from its WebJar (version pinned in the pom; ConsoleTest checks this path). The
// minified build is a classic script (half the size of the ES module build), loaded on first use.
const UPLOT = '/webjars/uplot/1.6.30/dist/';

let loading;
function load() {
  loading ??= new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = UPLOT + 'uPlot.min.css';
    document.head.append(link);
    const script = document.createElement('script');
    script.src = UPLOT + 'uPlot.iife.min.js';
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => reject(new Error('the chart library did not load'));
    document.head.append(script);
  });
  return loading;
}

/** Whole days between ticks of a day axis. */
const DAYS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

function size(el) {
  return {width: Math.max(280, Math.min(el.clientWidth || 800, 1000)), height: 320};
}

/**
 * Backtest: the top units' equity curves by bar. Forecast: actual vs each agent vs the ensemble.
 * Climate risk: the AAL path over the years of the first sites, one line per site and scenario.
 */
export async function drawChart(el, r) {
  const uPlot = await load();
  let data;
  let series;
  if (Array.isArray(r.leaderboard)) {
    const curves = r.leaderboard.filter((u) => u.equityCurve && u.equityCurve.bar);
    if (curves.length === 0) return;
    const bars = curves[0].equityCurve.bar;
    data = [bars, ...curves.map((u) => u.equityCurve.equity)];
    series = [{label: 'bar'}, ...curves.map((u, i) => ({
      label: `${u.symbol} ${Object.values(u.params || {}).join('/')}`, stroke: COLORS[i % COLORS.length], width: 1.5}))];
  } else if (Array.isArray(r.sitePaths)) {
    const sites = [...new Set(r.sitePaths.map((p) => p.site))].slice(0, 2);
    const paths = r.sitePaths.filter((p) => sites.includes(p.site));
    if (paths.length === 0) return;
    data = [paths[0].years, ...paths.map((p) => p.aal)];
    series = [{label: 'year'}, ...paths.map((p, i) => ({
      label: `${p.site} ${p.scenario}`, stroke: COLORS[i % COLORS.length], width: 1.5, dash: sites.indexOf(p.site) ? [6, 3] : undefined}))];
  } else {
    const rows = r.rows || [];
    if (rows.length === 0) return;
    data = [rows.map((x) => x.day), rows.map((x) => x.actual),
      ...r.agents.map((_, i) => rows.map((x) => x.predictions?.[i] ?? null)), rows.map((x) => x.ensemble ?? null)];
    series = [{label: 'day'}, {label: 'actual', stroke: '#111827', width: 2},
      ...r.agents.map((a, i) => ({label: a.name, stroke: COLORS[i % COLORS.length], width: 1})),
      {label: 'ensemble', stroke: '#be185d', width: 2, dash: [6, 3]}];
  }
  const plot = new uPlot({...size(el), scales: {x: {time: false}}, series}, data, el);
  const resize = new ResizeObserver(() => plot.setSize(size(el)));
  resize.observe(el);
}

/**
 * A forecast's chart while it runs: actual and each agent's predictions by day, from progress
 * events. update() redraws; a new agent makes a new plot (uPlot's series are fixed).
 */
export async function liveForecast(el) {
  const uPlot = await load();
  let plot = null;
  let names = [];
  const resize = new ResizeObserver(() => plot?.setSize(size(el)));
  resize.observe(el);
  return {
    update(days, actual, byAgent) {
      const agents = [...byAgent.keys()];
      const data = [days, actual, ...agents.map((a) => byAgent.get(a))];
      if (!plot || agents.length !== names.length) {
        plot?.destroy();
        names = agents;
        plot = new uPlot({...size(el), scales: {x: {time: false}}, axes: [{incrs: DAYS}, {}], series: [{label: 'day'},
          {label: 'actual', stroke: '#111827', width: 2},
          ...agents.map((a, i) => ({label: a, stroke: COLORS[i % COLORS.length], width: 1}))]}, data, el);
      } else {
        plot.setData(data);
      }
    },
    stop() { resize.disconnect(); plot?.destroy(); plot = null; },
  };
}
