import type { MarketField, MarketModel } from './types';
import { given, field, prompt, options, flag, NSFW_CHECKER, NSFW_UNCLEAR } from './build';

// ---- Wan.

const WAN_27_COMMON: readonly MarketField[] = [
	field('negative_prompt', 'Negative Prompt', 'string', 'What to avoid', { maxLength: 500 }),
	options('resolution', 'Resolution', 'Output resolution', ['720p', '1080p'], '1080p'),
	field('duration', 'Duration', 'integer', 'Seconds, 2 to 15', {
		default: 5,
		min: 2,
		max: 15,
		param: 'durationSeconds',
	}),
	flag('prompt_extend', 'Prompt Rewriting', 'Let KIE rewrite the prompt intelligently', true),
	flag('watermark', 'Watermark', 'Add an AI-generated watermark', false),
	field('seed', 'Seed', 'integer', 'Random seed', { min: 0, max: 2147483647 }),
	NSFW_CHECKER,
];

/**
 * Wan 2.6's text and video pages give duration and resolution as free text; they are a list or a
 * number in the family's other models, so their n8n parameters have names of their own.
 */
const WAN_26_FREE_TEXT: readonly MarketField[] = [
	field('duration', 'Duration', 'string', 'Seconds, as a string', {
		default: '5',
		param: 'durationText',
	}),
	field('resolution', 'Resolution', 'string', 'Output resolution', {
		default: '1080p',
		param: 'resolutionText',
	}),
];

export const wan: MarketModel[] = [
	{
		id: 'wan/2-6-text-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.6: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-6-text-to-video',
		fields: [prompt(true, 5000, 1), ...WAN_26_FREE_TEXT],
		unclear: [
			'Read from the Chinese revision (docs.kie.ai/cn/market/wan/2-6-text-to-video): its example (duration "5", resolution "1080p") and usage notes (prompt 1-5000 characters) only; the enums were not in the stored copy, so duration and resolution are free strings with the example as default.',
		],
	},
	{
		id: 'wan/2-6-image-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.6: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-6-image-to-video',
		fields: [
			prompt(true, 5000, 2),
			field(
				'image_urls',
				'Image',
				'imageUrls',
				'One image, at least 256x256 px (JPEG, PNG or WebP, up to 10 MB)',
				{ required: true, minItems: 1, maxItems: 1, maxFileMb: 10 },
			),
			options('duration', 'Duration', 'Seconds', ['5', '10', '15'], '5'),
			options('resolution', 'Resolution', 'Output resolution', ['720p', '1080p'], '1080p'),
			NSFW_CHECKER,
		],
		unclear: [
			'The prompt description says "minimum of 2 characters" while the schema has no minLength: the description is followed.',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'wan/2-6-video-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.6: Video to Video',
		task: 'videoToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-6-video-to-video',
		fields: [
			prompt(true),
			field(
				'video_urls',
				'Videos',
				'videoUrls',
				'Up to 3 source videos (MP4, QuickTime, Matroska; up to 10 MB)',
				{ required: true, minItems: 1, maxItems: 3, maxFileMb: 10 },
			),
			...WAN_26_FREE_TEXT,
		],
		unclear: [
			'Only the example and the upload notes of this page were in the stored copy: duration and resolution are free strings with the example ("5", "1080p") as default; no prompt limit is listed.',
		],
	},
	{
		id: 'wan/2-7-text-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.7: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-7-text-to-video',
		fields: [
			prompt(true, 5000, 1),
			field('audio_url', 'Audio', 'audioUrl', 'Optional custom audio URL'),
			options(
				'ratio',
				'Aspect Ratio',
				'Video aspect ratio',
				['16:9', '9:16', '1:1', '4:3', '3:4'],
				'16:9',
			),
			...WAN_27_COMMON,
		],
		unclear: [
			'The aspect ratio key is `ratio` here, not `aspect_ratio` as on most pages: sent as `ratio`.',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'wan/2-7-image-to-video',
		api: 'market',
		family: 'wan',
		label: 'Wan 2.7: Image to Video (frames or continuation)',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/wan/2-7-image-to-video',
		fields: [
			prompt(true, 5000),
			field('first_frame_url', 'First Frame', 'imageUrl', 'First frame image URL'),
			field(
				'last_frame_url',
				'Last Frame',
				'imageUrl',
				'Last frame image URL (with a first frame)',
			),
			field('first_clip_url', 'First Clip', 'videoUrl', 'A video to continue (video continuation)'),
			field('driving_audio_url', 'Driving Audio', 'audioUrl', 'Optional driving audio URL'),
			...WAN_27_COMMON,
		],
		rules: [
			{
				field: 'first_frame_url',
				rule: 'Give a first frame (first-frame or first-and-last modes) or a first clip (continuation)',
				check: (input) => given(input.first_frame_url) || given(input.first_clip_url),
			},
			{
				field: 'last_frame_url',
				rule: 'A last frame goes with a first frame',
				check: (input) => !given(input.last_frame_url) || given(input.first_frame_url),
			},
		],
		unclear: [
			'The page lists three modes (first frame; first and last frame; continuation from first_clip_url) but does not say whether a clip may be combined with frames: not refused.',
			NSFW_UNCLEAR,
		],
	},
];
