import type { MarketModel } from './types';
import { given, field, prompt, options, NSFW_CHECKER, NSFW_UNCLEAR, stringRange } from './build';

// ---- Grok Imagine.

const GROK_MODES = ['fun', 'normal', 'spicy'];

export const grok: MarketModel[] = [
	{
		id: 'grok-imagine/text-to-video',
		api: 'market',
		family: 'grok',
		label: 'Grok Imagine: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/grok-imagine/text-to-video',
		fields: [
			prompt(true, 5000),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'2:3 portrait, 3:2 landscape, 1:1, 16:9, 9:16',
				['2:3', '3:2', '1:1', '16:9', '9:16'],
				'2:3',
				true,
			),
			options(
				'mode',
				'Mode',
				'fun, normal or spicy (more intense motion)',
				GROK_MODES,
				'normal',
				true,
			),
			options('duration', 'Duration', 'Seconds, 6 to 30', stringRange(6, 30), '6'),
			options('resolution', 'Resolution', 'Output resolution', ['480p', '720p'], '480p', true),
			{ ...NSFW_CHECKER, default: false },
		],
		unclear: [
			'Read from the Chinese revision (docs.kie.ai/cn/market/grok-imagine/text-to-video). duration is typed "number (6-30, step 1)" but the example sends "6" (a string): the example is followed, as strings "6" … "30".',
			'aspect_ratio and mode list their values only in the description (no enum): those values are the options.',
			'That revision lists callBackUrl as required in the body: the Market client should send one (or check whether KIE refuses without).',
			NSFW_UNCLEAR,
		],
	},
	{
		id: 'grok-imagine/image-to-video',
		api: 'market',
		family: 'grok',
		label: 'Grok Imagine: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/grok-imagine/image-to-video',
		fields: [
			field(
				'image_urls',
				'Image',
				'imageUrls',
				'One external image (JPEG, PNG or WebP, up to 10 MB); not with a task ID',
				{ maxItems: 1, maxFileMb: 10 },
			),
			field(
				'task_id',
				'Grok Image Task ID',
				'string',
				'A grok-imagine/text-to-image task to animate; not with an image',
				{ maxLength: 100 },
			),
			field(
				'index',
				'Image Index',
				'integer',
				'Which of the task’s 6 images (0-5), with a task ID',
				{ default: 0, min: 0, max: 5 },
			),
			prompt(false, 5000),
			options(
				'mode',
				'Mode',
				'fun, normal or spicy (spicy not with external images)',
				GROK_MODES,
				'normal',
			),
			options('duration', 'Duration', 'Seconds', ['6', '10', '15'], '6'),
			options('resolution', 'Resolution', 'Output resolution', ['480p', '720p'], '480p'),
		],
		rules: [
			{
				field: 'image_urls',
				rule: 'Give one image or a Grok task ID, not both',
				check: (input) => given(input.image_urls) !== given(input.task_id),
			},
			{
				field: 'mode',
				rule: 'Spicy mode is not available with external images',
				check: (input) => !(input.mode === 'spicy' && given(input.image_urls)),
			},
		],
		unclear: [
			'No input field is marked required; the descriptions say to use image_urls or task_id and "Do not use with" the other, yet the page\'s `example` sends both (its `examples` entry sends only image_urls): the descriptions are followed.',
			'The prompt is optional on this page (required on text to video).',
		],
	},
];
