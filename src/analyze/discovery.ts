/**
 * Theme discovery: cluster the embeddings of segments no codeframe theme claimed, and name each
 * cluster so a researcher can accept it into the codeframe.
 *
 * - Clustering: spherical k-means (cosine) with k-means++ seeding from a seeded PRNG, so the same
 *   input gives the same clusters. k is fixed by config or chosen by the best mean silhouette among
 *   max(2, n/100)..min(maxK, n/minClusterSize); clusters smaller than minClusterSize are dropped.
 * - Naming: class-based TF-IDF (c-TF-IDF, as in BERTopic): a term's frequency in the cluster,
 *   normalised by cluster size, times log(1 + A / f(term in all clusters)), A = mean words per
 *   cluster. Unigrams and bigrams without stopwords; the label is the top terms joined with " / ".
 * - Quotes: the members closest to the centroid.
 * - suggestion_key: a hash of the member segments' text hashes, so the same cluster keeps its id.
 */
import { createHash } from 'node:crypto';
import { stopwords, tokenize, withoutFormulas } from './lexical.js';
import { dot, meanVector } from './vectors.js';
import type { SuggestionInput } from '../store/analysis.js';
import { mulberry32 } from '../util/random.js';

export interface DiscoveryItem {
  id: number;
  text: string;
  textHash: string;
  vector: Float32Array;
}

export interface DiscoverySettings {
  minClusterSize: number;
  k?: number | undefined;
  maxK: number;
  seed: number;
  terms: number;
  quotes: number;
}

/** A cluster as stored for review (a theme suggestion), plus the segments in it. */
export interface DiscoveredCluster extends SuggestionInput {
  memberIds: number[];
}

/** Seeded PRNG: clustering must be deterministic. */

/** Index of the centroid nearest to `v` by dot product (the first on a tie). */
export function nearestCentroid(v: Float32Array, centroids: Float32Array[]): number {
  let best = 0;
  let bestSim = -Infinity;
  centroids.forEach((c, j) => {
    const s = dot(v, c);
    if (s > bestSim) [best, bestSim] = [j, s];
  });
  return best;
}

function kmeansPlusPlus(vectors: Float32Array[], k: number, rand: () => number): Float32Array[] {
  const centroids = [vectors[Math.floor(rand() * vectors.length)]!];
  const dist = vectors.map((v) => 1 - dot(v, centroids[0]!));
  while (centroids.length < k) {
    const total = dist.reduce((a, b) => a + Math.max(0, b) ** 2, 0);
    let r = rand() * total;
    let pick = vectors.length - 1;
    for (let i = 0; i < vectors.length; i++) {
      r -= Math.max(0, dist[i]!) ** 2;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
    const c = vectors[pick]!;
    centroids.push(c);
    vectors.forEach((v, i) => (dist[i] = Math.min(dist[i]!, 1 - dot(v, c))));
  }
  return centroids;
}

/** Spherical k-means: assign by highest cosine, recompute normalised means, until stable. */
export function kmeans(vectors: Float32Array[], k: number, seed: number, maxIter = 50): number[] {
  let centroids = kmeansPlusPlus(vectors, k, mulberry32(seed));
  let assign = new Array<number>(vectors.length).fill(-1);
  for (let iter = 0; iter < maxIter; iter++) {
    const next = vectors.map((v) => nearestCentroid(v, centroids));
    const changed = next.some((a, i) => a !== assign[i]);
    assign = next;
    if (!changed) break;
    centroids = centroids.map((c, j) => {
      const members = vectors.filter((_, i) => assign[i] === j);
      return members.length ? meanVector(members) : c;
    });
  }
  return assign;
}

/** Mean silhouette with cosine distance (O(n^2): callers cap n). */
export function silhouette(vectors: Float32Array[], assign: number[]): number {
  const k = Math.max(...assign) + 1;
  let total = 0;
  for (let i = 0; i < vectors.length; i++) {
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    for (let j = 0; j < vectors.length; j++) {
      if (i === j) continue;
      sums[assign[j]!]! += 1 - dot(vectors[i]!, vectors[j]!);
      counts[assign[j]!]!++;
    }
    const own = assign[i]!;
    if (counts[own] === 0) continue;
    const a = sums[own]! / counts[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / vectors.length;
}

function chooseK(vectors: Float32Array[], s: DiscoverySettings): { k: number; assign: number[] } {
  const upper = Math.min(s.maxK, Math.floor(vectors.length / s.minClusterSize));
  // Silhouette in sentence-embedding space differs little between k and tends to favour a few broad
  // clusters on large sets ("complaints" vs "recipes"); ask for at least one cluster per 100 segments.
  const lower = Math.max(2, Math.min(upper, Math.ceil(vectors.length / 100)));
  if (s.k) return { k: s.k, assign: kmeans(vectors, Math.min(s.k, vectors.length), s.seed) };
  // One candidate (every sample above about 1,100 segments with the default maxK): nothing to choose
  // between, so no silhouette (1.7 s of a nightly run's CPU at 5,000 segments; same clusters).
  if (lower === upper) return { k: upper, assign: kmeans(vectors, upper, s.seed) };
  // Silhouette is quadratic: score k on an evenly spaced (deterministic) sample of at most 800.
  const step = Math.max(1, vectors.length / 800);
  const sample = Array.from({ length: Math.min(vectors.length, 800) }, (_, i) => Math.floor(i * step));
  let best = { k: 1, assign: new Array<number>(vectors.length).fill(0), score: -Infinity };
  for (let k = lower; k <= upper; k++) {
    const assign = kmeans(vectors, k, s.seed);
    const score = silhouette(
      sample.map((i) => vectors[i]!),
      sample.map((i) => assign[i]!),
    );
    if (score > best.score + 1e-9) best = { k, assign, score };
  }
  return best;
}

/** Filler that natural's list lacks but that says nothing about a topic in feedback. */
const FILLER = new Set(['not', 'no', 'just', 'really', 'get', 'got', 'would', 'could', 'also', 'even', 'still', 'much', 'will', 'can', 'don', 've', 'll', 're', 'im', 'ive', 'dont', 'u', 'pls', 'please', 'thing', 'things']);
const isStop = (t: string) => stopwords().has(t) || FILLER.has(t);

/** Unigrams and bigrams of non-stopword tokens (a bigram never spans a stopword). */
export function terms(text: string): string[] {
  // Links and @handles (tweets, chats) name accounts, not topics.
  const plain = text.replace(/https?:\/\/\S+/g, ' ').replace(/(^|\s)@\w+/g, ' ');
  const toks = tokenize(withoutFormulas(plain)).filter((t) => t.length > 1 && !/^\d+$/.test(t));
  const out: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (isStop(t)) continue;
    out.push(t);
    const n = toks[i + 1];
    if (n && !isStop(n)) out.push(`${t} ${n}`);
  }
  return out;
}

/**
 * c-TF-IDF top terms per cluster. A term sharing a word with a better one is skipped, except that a
 * bigram replaces its unigram when it carries at least half the unigram's weight ("ice packs").
 */
export function clusterTerms(docsPerCluster: string[][], top: number): string[][] {
  const tfs = docsPerCluster.map((docs) => {
    const tf = new Map<string, number>();
    for (const d of docs) for (const t of new Set(terms(d))) tf.set(t, (tf.get(t) ?? 0) + 1);
    return tf;
  });
  const global = new Map<string, number>();
  for (const tf of tfs) for (const [t, n] of tf) global.set(t, (global.get(t) ?? 0) + n);
  const avgWords = tfs.reduce((a, tf) => a + [...tf.values()].reduce((x, y) => x + y, 0), 0) / Math.max(1, tfs.length);
  return tfs.map((tf, c) => {
    const size = docsPerCluster[c]!.length;
    const ranked = [...tf.entries()]
      .filter(([, n]) => n >= 2 || size < 4)
      .map(([t, n]) => ({ t, w: (n / size) * Math.log(1 + avgWords / global.get(t)!) }))
      .sort((a, b) => b.w - a.w || a.t.localeCompare(b.t));
    const chosen: Array<{ t: string; w: number }> = [];
    for (const { t, w } of ranked) {
      if (chosen.length >= top) break;
      const words = t.split(' ');
      const overlap = chosen.findIndex((c2) => c2.t.split(' ').some((x) => words.includes(x)));
      if (overlap < 0) chosen.push({ t, w });
      // "ice packs" replaces an already chosen "ice" when it carries at least half its weight.
      else if (words.length === 2 && !chosen[overlap]!.t.includes(' ') && w >= chosen[overlap]!.w / 2) chosen[overlap] = { t, w };
    }
    return chosen.map((c2) => c2.t);
  });
}

/** Repeated texts (templated replies, copy-pasted complaints) would fill every quote slot. */
function distinctByText(items: DiscoveryItem[]): DiscoveryItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = i.text.toLowerCase().replace(/\W+/g, ' ').trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function discoverThemes(items: DiscoveryItem[], settings: DiscoverySettings): DiscoveredCluster[] {
  if (items.length < settings.minClusterSize * 2) return [];
  // Sorted input: the same set of segments gives the same clusters whatever order it came in.
  const sorted = [...items].sort((a, b) => a.id - b.id);
  const vectors = sorted.map((i) => i.vector);
  const { k, assign } = chooseK(vectors, settings);
  const groups = Array.from({ length: k }, (_, c) => sorted.filter((_, i) => assign[i] === c)).filter(
    (g) => g.length >= settings.minClusterSize,
  );
  const names = clusterTerms(
    groups.map((g) => g.map((i) => i.text)),
    settings.terms,
  );
  const clusters = groups.map((g, c) => {
    const centroid = meanVector(g.map((i) => i.vector));
    const quotes = distinctByText([...g].sort((a, b) => dot(b.vector, centroid) - dot(a.vector, centroid) || a.id - b.id))
      .slice(0, settings.quotes)
      .map((i) => ({ segment_id: i.id, text: i.text }));
    const key = createHash('sha256')
      .update(g.map((i) => i.textHash).sort().join('\n'))
      .digest('hex')
      .slice(0, 12);
    const t = names[c]!;
    return { key, label: t.slice(0, 3).join(' / ') || 'unnamed', terms: t, quotes, size: g.length, centroid, memberIds: g.map((i) => i.id) };
  });
  return clusters.sort((a, b) => b.size - a.size || a.key.localeCompare(b.key));
}
