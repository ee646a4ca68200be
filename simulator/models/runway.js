// @ts-check
'use strict';

// Runway Gen4 generate / extend / record-detail, and their callbacks (docs/kie-api.md §1, §2, §3, §6a, §6b).

const { PRICES, RUNWAY_ASPECT_RATIOS, RUNWAY_PROMPT_MAX, MSG } = require('../constants');
const { runwayTime } = require('../media');
const c = require('./common');

/** @typedef {import('../tasks').Task} Task */

const QUALITIES = ['720p', '1080p'];

/** @param {Record<string, any>} body @returns {{ error: string } | { params: Record<string, any>, credits: number }} */
function validateGenerate(body) {
	const duration =
		typeof body.duration === 'string' && /^\d+$/.test(body.duration)
			? Number(body.duration)
			: body.duration;
	const error = c.firstError([
		c.requiredString(body, 'prompt'),
		typeof body.prompt === 'string' && body.prompt.length > RUNWAY_PROMPT_MAX
			? `prompt cannot exceed ${RUNWAY_PROMPT_MAX} characters (got ${body.prompt.length})`
			: null,
		body.duration === undefined || body.duration === null ? 'duration is required' : null,
		duration === 5 || duration === 10
			? null
			: `duration must be 5 or 10 (got ${JSON.stringify(body.duration)})`,
		body.quality === undefined || body.quality === null || body.quality === ''
			? 'quality is required'
			: null,
		QUALITIES.includes(body.quality)
			? null
			: `quality must be 720p or 1080p (got ${JSON.stringify(body.quality)})`,
		body.quality === '1080p' && duration !== 5
			? 'quality 1080p is only available with duration 5'
			: null,
		c.optionalUrl(body, 'imageUrl'),
		// With an image, the image decides the ratio and aspectRatio is ignored (§1).
		!body.imageUrl &&
		(body.aspectRatio === undefined || body.aspectRatio === null || body.aspectRatio === '')
			? 'aspectRatio is required when imageUrl is not provided'
			: null,
		body.imageUrl ? null : c.optionalEnum(body, 'aspectRatio', RUNWAY_ASPECT_RATIOS),
		c.optionalString(body, 'waterMark'),
		c.optionalUrl(body, 'callBackUrl'),
	]);
	if (error) return { error };
	return { params: { ...body, duration }, credits: price(duration, body.quality) };
}

/** @param {number} duration @param {string} quality */
function price(duration, quality) {
	return (
		PRICES.runway[/** @type {'5:720p'} */ (`${duration}:${quality}`)] ?? PRICES.runway['5:1080p']
	);
}

/**
 * Extend: taskId must name a successful Runway task (generate or extend).
 * @param {Record<string, any>} body @param {(id: string) => Task | undefined} lookup @param {(t: Task) => string} phase
 * @returns {{ error: string } | { params: Record<string, any>, credits: number, parent: Task }}
 */
function validateExtend(body, lookup, phase) {
	const error = c.firstError([
		c.requiredString(body, 'taskId'),
		c.requiredString(body, 'prompt'),
		typeof body.prompt === 'string' && body.prompt.length > RUNWAY_PROMPT_MAX
			? `prompt cannot exceed ${RUNWAY_PROMPT_MAX} characters (got ${body.prompt.length})`
			: null,
		body.quality === undefined || body.quality === null || body.quality === ''
			? 'quality is required'
			: null,
		QUALITIES.includes(body.quality)
			? null
			: `quality must be 720p or 1080p (got ${JSON.stringify(body.quality)})`,
		c.optionalString(body, 'waterMark'),
		c.optionalUrl(body, 'callBackUrl'),
	]);
	if (error) return { error };
	const parent = lookup(body.taskId);
	if (!parent || parent.model !== 'runway')
		return { error: `taskId ${body.taskId} is not a Runway task` };
	if (phase(parent) !== 'success')
		return { error: `taskId ${body.taskId} has not generated a video successfully` };
	// Extend tier = the 5 s generate tier at the requested quality (§9: extend pricing is not listed).
	return { params: { ...body }, credits: price(5, body.quality), parent };
}

/** record-detail `data` (§2). @param {Task} task @param {import('./common').ModelContext} ctx */
function record(task, ctx) {
	const phase = ctx.phase(task);
	const { videoUrl, imageUrl } = ctx.resultUrls(task);
	/** @type {Record<string, any>} */
	const data = {
		taskId: task.taskId,
		parentTaskId: task.parentTaskId,
		generateParam: {
			prompt: task.params.prompt,
			// For an extend task: the frame the extension began from (the parent's thumbnail).
			imageUrl: task.kind === 'extend' ? task.sourceImageUrl || '' : task.params.imageUrl || '',
			expandPrompt: Boolean(task.params.expandPrompt),
		},
		state: phase,
		// Creation time while running, completion time once ended (§2 describes both readings).
		generateTime: runwayTime(task.terminal ? task.terminal.at : task.createdAt),
	};
	if (phase === 'success')
		data.videoInfo = { videoId: task.videoId, taskId: task.taskId, videoUrl, imageUrl };
	if (phase === 'fail') {
		data.failCode = task.terminal?.code ?? 400;
		data.failMsg = task.terminal?.msg || 'Generation failed, please try again later';
	}
	data.expireFlag = ctx.expired(task) ? 1 : 0;
	return data;
}

/** Callback body (§6a generate, §6b extend). @param {Task} task @param {import('./common').ModelContext} ctx */
function callbackBody(task, ctx) {
	const ok = Boolean(task.terminal?.ok);
	if (ok) {
		const { videoUrl, imageUrl } = ctx.resultUrls(task);
		return {
			code: 200,
			msg: MSG.runwayCallbackSuccess,
			data: {
				task_id: task.taskId,
				video_id: task.videoId,
				video_url: videoUrl,
				image_url: imageUrl,
			},
		};
	}
	const msg = task.terminal?.msg || 'Generation failed, please try again later';
	const code = task.terminal?.code ?? 400;
	if (task.kind === 'extend') return { code, msg, data: { task_id: task.taskId } };
	return { code, msg, data: { task_id: task.taskId, video_id: '', video_url: '', image_url: '' } };
}

module.exports = { validateGenerate, validateExtend, record, callbackBody, price };
