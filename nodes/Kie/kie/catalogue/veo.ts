import type { MarketField, MarketModel } from './types';
import { field, prompt, options, flag } from './build';

// ---- Veo 3.1 (legacy endpoint; KIE lists no Market model id for generation).

const VEO_DOCS = 'https://docs.kie.ai/veo3-api/generate-veo-3-video';

const VEO_COMMON: readonly MarketField[] = [
	prompt(true),
	options(
		'model',
		'Tier',
		'veo3 = Quality, veo3_fast = Fast, veo3_lite = Lite (cheapest)',
		['veo3', 'veo3_fast', 'veo3_lite'],
		'veo3_fast',
	),
	options(
		'aspect_ratio',
		'Aspect Ratio',
		'16:9, 9:16, or Auto (center-cropped to the closer of the two)',
		['16:9', '9:16', 'Auto'],
		'16:9',
	),
	options('resolution', 'Resolution', 'Output resolution', ['720p', '1080p', '4k'], '720p'),
	field('seeds', 'Seed', 'integer', 'Same seed, similar video; KIE picks one when empty', {
		min: 10000,
		max: 99999,
	}),
	flag(
		'enableTranslation',
		'Translate Prompt',
		'Translate the prompt to English before generating',
		true,
	),
	field('watermark', 'Watermark', 'string', 'Watermark text added to the video; none when empty'),
];

const VEO_UNCLEAR: readonly string[] = [
	'Not a Market model: KIE documents Veo 3.1 only as POST /api/v1/veo/generate (body at top level, tier in `model`), status via Get Veo3.1 Video Details with successFlag 0 generating, 1 success, 2 failed, 3 generation failed; the id here is a catalogue key, not a KIE id.',
	'Followed the revision whose `model` enum has veo3_lite and which adds `resolution` (720p/1080p/4k); older revisions have veo3 | veo3_fast only and no resolution.',
	'The intro says 4K "is requested via a separate 4K endpoint" while `resolution` lists 4k: offered as the enum says.',
	'enableFallback is deprecated on the page ("remove this parameter"): left out.',
];

export const veo: MarketModel[] = [
	{
		id: 'veo3.1/text-to-video',
		api: 'veoLegacy',
		family: 'veo',
		label: 'Veo 3.1: Text to Video',
		task: 'textToVideo',
		docsUrl: VEO_DOCS,
		fields: VEO_COMMON,
		fixed: { generationType: 'TEXT_2_VIDEO' },
		unclear: VEO_UNCLEAR,
	},
	{
		id: 'veo3.1/frames-to-video',
		api: 'veoLegacy',
		family: 'veo',
		label: 'Veo 3.1: First and Last Frames to Video',
		task: 'framesToVideo',
		docsUrl: VEO_DOCS,
		fields: [
			...VEO_COMMON,
			field(
				'imageUrls',
				'Frames',
				'imageUrls',
				'One image to animate, or two: first frame and last frame',
				{ required: true, minItems: 1, maxItems: 2 },
			),
		],
		fixed: { generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' },
		unclear: VEO_UNCLEAR,
	},
	{
		id: 'veo3.1/reference-to-video',
		api: 'veoLegacy',
		family: 'veo',
		label: 'Veo 3.1: Reference Images to Video',
		task: 'referenceToVideo',
		docsUrl: VEO_DOCS,
		fields: [
			...VEO_COMMON,
			field(
				'imageUrls',
				'Reference Images',
				'imageUrls',
				'One to three images the video is based on (material to video)',
				{ required: true, minItems: 1, maxItems: 3 },
			),
		],
		fixed: { generationType: 'REFERENCE_2_VIDEO' },
		rules: [
			{
				field: 'model',
				rule: 'Reference images work with the Fast tier (the Chinese page adds Lite), not Quality',
				check: (input) => input.model !== 'veo3',
			},
			{
				field: 'aspect_ratio',
				rule: 'Reference images support 16:9 and 9:16 only',
				check: (input) => input.aspect_ratio !== 'Auto',
			},
		],
		unclear: [
			...VEO_UNCLEAR,
			'Which tiers take REFERENCE_2_VIDEO: the English page says veo3_fast only, the Chinese old-model page says Fast and Lite; the rule refuses only veo3 (no stricter than either page).',
		],
	},
];
