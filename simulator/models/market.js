// @ts-check
'use strict';

// KIE's Market API: POST /api/v1/jobs/createTask, GET /api/v1/jobs/recordInfo and the Market
// callback (docs/kie-api.md §11). Per-model input rules are in market-rules.js.

const { PRICES, MSG } = require('../constants');
const { isHttpUrl } = require('../http-util');
const runway = require('./runway');
const { MARKET_MODELS, checkInput } = require('./market-rules');

/** @typedef {import('../tasks').Task} Task */

/** Runway's phases in the Market vocabulary (§11: waiting, queuing, generating, success, fail). */
const STATES = /** @type {const} */ ({
	wait: 'waiting',
	queueing: 'queuing',
	generating: 'generating',
	success: 'success',
	fail: 'fail',
});

/**
 * What the create check needs besides the body.
 * @typedef {object} MarketContext
 * @property {Set<string>} retiredModels ids answered as discontinued
 * @property {Set<string>} extraModels ids accepted with no input check beyond "an object"
 * @property {(id: string) => Task | undefined} lookup
 * @property {(t: Task) => string} phase
 */

/**
 * @param {Record<string, any>} body @param {MarketContext} ctx
 * @returns {{ error: string } | { params: Record<string, any>, marketModel: string, credits: number, parent?: Task }}
 */
function validateCreate(body, ctx) {
	const model = body.model;
	if (model === undefined || model === null || model === '') return { error: 'model is required' };
	if (typeof model !== 'string') return { error: 'model must be a string' };
	if (ctx.retiredModels.has(model)) return { error: MSG.modelDiscontinued(model) };
	const rules = MARKET_MODELS[model];
	if (!rules && !ctx.extraModels.has(model)) return { error: MSG.modelUnsupported(model) };
	const input = body.input;
	if (!input || typeof input !== 'object' || Array.isArray(input))
		return { error: 'input is required and must be an object' };
	if (body.callBackUrl !== undefined && body.callBackUrl !== null && body.callBackUrl !== '') {
		if (!isHttpUrl(body.callBackUrl)) return { error: 'callBackUrl must be a valid http(s) URL' };
	}
	const problem = rules ? checkInput(rules, input) : null;
	if (problem) return { error: problem };

	/** @type {Task | undefined} */
	let parent;
	if (model === 'runway/extend-ai-video') {
		parent = ctx.lookup(input.task_id);
		if (!parent || !isRunwayTask(parent))
			return { error: `input.task_id ${input.task_id} is not a Runway task` };
		if (ctx.phase(parent) !== 'success')
			return { error: `input.task_id ${input.task_id} has not generated a video successfully` };
	}
	/** @type {Record<string, any>} */
	const params = { model, ...(body.callBackUrl ? { callBackUrl: body.callBackUrl } : {}), input };
	return { params, marketModel: model, credits: price(model, input), parent };
}

/** A task Runway's extend can continue: legacy Runway, or a Market `runway` / extend task. @param {Task} t */
function isRunwayTask(t) {
	return (
		t.model === 'runway' ||
		(t.model === 'market' &&
			(t.marketModel === 'runway' || t.marketModel === 'runway/extend-ai-video'))
	);
}

/** Credits per task: Runway's tiers, Aleph's price, otherwise the flat assumption. @param {string} model @param {Record<string, any>} input */
function price(model, input) {
	if (model === 'runway') return runway.price(Number(input.duration), input.quality);
	if (model === 'runway/extend-ai-video') return runway.price(5, input.quality);
	if (model === 'runway/gen4-aleph') return PRICES.aleph;
	return PRICES.market;
}

/** recordInfo `data` (§11), also the Market callback's `data`. @param {Task} task @param {import('./common').ModelContext} ctx */
function record(task, ctx) {
	const phase = ctx.phase(task);
	const ended = phase === 'success' || phase === 'fail';
	const endedAt = task.terminal ? task.terminal.at : null;
	const f = task.durationMs ? (ctx.now() - task.createdAt) / task.durationMs : 1;
	/** @type {Record<string, any>} */
	const data = {
		taskId: task.taskId,
		model: task.marketModel,
		state: STATES[phase],
		param: JSON.stringify(task.params),
		resultJson:
			phase === 'success' ? JSON.stringify({ resultUrls: [ctx.resultUrls(task).videoUrl] }) : '',
		// The English example has "failCode": "" (a string): failure codes are sent as strings too.
		failCode: phase === 'fail' ? String(task.terminal?.code ?? 400) : '',
		failMsg: phase === 'fail' ? task.terminal?.msg || MSG.generationFailed : '',
		costTime: ended && endedAt !== null ? endedAt - task.createdAt : 0,
		completeTime: ended ? endedAt : null,
		createTime: task.createdAt,
		updateTime: endedAt ?? phaseStart(task, phase),
		progress:
			phase === 'success' ? 100 : phase === 'generating' ? Math.min(99, Math.floor(f * 100)) : 0,
		creditsConsumed: task.credits,
	};
	return data;
}

/** When the current phase began (the record last changed), on the split tasks.js uses. @param {Task} task @param {string} phase */
function phaseStart(task, phase) {
	const share = phase === 'generating' ? 0.25 : phase === 'queueing' ? 0.1 : 0;
	return task.createdAt + Math.floor(task.durationMs * share);
}

/** Market callback: code 200 or 501, data = the recordInfo data (§11). @param {Task} task @param {import('./common').ModelContext} ctx */
function callbackBody(task, ctx) {
	const data = record(task, ctx);
	return task.terminal?.ok
		? { code: 200, msg: MSG.success, data }
		: { code: 501, msg: data.failMsg || MSG.generationFailed, data };
}

module.exports = { validateCreate, record, callbackBody, isRunwayTask, MARKET_MODELS };
