// Runs the real server as a child process, as an operator would: the production build
// (server/dist/main.js and cli.js, compiled by server/build.mjs) under plain node.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

let built = false;
/** Compiles server/dist once per test process, from the sources under test. */
export function ensureServerBuild(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'server', 'build.mjs')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`server/build.mjs failed: ${result.stderr}`);
  built = true;
}

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the base URL once the server prints that it listens; rejects if it exits first. */
  listening(): Promise<string>;
}

export interface SpawnOptions {
  /** Start the child as the leader of a new process group (to signal the whole group). */
  detached?: boolean;
}

/** `env` is the whole environment besides PATH/HOME: nothing leaks in from the test runner's. */
export function spawnServer(
  env: Record<string, string>,
  script = 'dist/main.js',
  args: string[] = [],
  options: SpawnOptions = {},
): ServerProcess {
  ensureServerBuild();
  const child = spawn(process.execPath, ['--enable-source-maps', script, ...args], {
    cwd: path.join(repoRoot, 'server'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    listening: () =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) {
            clearInterval(timer);
            resolve(match[1]!);
          }
        };
        const timer = setInterval(check, 50);
        exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`server exited with ${code} before listening: ${err}`));
        });
      }),
  };
}

/** Runs the CLI (server/dist/cli.js) to completion. */
export async function runCli(env: Record<string, string>, args: string[]) {
  const run = spawnServer(env, 'dist/cli.js', args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
