// What every bench hands to `npm run bench`: the project's figure, the floor measured in the same
// run and their ratio, printed as a line and merged into bench-results.json (BENCH_RESULTS names
// another file). Nothing here judges a figure: benches never fail on timing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  /** What was measured, e.g. "GET /me (MariaDB, 32 connections)". */
  label: string;
  value: number;
  /** e.g. "req/s", "accounts/s", "ms". */
  unit: string;
  /** The floor measured in the same run, in the same unit (null when a row is context only). */
  floor: number | null;
  floorLabel: string | null;
  /**
   * Higher is better for rates, lower for times and sizes: `ratio` is value/floor for a rate (the
   * share of the floor reached) and floor/value for a time, so 1.0 is "as fast as the floor".
   */
  higherIsBetter: boolean;
  /** Anything else worth keeping (latencies, errors, RSS). */
  extra?: Record<string, number | string | null>;
}

export interface RecordedRow extends BenchRow {
  ratio: number | null;
}

export const resultsPath = path.resolve(process.env.BENCH_RESULTS ?? path.join(__dirname, '..', '..', '..', 'bench-results.json'));

export function ratioOf(row: BenchRow): number | null {
  if (row.floor === null || row.floor === 0 || row.value === 0) return null;
  return row.higherIsBetter ? row.value / row.floor : row.floor / row.value;
}

export function formatRow(row: BenchRow): string {
  const ratio = ratioOf(row);
  const value = `${formatNumber(row.value)} ${row.unit}`;
  const floor = row.floor === null ? '' : `  floor ${formatNumber(row.floor)} ${row.unit} (${row.floorLabel})`;
  const share = ratio === null ? '' : `  = ${(ratio * 100).toFixed(ratio < 0.1 ? 2 : 1)} % of the floor`;
  const extra = row.extra
    ? '  ' +
      Object.entries(row.extra)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : v}`)
        .join(', ')
    : '';
  return `  ${row.label.padEnd(44)} ${value.padStart(16)}${floor}${share}${extra}`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) || Math.abs(n) >= 100) return Math.round(n).toLocaleString('en');
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

/** Prints the rows and merges them, under the bench's name, into bench-results.json. */
export function recordBench(bench: string, context: Record<string, unknown>, rows: BenchRow[]): void {
  for (const row of rows) console.log(formatRow(row));
  let all: { machine?: unknown; benches?: Record<string, unknown> } = {};
  if (existsSync(resultsPath)) {
    try {
      all = JSON.parse(readFileSync(resultsPath, 'utf8')) as typeof all;
    } catch {
      all = {};
    }
  }
  all.machine = {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? null,
    node: process.version,
    // The other sessions on this machine: every figure is measured under whatever this says.
    loadAverageAtWrite: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  all.benches = {
    ...(all.benches ?? {}),
    [bench]: { at: new Date().toISOString(), context, rows: rows.map((row) => ({ ...row, ratio: ratioOf(row) })) },
  };
  writeFileSync(resultsPath, `${JSON.stringify(all, null, 2)}\n`);
}
