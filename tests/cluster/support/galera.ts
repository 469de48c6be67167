// A real three-node MariaDB Galera cluster on loopback, private to the suite: each node its own
// datadir (under a temp folder), client port, group-communication, IST and SST ports. The shared
// MariaDB on 3306 is never touched. Facts this relies on are in ../shared/ENVIRONMENT.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '@secureaccess/server';

const provider = '/usr/lib/galera/libgalera_smm.so';

export interface GaleraNode {
  index: number;
  port: number;
  /** `mysql://root@127.0.0.1:<port>/<database>` */
  urlFor(database: string): string;
  process: ChildProcess;
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  /** Runs `work` with a root connection to node `index` (no database selected). */
  withNode<T>(index: number, work: (db: Database) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export interface GaleraOptions {
  /** Client ports are basePort+1 … basePort+n; group ports basePort+1100+2i (and +1 for IST). */
  basePort: number;
  size?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function statusOf(port: number, variable: string): Promise<string | null> {
  const result = spawnSync('mariadb', ['-h127.0.0.1', `-P${port}`, '-uroot', '-N', '-B', '-e', `SHOW STATUS LIKE '${variable}'`], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  if (result.status !== 0) return null;
  return result.stdout.trim().split('\t')[1] ?? null;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`Galera: timed out waiting for ${what}`);
}

export async function startGaleraCluster(options: GaleraOptions): Promise<GaleraCluster> {
  const size = options.size ?? 3;
  const root = mkdtempSync(path.join(tmpdir(), 'sa-galera-'));
  chmodSync(root, 0o755); // mariadbd runs as mysql and must reach its datadir inside
  const groupPort = (i: number) => options.basePort + 1100 + 2 * i;
  const members = Array.from({ length: size }, (_, i) => `127.0.0.1:${groupPort(i + 1)}`).join(',');
  const nodes: GaleraNode[] = [];

  const startNode = (i: number, bootstrap: boolean): GaleraNode => {
    const datadir = path.join(root, `node${i}`);
    const port = options.basePort + i;
    const args = [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${datadir}`,
      `--port=${port}`,
      `--socket=${datadir}/mysqld.sock`,
      `--pid-file=${datadir}/mysqld.pid`,
      `--log-error=${root}/node${i}.err`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      '--innodb-buffer-pool-size=64M',
      '--wsrep_on=ON',
      `--wsrep_provider=${provider}`,
      '--wsrep_cluster_name=secureaccess-test',
      '--binlog_format=ROW',
      '--innodb_autoinc_lock_mode=2',
      '--default-storage-engine=InnoDB',
      '--wsrep_sst_method=rsync',
      `--wsrep_node_address=127.0.0.1:${groupPort(i)}`,
      `--wsrep_sst_receive_address=127.0.0.1:${options.basePort + 1200 + i}`,
      `--wsrep_provider_options=gmcast.listen_addr=tcp://127.0.0.1:${groupPort(i)};ist.recv_addr=127.0.0.1:${groupPort(i) + 1}`,
      bootstrap ? '--wsrep_cluster_address=gcomm://' : `--wsrep_cluster_address=gcomm://${members}`,
      ...(bootstrap ? ['--wsrep-new-cluster'] : []),
    ];
    const child = spawn('/usr/sbin/mariadbd', args, { stdio: 'ignore' });
    return {
      index: i,
      port,
      process: child,
      urlFor: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    };
  };

  try {
    // Every node gets its own system tables; joiners' datadirs are then replaced by SST (rsync).
    for (let i = 1; i <= size; i += 1) {
      const install = spawnSync(
        'mariadb-install-db',
        ['--user=mysql', `--datadir=${path.join(root, `node${i}`)}`, '--auth-root-authentication-method=normal'],
        { encoding: 'utf8', timeout: 120_000 },
      );
      if (install.status !== 0) throw new Error(`mariadb-install-db failed (${install.status ?? install.signal}): ${install.stdout}${install.stderr}`);
    }
    spawnSync('chown', ['-R', 'mysql:mysql', root]);

    nodes.push(startNode(1, true));
    await waitFor('node 1 to bootstrap', async () => (await statusOf(nodes[0]!.port, 'wsrep_ready')) === 'ON', 60_000);
    for (let i = 2; i <= size; i += 1) nodes.push(startNode(i, false));
    for (const node of nodes) {
      await waitFor(
        `node ${node.index} to be synced`,
        async () => (await statusOf(node.port, 'wsrep_local_state_comment')) === 'Synced',
        120_000,
      );
    }
    await waitFor('all nodes in the cluster', async () => (await statusOf(nodes[0]!.port, 'wsrep_cluster_size')) === String(size), 30_000);
  } catch (error) {
    await stopNodes(nodes);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  return {
    nodes,
    withNode: async (index, work) => {
      const db = await openDatabase({ url: `mysql://root@127.0.0.1:${options.basePort + index}/`, poolMax: 2 });
      try {
        return await work(db);
      } finally {
        await db.close();
      }
    },
    stop: async () => {
      await stopNodes(nodes);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function stopNodes(nodes: GaleraNode[]): Promise<void> {
  // Joiners first, the bootstrap node last, so the cluster shuts down cleanly.
  for (const node of [...nodes].reverse()) {
    if (node.process.exitCode !== null || node.process.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => node.process.once('exit', () => resolve()));
    node.process.kill('SIGTERM');
    const timer = setTimeout(() => node.process.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
