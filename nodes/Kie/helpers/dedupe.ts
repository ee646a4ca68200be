import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/**
 * Remembers recently seen keys (task ids) for a while, in bounded memory. KIE may send the same
 * callback several times; the check-and-mark is synchronous, so concurrent duplicates arriving in
 * one n8n process cannot both pass.
 */
export class RecentKeys {
	private readonly seen = new Map<string, number>();

	constructor(
		readonly maxEntries: number,
		readonly ttlMs: number,
	) {}

	/** True the first time a key is seen within the TTL, false for a repeat. */
	firstTime(key: string, now = Date.now()): boolean {
		const at = this.seen.get(key);
		if (at !== undefined && now - at < this.ttlMs) return false;
		this.seen.delete(key);
		this.seen.set(key, now);
		// Maps iterate in insertion order: the first entries are the oldest.
		while (this.seen.size > this.maxEntries)
			this.seen.delete(this.seen.keys().next().value as string);
		return true;
	}

	forget(key: string): void {
		this.seen.delete(key);
	}
}

/** One trigger node's key for a task: a task id is a duplicate only for the same workflow and node. */
export function taskKey(context: IExecuteFunctions | IWebhookFunctions, taskId: string): string {
	return `${nodeKey(context)}:${taskId}`;
}

function nodeKey(context: IExecuteFunctions | IWebhookFunctions): string {
	return `${context.getWorkflow().id}:${context.getNode().id}`;
}

// Across processes (docs/design.md "Webhooks and the trigger"): the task ids a trigger node has run
// are kept in n8n's database with the deduplication helpers n8n gives execute() (table
// processed_data, one row per workflow and node). That helper reads the row, adds the new ids and
// writes the row back: two calls at once can both pass. Calls are therefore made one at a time per
// workflow and node in this process, and ids waiting meanwhile go together in the next call (one
// database round trip for many executions).

/** Task ids kept per trigger node in n8n's database: KIE's copies of a callback come minutes apart. */
export const SHARED_MAX_ENTRIES = 10_000;

/** The fallback when n8n offers no usable helper (older n8n, the engine harness): per process. */
const runInThisProcess = new RecentKeys(50_000, 24 * 60 * 60 * 1000);

interface Waiting {
	taskId: string;
	context: IExecuteFunctions;
	resolve: (first: boolean) => void;
}

/** Per workflow and node: the ids waiting for the next database call, and whether one runs. */
const queues = new Map<string, { waiting: Waiting[]; running: boolean }>();

/** The ids among `taskIds` not recorded before, now recorded; undefined when n8n cannot tell. */
async function recordInDatabase(
	context: IExecuteFunctions,
	taskIds: string[],
): Promise<Set<string> | undefined> {
	const record = context.helpers.checkProcessedAndRecord;
	if (typeof record !== 'function') return undefined;
	const options = { mode: 'entries' as const, maxEntries: SHARED_MAX_ENTRIES };
	for (let attempt = 1; attempt <= 2; attempt++) {
		try {
			const { new: fresh } = await record(taskIds, 'node', options);
			return new Set(fresh.map(String));
		} catch (error) {
			// Two processes writing a node's first row at once: one insert fails on the row's unique
			// key, and read again the row is there. Any other failure (not initialised in the engine
			// harness, a database lock timeout) may have written the ids: asking again could call them
			// all seen and lose the tasks, so this process's memory decides instead.
			if (!isUniqueKeyClash(error)) return undefined;
		}
	}
	return undefined;
}

/** sqlite: "UNIQUE constraint failed"; PostgreSQL: "duplicate key value violates unique constraint". */
function isUniqueKeyClash(error: unknown): boolean {
	return /unique constraint|duplicate key/i.test(String((error as Error | undefined)?.message));
}

async function drain(key: string, queue: { waiting: Waiting[]; running: boolean }): Promise<void> {
	while (queue.waiting.length > 0) {
		const batch = queue.waiting.splice(0);
		const fresh = await recordInDatabase(batch[0].context, [
			...new Set(batch.map((waiting) => waiting.taskId)),
		]);
		const answered = new Set<string>();
		for (const { taskId, resolve } of batch) {
			// The same id twice in one batch: n8n's helper would call both new.
			const first = fresh
				? fresh.has(taskId) && !answered.has(taskId)
				: runInThisProcess.firstTime(`${key}:${taskId}`);
			answered.add(taskId);
			resolve(first);
		}
	}
	queue.running = false;
	queues.delete(key);
}

/**
 * True the first time a run of this workflow's trigger node asks for a task id: exact within one
 * n8n process (calls are serialised), and across processes as far as n8n's database row allows.
 */
export async function firstRunForTask(
	context: IExecuteFunctions,
	taskId: string,
): Promise<boolean> {
	const key = nodeKey(context);
	let queue = queues.get(key);
	if (!queue) queues.set(key, (queue = { waiting: [], running: false }));
	const answer = new Promise<boolean>((resolve) =>
		queue.waiting.push({ taskId, context, resolve }),
	);
	if (!queue.running) {
		queue.running = true;
		void drain(key, queue);
	}
	return await answer;
}
