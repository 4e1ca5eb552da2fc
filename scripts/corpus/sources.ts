/**
 * The journey corpus's documents, read in place from ../shared/datasets (never copied: several
 * sources are non-commercial). Each source yields documents with a stable id and the raw text of
 * one field; a labelled sentence is stored in the repository only as (source, doc id, start, end,
 * sha256 of the slice) and rebuilt from here when training or evaluating.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface CorpusDoc {
  source: string;
  domain: string;
  docId: string;
  text: string;
  /** Short context a reader would have: a review's title, a complaint's product. */
  title?: string;
}

export interface CorpusSource {
  name: string;
  domain: string;
  licence: string;
  file: string;
  read(datasets: string): CorpusDoc[];
}

type Row = Record<string, string>;

function csvRows(path: string): Row[] {
  // csv-parse in strict RFC 4180 mode (the reference reader); BOM stripped.
  return parse(readFileSync(path), { columns: true, bom: true, relax_column_count: false }) as Row[];
}

function csvSource(
  name: string,
  domain: string,
  licence: string,
  file: string,
  id: (r: Row, i: number) => string,
  text: string,
  opts: { title?: string; keep?: (r: Row) => boolean } = {},
): CorpusSource {
  return {
    name,
    domain,
    licence,
    file,
    read(datasets) {
      const docs: CorpusDoc[] = [];
      csvRows(join(datasets, file)).forEach((r, i) => {
        const t = r[text] ?? '';
        if (!t.trim() || (opts.keep && !opts.keep(r))) return;
        const doc: CorpusDoc = { source: name, domain, docId: id(r, i), text: t };
        if (opts.title && r[opts.title]) doc.title = r[opts.title]!;
        docs.push(doc);
      });
      return docs;
    },
  };
}

function semeval(name: string, domain: string, file: string): CorpusSource {
  return {
    name,
    domain,
    licence: 'research use (SemEval-2014 Task 4)',
    file,
    read(datasets) {
      const xml = readFileSync(join(datasets, file), 'utf8');
      const docs: CorpusDoc[] = [];
      const re = /<sentence id="([^"]+)"[^>]*>\s*<text>([\s\S]*?)<\/text>/g;
      for (let m = re.exec(xml); m; m = re.exec(xml)) {
        const text = m[2]!
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&');
        docs.push({ source: name, domain, docId: m[1]!, text });
      }
      return docs;
    },
  };
}

function uci(name: string, domain: string, file: string): CorpusSource {
  return {
    name,
    domain,
    licence: 'CC BY 4.0 (UCI Sentiment Labelled Sentences)',
    file,
    read(datasets) {
      return readFileSync(join(datasets, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.replace(/\t[01]\s*$/, ''), i }))
        .filter((x) => x.line.trim())
        .map((x) => ({ source: name, domain, docId: String(x.i + 1), text: x.line }));
    },
  };
}

/** Every source of the corpus, with the domain a reader should assume. */
export const CORPUS_SOURCES: CorpusSource[] = [
  csvSource('airline-tweets', 'tweets to a US airline', 'CC BY-NC-SA 4.0', 'airline-tweets/dev.csv', (r) => r.tweet_id!, 'text'),
  csvSource('ba-reviews', 'British Airways passenger review (airlinequality.com)', 'not stated', 'ba-airline-reviews-skytrax/BA_AirlineReviews.csv', (r) => r.ReviewID!, 'ReviewBody', { title: 'ReviewHeader' }),
  csvSource('banking77', 'online-banking customer query', 'CC BY 4.0', 'banking77/train.csv', (_r, i) => String(i + 1), 'text'),
  csvSource('cfpb', 'US consumer-finance complaint to the CFPB', 'public domain', 'cfpb-complaints/complaints_sample.clean.csv', (r) => r['Complaint ID']!, 'Consumer complaint narrative', { title: 'Product' }),
  csvSource('nps-telecom', 'NPS survey comment, broadband/telecom provider', 'GPL (R package textSummary)', 'nps-verbatims/dev.csv', (_r, i) => String(i + 1), 'text'),
  csvSource('comcast', 'Comcast consumer complaint title', 'not stated', 'comcast-telecom-complaints/Comcast_telecom_complaints_data.csv', (r) => r['Ticket #']!, 'Customer Complaint'),
  csvSource('twcs', 'customer tweet to a brand support account', 'CC BY-NC-SA 4.0', 'twcs-first5000/twcs.csv', (r) => r.tweet_id!, 'text', { keep: (r) => r.inbound === 'True' }),
  semeval('semeval-restaurants', 'restaurant review sentence', 'semeval2014/Restaurants_Train_v2.xml'),
  semeval('semeval-laptops', 'laptop review sentence', 'semeval2014/Laptop_Train_v2.xml'),
  uci('uci-amazon', 'Amazon review of a phone or accessory', 'uci-sentiment-labelled-sentences/amazon_cells_labelled.txt'),
  uci('uci-yelp', 'Yelp restaurant review', 'uci-sentiment-labelled-sentences/yelp_labelled.txt'),
  csvSource('bitext', 'customer-service message (GENERATED text)', 'CDLA-Sharing (unverified)', 'bitext-customer-service/Bitext_Sample_Customer_Service_Training_Dataset.csv', (_r, i) => String(i + 1), 'utterance'),
];

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** The sources whose files exist under `datasets`; a clear message names the missing ones. */
export function availableSources(datasets: string): { sources: CorpusSource[]; missing: string[] } {
  const sources = CORPUS_SOURCES.filter((s) => existsSync(join(datasets, s.file)));
  const missing = CORPUS_SOURCES.filter((s) => !sources.includes(s)).map((s) => s.name);
  return { sources, missing };
}
