import type { MarketModel } from './types';
import { field, prompt, options, flag, NSFW_CHECKER, NSFW_UNCLEAR } from './build';

// ---- Hailuo.

const HAILUO_IMAGE_TYPES = '(JPEG, PNG or WebP, up to 10 MB)';

export const hailuo: MarketModel[] = [
	{
		id: 'hailuo/02-text-to-video-pro',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 02 Pro: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/02-text-to-video-pro',
		fields: [
			prompt(true),
			flag('prompt_optimizer', 'Prompt Optimizer', "Use the model's prompt optimizer"),
		],
		unclear: [
			'Only the request example of this page was readable in the stored copy (prompt, prompt_optimizer); no length limit or further field is listed from it.',
		],
	},
	{
		id: 'hailuo/02-image-to-video-pro',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 02 Pro: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/02-image-to-video-pro',
		fields: [
			prompt(true, 1500),
			field('image_url', 'Image', 'imageUrl', `The image to animate ${HAILUO_IMAGE_TYPES}`, {
				required: true,
				maxFileMb: 10,
			}),
			field(
				'end_image_url',
				'Last Frame',
				'imageUrl',
				`Optional image for the last frame ${HAILUO_IMAGE_TYPES}`,
				{ maxFileMb: 10 },
			),
			flag('prompt_optimizer', 'Prompt Optimizer', "Use the model's prompt optimizer"),
			NSFW_CHECKER,
		],
		unclear: [
			'The example sends end_image_url: "" for "no last frame": an empty value is read as absent.',
			'The pro page has no duration or resolution field (the standard page has both).',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'hailuo/02-image-to-video-standard',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 02 Standard: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/02-image-to-video-standard',
		fields: [
			prompt(true, 1500),
			field('image_url', 'Image', 'imageUrl', `The first frame ${HAILUO_IMAGE_TYPES}`, {
				required: true,
				maxFileMb: 10,
			}),
			field(
				'end_image_url',
				'Last Frame',
				'imageUrl',
				`Optional image for the last frame ${HAILUO_IMAGE_TYPES}`,
				{ maxFileMb: 10 },
			),
			options('duration', 'Duration', 'Seconds', ['6', '10'], '10'),
			options('resolution', 'Resolution', 'Output resolution', ['512P', '768P'], '768P'),
			flag('prompt_optimizer', 'Prompt Optimizer', "Use the model's prompt optimizer"),
			NSFW_CHECKER,
		],
		unclear: [
			'duration says "10 seconds videos are not supported for 1080p", but 1080P is not among this model\'s resolutions: no rule.',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'hailuo/2-3-image-to-video-standard',
		api: 'market',
		family: 'hailuo',
		label: 'Hailuo 2.3 Standard: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/hailuo/2-3-image-to-video-standard',
		fields: [
			prompt(true, 5000),
			field('image_url', 'Image', 'imageUrl', `The image to animate ${HAILUO_IMAGE_TYPES}`, {
				required: true,
				maxFileMb: 10,
			}),
			options('duration', 'Duration', 'Seconds', ['6', '10'], '6'),
			options('resolution', 'Resolution', 'Output resolution', ['768P', '1080P'], '768P'),
			{ ...NSFW_CHECKER, default: false },
		],
		rules: [
			{
				field: 'duration',
				rule: '10-second videos are not available at 1080P',
				check: (input) => !(input.duration === '10' && input.resolution === '1080P'),
			},
		],
		unclear: [
			'The schema was read from the Chinese revision (docs.kie.ai/cn/market/hailuo/2-3-image-to-video-standard); the English page\'s example (prompt, image_url, duration "6", resolution "768P") agrees.',
			NSFW_UNCLEAR,
		],
	},
];
