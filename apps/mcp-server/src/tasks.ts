// MCP Tasks (protocol 2025-11-25; experimental in the SDK): register_order and get_order_status run as tasks when
// the client asks for one, so that following an order outlives the client's request timeout: the client polls
// tasks/get and reads the answer with tasks/result. The answer is the one the tool gives today; a client that does
// not ask for a task gets it as before (the SDK runs the task and waits for it within the request).
// Cancelling a task aborts what the tool is waiting on (a confirmation not yet given, the status polls); an order
// already sent is never undone by it: core's guard sends without a signal, and the ledger keeps counting the order.
import type {
  CreateTaskRequestHandlerExtra,
  ToolTaskHandler,
} from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AnySchema, SchemaOutput } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  JSONRPCMessage,
  RequestId,
  ServerCapabilities,
  ServerNotification,
  ServerRequest,
  Task,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { type AnswerContext, failWith } from './answer.js';
import type { Logger } from './log.js';

type TaskContext = AnswerContext & { log: Logger };

/**
 * How long a finished task's answer is kept for tasks/result when the client names no time, and the longest it may
 * name. Short: a client without tasks makes one too (the SDK's way of answering it), and each stays in memory so long.
 */
export const TASK_TTL_MS = 5 * 60_000;
export const MAX_TASK_TTL_MS = 60 * 60_000;
/** How often a client is told to poll tasks/get (and how often the SDK checks, for a client without tasks). */
export const TASK_POLL_MS = 250;

export const TASKS_CAPABILITY: NonNullable<ServerCapabilities['tasks']> = {
  list: {},
  cancel: {},
  requests: { tools: { call: {} } },
};

/** The SDK's in-memory store, which also stops the work of a task the client cancels. One per session. */
export class CancellableTaskStore extends InMemoryTaskStore {
  readonly #running = new Map<string, AbortController>();

  override async updateTaskStatus(
    taskId: string,
    status: Task['status'],
    statusMessage?: string,
    sessionId?: string,
  ): Promise<void> {
    await super.updateTaskStatus(taskId, status, statusMessage, sessionId);
    if (status === 'cancelled') this.#running.get(taskId)?.abort(new Error('the task was cancelled'));
  }

  /** A signal that fires when the task is cancelled; until end() is called for it. */
  start(taskId: string): AbortSignal {
    const controller = new AbortController();
    this.#running.set(taskId, controller);
    return controller.signal;
  }

  end(taskId: string): void {
    this.#running.delete(taskId);
  }
}

const stores = new WeakMap<McpServer, CancellableTaskStore>();
/** Per server, the ids of the tools/call requests in which the client asked for a task (params.task). */
const taskRequests = new WeakMap<McpServer, Set<RequestId>>();

/**
 * The task store of a server (made with it in createServer), for the tools that run as tasks. Also notes which
 * tools/call requests ask for a task: the SDK answers a request that does not by running the task and polling it
 * every TASK_POLL_MS, and such a request must be answered as soon as its work ends, as it was before tasks.
 */
export function useTaskStore(server: McpServer, store: CancellableTaskStore): void {
  stores.set(server, store);
  const asked = new Set<RequestId>();
  taskRequests.set(server, asked);
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    await connect(transport);
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isTaskToolCall(message)) asked.add(message.id);
      deliver?.(message, extra);
    };
  };
}

function isTaskToolCall(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  if (!('method' in message) || message.method !== 'tools/call' || !('id' in message)) return false;
  const params = message.params as { task?: unknown } | undefined;
  return params?.task !== undefined;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

interface TaskToolConfig<I extends AnySchema, O extends AnySchema> {
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  _meta?: Record<string, unknown>;
}

/**
 * Registers a tool that may run as a task. `work` is the tool's handler as it is without tasks; as a task it runs in
 * the background with a signal that also fires when the task is cancelled, and its answer becomes the task's result.
 */
export function registerTaskTool<I extends AnySchema, O extends AnySchema>(
  server: McpServer,
  context: TaskContext,
  name: string,
  config: TaskToolConfig<I, O>,
  work: (args: SchemaOutput<I>, extra: Extra) => Promise<CallToolResult>,
): void {
  const store = stores.get(server);
  if (store === undefined) throw new Error('createServer gives each server its task store before tools are registered');
  const handler: ToolTaskHandler<I> = {
    createTask: (async (args: SchemaOutput<I>, extra: CreateTaskRequestHandlerExtra) => {
      const task = await extra.taskStore.createTask({
        ttl: Math.min(extra.taskRequestedTtl ?? TASK_TTL_MS, MAX_TASK_TTL_MS),
        pollInterval: TASK_POLL_MS,
      });
      const cancelled = store.start(task.taskId);
      // The request's own signal too: a client without tasks can still cancel its request, as before.
      const signal = AbortSignal.any([extra.signal, cancelled]);
      const running = runTask(store, context, task.taskId, extra, () => work(args, { ...extra, signal }));
      if (taskRequests.get(server)?.delete(extra.requestId) === true) return { task };
      // Not asked as a task: answered when the work ends (an ended task is not polled), as before tasks.
      await running;
      return { task: (await extra.taskStore.getTask(task.taskId)) ?? task };
    }) as ToolTaskHandler<I>['createTask'],
    getTask: (async (
      _args: unknown,
      extra: { taskId: string; taskStore: CreateTaskRequestHandlerExtra['taskStore'] },
    ) => {
      const task = await extra.taskStore.getTask(extra.taskId);
      if (task === null) throw new Error(`no task ${extra.taskId}`);
      return task;
    }) as ToolTaskHandler<I>['getTask'],
    getTaskResult: (async (
      _args: unknown,
      extra: { taskId: string; taskStore: CreateTaskRequestHandlerExtra['taskStore'] },
    ) => (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult) as ToolTaskHandler<I>['getTaskResult'],
  };
  server.experimental.tasks.registerToolTask(name, { ...config, execution: { taskSupport: 'optional' } }, handler);
}

async function runTask(
  store: CancellableTaskStore,
  context: TaskContext,
  taskId: string,
  extra: CreateTaskRequestHandlerExtra,
  work: () => Promise<CallToolResult>,
): Promise<void> {
  let result: CallToolResult;
  try {
    result = await work();
  } catch (error) {
    result = failWith(context, error);
  } finally {
    store.end(taskId);
  }
  try {
    await extra.taskStore.storeTaskResult(taskId, result.isError ? 'failed' : 'completed', result);
  } catch {
    // The task was cancelled meanwhile: its status stays "cancelled" (an order placed stays in the ledger). The
    // operator still learns how it ended.
    const first = result.content[0];
    const text = first?.type === 'text' ? first.text : '';
    context.log.info(`task ${taskId} was cancelled before it ended; its answer, not delivered: ${text.slice(0, 500)}`);
  }
}
