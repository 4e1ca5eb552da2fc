/**
 * "Theme impact on NPS" as Thematic and Kapiche define it: the overall NPS minus the NPS
 * recomputed without the respondents who mention the theme. Negative: the theme's respondents
 * score below the rest and the theme costs the overall score that many points; positive: it lifts
 * it. Unlike the detractor-based impact
 * (aggregate/metrics.ts npsImpact: the gain if its detractors became passives) it also credits
 * themes that promoters talk about. Only meaningful for a 0-10 likelihood-to-recommend scale.
 * Pure: shared by the page (client/) and the server.
 */
import { npsFromCounts, type NpsCounts } from '../aggregate/metrics.js';

/** NPS of everyone minus NPS of everyone except the theme's respondents; null without both. */
export function themeNpsImpact(overall: NpsCounts, theme: NpsCounts): number | null {
  const all = npsFromCounts(overall);
  const without = npsFromCounts({
    promoters: overall.promoters - theme.promoters,
    passives: overall.passives - theme.passives,
    detractors: overall.detractors - theme.detractors,
    total: overall.total - theme.total,
  });
  return all === null || without === null ? null : all - without;
}
