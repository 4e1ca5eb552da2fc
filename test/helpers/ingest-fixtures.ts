/**
 * Pipeline configs and survey CSVs shared by the ingest tests (test/ingest-engine.test.ts,
 * test/ingest-storage-errors.test.ts) and their process-level twins in test/e2e/ingest-process.test.ts.
 */
import type { Workspace } from './workspace.js';

export const SURVEY_HEADER = 'ResponseId,SubmittedAt,NPS,Plan,Comment';

export function surveyCsv(rows: string[]): string {
  return `${SURVEY_HEADER}\n${rows.join('\n')}\n`;
}

export function configYaml(ws: Workspace, sources: string, extra = ''): string {
  return `name: test\ndatabase: ${ws.dbPath}\nroot: ${ws.dir}\n${extra}sources:\n${sources}`;
}

export const SURVEY_SOURCE = `  - name: pulse
    kind: survey
    format: generic-csv
    paths: "surveys/*.csv"
    mapping: { id: ResponseId, text: [Comment], score: { field: NPS, scale: nps }, date: SubmittedAt, attributes: { plan: Plan } }
`;

/** The one-source config of the storage-error tests: in/big.csv of workspace `w`. */
export function storageConfig(w: Workspace): string {
  return `name: storage
database: ${w.dbPath}
root: ${w.dir}
sources:
  - name: big
    kind: survey
    format: generic-csv
    paths: in/big.csv
    mapping: { id: id, text: [comment], date: date }
`;
}
