import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { completionFields } from '../shared/completion.fields';
import { createExecute } from '../shared/create';
import { promptField } from '../shared/fields';
import { mediaInputFields, readMediaInput } from '../shared/media.fields';

/** KIE: MP4, MOV or AVI, at most 500 MB and 10 seconds. */
export const LUMA_VIDEO_MAX_BYTES = 500 * 1024 * 1024;

const properties: INodeProperties[] = [
	promptField('How to modify the video. Luma accepts English prompts only.'),
	...mediaInputFields('video', 'Video', {
		required: true,
		hint: 'The video to modify: MP4, MOV or AVI, at most 500 MB and 10 seconds',
	}),
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'string',
		default: '',
		description: 'Optional watermark text. Leave empty for none.',
	},
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['luma'], operation: ['modify'] } },
	properties,
);

export const execute = createExecute({
	model: 'luma',
	async prepare({ itemIndex, rules, allowHttp }) {
		const prompt = rules.text('Prompt', this.getNodeParameter('prompt', itemIndex));
		const video = readMediaInput(this, itemIndex, rules, 'video', 'Video', {
			allowHttp,
			maxBytes: LUMA_VIDEO_MAX_BYTES,
		});
		const watermark = String(this.getNodeParameter('watermark', itemIndex, '') ?? '');
		return async () => ({
			prompt,
			videoUrl: await video.resolve(),
			// KIE's request docs spell it `watermark`, its stored params `waterMark`: send both.
			...(watermark ? { watermark, waterMark: watermark } : {}),
		});
	},
});
