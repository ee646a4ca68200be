import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadTaskVideo } from '../kie/files';
import { MODELS } from '../kie/models';
import { fetchTask } from '../kie/taskApi';
import type { KieModel } from '../kie/tasks';
import { noRecordOf } from './errorMessages';
import { forEachItem } from './items';
import type { DownloadOptions } from './results';
import { inputRules } from './validation';

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
			const options = this.getNodeParameter('getOptions', itemIndex, {}) as DownloadOptions;
			const task = await fetchTask.call(this, model, taskId);
			if (task === null) {
				const { message, description } = noRecordOf(MODELS[model].taskKind, taskId);
				throw new NodeOperationError(this.getNode(), message, { itemIndex, description });
			}
			if (!options.downloadResult || !task.videoUrl) return { json: task };
			const binary = await downloadTaskVideo.call(this, task);
			return { json: task, binary: { [options.binaryPropertyName || 'data']: binary } };
		});
	};
}
