/**
 * Theme discovery on real embeddings: clusters are deterministic (same input, any order -> same
 * clusters and keys), named by their distinctive terms, and stored/accepted through the store;
 * `accept` appends the theme to the codeframe YAML keeping its comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { textHash } from '../src/models/cache.js';
import { discoverThemes, type DiscoveryItem } from '../src/analyze/discovery.js';
import { appendThemeToCodeframe } from '../src/analyze/accept.js';
import { loadCodeframe } from '../src/config/codeframe.js';
import { openDatabase } from '../src/store/db.js';
import { GROUPS } from './helpers/discovery-groups.js';
import { getSuggestion, listSuggestions, markSuggestionAccepted, replaceSuggestions } from '../src/store/analysis.js';


let encoder: Encoder;
let items: DiscoveryItem[];
const settings = { minClusterSize: 4, maxK: 6, seed: 7, terms: 5, quotes: 3 };

beforeAll(async () => {
  encoder = await createEncoder({ backend: 'use' });
  const texts = Object.values(GROUPS).flat();
  const vectors = await encoder.embed(texts);
  items = texts.map((text, i) => ({ id: i + 1, text, textHash: textHash(text), vector: vectors[i]! }));
});
afterAll(async () => encoder?.dispose());

describe('discovery', () => {
  it('finds the three groups and names them by their terms', () => {
    const clusters = discoverThemes(items, settings);
    expect(clusters).toHaveLength(3);
    const byTopic = Object.fromEntries(
      Object.entries(GROUPS).map(([topic, texts]) => [topic, clusters.find((c) => c.quotes.some((q) => texts.includes(q.text)))!]),
    );
    expect(byTopic.parking!.terms.join(' ')).toMatch(/park/);
    expect(byTopic.packaging!.terms.join(' ')).toMatch(/plastic/);
    expect(byTopic.recipes!.terms.join(' ')).toMatch(/spicy/);
    for (const [topic, c] of Object.entries(byTopic)) {
      const texts = GROUPS[topic as keyof typeof GROUPS];
      // k-means on 21 short sentences may move one borderline sentence; the rest must stay together.
      const own = c.memberIds.filter((id) => texts.includes(items[id - 1]!.text)).length;
      expect(own).toBeGreaterThanOrEqual(texts.length - 1);
      expect(c.size - own).toBeLessThanOrEqual(1);
      expect(c.quotes).toHaveLength(3);
      expect(c.quotes.every((q) => texts.includes(q.text))).toBe(true);
      expect(c.label.split(' / ').length).toBeGreaterThan(0);
    }
  });

  it('is deterministic whatever the input order', () => {
    const a = discoverThemes(items, settings);
    const b = discoverThemes([...items].reverse(), settings);
    expect(b.map((c) => [c.key, c.label, c.memberIds])).toEqual(a.map((c) => [c.key, c.label, c.memberIds]));
  });

  it('needs enough segments', () => {
    expect(discoverThemes(items.slice(0, 5), settings)).toEqual([]);
  });
});

describe('suggestions and accept', () => {
  it('stores suggestions, keeps accepted status, and appends the theme to the YAML with comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-accept-'));
    try {
      const db = openDatabase(join(dir, 'voc.sqlite'));
      const clusters = discoverThemes(items, settings);
      replaceSuggestions(db, null, '2026-01-01T00:00:00Z', clusters);
      expect(listSuggestions(db)).toHaveLength(3);
      const parking = listSuggestions(db).find((s) => s.terms.some((t) => t.includes('park')))!;
      expect(getSuggestion(db, parking.suggestion_key)?.id).toBe(parking.id);

      const file = join(dir, 'themes.yaml');
      const original =
        '# My codeframe: keep this comment\nid: mine\nversion: 1\nkind: themes\nthemes:\n  - id: store # the pop-up\n    label: Store\n    description: The physical store, the shop, the pop-up at the market, opening hours and staff in person.\n    keywords: [store, shop, pop-up, in person, opening hours, staff, market stall, counter]\n';
      writeFileSync(file, original);
      appendThemeToCodeframe(file, {
        id: 'store-parking',
        label: 'Parking at the store',
        description: 'Discovered',
        examples: parking.quotes.map((q) => q.text),
        suggestionKey: parking.suggestion_key,
        parent: 'store',
      });
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('# My codeframe: keep this comment');
      // Nothing the author wrote is re-wrapped or re-formatted.
      for (const line of original.split('\n')) expect(text).toContain(line);
      const cf = loadCodeframe(file);
      const added = cf.themes.find((t) => t.id === 'store-parking')!;
      expect(added).toMatchObject({ parentId: 'store', origin: 'discovered', suggestion_key: parking.suggestion_key });
      expect(added.examples).toEqual(parking.quotes.map((q) => q.text));
      expect(() => appendThemeToCodeframe(file, { id: 'store-parking', label: 'x', description: 'x', examples: ['x'], suggestionKey: 'k' })).toThrow(
        /already has a theme "store-parking"/,
      );
      expect(() => appendThemeToCodeframe('builtin:voc-default.yaml', { id: 'a', label: 'x', description: 'x', examples: ['x'], suggestionKey: 'k' })).toThrow(
        /Copy .* into your project/,
      );

      markSuggestionAccepted(db, parking.id, { theme_id: 'store-parking', parent_id: 'store', label: 'Parking', description: null, origin: 'discovered', codeframe: file });
      // A later discovery run without the accepted cluster keeps it (accepted) and drops stale proposals.
      replaceSuggestions(db, null, '2026-01-02T00:00:00Z', clusters.slice(0, 1).filter((c) => c.key !== parking.suggestion_key));
      const after = listSuggestions(db);
      expect(after.find((s) => s.id === parking.id)?.status).toBe('accepted');
      expect(after.filter((s) => s.status === 'proposed').length).toBeLessThanOrEqual(1);
      expect(db.prepare("SELECT origin FROM themes WHERE theme_id = 'store-parking'").pluck().get()).toBe('discovered');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
