/**
 * Distributed analysis with the real redis-server: the demo pipeline (pipelines/demo.yaml, every
 * fixture) analysed by 3 `voc worker` processes, one of them killed -9 in the middle of a batch.
 * The database's analysis rows and the exports must equal those of a single-process run, and the
 * killed worker's batch must have been taken by another worker. Slow: `npm run test:e2e`.
 * Needs Redis (VOC_TEST_REDIS_URL, see test/helpers/redis.ts): skipped without one, failed on CI.
 */
import { type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, killAll, until, vocProcess as voc } from '../helpers/processes.js';
import { testRedis, requireRedis } from '../helpers/redis.js';
import { makeWorkspace, PROJECT_ROOT, runVoc, type Workspace } from '../helpers/workspace.js';

const redis = await testRedis();

function demoWorkspace(queue?: string): Workspace {
  const ws = makeWorkspace('voc-queue-');
  cpSync(join(PROJECT_ROOT, 'fixtures'), join(ws.dir, 'fixtures'), { recursive: true });
  const demo = readFileSync(join(PROJECT_ROOT, 'pipelines/demo.yaml'), 'utf8');
  ws.writeConfig(queue ? `${demo}\nqueue: ${queue}\n` : demo);
  return ws;
}

/** The analysis results, keyed by document identity and segment index: no ids, runs or times. */
function analysis(ws: Workspace): Record<string, unknown[]> {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    const seg = 'JOIN segments s ON s.id = x.segment_id JOIN documents d ON d.id = s.document_id';
    return {
      segment_analysis: all(
        `SELECT d.identity, s.idx, x.analysis_key, x.sentiment, x.sentiment_score, x.p_negative, x.p_neutral, x.p_positive,
                x.stage, x.stage_confidence, x.stage_signal, x.touchpoint, x.touchpoint_confidence, x.touchpoint_signal
         FROM segment_analysis x ${seg} ORDER BY d.identity, s.idx`,
      ),
      segment_themes: all(`SELECT d.identity, s.idx, x.theme_id, x.score, x.signal FROM segment_themes x ${seg} ORDER BY 1, 2, 3`),
      segment_emotions: all(`SELECT d.identity, s.idx, x.emotion, x.score FROM segment_emotions x ${seg} ORDER BY 1, 2, 3`),
      document_analysis: all(
        `SELECT d.identity, x.analysis_key, x.sentiment, x.sentiment_score, x.stage, x.touchpoint
         FROM document_analysis x JOIN documents d ON d.id = x.document_id ORDER BY d.identity`,
      ),
      pending: all('SELECT identity FROM documents WHERE needs_analysis = 1'),
    };
  } finally {
    db.close();
  }
}

const EXPORTS = ['heatmap-stage-theme.csv', 'heatmap-stage-theme-long.csv', 'heatmap-stage-touchpoint.csv'];
const exportsOf = (ws: Workspace) => Object.fromEntries(EXPORTS.map((f) => [f, readFileSync(join(ws.dir, 'data', f), 'utf8')]));

const spaces: Workspace[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  await killAll(children);
  spaces.forEach((w) => w.cleanup());
});

describe.skipIf(redis.skip)('voc run --queue with 3 workers, one killed -9 mid-batch', () => {
  it('gives the analysis rows and exports of a single-process run', async () => {
    const url = requireRedis(redis);
    const single = demoWorkspace();
    spaces.push(single);
    const r = runVoc(['run', '--config', single.configPath, '--quiet'], single.dir);
    expect(r.status, r.stderr).toBe(0);

    const name = `voc-e2e-${process.pid}-${Date.now()}`;
    // Short locks so the killed worker's batch comes back within seconds.
    const dist = demoWorkspace(`{ url: "${url}", name: ${name}, batchSize: 64, lockDurationMs: 3000, stalledIntervalMs: 1500, backoffMs: 500 }`);
    spaces.push(dist);
    const workers = [0, 1, 2].map(() => voc(['worker', '--config', dist.configPath], dist.dir));
    children.push(...workers);
    await until('3 workers ready', () => workers.every((w) => /ready: queue/.test(w.out())), 300_000);

    const coordinator = voc(['run', '--config', dist.configPath], dist.dir);
    children.push(coordinator);
    // The first worker that starts a batch is killed before it can return it.
    let victim: (typeof workers)[number] | undefined;
    await until('a worker to start a batch', () => (victim = workers.find((w) => /batch \d+: analysing/.test(w.out()))) !== undefined, 300_000);
    victim!.kill('SIGKILL');
    const killedBatch = /batch (\d+): analysing/.exec(victim!.out())![1]!;
    expect(victim!.out()).not.toMatch(new RegExp(`batch ${killedBatch}: done`));

    const code = await exited(coordinator);
    expect(code, coordinator.out()).toBe(0);
    const stats = /Distributed: (\d+) batches on queue \S+ by (\d+) worker\(s\), (\d+) retried/.exec(coordinator.out());
    expect(stats, coordinator.out()).not.toBeNull();
    expect(Number(stats![3]), 'the killed batch counts as retried').toBeGreaterThanOrEqual(1);
    const survivors = workers.filter((w) => w !== victim);
    expect(
      survivors.some((w) => new RegExp(`batch ${killedBatch}: analysing .*attempt [2-9]`).test(w.out())),
      `another worker took batch ${killedBatch} again:\n${survivors.map((w) => w.out()).join('\n')}`,
    ).toBe(true);

    const a = analysis(dist);
    expect(a.segment_analysis!.length).toBeGreaterThan(2000);
    expect(a.pending).toEqual([]);
    // Bit for bit: the encoder's vector of a text does not depend on the texts that share its batch
    // (equal-length batches, src/models/use.ts), so which worker takes which batch changes nothing.
    expect(a).toEqual(analysis(single));
    expect(exportsOf(dist)).toEqual(exportsOf(single));

    for (const w of survivors) w.kill('SIGTERM');
    expect(await Promise.all(survivors.map(exited))).toEqual([0, 0]);
  });
});
