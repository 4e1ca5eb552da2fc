// The child process of scripts/bench/nightly.ts: one `runPipeline` from the compiled package
// (dist/, what `voc run` runs: no TypeScript loader in the way), for the config named by argv[2].
// Prints its measurements as JSON on the last line. By hand, on a folder kept with
// VOC_NIGHTLY_KEEP=1: `node scripts/bench/nightly-child.js DIR/voc.yaml` (after `npm run prepare`).
const t0 = performance.now();
const c0 = process.cpuUsage();
const { runPipeline } = await import('../../dist/pipeline/run.js');
const stages = {};
let current = null;
const close = () => {
  if (current) stages[current.name] = (stages[current.name] ?? 0) + (performance.now() - current.at) / 1000;
};
const t1 = performance.now();
const c1 = process.cpuUsage();
const r = await runPipeline(
  { config: process.argv[2] },
  {
    stage: (name) => {
      close();
      current = { name, at: performance.now() };
    },
  },
);
close();
const cpu = (c) => (c.user + c.system) / 1e6;
const { readdirSync, readFileSync } = await import("node:fs"); for (const t of readdirSync("/proc/self/task")) { const s = readFileSync(`/proc/self/task/${t}/stat`, "utf8"); const name = s.slice(s.indexOf("(")+1, s.lastIndexOf(")")); const f = s.slice(s.lastIndexOf(")")+2).split(" "); const ticks = Number(f[11])+Number(f[12]); if (ticks) console.error(t, name, ticks*10, "ms"); }
console.log(
  JSON.stringify({
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpu(process.cpuUsage(c0)),
    pipelineSeconds: (performance.now() - t1) / 1000,
    pipelineCpuSeconds: cpu(process.cpuUsage(c1)),
    stages,
    analysed: r.analysis.segmentsAnalysed,
    analyseSeconds: r.analysis.seconds,
    cacheMisses: r.analysis.cacheMisses,
    unchanged: r.unchanged,
    exports: r.exports.length,
  }),
);
