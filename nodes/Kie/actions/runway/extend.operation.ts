import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { completionFields } from '../descriptions/completion';
import { createExecute } from '../../helpers/completion';
import { RUNWAY_QUALITIES } from '../../kie/constants';
import {
	apiChoiceFields,
	promptField,
	qualityField,
	taskIdField,
	waterMarkField,
} from '../descriptions/common';

const properties: INodeProperties[] = [
	taskIdField('The Runway task whose video to continue. The extension keeps its aspect ratio.'),
	promptField('How the video should continue'),
	qualityField,
	waterMarkField,
	...apiChoiceFields,
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['runway'], operation: ['extend'] } },
	properties,
);

export const execute = createExecute({
	model: 'runway-extend',
	marketInput: (body) => marketInput(body),
	async prepare({ itemIndex, rules }) {
		const taskId = rules.text('Task ID', this.getNodeParameter('taskId', itemIndex));
		// KIE's extend page sets no length limit on the prompt (docs/kie-api.md §3), so none is checked.
		const prompt = rules.text('Prompt', this.getNodeParameter('prompt', itemIndex));
		const quality = rules.oneOf(
			'Quality',
			this.getNodeParameter('quality', itemIndex),
			RUNWAY_QUALITIES,
		);
		const waterMark = String(this.getNodeParameter('waterMark', itemIndex, '') ?? '');
		return async () => ({ taskId, prompt, quality, waterMark });
	},
});

/** Model `runway/extend-ai-video` on the Market API (docs/kie-api.md §11). */
export function marketInput(body: IDataObject): IDataObject {
	return {
		task_id: body.taskId,
		prompt: body.prompt,
		quality: body.quality,
		...(body.waterMark ? { watermark: body.waterMark } : {}),
	};
}
