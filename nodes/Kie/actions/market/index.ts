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
		displayOptions: { show: { resource: ['market'] } },
		options: [
			{
				name: 'Generate',
				value: 'generate',
				description: "Create a task with any model of KIE's Market API, by its model ID",
				action: 'Generate with any market model',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and result of any Market API task',
				action: 'Get a market task',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...get.description,
];
