// @ts-check
'use strict';

const crypto = require('crypto');
const { FAIL_MARKER, CALLBACK_FAILED_MARKER, MSG } = require('./constants');

/**
 * @typedef {'runway' | 'aleph' | 'luma' | 'market' | 'veo'} Model
 * @typedef {'wait' | 'queueing' | 'generating' | 'success' | 'fail'} Phase
 * @typedef {object} Outcome
 * @property {boolean} ok
 * @property {number} [code] failure code reported by the record/callback
 * @property {string} [msg] failure message
 * @property {boolean} [callbackFailed] Luma: succeeded but its callback failed (successFlag 4)
 *
 * @typedef {object} Task
 * @property {string} taskId
 * @property {Model} model
 * @property {'generate' | 'extend'} kind
 * @property {string} marketModel the Market model id ('' unless model is 'market')
 * @property {Record<string, any>} params the request body as accepted
 * @property {string | null} callBackUrl
 * @property {string} parentTaskId '' unless an extend task
 * @property {string} sourceImageUrl extend: the frame the extension began from ('' otherwise)
 * @property {number} createdAt simulated epoch ms
 * @property {number} durationMs simulated ms from creation to the terminal state
 * @property {number} credits charged at creation
 * @property {string} videoId
 * @property {Outcome} planned outcome at the natural end (a prompt marker can plan a failure)
 * @property {(Outcome & { at: number }) | null} terminal set once the task has ended
 * @property {boolean} callbackFailed true once callback delivery was given up (or lost on purpose)
 * @property {NodeJS.Timeout | null} timer
 */

/**
 * Task store and lifecycle. Progress is derived from the simulated clock on every read, and a timer
 * makes each task end (and fire its callback) even when nobody polls. Ending is idempotent, so the
 * timer, a poll that notices the end first, and completeTask/failTask cannot end a task twice.
 */
class TaskStore {
	/**
	 * @param {import('./clock').SimClock} clock
	 * @param {(task: Task) => void} onTerminal called once per task when it ends (unless told not to)
	 */
	constructor(clock, onTerminal) {
		this.clock = clock;
		this.onTerminal = onTerminal;
		/** @type {Map<string, Task>} */
		this.byId = new Map();
	}

	/** @param {Model} model */
	static newId(model) {
		// Runway and Aleph ids are UUIDs; Luma ids are 32 hex digits (§1, §5a), and so are the
		// simulator's Market and Veo ids (KIE's examples, "task_12345678", are placeholders).
		return model === 'runway' || model === 'aleph'
			? crypto.randomUUID()
			: crypto.randomBytes(16).toString('hex');
	}

	/**
	 * @param {{ model: Model, kind?: 'generate' | 'extend', marketModel?: string, params: Record<string, any>,
	 *   prompt?: string, callBackUrl: string | null, parentTaskId?: string, sourceImageUrl?: string,
	 *   durationMs: number, credits: number }} init prompt: where the failure marker is looked for (default params.prompt)
	 */
	create(init) {
		const prompt = String(init.prompt ?? init.params.prompt ?? '');
		/** @type {Outcome} */
		const planned = prompt.toLowerCase().includes(FAIL_MARKER)
			? { ok: false, code: 400, msg: init.model === 'aleph' ? MSG.alephModeration : MSG.moderation }
			: {
					ok: true,
					callbackFailed:
						init.model === 'luma' && prompt.toLowerCase().includes(CALLBACK_FAILED_MARKER),
				};
		/** @type {Task} */
		const task = {
			taskId: TaskStore.newId(init.model),
			model: init.model,
			kind: init.kind || 'generate',
			marketModel: init.marketModel || '',
			params: init.params,
			callBackUrl: init.callBackUrl,
			parentTaskId: init.parentTaskId || '',
			sourceImageUrl: init.sourceImageUrl || '',
			createdAt: this.clock.now(),
			durationMs: Math.max(0, init.durationMs),
			credits: init.credits,
			videoId: crypto.randomUUID(),
			planned,
			terminal: null,
			callbackFailed: Boolean(planned.callbackFailed),
			timer: null,
		};
		this.byId.set(task.taskId, task);
		this.schedule(task);
		return task;
	}

	/** (Re)arms the timer that ends a task at createdAt + durationMs. @param {Task} task */
	schedule(task) {
		if (task.timer) clearTimeout(task.timer);
		task.timer = null;
		if (task.terminal) return;
		const delay = this.clock.wallDelayUntil(task.createdAt + task.durationMs);
		task.timer = setTimeout(() => this.end(task, task.planned), delay);
	}

	/** After the clock jumps, tasks that are now due end at once. */
	rescheduleAll() {
		for (const task of this.byId.values()) this.schedule(task);
	}

	/**
	 * Ends a task (no-op when it has ended already).
	 * @param {Task} task @param {Outcome} outcome @param {{ notify?: boolean }} [opts]
	 * @returns {boolean} whether this call ended it
	 */
	end(task, outcome, opts = {}) {
		if (task.terminal) return false;
		if (task.timer) clearTimeout(task.timer);
		task.timer = null;
		task.terminal = { ...outcome, at: this.clock.now() };
		if (outcome.callbackFailed) task.callbackFailed = true;
		if (opts.notify !== false) this.onTerminal(task);
		return true;
	}

	/**
	 * Current phase, using Runway's vocabulary for every model. Ends the task if its time is up.
	 * @param {Task} task @returns {Phase}
	 */
	phase(task) {
		if (!task.terminal && this.clock.now() - task.createdAt >= task.durationMs)
			this.end(task, task.planned);
		if (task.terminal) return task.terminal.ok ? 'success' : 'fail';
		return TaskStore.runningPhase(task, this.clock.now());
	}

	/**
	 * The phase a task not yet ended is in at simulated time `at`. Rough split of KIE's lifecycle:
	 * briefly submitted, then queued, then most of the time generating.
	 * @param {Task} task @param {number} at @returns {'wait' | 'queueing' | 'generating'}
	 */
	static runningPhase(task, at) {
		const f = (at - task.createdAt) / (task.durationMs || 1);
		return f < 0.1 ? 'wait' : f < 0.25 ? 'queueing' : 'generating';
	}

	/** @param {string} id */
	get(id) {
		return this.byId.get(String(id));
	}

	list() {
		return [...this.byId.values()];
	}

	clear() {
		for (const task of this.byId.values()) if (task.timer) clearTimeout(task.timer);
		this.byId.clear();
	}
}

module.exports = { TaskStore };
