/**
 * Trainable classifier heads on top of an encoder: features = sentence embedding concatenated
 * with a word unigram+bigram TF-IDF vector; model = multinomial logistic regression (single label)
 * or one-vs-rest logistic regression (multi-label); calibrated on a held-out split (temperature
 * scaling, or Platt scaling + per-label thresholds for multi-label); optionally blended with a
 * nearest-centroid classifier, which helps when there are only a few examples per label.
 *
 * A head is saved as JSON with a model card and refuses to run with an encoder other than the
 * one it was trained with (its vectors would be meaningless).
 *
 * The parts: head/file.ts (format, read/write), head/inference.ts (Head), head/train.ts,
 * head/calibrate.ts, head/whiten.ts. This module is what the rest of voc imports.
 */
import type { Encoder } from './encoder-spec.js';
import { readHeadFile, writeHeadFile } from './head/file.js';
import { Head } from './head/inference.js';

export { Head } from './head/inference.js';
export { trainHead, type TrainHeadOptions } from './head/train.js';
export { fitTemperature } from './head/calibrate.js';

export function saveHead(head: Head, path: string): void {
  writeHeadFile(head.file, path);
}

/** Reads a head file; refuses an encoder other than the one the head was trained with. */
export function loadHead(path: string, encoder: Encoder | null): Head {
  return new Head(readHeadFile(path, encoder?.id ?? null), encoder);
}
