/**
 * Run-wide set-up for `npm test` (vitest.config.ts `globalSetup`): one voc database in a temp
 * folder whose embeddings table serves as the vector cache shared by every test file of this run
 * (helpers/shared-encoder.ts). Created and migrated here, before any test file starts, so that
 * parallel test files never race to migrate it; removed when the run ends, so that no vector
 * outlives a run (a change to the tokenizer or the model is always seen by the next run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/store/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared vector cache (a voc database), or '' when there is none. */
    vectorCache: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'voc-test-vectors-'));
  const path = join(dir, 'vectors.sqlite');
  openDatabase(path).close();
  project.provide('vectorCache', path);
  return () => rmSync(dir, { recursive: true, force: true });
}
