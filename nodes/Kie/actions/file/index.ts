import type { INodeProperties } from 'n8n-workflow';

import * as getDownloadUrl from './getDownloadUrl.operation';
import * as upload from './upload.operation';

export { getDownloadUrl, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Get Download URL',
				value: 'getDownloadUrl',
				description: 'Get a 20-minute download link for a file KIE generated',
				action: 'Get a download URL',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: "Upload a file to KIE's file host and get its URL (free; kept 3 days)",
				action: 'Upload a file',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...getDownloadUrl.description,
];
