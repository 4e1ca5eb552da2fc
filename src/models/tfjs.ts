/**
 * TF.js for Node (core, wasm backend, graph converter). The packages ship CommonJS for Node: they
 * are required, not imported, so Node does not run its CommonJS export scanner over the three large
 * bundles on every start (measured: about 0.5 s less CPU for a nightly run that starts the encoder).
 * Only use-runtime.ts imports this module, and only when a text must be embedded.
 */
import { createRequire } from 'node:module';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';
import type * as TfConverter from '@tensorflow/tfjs-converter';

const require = createRequire(import.meta.url);

export const tf = require('@tensorflow/tfjs-core') as typeof TfCore;
export const { setWasmPaths } = require('@tensorflow/tfjs-backend-wasm') as typeof TfWasm;
export const { loadGraphModel } = require('@tensorflow/tfjs-converter') as typeof TfConverter;
export type { TfCore };
