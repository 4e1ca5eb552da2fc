/**
 * VOC_TEST_CPU_LOG=<file> (a vitest setup file, vitest.config.ts): one line per test file with the
 * CPU time its worker spent on it, imports included (user + system, ms) and its wall
 * time. With two workers on a shared machine, wall time says little; CPU time is what a change to a
 * test saves. Off (no hooks registered) unless the variable is set.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

const log = process.env.VOC_TEST_CPU_LOG;
if (log) {
  // Set-up files run again before each test file, so this counts the file's imports too.
  const cpu = process.cpuUsage();
  const wall = performance.now();
  afterAll(() => {
    const used = process.cpuUsage(cpu);
    const file = (expect.getState().testPath ?? '?').replace(/.*\/test\//, 'test/');
    appendFileSync(log, `${file}\t${Math.round((used.user + used.system) / 1000)}\t${Math.round(performance.now() - wall)}\n`);
  });
}
