import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as modify from './modify.operation';

export { get, modify };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['luma'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and result of a Luma Modify task',
				action: 'Get a video task',
			},
			{
				name: 'Modify',
				value: 'modify',
				description: 'Transform a video with a prompt (Luma Modify, video to video)',
				action: 'Modify a video',
			},
		],
		default: 'modify',
	},
	...modify.description,
	...get.description,
];
