// @ts-check
'use strict';

// Luma Modify generate / record-info and its callback (docs/kie-api.md §5, §6d).

const { PRICES, MSG } = require('../constants');
const c = require('./common');

/** @typedef {import('../tasks').Task} Task */

/** @param {Record<string, any>} body @returns {{ error: string } | { params: Record<string, any>, credits: number }} */
function validateGenerate(body) {
	const error = c.firstError([
		c.requiredString(body, 'prompt'),
		c.requiredUrl(body, 'videoUrl'),
		c.optionalString(body, 'watermark'),
		c.optionalString(body, 'waterMark'),
		c.optionalUrl(body, 'callBackUrl'),
	]);
	if (error) return { error };
	return { params: { ...body }, credits: PRICES.luma };
}

/**
 * paramJson / promptJson: KIE stores the request with the key spelled `waterMark` whichever spelling
 * was sent (§5a), in the order of its example.
 * @param {Task} task
 */
function paramJson(task) {
	const p = task.params;
	return JSON.stringify({
		callBackUrl: p.callBackUrl ?? '',
		prompt: p.prompt,
		videoUrl: p.videoUrl,
		waterMark: p.waterMark ?? p.watermark ?? '',
	});
}

/** successFlag 0 GENERATING, 1 SUCCESS, 3 GENERATE_FAILED, 4 CALLBACK_FAILED (§5b). @param {Task} task @param {import('./common').ModelContext} ctx */
function successFlag(task, ctx) {
	const phase = ctx.phase(task);
	if (phase === 'success') return task.callbackFailed ? 4 : 1;
	if (phase === 'fail') return 3;
	return 0;
}

/** record-info `data` (§5b). @param {Task} task @param {import('./common').ModelContext} ctx */
function record(task, ctx) {
	const flag = successFlag(task, ctx);
	const { videoUrl } = ctx.resultUrls(task);
	/** @type {Record<string, any>} */
	const data = {
		taskId: task.taskId,
		paramJson: paramJson(task),
		completeTime: flag === 0 || !task.terminal ? null : task.terminal.at,
		successFlag: flag,
		createTime: task.createdAt,
		errorCode: flag === 3 ? (task.terminal?.code ?? 400) : null,
		errorMessage: flag === 3 ? task.terminal?.msg || 'Generation failed' : null,
	};
	// "only present when task is completed" (successfully).
	if (flag === 1 || flag === 4)
		data.response = {
			taskId: task.taskId,
			originUrls: [task.params.videoUrl],
			resultUrls: [videoUrl],
		};
	return data;
}

/** Callback body: code 200 on success, code 500 with {taskId, promptJson} on failure (§6d). @param {Task} task @param {import('./common').ModelContext} ctx */
function callbackBody(task, ctx) {
	if (task.terminal?.ok) {
		return {
			code: 200,
			msg: MSG.lumaCallbackSuccess,
			data: {
				taskId: task.taskId,
				promptJson: paramJson(task),
				resultUrls: [ctx.resultUrls(task).videoUrl],
			},
		};
	}
	return {
		code: 500,
		msg: MSG.lumaCallbackFailure,
		data: { taskId: task.taskId, promptJson: paramJson(task) },
	};
}

module.exports = { validateGenerate, record, callbackBody };
