import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { completionFields } from '../descriptions/completion';
import { createExecute } from '../../helpers/completion';
import {
	megabytes,
	RUNWAY_ASPECT_RATIOS,
	RUNWAY_DURATIONS,
	RUNWAY_IMAGE_MAX_BYTES,
	RUNWAY_PROMPT_MAX,
	RUNWAY_QUALITIES,
} from '../../kie/constants';
import { apiChoiceFields, promptField, qualityField, waterMarkField } from '../descriptions/common';
import { mediaInputFields, readMediaInput } from '../descriptions/media';

const properties: INodeProperties[] = [
	promptField(
		`What the video should show (at most ${RUNWAY_PROMPT_MAX} characters). With an image, how to ` +
			'animate it.',
	),
	...mediaInputFields('image', 'Image', {
		required: false,
		hint:
			`Optional start image (JPG or PNG, at most ${megabytes(RUNWAY_IMAGE_MAX_BYTES)}) ` +
			'for image-to-video. The image sets the aspect ratio.',
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
	...apiChoiceFields,
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['runway'], operation: ['generate'] } },
	properties,
);

export const execute = createExecute({
	model: 'runway',
	marketInput: (body) => marketInput(body),
	async prepare({ itemIndex, rules }) {
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
		// KIE's Runway page asks for no https: http:// image URLs are taken as KIE takes them.
		const image = readMediaInput(this, itemIndex, rules, 'image', 'Image', {
			allowHttp: true,
			maxBytes: RUNWAY_IMAGE_MAX_BYTES,
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

/** Model `runway` on the Market API: the same values, snake_case (docs/kie-api.md §11). */
export function marketInput(body: IDataObject): IDataObject {
	return {
		prompt: body.prompt,
		duration: body.duration,
		quality: body.quality,
		...(body.imageUrl ? { image_url: body.imageUrl } : { aspect_ratio: body.aspectRatio }),
		...(body.waterMark ? { watermark: body.waterMark } : {}),
	};
}
