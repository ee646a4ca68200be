import type { INodeProperties } from 'n8n-workflow';

import * as extend from './extend.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';

export { extend, generate, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['runway'] } },
		options: [
			{
				name: 'Extend',
				value: 'extend',
				description: 'Continue a Runway video',
				action: 'Extend a video',
			},
			{
				name: 'Generate',
				value: 'generate',
				description: 'Create a video from text, or from an image and text (Runway Gen4)',
				action: 'Generate a video',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and result of a Runway task',
				action: 'Get a video task',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...extend.description,
	...get.description,
];
