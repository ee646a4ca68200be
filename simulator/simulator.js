// @ts-check
'use strict';

// The simulator's state and public API (tasks, callbacks, faults, clock, listeners); its request
// pipeline is in pipeline.js, its result links in links.js, its listeners' start and stop in listen.js.

const http = require('http');
const crypto = require('crypto');
const { EventEmitter } = require('events');
const { SimClock } = require('./clock');
const { TaskStore } = require('./tasks');
const { FaultQueue } = require('./faults');
const { SlidingWindowLimiter } = require('./rate-limit');
const { CallbackSender } = require('./callbacks');
const { UploadStore } = require('./uploads');
const { sleep } = require('./http-util');
const { handleRequest } = require('./pipeline');
const { MSG } = require('./constants');
const { listenOn, stopListening } = require('./listen');
const links = require('./links');
const runway = require('./models/runway');
const aleph = require('./models/aleph');
const luma = require('./models/luma');
const market = require('./models/market');
const veo = require('./models/veo');

/** Callback bodies per task model. */
const CALLBACK_MODELS = { runway, aleph, luma, market, veo };

/**
 * @typedef {object} SimulatorOptions
 * @property {string} host
 * @property {number} port API listener (0 = any free port)
 * @property {number} uploadPort upload listener, a separate host like KIE's (0 = any free port)
 * @property {string[]} apiKeys accepted Bearer keys
 * @property {number} credits starting balance
 * @property {string | undefined} hmacKey when set, every callback is signed (§6e)
 * @property {number | Record<string, number>} taskDurationMs simulated ms from create to end; or per model { runway, extend, aleph, luma, veo, market, default }
 * @property {number} timeScale simulated ms per wall ms
 * @property {number} recordNullMs simulated ms during which record endpoints answer "recordInfo is null"
 * @property {{ max: number, windowMs: number }} rateLimit create calls per sliding wall-clock window per key
 * @property {number | null} videoSizeBytes size of every result video (a playable MP4 padded to this size when the
 *   clip fits, see media.js); null: the playable clip alone
 * @property {number} callbackDelayMs wall ms between a task's end and its callback
 * @property {number} callbackRetryDelayMs wall ms between callback attempts
 * @property {number} callbackTimeoutMs wall ms before a callback attempt counts as failed (KIE: 15 s)
 * @property {boolean} signedResultLinks result URLs in record answers and callbacks are signed links that work
 *   for 20 minutes (simulated), like download-url links. KIE does not say how long its result links work
 *   (Luma's sit on a temporary file host): this lets a download after a link's expiry be tried.
 * @property {'msg' | 'message'} marketMessageKey the key of the message in /api/v1/jobs/* answers: KIE's
 *   recordInfo page has revisions with `msg` and with `message` (§11); clients must accept both
 *
 * @typedef {object} RequestRecord
 * @property {'api' | 'upload'} listener
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {Record<string, any>} headers authorization redacted
 * @property {any} body parsed JSON (base64Data shortened) or null
 * @property {number} at wall epoch ms
 */

/** Its video size is a number: the clip alone (null) is asked for explicitly. @type {SimulatorOptions & { videoSizeBytes: number }} */
const DEFAULTS = {
	host: '127.0.0.1',
	port: 0,
	uploadPort: 0,
	apiKeys: ['sim-key'],
	credits: 10000,
	hmacKey: undefined,
	taskDurationMs: 4000,
	timeScale: 1,
	recordNullMs: 1000,
	rateLimit: { max: 20, windowMs: 10000 },
	videoSizeBytes: 1048576,
	callbackDelayMs: 0,
	callbackRetryDelayMs: 1000,
	callbackTimeoutMs: 15000,
	signedResultLinks: false,
	marketMessageKey: 'msg',
};

/** A KIE.ai stand-in: the API host and the upload host on two local listeners, plus a control API. */
class Simulator extends EventEmitter {
	/** @param {Partial<SimulatorOptions>} [options] */
	constructor(options = {}) {
		super();
		/** Options as given (reset() returns to them). */
		this.initialOptions = { ...DEFAULTS, ...stripUndefined(options) };
		/** @type {SimulatorOptions} */
		this.options = { ...this.initialOptions };
		this.clock = new SimClock(this.options.timeScale);
		this.taskStore = new TaskStore(this.clock, (task) => this.sendCallback(task));
		this.faults = new FaultQueue();
		this.limiter = new SlidingWindowLimiter(this.options.rateLimit);
		this.sender = new CallbackSender({
			timeoutMs: this.options.callbackTimeoutMs,
			retryDelayMs: this.options.callbackRetryDelayMs,
			hmacKey: () => this.options.hmacKey,
			onRecord: (record) => {
				this.callbacks.push(record);
				this.emit('callback', record);
			},
		});
		this.uploads = new UploadStore(this.clock);
		/** Secret for download-url signatures. */
		this.linkSecret = crypto.randomBytes(32);
		/** @type {RequestRecord[]} */
		this.requests = [];
		/** @type {import('./callbacks').CallbackRecord[]} */
		this.callbacks = [];
		/** @type {Map<string, number>} */
		this.counts = new Map();
		this.createCount = 0;
		this.credits = this.options.credits;
		/** @type {import('./callbacks').CallbackBehaviour & { remaining?: number }} */
		this.callbackBehaviour = { mode: 'normal', shape: 'doc' };
		/** Legacy create paths answered as removed (HTTP 404) and Market ids answered as discontinued. */
		this.retired = { paths: new Set(), models: new Set() };
		/** Market ids accepted beyond the simulator's table, with no input check but "an object". */
		this.extraMarketModels = new Set();
		this.baseUrl = '';
		this.uploadBaseUrl = '';
		/** @type {http.Server[]} */
		this.servers = [];
		/** Set by close(): a restart in progress does not listen again. */
		this.closed = false;
		/** True while a restart waits for requests in progress. */
		this.stopping = false;
		/** Open connections: whether one has had a request, and how many it is answering now. */
		/** @type {Map<import('net').Socket, { served: boolean, active: number }>} */
		this.sockets = new Map();
	}

	/** @param {{ port?: number, uploadPort?: number }} [ports] default: the configured ones */
	async listen({ port = this.options.port, uploadPort = this.options.uploadPort } = {}) {
		const api = http.createServer((req, res) => handleRequest(this, 'api', req, res));
		const upload = http.createServer((req, res) => handleRequest(this, 'upload', req, res));
		this.servers = [api, upload];
		for (const server of this.servers) {
			server.on('connection', (socket) => {
				this.sockets.set(socket, { served: false, active: 0 });
				socket.once('close', () => this.sockets.delete(socket));
			});
		}
		this.baseUrl = await listenOn(api, this.options.host, port);
		this.uploadBaseUrl = await listenOn(upload, this.options.host, uploadPort);
		this.uploads.baseUrl = this.uploadBaseUrl;
		return this;
	}

	/**
	 * KIE's API restarting: both hosts stop taking connections (requests already in progress are
	 * answered), stay down for `downMs` wall ms (connections refused), then listen again on the same
	 * ports. Tasks keep running and keep their ids, callbacks are still sent, uploads, credits and
	 * counters are kept. Emits 'down' and 'up'.
	 * @param {{ downMs?: number, drainMs?: number }} [options] drainMs: how long requests in progress may take
	 */
	async restart({ downMs = 1000, drainMs = 5000 } = {}) {
		const port = Number(new URL(this.baseUrl).port);
		const uploadPort = Number(new URL(this.uploadBaseUrl).port);
		this.stopping = true;
		await Promise.all(this.servers.map((s) => stopListening(s, this.sockets, drainMs)));
		this.stopping = false;
		this.emit('down');
		await sleep(downMs);
		if (this.closed) return;
		await this.listen({ port, uploadPort });
		this.emit('up');
	}

	async close() {
		this.closed = true;
		this.taskStore.clear();
		this.sender.close();
		await Promise.all(
			this.servers.map(
				(s) =>
					new Promise((resolve) => {
						s.close(() => resolve(undefined));
						s.closeAllConnections?.();
					}),
			),
		);
		this.uploads.close();
	}

	/** Clears tasks, faults, logs and counters; restores credits, options, clock and callback behaviour. */
	reset() {
		this.taskStore.clear();
		this.sender.abortAll();
		this.faults.clear();
		this.uploads.clear();
		this.options = { ...this.initialOptions };
		this.limiter = new SlidingWindowLimiter(this.options.rateLimit);
		this.sender.opts.timeoutMs = this.options.callbackTimeoutMs;
		this.sender.opts.retryDelayMs = this.options.callbackRetryDelayMs;
		this.clock.reset();
		this.requests.length = 0;
		this.callbacks.length = 0;
		this.counts.clear();
		this.createCount = 0;
		this.credits = this.options.credits;
		this.callbackBehaviour = { mode: 'normal', shape: 'doc' };
		this.retired = { paths: new Set(), models: new Set() };
		this.extraMarketModels = new Set();
	}

	/**
	 * Changes options on a running simulator (until reset()).
	 * @param {Partial<SimulatorOptions>} patch
	 */
	configure(patch) {
		const clean = stripUndefined(patch || {});
		delete clean.host;
		delete clean.port;
		delete clean.uploadPort;
		delete clean.timeScale;
		Object.assign(this.options, clean);
		if (clean.credits !== undefined) this.credits = Number(clean.credits);
		if (clean.rateLimit) this.limiter = new SlidingWindowLimiter(this.options.rateLimit);
		this.sender.opts.timeoutMs = this.options.callbackTimeoutMs;
		this.sender.opts.retryDelayMs = this.options.callbackRetryDelayMs;
	}

	// ---- tasks, results, callbacks --------------------------------------------------------

	/** @param {string} model 'runway' | 'extend' | 'aleph' | 'luma' | 'veo' | 'market' */
	durationFor(model) {
		const d = this.options.taskDurationMs;
		if (typeof d === 'number') return d;
		const fallback = typeof d.default === 'number' ? d.default : DEFAULTS.taskDurationMs;
		if (model === 'extend') return d.extend ?? d.runway ?? fallback;
		return d[model] ?? fallback;
	}

	/** @returns {import('./models/common').ModelContext} */
	modelContext() {
		return {
			phase: (t) => this.taskStore.phase(t),
			resultUrls: (t) => this.resultUrls(t),
			expired: (t) => this.isExpired(t),
			endedBeforeGenerating: (t) =>
				t.terminal !== null && TaskStore.runningPhase(t, t.terminal.at) !== 'generating',
			alephCallbackShape: this.callbackBehaviour.shape === 'openapi' ? 'openapi' : 'doc',
			now: () => this.clock.now(),
		};
	}

	/** @param {import('./tasks').Task} task */
	resultUrls(task) {
		return links.resultUrls(this, task);
	}

	/** Older than KIE's 14-day media retention (simulated time). @param {import('./tasks').Task} task */
	isExpired(task) {
		return links.isExpired(this, task);
	}

	/** download-url: a 20-minute signed link, or null when the URL is not one of our result files. @param {string} url */
	presignResultUrl(url) {
		return links.presignResultUrl(this, url);
	}

	/** Whether a signed result link is genuine and unexpired. @param {string} path @param {URLSearchParams} query */
	checkPresigned(path, query) {
		return links.checkPresigned(this, path, query);
	}

	/**
	 * Consumes one use of a callback mode if it is the current one (lost/early with `times`).
	 * @param {'lost' | 'early'} mode
	 */
	takeCallbackMode(mode) {
		const b = this.callbackBehaviour;
		if (b.mode !== mode) return false;
		if (b.remaining !== undefined) {
			b.remaining--;
			if (b.remaining <= 0)
				this.callbackBehaviour = { mode: 'normal', shape: b.shape, delayMs: b.delayMs };
		}
		return true;
	}

	/** Sends a task's callback according to the current behaviour. @param {import('./tasks').Task} task */
	sendCallback(task) {
		if (!task.callBackUrl || !task.terminal) return;
		// Luma '[callback-failed]' marker: KIE "could not deliver" it, and says so with successFlag 4.
		if (task.planned.callbackFailed) return;
		if (this.takeCallbackMode('lost')) {
			task.callbackFailed = true;
			return;
		}
		const b = this.callbackBehaviour;
		const body = CALLBACK_MODELS[task.model].callbackBody(task, this.modelContext());
		const copies = b.mode === 'duplicate' ? Math.max(1, b.times ?? 2) : 1;
		const delayMs = b.delayMs ?? this.options.callbackDelayMs;
		this.sender.deliver(task.callBackUrl, task.taskId, body, { copies, delayMs }).then((ok) => {
			if (!ok) task.callbackFailed = true;
		});
	}

	// ---- public API ------------------------------------------------------------------------

	/** @param {import('./callbacks').CallbackBehaviour} behaviour */
	setCallbackBehaviour(behaviour) {
		const mode = behaviour?.mode || 'normal';
		if (!['normal', 'duplicate', 'lost', 'early'].includes(mode))
			throw new Error(`Unknown callback mode: ${mode}`);
		const shape = behaviour.shape || 'doc';
		if (shape !== 'doc' && shape !== 'openapi') throw new Error(`Unknown callback shape: ${shape}`);
		this.callbackBehaviour = {
			mode,
			times: behaviour.times,
			delayMs: behaviour.delayMs,
			shape,
			remaining:
				(mode === 'lost' || mode === 'early') && behaviour.times !== undefined
					? Number(behaviour.times)
					: undefined,
		};
	}

	/** @param {import('./faults').FaultSpec} spec */
	injectFault(spec) {
		this.faults.add(spec);
	}

	/**
	 * Requests received for "METHOD /path" (faulted and rejected ones included); 'create' = all create calls.
	 * @param {string} key
	 */
	count(key) {
		if (key === 'create') return this.createCount;
		return this.counts.get(key) || 0;
	}

	/** Tasks actually created (and billed). */
	tasksCreated() {
		return this.taskStore.byId.size;
	}

	/** @param {string} taskId */
	getTask(taskId) {
		const task = this.taskStore.get(taskId);
		return task ? this.snapshot(task) : undefined;
	}

	tasks() {
		return this.taskStore.list().map((t) => this.snapshot(t));
	}

	/** @param {import('./tasks').Task} task */
	snapshot(task) {
		const state = this.taskStore.phase(task);
		return {
			taskId: task.taskId,
			model: task.model,
			kind: task.kind,
			marketModel: task.marketModel,
			state,
			params: task.params,
			callBackUrl: task.callBackUrl,
			parentTaskId: task.parentTaskId,
			createdAt: task.createdAt,
			durationMs: task.durationMs,
			completedAt: task.terminal ? task.terminal.at : null,
			credits: task.credits,
			failCode: state === 'fail' ? (task.terminal?.code ?? 400) : null,
			failMsg: state === 'fail' ? (task.terminal?.msg ?? null) : null,
			callbackFailed: task.callbackFailed,
			expired: this.isExpired(task),
			...(state === 'success' ? this.resultUrls(task) : {}),
		};
	}

	/**
	 * Makes legacy create paths answer as removed (HTTP 404 {code:404,msg:'Not Found'}) and Market model
	 * ids answer as discontinued (body code 422); neither creates a task. Until unretire() or reset().
	 * @param {{ paths?: string[], models?: string[] }} spec
	 */
	retire(spec) {
		for (const path of spec?.paths || []) {
			if (!RETIRABLE_PATHS.includes(path))
				throw new Error(`Not a retirable endpoint: ${path} (one of ${RETIRABLE_PATHS.join(', ')})`);
			this.retired.paths.add(path);
		}
		for (const model of spec?.models || []) this.retired.models.add(String(model));
	}

	/** Undoes retire() for the given paths and models. @param {{ paths?: string[], models?: string[] }} spec */
	unretire(spec) {
		for (const path of spec?.paths || []) this.retired.paths.delete(path);
		for (const model of spec?.models || []) this.retired.models.delete(String(model));
	}

	/** Market ids accepted beyond the simulator's table ("any other Market model"). @param {string[]} ids */
	addMarketModels(ids) {
		for (const id of ids || []) this.extraMarketModels.add(String(id));
	}

	/** Ends a task successfully now (fires its callback). False if unknown or already ended. @param {string} taskId */
	completeTask(taskId) {
		const task = this.taskStore.get(taskId);
		return task
			? this.taskStore.end(task, { ok: true, callbackFailed: task.planned.callbackFailed })
			: false;
	}

	/**
	 * Ends a task as failed now (fires its callback).
	 * @param {string} taskId @param {string} [msg] @param {number} [code] the failure code its record and
	 *   callback report (default 400; e.g. Veo's callback codes 422, 500, 501)
	 */
	failTask(taskId, msg, code = 400) {
		const task = this.taskStore.get(taskId);
		return task
			? this.taskStore.end(task, {
					ok: false,
					code,
					msg: msg || MSG.generationFailed,
				})
			: false;
	}

	/** Jumps simulated time forward (e.g. past the 14-day retention); due tasks end at once. @param {number} ms */
	advanceTime(ms) {
		this.clock.advance(ms);
		this.taskStore.rescheduleAll();
	}

	state() {
		return {
			baseUrl: this.baseUrl,
			uploadBaseUrl: this.uploadBaseUrl,
			now: this.clock.now(),
			credits: this.credits,
			counts: {
				requests: this.requests.length,
				create: this.createCount,
				tasksCreated: this.tasksCreated(),
				byRoute: Object.fromEntries(this.counts),
			},
			callbackBehaviour: this.callbackBehaviour,
			retired: { paths: [...this.retired.paths], models: [...this.retired.models] },
			extraMarketModels: [...this.extraMarketModels],
			faults: this.faults.list(),
			tasks: this.tasks(),
			callbacks: this.callbacks,
		};
	}
}

/** Legacy create endpoints the retire switch can remove. */
const RETIRABLE_PATHS = [
	'/api/v1/runway/generate',
	'/api/v1/runway/extend',
	'/api/v1/aleph/generate',
	'/api/v1/modify/generate',
	'/api/v1/veo/generate',
];

/** @template {Record<string, any>} T @param {T} o @returns {T} */
function stripUndefined(o) {
	return /** @type {T} */ (
		Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
	);
}

module.exports = { Simulator, DEFAULTS, RETIRABLE_PATHS };
