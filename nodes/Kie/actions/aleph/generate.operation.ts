import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	ALEPH_ASPECT_RATIOS,
	ALEPH_VIDEO_MAX_BYTES,
	ALEPH_VIDEO_SECONDS_USED,
	ALEPH_WATERMARK_RECOMMENDED_MAX,
	megabytes,
} from '../../kie/constants';
import { announcedSize } from '../../kie/files';
import { completionFields } from '../descriptions/completion';
import { createExecute } from '../../helpers/completion';
import { apiChoiceFields, promptField } from '../descriptions/common';
import { mediaInputFields, readMediaInput } from '../descriptions/media';

const properties: INodeProperties[] = [
	promptField('How to transform the video, e.g. "make it a watercolor painting"'),
	...mediaInputFields('video', 'Video', {
		required: true,
		hint:
			`The video to transform: at most ${megabytes(ALEPH_VIDEO_MAX_BYTES)}; ` +
			`only its first ${ALEPH_VIDEO_SECONDS_USED} seconds are used`,
	}),
	...mediaInputFields('referenceImage', 'Reference Image', {
		required: false,
		hint: 'Optional image whose style or content guides the result',
	}),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Aspect Ratio',
				name: 'aspectRatio',
				type: 'options',
				options: ALEPH_ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })),
				default: '16:9',
				description: 'Shape of the output video',
			},
			{
				displayName: 'Seed',
				name: 'seed',
				type: 'number',
				default: 0,
				description: 'A whole number; the same seed and input give the same result',
			},
			{
				displayName: 'Store in China (Alibaba Cloud)',
				name: 'uploadCn',
				type: 'boolean',
				default: false,
				description:
					'Whether KIE stores the result on Alibaba Cloud OSS (faster from China) instead of ' +
					'global storage',
			},
			{
				displayName: 'Watermark',
				name: 'waterMark',
				type: 'string',
				default: '',
				description:
					'Text shown in the bottom corner (KIE recommends letters, digits and basic symbols, ' +
					`1 to ${ALEPH_WATERMARK_RECOMMENDED_MAX} characters)`,
			},
		],
	},
	...apiChoiceFields,
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['aleph'], operation: ['generate'] } },
	properties,
);

export const execute = createExecute({
	model: 'aleph',
	marketInput: (body) => marketInput(body),
	async prepare({ itemIndex, rules, allowHttp }) {
		const prompt = rules.text('Prompt', this.getNodeParameter('prompt', itemIndex));
		const video = readMediaInput(this, itemIndex, rules, 'video', 'Video', {
			allowHttp,
			maxBytes: ALEPH_VIDEO_MAX_BYTES,
		});
		if (video.source === 'url') {
			rules.maxBytes(
				'Video',
				await announcedSize.call(this, (await video.resolve())!),
				ALEPH_VIDEO_MAX_BYTES,
			);
		}
		const referenceImage = readMediaInput(
			this,
			itemIndex,
			rules,
			'referenceImage',
			'Reference Image',
			{ allowHttp },
		);
		const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		const optional: IDataObject = {};
		if (extra.aspectRatio !== undefined)
			optional.aspectRatio = rules.oneOf('Aspect Ratio', extra.aspectRatio, ALEPH_ASPECT_RATIOS);
		if (extra.seed !== undefined) optional.seed = rules.integer('Seed', extra.seed);
		if (extra.uploadCn !== undefined) optional.uploadCn = extra.uploadCn === true;
		// KIE only recommends 1-20 characters (docs/kie-api.md §4a): a longer watermark is KIE's to judge.
		const waterMark = String(extra.waterMark ?? '');
		return async () => {
			const videoUrl = await video.resolve();
			const referenceImageUrl = await referenceImage.resolve();
			return {
				prompt,
				videoUrl,
				...(referenceImageUrl ? { referenceImage: referenceImageUrl } : {}),
				...optional,
				waterMark,
			};
		};
	},
});

/** Model `runway/gen4-aleph` on the Market API (docs/kie-api.md §11). */
export function marketInput(body: IDataObject): IDataObject {
	return {
		prompt: body.prompt,
		video_url: body.videoUrl,
		...(body.referenceImage ? { reference_image: body.referenceImage } : {}),
		...(body.aspectRatio !== undefined ? { aspect_ratio: body.aspectRatio } : {}),
		...(body.seed !== undefined ? { seed: body.seed } : {}),
		...(body.uploadCn !== undefined ? { upload_cn: body.uploadCn } : {}),
		...(body.waterMark ? { watermark: body.waterMark } : {}),
	};
}
