/**
 * The report's browser entry point (bundled by scripts/build-client.ts into one IIFE string,
 * src/report/client-bundle.ts, which html.ts inlines under a CSP hash). It builds the page from
 * the embedded JSON; `render()` redraws the parts that follow the filter.
 */
import { openCell, pick } from './detail.js';
import { view } from './context.js';
import { byId } from './dom.js';
import { renderControls, renderHeatmaps } from './heatmap.js';
import { renderFilters } from './filter.js';
import { renderJourney } from './journey.js';
import { renderHeader, renderSummary } from './summary.js';
import { renderCodeframe, renderImpact, renderMeta, renderTop } from './tables.js';

/** Everything that depends on the current view (the filter). */
export function render(): void {
  renderHeader();
  renderSummary(openCell);
  renderJourney();
  renderHeatmaps(pick);
  renderTop(openCell);
  renderImpact();
  const first = view().top[0];
  if (first) openCell(first.matrix, first.r, first.c, false);
  else byId('detail').hidden = true;
}

renderFilters(render);
renderControls();
render();
renderCodeframe();
renderMeta();
document.body.setAttribute('data-ready', '1');
