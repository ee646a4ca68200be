import type { MarketModel } from './types';
import { given, field, prompt, options, flag, NSFW_CHECKER, NSFW_UNCLEAR } from './build';

// ---- Seedance.

export const seedance: MarketModel[] = [
	{
		id: 'bytedance/seedance-1.5-pro',
		api: 'market',
		family: 'seedance',
		label: 'Seedance 1.5 Pro: Text or Images to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/bytedance/seedance-1.5-pro',
		fields: [
			prompt(true, 2500, 3),
			field(
				'input_urls',
				'Images',
				'imageUrls',
				'Zero to two images to animate (JPEG, PNG or WebP, up to 10 MB each)',
				{ maxItems: 2, maxFileMb: 10 },
			),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio',
				['1:1', '4:3', '3:4', '16:9', '9:16', '21:9'],
				'1:1',
				true,
			),
			options(
				'resolution',
				'Resolution',
				'480p fastest, 1080p best',
				['480p', '720p', '1080p'],
				'720p',
			),
			options('duration', 'Duration', 'Seconds', [4, 8, 12], 8),
			flag('fixed_lens', 'Fixed Lens', 'Lock the camera for static shots', false),
			flag('generate_audio', 'Generate Audio', 'Add audio (costs more)', false),
			NSFW_CHECKER,
		],
		unclear: [
			'duration is an integer here (4, 8 or 12), unlike the string durations of most other models.',
			'nsfw_checker: "Enabled by default in Playground"; for the API no default is given; sent only when set.',
		],
	},
	{
		id: 'bytedance/seedance-2',
		api: 'market',
		family: 'seedance',
		label: 'Seedance 2.0: Text, Frames or References to Video',
		task: 'textToVideo',
		docsUrl: 'https://docs.kie.ai/market/bytedance/seedance-2',
		fields: [
			prompt(true, 20000, 3),
			field(
				'first_frame_url',
				'First Frame',
				'imageUrl',
				'First frame image URL, or asset://<assetId>',
			),
			field(
				'last_frame_url',
				'Last Frame',
				'imageUrl',
				'Last frame image URL, or asset://<assetId>',
			),
			field(
				'reference_image_urls',
				'Reference Images',
				'imageUrls',
				'Up to 9 images (jpeg, png, webp, bmp, tiff, gif; under 30 MB each)',
				{ maxItems: 9, maxFileMb: 30 },
			),
			field(
				'reference_video_urls',
				'Reference Videos',
				'videoUrls',
				'Up to 3 videos (mp4, mov; 2-15 s each, 15 s in total; up to 50 MB each)',
				{ maxItems: 3, maxFileMb: 50 },
			),
			field(
				'reference_audio_urls',
				'Reference Audio',
				'audioUrls',
				'Up to 3 clips (wav, mp3; 2-15 s each, 15 s in total; up to 15 MB each)',
				{ maxItems: 3, maxFileMb: 15 },
			),
			flag('generate_audio', 'Generate Audio', 'Generate audio with the video', true),
			options(
				'resolution',
				'Resolution',
				'480p fastest … 4k',
				['480p', '720p', '1080p', '4k'],
				'720p',
			),
			options(
				'aspect_ratio',
				'Aspect Ratio',
				'Video aspect ratio; adaptive follows the input',
				['1:1', '4:3', '3:4', '16:9', '9:16', '21:9', 'adaptive'],
				'16:9',
				true,
			),
			options(
				'duration',
				'Duration',
				'Seconds, 4 to 15, or -1',
				[-1, ...Array.from({ length: 12 }, (_, i) => i + 4)],
				5,
			),
			flag('web_search', 'Web Search', 'Let the model search online'),
			NSFW_CHECKER,
		],
		rules: [
			{
				field: 'first_frame_url',
				rule: 'Frames (first, or first and last) and references (images, videos, audio) cannot be combined',
				check: (input) =>
					!(given(input.first_frame_url) || given(input.last_frame_url)) ||
					!(
						given(input.reference_image_urls) ||
						given(input.reference_video_urls) ||
						given(input.reference_audio_urls)
					),
			},
		],
		unclear: [
			'The page says first/last-frame and multimodal-reference scenarios are mutually exclusive, yet its example sends both: the rule follows the text (the example would be refused).',
			'prompt and aspect_ratio have no `required` list in the schema but their descriptions say "Required field": treated as required.',
			'duration: "4-15 seconds or -1" with no meaning given for -1 (other providers use it for "model decides").',
			'reference_image_urls: "the sum of the number of frames at the beginning and end must not exceed 9" is garbled; only the documented maxItems 9 is kept.',
			'An older revision (api-32356532) spells the key "reference_video_urls " with a trailing space; its own example and the newer revision say reference_video_urls, which is sent. That revision has no 4k and no -1 duration.',
			'return_last_frame is marked deprecated: left out. Followed the revision with 4k and nsfw_checker (newest of three English revisions by their schema ids).',
			NSFW_UNCLEAR,
		],
	},
];
