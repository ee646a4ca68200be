import type { MarketModel } from './types';
import { given, count, isRecord, field, prompt, options, flag, stringRange } from './build';

// ---- Kling.

const KLING_SOUND = flag('sound', 'Sound', 'Whether the video has sound', false, true);

export const kling: MarketModel[] = [
	{
		id: 'kling-2.6/text-to-video',
		api: 'market',
		family: 'kling',
		label: 'Kling 2.6: Text to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/kling/text-to-video',
		fields: [
			prompt(true, 1000),
			KLING_SOUND,
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio',
				['1:1', '16:9', '9:16'],
				'1:1',
				true,
			),
			options('duration', 'Duration', 'Seconds', ['5', '10'], '5', true),
		],
		unclear: [
			'`sound` is required but has no default on the page; its example sends false, used as the default.',
		],
	},
	{
		id: 'kling-2.6/image-to-video',
		api: 'market',
		family: 'kling',
		label: 'Kling 2.6: Image to Video',
		task: 'imageToVideo',
		docsUrl: 'https://docs.kie.ai/market/kling/image-to-video',
		fields: [
			prompt(true, 1000),
			field('image_urls', 'Image', 'imageUrls', 'The image to animate (JPEG or PNG, up to 10 MB)', {
				required: true,
				minItems: 1,
				maxItems: 1,
				maxFileMb: 10,
			}),
			KLING_SOUND,
			options('duration', 'Duration', 'Seconds', ['5', '10'], '5', true),
		],
		unclear: [
			'`sound` is required but has no default on the page; its example sends false, used as the default.',
			'Accepted image types: the newer revision (with code 433) lists JPEG and PNG, an older one adds WebP; the newer is quoted.',
		],
	},
	{
		id: 'kling-3.0/video',
		api: 'market',
		family: 'kling',
		label: 'Kling 3.0: Video (single or multi-shot)',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/kling/kling-3.0',
		fields: [
			prompt(false),
			field(
				'image_urls',
				'First and Last Frames',
				'imageUrls',
				'Optional: one image = first frame, two = first and last frame',
				{ maxItems: 2 },
			),
			flag('sound', 'Sound', 'Sound effects (multi-shot turns them on by default)', false, true),
			options('duration', 'Duration', 'Total seconds', stringRange(3, 15), '5', true),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio; may be left out when frames are given',
				['16:9', '9:16', '1:1'],
				'16:9',
			),
			options(
				'mode',
				'Mode',
				'std = 720p, pro = 1080p, 4K = 2160p',
				['std', 'pro', '4K'],
				'pro',
				true,
			),
			flag('multi_shots', 'Multi-Shot', 'Describe the video as several shots', false, true),
			field(
				'multi_prompt',
				'Shots',
				'json',
				'Multi-shot only: [{ "prompt": "...", "duration": 3 }, ...], up to 5 shots',
				{ maxItems: 5 },
			),
			field(
				'kling_elements',
				'Elements',
				'json',
				'Referenced as @name: [{ "name", "description", "element_input_urls": 2-4 images or 1 video, … }]',
				{ maxItems: 3 },
			),
		],
		rules: [
			{
				field: 'prompt',
				rule: 'A prompt is needed in single-shot mode',
				check: (input) => input.multi_shots === true || given(input.prompt),
			},
			{
				field: 'multi_prompt',
				rule: 'Multi-shot needs 1 to 5 shots, each a prompt of up to 500 characters and 1 to 12 seconds',
				check: (input) => {
					if (input.multi_shots !== true) return true;
					const shots = input.multi_prompt;
					if (!Array.isArray(shots) || shots.length < 1 || shots.length > 5) return false;
					return shots.every(
						(shot) =>
							isRecord(shot) &&
							typeof shot.prompt === 'string' &&
							shot.prompt.length > 0 &&
							shot.prompt.length <= 500 &&
							Number.isInteger(shot.duration) &&
							(shot.duration as number) >= 1 &&
							(shot.duration as number) <= 12,
					);
				},
			},
			{
				field: 'image_urls',
				rule: 'Multi-shot takes a first frame only (one image)',
				check: (input) => input.multi_shots !== true || count(input.image_urls) <= 1,
			},
			{
				field: 'aspect_ratio',
				rule: 'The aspect ratio may be left out only when frames are given',
				check: (input) => given(input.aspect_ratio) || given(input.image_urls),
			},
			{
				field: 'image_urls',
				rule: 'Frames are required when elements are referenced',
				check: (input) => !given(input.kling_elements) || given(input.image_urls),
			},
			{
				field: 'kling_elements',
				rule: 'Each element needs a name, a description and 2-4 image URLs or 1 video URL; at most 1 audio URL',
				check: (input) =>
					!given(input.kling_elements) ||
					(Array.isArray(input.kling_elements) &&
						input.kling_elements.every(
							(element) =>
								isRecord(element) &&
								given(element.name) &&
								given(element.description) &&
								Array.isArray(element.element_input_urls) &&
								element.element_input_urls.length >= 1 &&
								element.element_input_urls.length <= 4 &&
								count(element.element_input_audio_urls) <= 1,
						)),
			},
			{
				field: 'kling_elements',
				rule: "A video element's end_time is after its start_time by 3000 to 8000 ms",
				check: (input) =>
					!Array.isArray(input.kling_elements) ||
					input.kling_elements.every((element) => {
						if (!isRecord(element) || element.end_time === undefined) return true;
						const span = Number(element.end_time) - Number(element.start_time ?? 0);
						return span >= 3000 && span <= 8000;
					}),
			},
		],
		unclear: [
			'The schema marks prompt, aspect_ratio and multi_prompt required, while the text says prompt is used only in single-shot mode, multi_prompt only in multi-shot mode, and aspect_ratio is optional with frames: the text is followed, as rules.',
			'The `model` description says "Generation mode. std … pro" (copied from `mode`); the id is kling-3.0/video as the enum and example say (the page title says kling-3.0).',
			'Elements: the text allows 2-4 images or 1 video (MP4/MOV, 3-8 s used) per element, plus at most 1 audio (5-30 s), while `element_input_urls` says "2-4 URLs required" and the example has a 1-video element: 1 to 4 URLs are accepted. Whether a URL is an image or a video, and the 37 characters each @element takes of a 500-character shot, are not checked.',
			'Shot durations are not checked against the total ("plan your shot durations to match", a best practice; an older revision\'s example has 3 + 3 s for a total of "5").',
			'Followed the newest of three English revisions: the one with mode 4K and video/audio elements (element_input_audio_urls, start_time, end_time); older ones have std/pro and image elements only.',
		],
	},
];
