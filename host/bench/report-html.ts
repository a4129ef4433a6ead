import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../generated/run-record.js';
import { FAILURE_KINDS, type LeaderboardRow } from './leaderboard.js';
import { scoreColumns } from './score-columns.js';

/** Vega-Lite rendered to SVG on the server: the report is one file with no scripts to fetch. */
async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const pdsCol = () => scoreColumns.find((c) => c.key === 'PDS') ?? scoreColumns[0];

export async function renderReportHtml(rows: LeaderboardRow[], records: RunRecord[]): Promise<string> {
  const pds = pdsCol();
  const order = rows.map((r) => r.variant);
  const okRuns = records.filter((r) => r.status === 'ok');
  const pdsData = okRuns.map((r) => ({ variant: r.variant, image: r.imageId, value: pds.get(r.scores) })).filter((d) => d.value !== null);
  const timeData = okRuns.map((r) => ({ variant: r.variant, image: r.imageId, seconds: Math.max(r.wallSeconds, 1e-3) }));
  const heat = records.map((r) => ({ variant: r.variant, image: r.imageId, value: r.status === 'ok' ? pds.get(r.scores) : null, status: r.status }));
  const width = Math.max(300, order.length * 28);
  const plots: string[] = [];
  if (pdsData.length) {
    plots.push(`<h2>${esc(pds.key)} per variant</h2><p>${esc(pds.description)}; lower is better. One point per image.</p>` + await svg({
      width, height: 260, data: { values: pdsData },
      layer: [
        { mark: { type: 'boxplot', extent: 1.5, opacity: 0.5 }, encoding: { x: { field: 'variant', type: 'nominal', sort: order, axis: { labelAngle: -45, labelLimit: 260 } }, y: { field: 'value', type: 'quantitative', title: pds.key } } },
        { mark: { type: 'point', filled: true, size: 18, opacity: 0.7 }, encoding: { x: { field: 'variant', type: 'nominal', sort: order }, y: { field: 'value', type: 'quantitative' } } },
      ],
    }));
  }
  if (timeData.length) {
    plots.push('<h2>Wall time per variant</h2><p>Seconds per image (log scale), successful runs.</p>' + await svg({
      width, height: 220, data: { values: timeData },
      mark: { type: 'point', filled: true, size: 20, opacity: 0.7 },
      encoding: { x: { field: 'variant', type: 'nominal', sort: order, axis: { labelAngle: -45, labelLimit: 260 } }, y: { field: 'seconds', type: 'quantitative', scale: { type: 'log' }, title: 'wall seconds' } },
    }));
  }
  if (heat.length) {
    plots.push(`<h2>Image × variant ${esc(pds.key)}</h2><p>Grey cells: no score (the run failed or had no gold standard).</p>` + await svg({
      width, height: Math.max(120, new Set(heat.map((h) => h.image)).size * 16), data: { values: heat },
      layer: [
        { mark: 'rect', encoding: { x: { field: 'variant', type: 'nominal', sort: order, axis: { labelAngle: -45, labelLimit: 260 } }, y: { field: 'image', type: 'nominal' }, color: { value: '#ddd' } } },
        { transform: [{ filter: 'datum.value !== null' }], mark: 'rect', encoding: { x: { field: 'variant', type: 'nominal', sort: order }, y: { field: 'image', type: 'nominal' }, color: { field: 'value', type: 'quantitative', title: pds.key, scale: { scheme: 'viridis', reverse: true } }, tooltip: [{ field: 'variant' }, { field: 'image' }, { field: 'value', format: '.3f' }, { field: 'status' }] } },
      ],
    }));
  }
  const headers = ['variant', 'traced', ...FAILURE_KINDS, ...scoreColumns.map((c) => `median ${c.key}`), ...scoreColumns.map((c) => `mean ${c.key}`), 'median wall s', 'median RSS MiB'];
  const num = (v: number | null) => (v === null ? '' : Number.isInteger(v) ? String(v) : v.toFixed(3));
  const body = rows.map((r) => `<tr>${[
    `<td>${esc(r.variant)}</td>`, `<td data-v="${r.traced}">${r.traced}/${r.images}</td>`,
    ...FAILURE_KINDS.map((k) => `<td>${r.failures[k]}</td>`),
    ...scoreColumns.map((c) => `<td>${num(r.median[c.key])}</td>`), ...scoreColumns.map((c) => `<td>${num(r.mean[c.key])}</td>`),
    `<td>${num(r.medianWallSeconds)}</td>`, `<td>${num(r.medianPeakRssMiB)}</td>`].join('')}</tr>`).join('\n');
  const failed = records.filter((r) => r.status !== 'ok');
  const failRows = failed.map((r) => `<tr><td>${esc(r.variant)}</td><td>${esc(r.imageId)}</td><td>${esc(r.status)}</td><td>${esc(r.error)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>neurotrace benchmark report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222} table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right} th{background:#f3f3f3;cursor:pointer;user-select:none}
td:first-child,th:first-child{text-align:left} th.asc::after{content:" ▲"} th.desc::after{content:" ▼"} svg{max-width:100%;height:auto}
</style></head><body>
<h1>neurotrace benchmark report</h1>
<p>${records.length} runs, ${rows.length} variants, ${new Set(records.map((r) => r.imageId)).size} images; generated ${esc(new Date().toISOString())}.
Scores: ${scoreColumns.map((c) => `<b>${esc(c.key)}</b> ${esc(c.description)}`).join('; ')}. Click a column header to sort.</p>
<table id="leaderboard"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
${plots.join('\n')}
${failed.length ? `<h2>Failed runs</h2><table><thead><tr><th>variant</th><th>image</th><th>status</th><th>error</th></tr></thead><tbody>${failRows}</tbody></table>` : ''}
<script>
(function(){var t=document.getElementById('leaderboard');var hs=t.tHead.rows[0].cells;
for(let i=0;i<hs.length;i++){hs[i].addEventListener('click',function(){var asc=!this.classList.contains('asc');
for(const h of hs)h.classList.remove('asc','desc');this.classList.add(asc?'asc':'desc');
var rows=Array.from(t.tBodies[0].rows);var key=function(r){var c=r.cells[i];var v=c.dataset.v!==undefined?c.dataset.v:c.textContent;var n=parseFloat(v);return isNaN(n)?v:n;};
rows.sort(function(a,b){var x=key(a),y=key(b);if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;var c=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));return asc?c:-c;});
rows.forEach(function(r){t.tBodies[0].appendChild(r);});});}})();
</script>
</body></html>
`;
}
