import type {
	IExecuteFunctions,
	IWebhookFunctions,
	IWorkflowExecutionCustomData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KieApi, KieTask, TaskModel } from '../kie/tasks';

// Callback mode pauses the execution while KIE renders, and n8n resumes it only once. The webhook
// that receives KIE's callbacks must therefore know every task of the run to tell when the last one
// has ended. The task list is stored in the execution's custom data (persisted with the execution,
// and readable in webhook() after the wait); what is known of each task lives in this process's
// memory and is rebuilt from KIE's API when another process (or a restarted n8n) takes a callback.

/**
 * The execution's custom data, where the task list is kept, or undefined when this n8n offers it to
 * no node. n8n 2.x hands it to nodes as `this.customData`; n8n 1.x only to expressions, as
 * `$execution.customData`: the same store (the execution's resultData.metadata), saved with the
 * waiting execution and loaded again with it when a callback resumes it. A feature check, so one
 * node serves every n8n.
 */
export function executionCustomData(
	context: IExecuteFunctions | IWebhookFunctions,
): IWorkflowExecutionCustomData | undefined {
	if ('customData' in context && context.customData) return context.customData;
	const store = customDataThroughExpressions(context);
	return store.readable() ? store : undefined;
}

/**
 * `$execution.customData` driven from expressions. Its methods are called inside the expression,
 * so that only strings come back: n8n's VM expression engine hands objects back without their
 * functions (and gives the expression none either: then getAll() fails and there is no store).
 */
function customDataThroughExpressions(context: IExecuteFunctions | IWebhookFunctions) {
	const evaluate = (code: string): unknown => {
		try {
			return context.evaluateExpression(`{{ ${code} }}`, 0);
		} catch {
			// An n8n without `$execution.customData` in expressions: reads as no store at all.
			return undefined;
		}
	};
	const getAll = (): Record<string, string> | undefined => {
		const all = evaluate('$execution.customData.getAll()');
		if (typeof all !== 'object' || all === null) return undefined;
		return Object.fromEntries(
			Object.entries(all).filter(
				(entry): entry is [string, string] => typeof entry[1] === 'string',
			),
		);
	};
	const set = (key: string, value: string) => {
		evaluate(`$execution.customData.set(${expressionString(key)}, ${expressionString(value)})`);
	};
	return {
		readable: () => getAll() !== undefined,
		set,
		setAll: (values: Record<string, string>) => {
			for (const [key, value] of Object.entries(values)) set(key, value);
		},
		// undefined for a missing key, as n8n's own get() (typed string) answers.
		get: (key: string) => getAll()?.[key] as string,
		getAll: () => getAll() ?? {},
	};
}

/** A string literal for an expression: JSON, with braces escaped so that `}}` cannot end it. */
function expressionString(text: string): string {
	return JSON.stringify(text).replace(
		/[{}]/g,
		(brace) => `\\u00${brace.charCodeAt(0).toString(16)}`,
	);
}

/** n8n keeps at most 10 custom data keys per execution, of at most 512 characters each. */
const CUSTOM_DATA_KEYS = 10;
const CUSTOM_DATA_VALUE_MAX = 512;
/** Keys left free for the user's own custom data. */
const KEYS_LEFT_FOR_USER = 2;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/**
 * KIE's task ids in 23 characters where their format allows (UUIDs, 32-hex), else as they are: the
 * Market API's ids (`task_12345678` in KIE's example) keep whatever format they have.
 */
export function packTaskId(taskId: string | null): string {
	if (taskId === null) return '!';
	if (UUID.test(taskId))
		return `u${Buffer.from(taskId.replace(/-/g, ''), 'hex').toString('base64url')}`;
	if (HEX32.test(taskId)) return `h${Buffer.from(taskId, 'hex').toString('base64url')}`;
	return `r${taskId}`;
}

export function unpackTaskId(packed: string): string | null {
	if (packed === '!' || packed === '') return null;
	const body = packed.slice(1);
	if (packed[0] === 'r') return body;
	const hex = Buffer.from(body, 'base64url').toString('hex');
	if (packed[0] === 'h') return hex;
	const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
	return `${groups.join('-')}-${hex.slice(20)}`;
}

export interface WaitingRun {
	model: TaskModel;
	/** When the node's own time limit passes (epoch ms); a wake-up call before it is ignored. */
	deadline: number;
	/** One entry per input item: its task id, or null when no task was created for it. */
	taskIds: Array<string | null>;
	/** Which API created each item's task; absent (runs saved before it existed): all legacy. */
	apis?: KieApi[];
}

/** The API of item `index`'s task. */
export function apiOf(run: WaitingRun, index: number): KieApi {
	return run.apis?.[index] ?? 'legacy';
}

/**
 * The run's APIs in as few characters as possible: nothing when all are legacy (so a run of a
 * version 1 node is saved exactly as before), 'm' when all are Market, else one letter per item.
 */
function serialiseApis(run: WaitingRun): string {
	const letters = run.taskIds.map((_, index) => (apiOf(run, index) === 'market' ? 'm' : 'l'));
	if (letters.every((letter) => letter === 'l')) return '';
	if (letters.every((letter) => letter === 'm')) return '|m';
	return `|${letters.join('')}`;
}

function parseApis(text: string | undefined, count: number): KieApi[] | undefined {
	if (!text) return undefined;
	const letters = text === 'm' ? 'm'.repeat(count) : text;
	return Array.from({ length: count }, (_, index) =>
		letters[index] === 'm' ? 'market' : 'legacy',
	);
}

export function keyPrefix(nodeId: string): string {
	return `kie_${nodeId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}_`;
}

function serialise(run: WaitingRun): string {
	const ids = run.taskIds.map(packTaskId).join(',');
	return `${run.model}|${run.deadline.toString(36)}|${ids}${serialiseApis(run)}`;
}

/** How many custom data keys a run needs, and whether the execution has that many free. */
export function customDataRoom(
	customData: IWorkflowExecutionCustomData,
	nodeId: string,
	run: WaitingRun,
) {
	const needed = Math.ceil(serialise(run).length / CUSTOM_DATA_VALUE_MAX);
	const prefix = keyPrefix(nodeId);
	const used = Object.keys(customData.getAll()).filter((key) => !key.startsWith(prefix)).length;
	const available = CUSTOM_DATA_KEYS - KEYS_LEFT_FOR_USER - used;
	return { needed, available, fits: needed <= available };
}

/** The most items one callback-mode run can hold (KIE's UUID task ids, no other custom data). */
export const MAX_CALLBACK_ITEMS = Math.floor(
	((CUSTOM_DATA_KEYS - KEYS_LEFT_FOR_USER) * CUSTOM_DATA_VALUE_MAX -
		'runway-extend|zzzzzzzzz||m'.length) /
		24,
);

export function saveWaitingRun(
	customData: IWorkflowExecutionCustomData,
	nodeId: string,
	run: WaitingRun,
): void {
	const text = serialise(run);
	const prefix = keyPrefix(nodeId);
	for (let part = 0; part * CUSTOM_DATA_VALUE_MAX < text.length; part++) {
		customData.set(
			`${prefix}${part}`,
			text.slice(part * CUSTOM_DATA_VALUE_MAX, (part + 1) * CUSTOM_DATA_VALUE_MAX),
		);
	}
}

export function loadWaitingRun(
	customData: IWorkflowExecutionCustomData,
	nodeId: string,
): WaitingRun | null {
	return parseWaitingRun(customDataText(customData, nodeId));
}

/** The run's text as saved in custom data: the task list itself, or a pointer to its file. */
function customDataText(customData: IWorkflowExecutionCustomData, nodeId: string): string {
	const prefix = keyPrefix(nodeId);
	let text = '';
	for (let part = 0; ; part++) {
		const piece = customData.get(`${prefix}${part}`);
		if (typeof piece !== 'string' || piece === '') break;
		text += piece;
	}
	return text;
}

function parseWaitingRun(text: string): WaitingRun | null {
	const [model, deadline, ids, apis] = text.split('|');
	if (!model || !deadline || ids === undefined) return null;
	const taskIds = ids.split(',').map(unpackTaskId);
	const parsedApis = parseApis(apis, taskIds.length);
	return {
		model: model as TaskModel,
		deadline: parseInt(deadline, 36),
		taskIds,
		...(parsedApis ? { apis: parsedApis } : {}),
	};
}

// A run too large for custom data keeps its task list in a file of n8n's binary data store, and custom
// data keeps only `@<binary data id>`. n8n 2.x stores that file on disk (regular mode) or in its
// database (queue mode, so a worker writes what the main process reads); it is deleted with the
// execution, and n8n's pruning never deletes a waiting execution. A model id never starts with '@'.
const FILE_POINTER = '@';
const TASK_LIST_FILE = 'kie-task-list.txt';

/**
 * Whether this n8n's binary data store gives ids, i.e. keeps files outside the execution's JSON.
 * n8n 1.x's default mode ('default') keeps binary data in memory, inside the items: no id, and no
 * file that webhook() could read after the wait. Tried with an empty file, before any task exists.
 */
export async function binaryStoreHasIds(context: IExecuteFunctions): Promise<boolean> {
	const probe = await context.helpers.prepareBinaryData(
		Buffer.alloc(0),
		TASK_LIST_FILE,
		'text/plain',
	);
	return typeof probe.id === 'string' && probe.id !== '';
}

/** Saves the run: in custom data when it fits there, else in a binary data file (see above). */
export async function storeWaitingRun(
	context: IExecuteFunctions,
	customData: IWorkflowExecutionCustomData,
	nodeId: string,
	run: WaitingRun,
): Promise<void> {
	if (customDataRoom(customData, nodeId, run).fits) return saveWaitingRun(customData, nodeId, run);
	const file = await context.helpers.prepareBinaryData(
		Buffer.from(serialise(run)),
		TASK_LIST_FILE,
		'text/plain',
	);
	// checkCallbackRoom found ids before any task was created.
	if (!file.id)
		throw new NodeOperationError(context.getNode(), 'n8n kept the task list in memory only');
	customData.set(`${keyPrefix(nodeId)}0`, `${FILE_POINTER}${file.id}`);
}

/** Finished runs stay known (for late duplicates) until this many newer runs push them out. */
const MAX_REMEMBERED_RUNS = 1000;

/**
 * Task lists read from files, by binary data id (ids are unique; the file never changes). The read
 * itself is kept while it runs: the callbacks of a large run often arrive together, and each would
 * otherwise read the same file (in queue mode from n8n's database, whose few connections they share).
 */
const filedRuns = new Map<string, Promise<WaitingRun | null>>();

/** The run saved by storeWaitingRun; a file is read once per process. */
export async function readWaitingRun(
	context: IWebhookFunctions,
	customData: IWorkflowExecutionCustomData,
	nodeId: string,
): Promise<WaitingRun | null> {
	const text = customDataText(customData, nodeId);
	if (!text.startsWith(FILE_POINTER)) return parseWaitingRun(text);
	const id = text.slice(FILE_POINTER.length);
	const known = filedRuns.get(id);
	if (known) return await known;
	const reading = (async () =>
		parseWaitingRun(
			await context.helpers.binaryToString(await context.helpers.getBinaryStream(id)),
		))();
	filedRuns.set(id, reading);
	if (filedRuns.size > MAX_REMEMBERED_RUNS)
		filedRuns.delete(filedRuns.keys().next().value as string);
	// A failed read, or nothing usable in the file: the next callback reads again.
	const forget = () => filedRuns.get(id) === reading && filedRuns.delete(id);
	reading.then((run) => run ?? forget(), forget);
	return await reading;
}

/** What this process knows of a waiting run: terminal results by task id. */
export interface RunMemory {
	results: Map<string, KieTask>;
	/**
	 * Set (synchronously) when a request has decided to resume: KIE's duplicates that arrive before
	 * n8n marks the execution as running must not poll again or try a second resume.
	 */
	resumed: boolean;
	/** This process paused the run: every callback since then reached it (or n8n refused it). */
	pausedHere: boolean;
	/**
	 * Set once this process has read every open task of the run (the re-read of a process that had
	 * no memory of it, or the early check): neither happens twice in one process.
	 */
	swept: boolean;
	/**
	 * Status calls in flight, by task: a callback that arrives while another request of this process
	 * is already asking KIE about its task waits for that answer instead of asking again.
	 */
	confirming: Map<string, Promise<void>>;
}

const memory = new Map<string, RunMemory>();

/**
 * This process's memory of a run; `fresh` when it had none (another process or a restart). The
 * deadline is part of the key: execution ids can repeat (a reset database, another instance).
 */
export function memoryOf(
	executionId: string,
	nodeId: string,
	deadline: number,
): { run: RunMemory; fresh: boolean } {
	const key = `${executionId}:${nodeId}:${deadline}`;
	const existing = memory.get(key);
	if (existing) return { run: existing, fresh: false };
	const run: RunMemory = {
		results: new Map(),
		resumed: false,
		pausedHere: false,
		swept: false,
		confirming: new Map(),
	};
	memory.set(key, run);
	if (memory.size > MAX_REMEMBERED_RUNS) memory.delete(memory.keys().next().value as string);
	return { run, fresh: true };
}
