// Compiles the API for production: `node dist/main.js` (the server) and `node dist/cli.js` (the
// operator commands), no TypeScript runtime. esbuild bundles our own code — server/src and the
// workspace packages it imports (@secureaccess/shared, @secureaccess/migrations, whose package
// exports point at TypeScript sources) — and leaves every third-party dependency of the server
// package external, so native addons (argon2, sqlite3), Sequelize's dialect loading and pino's
// workers resolve from server/node_modules exactly as in development.
// Files are written to a temporary name and renamed, so concurrent builds (parallel test workers)
// never expose a half-written bundle.
import { readFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(serverDir, 'dist');
const manifest = JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8'));
const external = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@secureaccess/'));

const result = await build({
  absWorkingDir: serverDir,
  entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts' },
  outdir: outDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external,
  sourcemap: 'linked',
  // Keep class and function names: error names and log lines use them.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});

mkdirSync(outDir, { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
