// n8n in queue mode, from the outside: the environment its main instance, workers and CLI share (one PostgreSQL
// database, one Redis with a prefix of the run's own, one encryption key), and what the test reads back: the
// executions in n8n's database and, from each worker's log, the executions that worker ran.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TestDatabase } from '@cappi-reseller/test-services';
import { withAdmin } from '@cappi-reseller/test-services';

/** The Redis every machine of this project and CI runs (ENVIRONMENT.md). */
export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;
const START_REDIS_COMMAND =
  'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis';

/**
 * What every n8n process of one deployment needs to be one deployment: the database, the queue, the key that
 * decrypts the credentials. `prefix` keeps this run's queue, pub/sub channels and keys apart from any other run's
 * on the same Redis (n8n puts QUEUE_BULL_PREFIX before the queue's keys, N8N_REDIS_KEY_PREFIX before the rest).
 */
export function deploymentEnv(
  database: TestDatabase,
  options: { mode: 'queue' | 'regular'; prefix: string; encryptionKey: string },
): NodeJS.ProcessEnv {
  const url = new URL(database.url);
  return {
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: url.hostname,
    DB_POSTGRESDB_PORT: url.port || '5432',
    DB_POSTGRESDB_DATABASE: url.pathname.slice(1),
    DB_POSTGRESDB_USER: decodeURIComponent(url.username) || 'postgres',
    DB_POSTGRESDB_PASSWORD: decodeURIComponent(url.password),
    EXECUTIONS_MODE: options.mode,
    QUEUE_BULL_REDIS_HOST: REDIS_HOST,
    QUEUE_BULL_REDIS_PORT: String(REDIS_PORT),
    QUEUE_BULL_PREFIX: options.prefix,
    N8N_REDIS_KEY_PREFIX: options.prefix,
    N8N_ENCRYPTION_KEY: options.encryptionKey,
    // Stopping waits for running executions up to this long; the test stops n8n only once they are done.
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
  };
}

/** The little of ioredis (n8n's own copy) used here. */
interface RedisClient {
  connect(): Promise<void>;
  ping(): Promise<string>;
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
  disconnect(): void;
}
type RedisConstructor = new (options: Record<string, unknown>) => RedisClient;

/** A module of the installed n8n (its own copies of ioredis, flatted...), so the test adds no dependency for them. */
export function requireFromN8n(n8nDir: string, id: string): unknown {
  return createRequire(join(n8nDir, 'node_modules', 'n8n', 'package.json'))(id);
}

/**
 * Runs `task` with a connection to the project's Redis. When nothing answers there, fails with one sentence saying
 * what to start: queue mode cannot be proven without it, so the test fails, it never skips.
 */
export async function withRedis<T>(n8nDir: string, task: (redis: RedisClient) => Promise<T>): Promise<T> {
  const Redis = requireFromN8n(n8nDir, 'ioredis') as RedisConstructor;
  const redis = new Redis({
    host: REDIS_HOST,
    port: REDIS_PORT,
    lazyConnect: true,
    connectTimeout: 10_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Redis does not answer at ${REDIS_HOST}:${REDIS_PORT} (${reason}): n8n's queue mode needs it; start it with \`${START_REDIS_COMMAND}\``,
    );
  }
  try {
    return await task(redis);
  } finally {
    await redis.quit();
  }
}

/** Deletes every key of this run (its prefix) from Redis; returns how many there were. */
export async function deleteRedisKeys(n8nDir: string, prefix: string): Promise<number> {
  return await withRedis(n8nDir, async (redis) => {
    const keys = await redis.keys(`${prefix}:*`);
    return keys.length === 0 ? 0 : await redis.del(...keys);
  });
}

export interface ExecutionRow {
  id: number;
  workflowId: string;
  mode: string;
  status: string;
  /** The run, as n8n stores it (flatted JSON), parsed. */
  data: { resultData: { runData: Record<string, { data?: { main: ({ json: unknown }[] | null)[] } }[]> } };
}

/** The executions of one workflow in n8n's database, oldest first. */
export async function executionsOf(database: TestDatabase, n8nDir: string, workflowId: string) {
  const { parse } = requireFromN8n(n8nDir, 'flatted') as { parse: (text: string) => unknown };
  const rows = await withAdmin(database.url, async (client) => {
    const result = await client.query(
      `select e.id, e."workflowId", e.mode, e.status, d.data from execution_entity e
       join execution_data d on d."executionId" = e.id where e."workflowId" = $1 order by e.id`,
      [workflowId],
    );
    return result.rows as { id: number | string; workflowId: string; mode: string; status: string; data: string }[];
  });
  return rows.map(
    (row): ExecutionRow => ({ ...row, id: Number(row.id), data: parse(row.data) as ExecutionRow['data'] }),
  );
}

/** How many executions of these workflows n8n's database holds, and how many of them have not finished yet. */
export async function executionCounts(
  database: TestDatabase,
  workflowIds: string[],
): Promise<{ saved: number; unfinished: number }> {
  return await withAdmin(database.url, async (client) => {
    const result = await client.query(
      `select count(*)::int as saved, (count(*) filter (where status in ('new', 'running', 'waiting')))::int as unfinished
       from execution_entity where "workflowId" = any($1)`,
      [workflowIds],
    );
    return result.rows[0] as { saved: number; unfinished: number };
  });
}

/** Where `text` appears in the database: `table.column` for every text column holding it. */
export async function columnsContaining(database: TestDatabase, text: string): Promise<string[]> {
  return await withAdmin(database.url, async (client) => {
    const columns = await client.query(
      `select table_name, column_name from information_schema.columns
       where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb')`,
    );
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns.rows as Record<string, string>[]) {
      const hits = await client.query(
        `select count(*)::int as n from "${table}" where position($1 in "${column}"::text) > 0`,
        [text],
      );
      if ((hits.rows[0] as { n: number }).n > 0) found.push(`${table}.${column}`);
    }
    return found;
  });
}

/**
 * The executions a worker ran, from its log: n8n's job processor logs "Worker started execution <id> (job <n>)"
 * when a worker takes an execution from the queue, and only a worker does.
 */
export function executionsStartedIn(log: string): number[] {
  return [...log.matchAll(/Worker started execution (\d+) \(job [^)]+\)/g)].map((match) => Number(match[1]));
}
