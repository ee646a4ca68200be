import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { completionFields } from '../descriptions/completion';
import { createExecute } from '../../helpers/completion';
import { RUNWAY_PROMPT_MAX, RUNWAY_QUALITIES } from '../../kie/constants';
import { promptField, qualityField, taskIdField, waterMarkField } from '../descriptions/common';

const properties: INodeProperties[] = [
	taskIdField('The Runway task whose video to continue. The extension keeps its aspect ratio.'),
	promptField(`How the video should continue (at most ${RUNWAY_PROMPT_MAX} characters)`),
	qualityField,
	waterMarkField,
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['runway'], operation: ['extend'] } },
	properties,
);

export const execute = createExecute({
	model: 'runway-extend',
	async prepare({ itemIndex, rules }) {
		const taskId = rules.text('Task ID', this.getNodeParameter('taskId', itemIndex));
		const prompt = rules.maxLength(
			'Prompt',
			rules.text('Prompt', this.getNodeParameter('prompt', itemIndex)),
			RUNWAY_PROMPT_MAX,
		);
		const quality = rules.oneOf(
			'Quality',
			this.getNodeParameter('quality', itemIndex),
			RUNWAY_QUALITIES,
		);
		const waterMark = String(this.getNodeParameter('waterMark', itemIndex, '') ?? '');
		return async () => ({ taskId, prompt, quality, waterMark });
	},
});
