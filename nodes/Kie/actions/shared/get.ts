import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadTaskVideo } from '../../api/files';
import { MODELS } from '../../api/models';
import { fetchTask } from '../../api/tasks';
import type { KieModel } from '../../api/types';
import { inputRules } from '../../api/validation';
import { forEachItem } from '../items';
import { downloadOptions, taskIdField } from './fields';

/** Fields of every Get operation: the task ID and an optional download. */
export const getFields: INodeProperties[] = [
	taskIdField('The task ID returned when the task was created'),
	{
		displayName: 'Options',
		name: 'getOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: downloadOptions,
	},
];

/** The execute() of every Get operation: one status call per item, the task object out. */
export function getExecute(model: KieModel) {
	return async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		return await forEachItem(this, items, async (itemIndex) => {
			const taskId = inputRules(this.getNode(), itemIndex).text(
				'Task ID',
				this.getNodeParameter('taskId', itemIndex),
			);
			const options = this.getNodeParameter('getOptions', itemIndex, {}) as {
				downloadResult?: boolean;
				binaryPropertyName?: string;
			};
			const task = await fetchTask.call(this, model, taskId);
			if (task === null) {
				throw new NodeOperationError(
					this.getNode(),
					`KIE has no record of ${MODELS[model].displayName} task "${taskId}"`,
					{
						itemIndex,
						description:
							'A task created a moment ago can take a few seconds to appear; otherwise check the ID and that it belongs to this model.',
					},
				);
			}
			if (!options.downloadResult || !task.videoUrl) return { json: task };
			const binary = await downloadTaskVideo.call(this, task);
			return { json: task, binary: { [options.binaryPropertyName || 'data']: binary } };
		});
	};
}
