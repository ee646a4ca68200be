import type { INodeProperties } from 'n8n-workflow';

import { DOWNLOAD_LINK_MINUTES, UPLOAD_RETENTION_DAYS } from '../../kie/constants';
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
				description: `Get a ${DOWNLOAD_LINK_MINUTES}-minute download link for a file KIE generated`,
				action: 'Get a download URL',
			},
			{
				name: 'Upload',
				value: 'upload',
				description:
					"Upload a file to KIE's file host and get its URL " +
					`(free; kept ${UPLOAD_RETENTION_DAYS} days)`,
				action: 'Upload a file',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...getDownloadUrl.description,
];
