/**
 * Columnar fact blocks (issue 11) replace the per-segment key table of migration 009. A block holds
 * every analysed segment of 1,024 consecutive document ids, column by column in one BLOB (typed
 * arrays with a small dictionary per block; store/fact-blocks.ts), with all the aggregate needs:
 * dimension values, sentiment and document scores, the tags with their scores (raw, so the theme
 * hierarchy can change without a rebuild), the emotions with theirs, and what quote picking needs
 * (segment id, offsets, short). Aggregation and filtered queries read a few hundred blobs instead
 * of handing one row per segment from SQLite to JavaScript, which cost 2-4 µs per segment.
 *
 * They are kept current with 009's triggers, which list every changed segment in
 * `segment_keys_dirty` (the name is historical): the aggregate stage (a writer) rebuilds the blocks
 * those segments belong to, found by the segment's document (block = document_id / 1024) or, for a
 * segment deleted since, by the block's segment-id range. Readers use the blocks only when nothing
 * is dirty and their format is the code's, else stream.
 *
 * The key table and its hierarchy tables are dropped; 009's triggers and dirty list stay.
 */
export const factBlocksSchema = /* sql */ `
DROP TABLE segment_keys;
DROP TABLE segment_key_closure;
DROP TABLE segment_keys_state;
CREATE TABLE fact_blocks (
  block           INTEGER PRIMARY KEY,         -- document_id / 1024
  min_segment     INTEGER NOT NULL,            -- the smallest and largest segment id in the block
  max_segment     INTEGER NOT NULL,
  segments        INTEGER NOT NULL,
  data            BLOB NOT NULL
);
CREATE TABLE fact_blocks_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  format          INTEGER NOT NULL             -- the block format the blocks were written in; another one rebuilds them all
);
INSERT INTO fact_blocks_state (id, format) VALUES (1, 0);
INSERT OR IGNORE INTO segment_keys_dirty (segment_id) SELECT segment_id FROM segment_analysis;
`;
