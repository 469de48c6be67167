#!/usr/bin/env node
// Prints where a `node --cpu-prof` profile spent its time: self time by package (or "node:" /
// project file) and the top functions, so docs/performance.md can say why a route costs what it does.
// Usage: node scripts/cpu-profile-summary.mjs <file.cpuprofile> [topN]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpu-profile-summary.mjs <file.cpuprofile> [topN]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i += 1) {
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function bucketOf(url) {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return url.split('/')[0];
  const pnpm = /node_modules\/\.pnpm\/([^/]+)\//.exec(url);
  if (pnpm) return pnpm[1].replace(/@[\d.]+(_.*)?$/, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(server|shared|migrations)\/src\/(.*)$/.exec(url);
  return own ? `${own[1]}/src/${own[2]}` : url;
}

const byBucket = new Map();
const byFunction = new Map();
for (const [id, us] of selfUs) {
  const { callFrame } = byId.get(id);
  const bucket = bucketOf(callFrame.url);
  byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us);
  const name = `${callFrame.functionName || '(anonymous)'} ${bucket}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s of samples`);
console.log('self time by package:');
for (const [bucket, us] of [...byBucket].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${bucket}`);
console.log('top functions (self):');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${name}`);
