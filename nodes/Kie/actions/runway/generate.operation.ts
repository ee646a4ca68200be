import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { completionFields } from '../shared/completion.fields';
import { createExecute } from '../shared/create';
import { promptField } from '../shared/fields';
import { mediaInputFields, readMediaInput } from '../shared/media.fields';

export const RUNWAY_PROMPT_MAX = 1800;
export const RUNWAY_ASPECT_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export const RUNWAY_QUALITIES = ['720p', '1080p'] as const;
const RUNWAY_DURATIONS = [5, 10] as const;
const IMAGE_MAX_BYTES = 10 * 1024 * 1024;

export const qualityField: INodeProperties = {
	displayName: 'Quality',
	name: 'quality',
	type: 'options',
	options: [
		{ name: '720p', value: '720p' },
		{ name: '1080p (5 Seconds Only)', value: '1080p' },
	],
	default: '720p',
	description: 'Resolution of the video; 1080p only for 5-second videos',
};

export const waterMarkField: INodeProperties = {
	displayName: 'Watermark',
	name: 'waterMark',
	type: 'string',
	default: '',
	description: 'Text drawn in the bottom-right corner. Leave empty for no watermark.',
};

const properties: INodeProperties[] = [
	promptField(
		`What the video should show (at most ${RUNWAY_PROMPT_MAX} characters). With an image, how to animate it.`,
	),
	...mediaInputFields('image', 'Image', {
		required: false,
		hint: 'Optional start image (JPG or PNG, at most 10 MB) for image-to-video. The image sets the aspect ratio.',
	}),
	{
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		options: [
			{ name: '5 Seconds', value: 5 },
			{ name: '10 Seconds (720p Only)', value: 10 },
		],
		default: 5,
		description: 'Length of the video; 10 seconds only at 720p',
	},
	qualityField,
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: RUNWAY_ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })),
		default: '16:9',
		description: 'Shape of the video (text-to-video only: with an image, the image decides)',
		displayOptions: { show: { imageSource: ['none'] } },
	},
	waterMarkField,
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['runway'], operation: ['generate'] } },
	properties,
);

export const execute = createExecute({
	model: 'runway',
	async prepare({ itemIndex, rules, allowHttp }) {
		const prompt = rules.maxLength(
			'Prompt',
			rules.text('Prompt', this.getNodeParameter('prompt', itemIndex)),
			RUNWAY_PROMPT_MAX,
		);
		const duration = rules.oneOf(
			'Duration',
			Number(this.getNodeParameter('duration', itemIndex)),
			RUNWAY_DURATIONS,
		);
		const quality = rules.oneOf(
			'Quality',
			this.getNodeParameter('quality', itemIndex),
			RUNWAY_QUALITIES,
		);
		if (quality === '1080p' && duration !== 5) {
			throw rules.broken(
				'Quality',
				`1080p with ${duration} s`,
				'can be 1080p only for 5-second videos',
			);
		}
		const image = readMediaInput(this, itemIndex, rules, 'image', 'Image', {
			allowHttp,
			maxBytes: IMAGE_MAX_BYTES,
		});
		// KIE: aspectRatio is required for text-to-video and invalid with an image.
		const aspectRatio =
			image.source === 'none'
				? rules.oneOf(
						'Aspect Ratio',
						this.getNodeParameter('aspectRatio', itemIndex),
						RUNWAY_ASPECT_RATIOS,
					)
				: undefined;
		const waterMark = String(this.getNodeParameter('waterMark', itemIndex, '') ?? '');
		return async () => {
			const imageUrl = await image.resolve();
			return {
				prompt,
				duration,
				quality,
				...(imageUrl ? { imageUrl } : { aspectRatio }),
				waterMark,
			};
		};
	},
});
