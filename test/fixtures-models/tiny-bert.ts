/**
 * Builds a tiny BERT-shaped ONNX model in the transformers.js folder layout, for offline tests of
 * the transformers encoder backend: inputs input_ids / attention_mask / token_type_ids, output
 * last_hidden_state [batch, seq, hidden] = (word embedding + token-type embedding) x W. Weights
 * are seeded random numbers; the real all-MiniLM-L6-v2 tokenizer files are copied from
 * ../shared/models at test time (never committed). The ONNX protobuf is written with protobufjs.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { mulberry32 } from '../../src/util/random.js';

export const TOKENIZER_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'tokenizers', 'all-MiniLM-L6-v2');
export const HIDDEN = 16;
const VOCAB = 30522;

/** The subset of onnx.proto this model needs (field numbers as in onnx/onnx.proto). */
const ONNX_PROTO = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            graph: { type: 'GraphProto', id: 7 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: { Tensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: { Dimension: { oneofs: { value: { oneof: ['dimValue', 'dimParam'] } }, fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } } },
        },
      },
    },
  },
};

const FLOAT = 1;
const INT64 = 7;

function valueInfo(name: string, elemType: number, dims: Array<number | string>): object {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function randomTensor(name: string, dims: number[], seed: number): object {
  const rand = mulberry32(seed);
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) };
}

export function tinyBertOnnx(): Uint8Array {
  const root = protobuf.Root.fromJSON(ONNX_PROTO);
  const Model = root.lookupType('onnx.ModelProto');
  const model = {
    irVersion: 8,
    producerName: 'voc-test',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny-bert',
      node: [
        { opType: 'Gather', input: ['word_embeddings', 'input_ids'], output: ['words'], name: 'gather_words' },
        { opType: 'Gather', input: ['type_embeddings', 'token_type_ids'], output: ['types'], name: 'gather_types' },
        { opType: 'Add', input: ['words', 'types'], output: ['summed'], name: 'add' },
        { opType: 'MatMul', input: ['summed', 'dense'], output: ['last_hidden_state'], name: 'matmul' },
      ],
      initializer: [randomTensor('word_embeddings', [VOCAB, HIDDEN], 1), randomTensor('type_embeddings', [2, HIDDEN], 2), randomTensor('dense', [HIDDEN, HIDDEN], 3)],
      input: [
        valueInfo('input_ids', INT64, ['batch', 'sequence']),
        valueInfo('attention_mask', INT64, ['batch', 'sequence']),
        valueInfo('token_type_ids', INT64, ['batch', 'sequence']),
      ],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', HIDDEN])],
    },
  };
  const err = Model.verify(model);
  if (err) throw new Error(`invalid ONNX model: ${err}`);
  return Model.encode(Model.fromObject(model)).finish();
}

/** Writes `<parent>/<name>/` in the layout transformers.js expects; returns the model folder. */
export function writeTinyBert(parent: string, name = 'tiny-bert'): string {
  if (!existsSync(TOKENIZER_DIR)) throw new Error(`tokenizer files not found at ${TOKENIZER_DIR}`);
  const dir = join(parent, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) {
    copyFileSync(join(TOKENIZER_DIR, f), join(dir, f));
  }
  const config = { architectures: ['BertModel'], model_type: 'bert', hidden_size: HIDDEN, vocab_size: VOCAB, type_vocab_size: 2, num_hidden_layers: 1, num_attention_heads: 1, max_position_embeddings: 512 };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tinyBertOnnx());
  return dir;
}
