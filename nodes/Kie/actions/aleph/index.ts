import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate.operation';
import * as get from './get.operation';

export { generate, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['aleph'] } },
		options: [
			{
				name: 'Generate',
				value: 'generate',
				description: 'Transform a video with a prompt (Runway Aleph, video to video)',
				action: 'Transform a video',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and result of an Aleph task',
				action: 'Get a video task',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...get.description,
];
