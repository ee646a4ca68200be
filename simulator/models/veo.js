// @ts-check
'use strict';

// Veo 3.1 on its legacy endpoints: POST /api/v1/veo/generate, GET /api/v1/veo/record-info and its
// callback (docs/market-models.md "Google Veo 3.1"; shapes from
// https://docs.kie.ai/veo3-api/get-veo-3-video-details and
// https://docs.kie.ai/veo3-api/generate-veo-3-video-callbacks).

const { PRICES, MSG } = require('../constants');
const { runwayTime } = require('../media');
const { isHttpUrl } = require('../http-util');
const c = require('./common');

/** @typedef {import('../tasks').Task} Task */

const MODELS = ['veo3', 'veo3_fast', 'veo3_lite'];
const GENERATION_TYPES = ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'];
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
	const error = c.firstError([
		c.requiredString(body, 'prompt'),
		MODELS.includes(model)
			? null
			: `model must be one of ${MODELS.join(', ')} (got ${JSON.stringify(model)})`,
		c.optionalEnum(body, 'generationType', GENERATION_TYPES),
		c.optionalEnum(body, 'aspectRatio', ['16:9', '9:16', 'Auto']),
		c.optionalEnum(body, 'resolution', ['720p', '1080p', '4k']),
		body.seeds === undefined ||
		body.seeds === null ||
		(Number.isInteger(body.seeds) && body.seeds >= 10000 && body.seeds <= 99999)
			? null
			: `seeds must be an integer from 10000 to 99999 (got ${JSON.stringify(body.seeds)})`,
		body.enableTranslation === undefined || typeof body.enableTranslation === 'boolean'
			? null
			: 'enableTranslation must be a boolean',
		images === undefined || (Array.isArray(images) && images.every(isHttpUrl))
			? null
			: 'imageUrls must be an array of http(s) URLs',
		imageCountProblem(type, Array.isArray(images) ? images.length : 0),
		type === 'REFERENCE_2_VIDEO' && model === 'veo3'
			? 'generationType REFERENCE_2_VIDEO is not available with model veo3'
			: null,
		type === 'REFERENCE_2_VIDEO' && body.aspectRatio === 'Auto'
			? 'generationType REFERENCE_2_VIDEO takes aspectRatio 16:9 or 9:16, not Auto'
			: null,
		c.optionalString(body, 'watermark'),
		c.optionalUrl(body, 'callBackUrl'),
	]);
	if (error) return { error };
	return { params: { ...body, model }, credits: PRICES.veo[/** @type {'veo3'} */ (model)] };
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

/** successFlag 0 generating, 1 success, 2 failed, 3 generation failed (the task started, then failed). @param {Task} task @param {import('./common').ModelContext} ctx */
function successFlag(task, ctx) {
	const phase = ctx.phase(task);
	if (phase === 'success') return 1;
	if (phase === 'fail') return 3;
	return 0;
}

/** record-info `data`. @param {Task} task @param {import('./common').ModelContext} ctx */
function record(task, ctx) {
	const flag = successFlag(task, ctx);
	return {
		taskId: task.taskId,
		paramJson: JSON.stringify(task.params),
		completeTime: flag !== 0 && task.terminal ? runwayTime(task.terminal.at) : null,
		response: flag === 1 ? info(task, ctx) : null,
		successFlag: flag,
		errorCode: flag === 3 ? (task.terminal?.code ?? 400) : null,
		errorMessage: flag === 3 ? task.terminal?.msg || MSG.generationFailed : '',
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

/** Callback: code 200 with data.info; on failure the code and message, data with the task id only. @param {Task} task @param {import('./common').ModelContext} ctx */
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
		data: { taskId: task.taskId, info: null, fallbackFlag: false },
	};
}

module.exports = { validateGenerate, record, callbackBody };
