// Runs the real server entry point (server/src/main.ts) as a child process, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
const tsx = path.join(repoRoot, 'server', 'node_modules', '.bin', 'tsx');

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the base URL once the server prints that it listens; rejects if it exits first. */
  listening(): Promise<string>;
}

/** `env` is the whole environment besides PATH/HOME: nothing leaks in from the test runner's. */
export function spawnServer(env: Record<string, string>, script = 'src/main.ts', args: string[] = []): ServerProcess {
  const child = spawn(tsx, [script, ...args], {
    cwd: path.join(repoRoot, 'server'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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

/** Runs the CLI (server/src/cli.ts) to completion. */
export async function runCli(env: Record<string, string>, args: string[]) {
  const run = spawnServer(env, 'src/cli.ts', args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
