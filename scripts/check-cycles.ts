// Import-cycle check for src/ (npm run check:cycles; CI runs it after eslint).
// Follows every relative import, re-export and dynamic import() between .ts files, type-only ones
// included (a type import ties two modules together for a reader as much as a value import), at
// two levels: files, and the folders under src/ (config/ -> models/ -> config/ is a cycle even if
// no two files import each other). Prints each cycle as a -> b -> ... -> a and exits 1 if one is
// not in the allow-list (scripts/cycles-allow.txt: one cycle a line, as printed). A listed cycle
// that no longer exists fails too, so the list only shrinks.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src');
const allowFile = join(root, 'scripts', 'cycles-allow.txt');

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
  const out: string[] = [];
  for (const ref of info.importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const target = resolve(dirname(file), ref.fileName.replace(/\.js$/, '.ts'));
    if (existsSync(target)) out.push(target);
  }
  return out;
}

const files = listTs(srcDir).sort();
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string): string => relative(srcDir, f).split('\\').join('/');
const folderOf = (f: string): string => {
  const r = rel(f);
  return r.includes('/') ? `${r.slice(0, r.indexOf('/'))}/` : r;
};

/** Strongly connected components (Tarjan) with more than one node, or a node importing itself. */
function components(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strongConnect(v);
  return out;
}

function shortestPath(graph: Map<string, string[]>, from: string, to: string, inside: Set<string>): string[] | null {
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (v === to) {
      const path = [v];
      let cur = v;
      while (cur !== from) {
        cur = prev.get(cur)!;
        path.unshift(cur);
      }
      return path;
    }
    for (const w of graph.get(v) ?? []) {
      if (inside.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return null;
}

/** One shortest cycle through each import edge inside a component, rotated to start at its first name. */
function cycles(graph: Map<string, string[]>): string[] {
  const found = new Set<string>();
  for (const comp of components(graph)) {
    const inside = new Set(comp);
    for (const v of comp) {
      for (const w of graph.get(v) ?? []) {
        if (!inside.has(w)) continue;
        const back = shortestPath(graph, w, v, inside);
        if (!back) continue;
        const names = [v, ...back.slice(0, -1)];
        let start = 0;
        for (let i = 1; i < names.length; i += 1) if (names[i]! < names[start]!) start = i;
        const rotated = [...names.slice(start), ...names.slice(0, start)];
        found.add([...rotated, rotated[0]].join(' -> '));
      }
    }
  }
  return [...found];
}

const fileGraph = new Map([...graph].map(([f, deps]) => [rel(f), deps.map(rel)]));
const folderGraph = new Map<string, string[]>();
for (const [f, deps] of graph) {
  const from = folderOf(f);
  const set = new Set(folderGraph.get(from) ?? []);
  for (const d of deps) if (folderOf(d) !== from) set.add(folderOf(d));
  folderGraph.set(from, [...set]);
}
const found = new Set([...cycles(folderGraph), ...cycles(fileGraph)]);

const allowed = existsSync(allowFile)
  ? readFileSync(allowFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
  : [];
const unexpected = [...found].filter((c) => !allowed.includes(c)).sort();
const stale = allowed.filter((c) => !found.has(c));

for (const c of [...found].sort()) {
  console.log(`${allowed.includes(c) ? 'allowed' : 'cycle  '}  ${c}`);
}
for (const c of stale) console.log(`stale    ${c}  (no longer a cycle: delete it from scripts/cycles-allow.txt)`);
if (unexpected.length > 0 || stale.length > 0) {
  console.error(`check:cycles: ${unexpected.length} import cycle(s) not in the allow-list, ${stale.length} stale allow-list line(s)`);
  process.exit(1);
}
console.log(`check:cycles: ${files.length} files in ${folderGraph.size} folders, no import cycles${found.size > 0 ? ` beyond the ${found.size} allowed` : ''}`);
