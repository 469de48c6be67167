// One URL lookup among 100 000 catalogue applications: the hash index vs the linear matcher, in
// the same run, plus the index's build time and memory. Prints numbers; asserts nothing on time.
// Run: server/node_modules/.bin/tsx tests/bench/matcher.bench.ts
import { createApplicationIndex, matchApplications, type MatchableApplication, type MatchStrategy } from '@secureaccess/shared/matcher';

const catalogueSize = 100_000;
const regexApplications = 20; // admins' regexes cannot be keyed: they stay a short scanned list

// A deterministic generator (mulberry32) so every run measures the same catalogue.
function createRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = createRandom(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const suffixes = ['com', 'net', 'org', 'co.uk', 'de', 'io', 'github.io', 'com.au', 'fr'];
const strategies: MatchStrategy[] = ['base_domain', 'base_domain', 'base_domain', 'host', 'starts_with', 'exact'];

const applications: MatchableApplication[] = Array.from({ length: catalogueSize }, (_, id) => {
  const domain = `site${id}.${pick(suffixes)}`;
  return {
    id,
    url: `https://${pick(['', 'www.', 'login.'])}${domain}${pick(['', '/app', '/login'])}`,
    matchStrategy: id < regexApplications ? 'regex' : pick(strategies),
    matchPatterns: id < regexApplications ? [`https://([a-z]+\\.)?regex${id}\\.example/.*`] : undefined,
    isActive: true,
    access: 'granted',
  };
});
const lookups = Array.from({ length: 1_000 }, () => {
  const target = applications[Math.floor(random() * catalogueSize)]!;
  return random() < 0.8 ? `${target.url}/x?y=1` : `https://unknown${Math.floor(random() * 1e6)}.com/`;
});

function opsPerSecond(run: (i: number) => void, minimumMs: number, minimumRuns: number) {
  let runs = 0;
  const started = performance.now();
  while (runs < minimumRuns || performance.now() - started < minimumMs) run(runs++);
  return (runs * 1000) / (performance.now() - started);
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const buildStarted = performance.now();
const index = createApplicationIndex(applications);
const buildMs = performance.now() - buildStarted;
gc?.();
const heapDeltaMiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

// The two must agree before their speeds mean anything.
for (const url of lookups.slice(0, 20)) {
  if (JSON.stringify(index.match(url)) !== JSON.stringify(matchApplications(url, applications))) {
    throw new Error(`index and linear matcher disagree on ${url}`);
  }
}

const indexed = opsPerSecond((i) => index.match(lookups[i % lookups.length]!), 1_000, 1_000);
const linear = opsPerSecond((i) => matchApplications(lookups[i % lookups.length]!, applications), 1_000, 3);

console.log(`matcher: ${catalogueSize.toLocaleString('en')} applications (${regexApplications} regex)`);
console.log(`  index build        ${buildMs.toFixed(0)} ms, heapUsed +${heapDeltaMiB.toFixed(1)} MiB${gc ? '' : ' (no --expose-gc: approximate)'}`);
console.log(`  index.match        ${indexed.toFixed(0)} ops/s`);
console.log(`  matchApplications  ${linear.toFixed(1)} ops/s (linear scan)`);
console.log(`  ratio              ${(indexed / linear).toFixed(0)}× faster with the index`);
