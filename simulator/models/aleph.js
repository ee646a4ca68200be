// @ts-check
'use strict';

// Runway Aleph generate / record-info and its callback (docs/kie-api.md §4, §6c).

const { PRICES, ALEPH_ASPECT_RATIOS, MSG } = require('../constants');
const { isoSeconds } = require('../media');
const c = require('./common');

/** @typedef {import('../tasks').Task} Task */

/** @param {Record<string, any>} body @returns {{ error: string } | { params: Record<string, any>, credits: number }} */
function validateGenerate(body) {
	const error = c.firstError([
		c.requiredString(body, 'prompt'),
		c.requiredUrl(body, 'videoUrl'),
		c.optionalEnum(body, 'aspectRatio', ALEPH_ASPECT_RATIOS),
		body.seed === undefined || body.seed === null || Number.isInteger(body.seed)
			? null
			: `seed must be an integer (got ${JSON.stringify(body.seed)})`,
		c.optionalUrl(body, 'referenceImage'),
		body.uploadCn === undefined || body.uploadCn === null || typeof body.uploadCn === 'boolean'
			? null
			: 'uploadCn must be a boolean',
		c.optionalString(body, 'waterMark'),
		c.optionalUrl(body, 'callBackUrl'),
	]);
	if (error) return { error };
	return { params: { ...body }, credits: PRICES.aleph };
}

/** record-info `data` (§4b). @param {Task} task @param {import('./common').ModelContext} ctx */
function record(task, ctx) {
	const phase = ctx.phase(task);
	const { videoUrl, imageUrl } = ctx.resultUrls(task);
	const ended = phase === 'success' || phase === 'fail';
	return {
		taskId: task.taskId,
		paramJson: JSON.stringify(task.params),
		response:
			phase === 'success'
				? { taskId: task.taskId, resultVideoUrl: videoUrl, resultImageUrl: imageUrl }
				: null,
		completeTime: ended && task.terminal ? isoSeconds(task.terminal.at) : null,
		createTime: isoSeconds(task.createdAt),
		// 1 = success; 0 = failed or in progress, told apart by errorMessage (§4b).
		successFlag: phase === 'success' ? 1 : 0,
		errorCode: phase === 'fail' ? (task.terminal?.code ?? 400) : 0,
		errorMessage: phase === 'fail' ? task.terminal?.msg || 'Generation failed' : '',
	};
}

/** Callback body; shape 'doc' per the callback page, 'openapi' per the embedded spec (§6c). @param {Task} task @param {import('./common').ModelContext} ctx */
function callbackBody(task, ctx) {
	const ok = Boolean(task.terminal?.ok);
	const { videoUrl, imageUrl } = ctx.resultUrls(task);
	const msg = task.terminal?.msg || MSG.alephModeration;
	const code = task.terminal?.code ?? 400;
	if (ctx.alephCallbackShape === 'openapi') {
		return ok
			? {
					code: 200,
					msg: MSG.runwayCallbackSuccess,
					data: {
						task_id: task.taskId,
						video_id: task.videoId,
						video_url: videoUrl,
						image_url: imageUrl,
					},
				}
			: { code, msg, data: { task_id: task.taskId, video_id: '', video_url: '', image_url: '' } };
	}
	return ok
		? {
				code: 200,
				msg: MSG.success,
				data: { result_video_url: videoUrl, result_image_url: imageUrl },
				taskId: task.taskId,
			}
		: { code, msg, data: null, taskId: task.taskId };
}

module.exports = { validateGenerate, record, callbackBody };
