import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { completionFields } from '../descriptions/completion';
import { createExecute } from '../../helpers/completion';
import { LUMA_VIDEO_MAX_BYTES, LUMA_VIDEO_MAX_SECONDS, megabytes } from '../../kie/constants';
import { promptField } from '../descriptions/common';
import { mediaInputFields, readMediaInput } from '../descriptions/media';

const properties: INodeProperties[] = [
	promptField('How to modify the video. Luma accepts English prompts only.'),
	...mediaInputFields('video', 'Video', {
		required: true,
		hint:
			`The video to modify: MP4, MOV or AVI, at most ${megabytes(LUMA_VIDEO_MAX_BYTES)} ` +
			`and ${LUMA_VIDEO_MAX_SECONDS} seconds`,
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
	async prepare({ itemIndex, rules }) {
		const prompt = rules.text('Prompt', this.getNodeParameter('prompt', itemIndex));
		// KIE's Luma page asks for no https: http:// video URLs are taken as KIE takes them.
		const video = readMediaInput(this, itemIndex, rules, 'video', 'Video', {
			allowHttp: true,
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
