// @ts-check
'use strict';

// Veo 3.1 on its legacy endpoints: POST /api/v1/veo/generate, GET /api/v1/veo/record-info and its
// callback (docs/kie-api.md §11 "Veo 3.1"). Pages followed: the generate page's newest revision, the
// one whose `model` enum has veo3_lite and which adds `resolution`
// (https://docs.kie.ai/veo3-api/generate-veo-3-video), the details page
// (https://docs.kie.ai/veo3-api/get-veo-3-video-details) and the callbacks page revision with
// "Veo3.1" messages and per-code examples (https://docs.kie.ai/veo3-api/generate-veo-3-video-callbacks).

const { PRICES, MSG } = require('../constants');
const { runwayTime } = require('../media');
const { isHttpUrl } = require('../http-util');
const c = require('./common');

/** @typedef {import('../tasks').Task} Task */

const MODELS = ['veo3', 'veo3_fast', 'veo3_lite'];
const GENERATION_TYPES = ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'];
const ASPECT_RATIOS = ['16:9', '9:16', 'Auto'];
const RESOLUTIONS = ['720p', '1080p', '4k'];
/** How many imageUrls each generation type takes. */
const IMAGE_COUNT = /** @type {Record<string, [number, number]>} */ ({
	TEXT_2_VIDEO: [0, 0],
	FIRST_AND_LAST_FRAMES_2_VIDEO: [1, 2],
	REFERENCE_2_VIDEO: [1, 3],
});

/** @param {Record<string, any>} body @returns {{ error: string } | { params: Record<string, any>, credits: number }} */
function validateGenerate(body) {
	const model = body.model ?? 'veo3_fast';
	const type = body.generationType;
	const images = body.imageUrls;
	// The generate page's field is `aspect_ratio`; its quickstart examples and the callback's
	// promptJson spell it `aspectRatio`: both are read, the page's field first.
	const aspectRatio = body.aspect_ratio ?? body.aspectRatio;
	const error = c.firstError([
		c.requiredString(body, 'prompt'),
		MODELS.includes(model)
			? null
			: `model must be one of ${MODELS.join(', ')} (got ${JSON.stringify(model)})`,
		c.optionalEnum(body, 'generationType', GENERATION_TYPES),
		c.optionalEnum(body, 'aspect_ratio', ASPECT_RATIOS),
		c.optionalEnum(body, 'aspectRatio', ASPECT_RATIOS),
		c.optionalEnum(body, 'resolution', RESOLUTIONS),
		body.seeds === undefined ||
		body.seeds === null ||
		(Number.isInteger(body.seeds) && body.seeds >= 10000 && body.seeds <= 99999)
			? null
			: `seeds must be an integer from 10000 to 99999 (got ${JSON.stringify(body.seeds)})`,
		optionalBoolean(body, 'enableTranslation'),
		// Deprecated on the page ("remove this parameter"), still accepted and ignored.
		optionalBoolean(body, 'enableFallback'),
		images === undefined || (Array.isArray(images) && images.every(isHttpUrl))
			? null
			: 'imageUrls must be an array of http(s) URLs',
		imageCountProblem(type, Array.isArray(images) ? images.length : 0),
		// "Fast model only" on the English page, Fast and Lite on the Chinese old-model page: only the
		// Quality tier is refused.
		type === 'REFERENCE_2_VIDEO' && model === 'veo3'
			? 'generationType REFERENCE_2_VIDEO is not available with model veo3'
			: null,
		type === 'REFERENCE_2_VIDEO' && aspectRatio === 'Auto'
			? 'generationType REFERENCE_2_VIDEO takes aspect_ratio 16:9 or 9:16, not Auto'
			: null,
		c.optionalString(body, 'watermark'),
		c.optionalUrl(body, 'callBackUrl'),
	]);
	if (error) return { error };
	return { params: { ...body, model }, credits: PRICES.veo[/** @type {'veo3'} */ (model)] };
}

/** @param {Record<string, any>} body @param {string} field */
function optionalBoolean(body, field) {
	const v = body[field];
	return v === undefined || v === null || typeof v === 'boolean'
		? null
		: `${field} must be a boolean`;
}

/** @param {string | undefined} type @param {number} count */
function imageCountProblem(type, count) {
	if (!type) return count > 3 ? `imageUrls takes at most 3 URLs (got ${count})` : null;
	const range = IMAGE_COUNT[type];
	if (!range) return null;
	const [min, max] = range;
	if (count >= min && count <= max) return null;
	return max === 0
		? `imageUrls is not taken with generationType ${type}`
		: `generationType ${type} needs ${min} to ${max} imageUrls (got ${count})`;
}

/**
 * successFlag: 0 generating, 1 success, 2 "failed before completion", 3 "created successfully, then
 * upstream generation failed". The simulator's reading of 2 vs 3: a task that fails while still
 * submitted or queued reports 2, one that fails once generating (a `[fail]` prompt ends so) reports 3.
 * @param {Task} task @param {import('./common').ModelContext} ctx
 */
function successFlag(task, ctx) {
	const phase = ctx.phase(task);
	if (phase === 'success') return 1;
	if (phase === 'fail') return ctx.endedBeforeGenerating(task) ? 2 : 3;
	return 0;
}

/** record-info `data`. @param {Task} task @param {import('./common').ModelContext} ctx */
function record(task, ctx) {
	const flag = successFlag(task, ctx);
	const failed = flag === 2 || flag === 3;
	return {
		taskId: task.taskId,
		paramJson: JSON.stringify(task.params),
		completeTime: flag !== 0 && task.terminal ? runwayTime(task.terminal.at) : null,
		response: flag === 1 ? info(task, ctx) : null,
		successFlag: flag,
		errorCode: failed ? (task.terminal?.code ?? 400) : null,
		errorMessage: failed ? task.terminal?.msg || MSG.generationFailed : '',
		createTime: runwayTime(task.createdAt),
		fallbackFlag: false,
	};
}

/** @param {Task} task @param {import('./common').ModelContext} ctx */
function info(task, ctx) {
	return {
		taskId: task.taskId,
		resultUrls: [ctx.resultUrls(task).videoUrl],
		originUrls: [],
		resolution: task.params.resolution || '720p',
	};
}

/**
 * Callback, as the callbacks page's examples: success is code 200 with data.info; a failure is its
 * code (400 content policy, 422 fallback failed, 500 internal, 501 failed) and message, with data
 * holding only taskId and fallbackFlag.
 * @param {Task} task @param {import('./common').ModelContext} ctx
 */
function callbackBody(task, ctx) {
	if (task.terminal?.ok) {
		// The callback's `info` is the record's `response` without its taskId.
		const { resultUrls, originUrls, resolution } = info(task, ctx);
		return {
			code: 200,
			msg: MSG.veoCallbackSuccess,
			data: {
				taskId: task.taskId,
				info: { resultUrls, originUrls, resolution },
				fallbackFlag: false,
			},
		};
	}
	return {
		code: task.terminal?.code ?? 400,
		msg: task.terminal?.msg || MSG.generationFailed,
		data: { taskId: task.taskId, fallbackFlag: false },
	};
}

module.exports = { validateGenerate, record, callbackBody };
