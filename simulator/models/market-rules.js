// @ts-check
'use strict';

// The simulator's own table of what KIE's Market API accepts per model id, written from
// docs/market-models.md and docs/kie-api.md §11 (never taken from nodes/: a stand-in that reused the
// node's checks would prove nothing). A field spec checks type, allowed values and limits; `rules`
// check what the pages say across fields. Keys not listed are let through, as KIE ignores them.

const { isHttpUrl } = require('../http-util');

/**
 * @typedef {object} FieldSpec
 * @property {'string' | 'url' | 'asset' | 'boolean' | 'integer' | 'number' | 'urls' | 'objects'} type
 *   asset: a URL or an `asset://` id (Seedance 2); urls: an array of URLs; objects: an array of objects
 * @property {boolean} [required]
 * @property {(string | number)[]} [values] allowed values, compared by type too ("5" is not 5)
 * @property {number} [min] numbers: smallest value; strings: shortest length; arrays: fewest items
 * @property {number} [max] numbers: largest value; strings: longest length; arrays: most items
 *
 * @typedef {(input: Record<string, any>) => string | null} CrossRule
 * @typedef {{ fields: Record<string, FieldSpec>, rules?: CrossRule[] }} ModelRules
 */

/** @param {Partial<FieldSpec>} [o] @returns {FieldSpec} */
const text = (o = {}) => ({ type: 'string', ...o });
/** @param {(string | number)[]} values @param {Partial<FieldSpec>} [o] @returns {FieldSpec} */
const oneOf = (values, o = {}) => ({ type: 'string', values, ...o });
/** @param {Partial<FieldSpec>} [o] @returns {FieldSpec} */
const url = (o = {}) => ({ type: 'url', ...o });
/** @param {Partial<FieldSpec>} [o] @returns {FieldSpec} */
const urls = (o = {}) => ({ type: 'urls', ...o });
/** @param {Partial<FieldSpec>} [o] @returns {FieldSpec} */
const bool = (o = {}) => ({ type: 'boolean', ...o });
/** @param {number} min @param {number} max @param {Partial<FieldSpec>} [o] @returns {FieldSpec} */
const int = (min, max, o = {}) => ({ type: 'integer', min, max, ...o });
const req = { required: true };

/** "3" … "15" */
const stringRange = (/** @type {number} */ from, /** @type {number} */ to) =>
	Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

const has = (/** @type {any} */ v) =>
	v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

const RUNWAY_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'];
const ALEPH_RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1', '21:9'];
const SEEDANCE_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '21:9'];
const WAN_27_COMMON = {
	negative_prompt: text({ max: 500 }),
	resolution: oneOf(['720p', '1080p']),
	duration: int(2, 15),
	prompt_extend: bool(),
	watermark: bool(),
	seed: int(0, 2147483647),
	nsfw_checker: bool(),
};

/** @type {Record<string, ModelRules>} */
const MARKET_MODELS = {
	// Runway on the Market API (docs/kie-api.md §11; ids from the catalogues). Duration as number or string.
	runway: {
		fields: {
			prompt: text({ ...req, max: 1800 }),
			duration: oneOf([5, 10, '5', '10'], req),
			quality: oneOf(['720p', '1080p'], req),
			image_url: url(),
			aspect_ratio: oneOf(RUNWAY_RATIOS),
			watermark: text(),
		},
		rules: [
			(i) =>
				i.quality === '1080p' && Number(i.duration) !== 5
					? 'quality 1080p is only available with duration 5'
					: null,
		],
	},
	// task_id naming a succeeded Runway task is checked by the caller (it needs the task store).
	'runway/extend-ai-video': {
		fields: {
			task_id: text(req),
			prompt: text({ ...req, max: 1800 }),
			quality: oneOf(['720p', '1080p'], req),
			watermark: text(),
		},
	},
	'runway/gen4-aleph': {
		fields: {
			prompt: text(req),
			video_url: url(req),
			aspect_ratio: oneOf(ALEPH_RATIOS),
			seed: int(-2147483648, 2147483647),
			reference_image: url(),
			upload_cn: bool(),
			watermark: text(),
		},
	},

	'kling-2.6/text-to-video': {
		fields: {
			prompt: text({ ...req, max: 1000 }),
			sound: bool(req),
			aspect_ratio: oneOf(['1:1', '16:9', '9:16'], req),
			duration: oneOf(['5', '10'], req),
		},
	},
	'kling-2.6/image-to-video': {
		fields: {
			prompt: text({ ...req, max: 1000 }),
			image_urls: urls({ ...req, min: 1, max: 1 }),
			sound: bool(req),
			duration: oneOf(['5', '10'], req),
		},
	},
	'kling-3.0/video': {
		fields: {
			prompt: text(),
			image_urls: urls({ max: 2 }),
			sound: bool(req),
			duration: oneOf(stringRange(3, 15), req),
			aspect_ratio: oneOf(['16:9', '9:16', '1:1']),
			mode: oneOf(['std', 'pro', '4K'], req),
			multi_shots: bool(req),
			multi_prompt: { type: 'objects', max: 5 },
			kling_elements: { type: 'objects', max: 3 },
		},
		rules: [
			(i) =>
				!i.multi_shots && !has(i.prompt) ? 'prompt is required when multi_shots is false' : null,
			(i) => {
				if (!i.multi_shots) return null;
				const shots = Array.isArray(i.multi_prompt) ? i.multi_prompt : [];
				if (shots.length < 1) return 'multi_prompt needs 1 to 5 shots when multi_shots is true';
				for (const [n, shot] of shots.entries()) {
					if (typeof shot?.prompt !== 'string' || !shot.prompt.trim() || shot.prompt.length > 500)
						return `multi_prompt[${n}].prompt must be 1 to 500 characters`;
					const d = Number(shot.duration);
					if (!Number.isInteger(d) || d < 1 || d > 12)
						return `multi_prompt[${n}].duration must be an integer from 1 to 12`;
				}
				return null;
			},
			(i) =>
				i.multi_shots && Array.isArray(i.image_urls) && i.image_urls.length > 1
					? 'image_urls takes one frame only when multi_shots is true'
					: null,
			(i) =>
				!has(i.aspect_ratio) && !has(i.image_urls)
					? 'aspect_ratio is required when image_urls is not given'
					: null,
			(i) =>
				has(i.kling_elements) && !has(i.image_urls)
					? 'image_urls is required when kling_elements are given'
					: null,
			(i) => {
				for (const [n, el] of (Array.isArray(i.kling_elements) ? i.kling_elements : []).entries()) {
					if (!has(el?.name) || !has(el?.description))
						return `kling_elements[${n}] needs a name and a description`;
					const inputs = el.element_input_urls;
					if (!Array.isArray(inputs) || inputs.length < 1 || inputs.length > 4)
						return `kling_elements[${n}].element_input_urls must hold 1 to 4 URLs`;
					const audio = el.element_input_audio_urls;
					if (Array.isArray(audio) && audio.length > 1)
						return `kling_elements[${n}].element_input_audio_urls takes at most 1 URL`;
					if (el.start_time !== undefined && el.end_time !== undefined) {
						const span = Number(el.end_time) - Number(el.start_time);
						if (!(span >= 3000 && span <= 8000))
							return `kling_elements[${n}]: end_time - start_time must be 3000 to 8000 ms`;
					}
				}
				return null;
			},
		],
	},

	'hailuo/02-text-to-video-pro': {
		fields: { prompt: text(req), prompt_optimizer: bool() },
	},
	'hailuo/02-image-to-video-pro': {
		fields: {
			prompt: text({ ...req, max: 1500 }),
			image_url: url(req),
			end_image_url: url(),
			prompt_optimizer: bool(),
			nsfw_checker: bool(),
		},
	},
	'hailuo/02-image-to-video-standard': {
		fields: {
			prompt: text({ ...req, max: 1500 }),
			image_url: url(req),
			end_image_url: url(),
			duration: oneOf(['6', '10']),
			resolution: oneOf(['512P', '768P']),
			prompt_optimizer: bool(),
			nsfw_checker: bool(),
		},
	},
	'hailuo/2-3-image-to-video-standard': {
		fields: {
			prompt: text({ ...req, max: 5000 }),
			image_url: url(req),
			duration: oneOf(['6', '10']),
			resolution: oneOf(['768P', '1080P']),
			nsfw_checker: bool(),
		},
		rules: [
			(i) =>
				i.duration === '10' && i.resolution === '1080P'
					? 'duration 10 is not available with resolution 1080P'
					: null,
		],
	},

	'bytedance/seedance-1.5-pro': {
		fields: {
			prompt: text({ ...req, min: 3, max: 2500 }),
			input_urls: urls({ max: 2 }),
			aspect_ratio: oneOf(SEEDANCE_RATIOS, req),
			resolution: oneOf(['480p', '720p', '1080p']),
			duration: { type: 'number', values: [4, 8, 12] },
			fixed_lens: bool(),
			generate_audio: bool(),
			nsfw_checker: bool(),
		},
	},
	'bytedance/seedance-2': {
		fields: {
			prompt: text({ ...req, min: 3, max: 20000 }),
			first_frame_url: { type: 'asset' },
			last_frame_url: { type: 'asset' },
			reference_image_urls: urls({ max: 9 }),
			reference_video_urls: urls({ max: 3 }),
			reference_audio_urls: urls({ max: 3 }),
			generate_audio: bool(),
			resolution: oneOf(['480p', '720p', '1080p', '4k']),
			aspect_ratio: oneOf([...SEEDANCE_RATIOS, 'adaptive'], req),
			duration: { type: 'number', values: [-1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] },
			web_search: bool(),
			nsfw_checker: bool(),
		},
		rules: [
			(i) =>
				(has(i.first_frame_url) || has(i.last_frame_url)) &&
				(has(i.reference_image_urls) || has(i.reference_video_urls) || has(i.reference_audio_urls))
					? 'first/last frames and reference_*_urls cannot be combined'
					: null,
		],
	},

	'wan/2-6-text-to-video': {
		fields: { prompt: text({ ...req, min: 1, max: 5000 }), duration: text(), resolution: text() },
	},
	'wan/2-6-image-to-video': {
		fields: {
			prompt: text({ ...req, min: 2, max: 5000 }),
			image_urls: urls({ ...req, min: 1, max: 1 }),
			duration: oneOf(['5', '10', '15']),
			resolution: oneOf(['720p', '1080p']),
			nsfw_checker: bool(),
		},
	},
	'wan/2-6-video-to-video': {
		fields: {
			prompt: text(req),
			video_urls: urls({ ...req, min: 1, max: 3 }),
			duration: text(),
			resolution: text(),
		},
	},
	'wan/2-7-text-to-video': {
		fields: {
			prompt: text({ ...req, min: 1, max: 5000 }),
			audio_url: url(),
			ratio: oneOf(['16:9', '9:16', '1:1', '4:3', '3:4']),
			...WAN_27_COMMON,
		},
	},
	'wan/2-7-image-to-video': {
		fields: {
			prompt: text({ ...req, max: 5000 }),
			first_frame_url: url(),
			last_frame_url: url(),
			first_clip_url: url(),
			driving_audio_url: url(),
			...WAN_27_COMMON,
		},
		rules: [
			(i) =>
				!has(i.first_frame_url) && !has(i.first_clip_url)
					? 'first_frame_url or first_clip_url is required'
					: null,
			(i) =>
				has(i.last_frame_url) && !has(i.first_frame_url)
					? 'last_frame_url needs first_frame_url'
					: null,
		],
	},

	'grok-imagine/text-to-video': {
		fields: {
			prompt: text({ ...req, max: 5000 }),
			aspect_ratio: oneOf(['2:3', '3:2', '1:1', '16:9', '9:16'], req),
			mode: oneOf(['fun', 'normal', 'spicy'], req),
			duration: oneOf(stringRange(6, 30)),
			resolution: oneOf(['480p', '720p'], req),
			nsfw_checker: bool(),
		},
	},
	'grok-imagine/image-to-video': {
		fields: {
			image_urls: urls({ max: 1 }),
			task_id: text({ max: 100 }),
			index: int(0, 5),
			prompt: text({ max: 5000 }),
			mode: oneOf(['fun', 'normal', 'spicy']),
			duration: oneOf(['6', '10', '15']),
			resolution: oneOf(['480p', '720p']),
		},
		rules: [
			(i) =>
				has(i.image_urls) === has(i.task_id)
					? 'give either image_urls or task_id, not both (and not neither)'
					: null,
			(i) =>
				i.mode === 'spicy' && has(i.image_urls)
					? 'mode spicy is not available with an external image (image_urls)'
					: null,
		],
	},
};

/**
 * The first problem of `input` against a model's rules: a message naming the field and the rule, or null.
 * @param {ModelRules} rules @param {Record<string, any>} input
 */
function checkInput(rules, input) {
	for (const [name, spec] of Object.entries(rules.fields)) {
		const problem = checkField(`input.${name}`, input[name], spec);
		if (problem) return problem;
	}
	for (const rule of rules.rules || []) {
		const problem = rule(input);
		if (problem) return problem;
	}
	return null;
}

/** @param {string} name @param {any} v @param {FieldSpec} spec */
function checkField(name, v, spec) {
	// An empty string is "not given" (the pages' examples send end_image_url: "").
	if (v === undefined || v === null || v === '' || (typeof v === 'string' && !v.trim())) {
		return spec.required ? `${name} is required` : null;
	}
	const got = JSON.stringify(v);
	if (spec.values) {
		return spec.values.includes(v)
			? null
			: `${name} must be one of ${spec.values.map((x) => JSON.stringify(x)).join(', ')} (got ${got})`;
	}
	const { min, max } = spec;
	switch (spec.type) {
		case 'string':
			if (typeof v !== 'string') return `${name} must be a string (got ${got})`;
			if (min !== undefined && v.length < min)
				return `${name} must be at least ${min} characters (got ${v.length})`;
			if (max !== undefined && v.length > max)
				return `${name} cannot exceed ${max} characters (got ${v.length})`;
			return null;
		case 'url':
			return isHttpUrl(v) ? null : `${name} must be a valid http(s) URL (got ${got})`;
		case 'asset':
			return isHttpUrl(v) || (typeof v === 'string' && v.startsWith('asset://'))
				? null
				: `${name} must be an http(s) URL or an asset:// id (got ${got})`;
		case 'boolean':
			return typeof v === 'boolean' ? null : `${name} must be a boolean (got ${got})`;
		case 'integer':
		case 'number':
			if (typeof v !== 'number' || (spec.type === 'integer' && !Number.isInteger(v)))
				return `${name} must be ${spec.type === 'integer' ? 'an integer' : 'a number'} (got ${got})`;
			if ((min !== undefined && v < min) || (max !== undefined && v > max))
				return `${name} must be from ${min} to ${max} (got ${got})`;
			return null;
		case 'urls':
		case 'objects': {
			if (!Array.isArray(v)) return `${name} must be an array (got ${got})`;
			if ((min !== undefined && v.length < min) || (max !== undefined && v.length > max))
				return min === max
					? `${name} must hold exactly ${min} item(s) (got ${v.length})`
					: `${name} must hold ${min ?? 0} to ${max} items (got ${v.length})`;
			const bad =
				spec.type === 'urls'
					? v.findIndex((u) => !isHttpUrl(u))
					: v.findIndex((o) => !o || typeof o !== 'object' || Array.isArray(o));
			return bad < 0
				? null
				: `${name}[${bad}] must be ${spec.type === 'urls' ? 'a valid http(s) URL' : 'an object'}`;
		}
	}
	return null;
}

module.exports = { MARKET_MODELS, checkInput };
