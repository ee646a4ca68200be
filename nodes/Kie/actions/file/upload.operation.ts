import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { UPLOAD_RETENTION_DAYS, URL_UPLOAD_MAX_MB, URL_UPLOAD_SECONDS } from '../../kie/constants';
import { DEFAULT_UPLOAD_PATH, uploadBinary, uploadFromUrl } from '../../kie/files';
import { inputRules } from '../../helpers/validation';
import { forEachItem } from '../../helpers/items';

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file from an earlier node' },
			{
				name: 'URL',
				value: 'url',
				description:
					`KIE downloads the file itself (${URL_UPLOAD_SECONDS} s limit, ` +
					`about ${URL_UPLOAD_MAX_MB} MB at most)`,
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { source: ['binary'] } },
		description: "Name of the input item's binary property that holds the file",
	},
	{
		displayName: 'File URL',
		name: 'fileUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/photo.png',
		description:
			'Public link of the file KIE copies to its file host ' +
			`(KIE keeps uploads for ${UPLOAD_RETENTION_DAYS} days)`,
		displayOptions: { show: { source: ['url'] } },
	},
	{
		displayName: 'Upload Path',
		name: 'uploadPath',
		type: 'string',
		default: DEFAULT_UPLOAD_PATH,
		description: "Folder on KIE's file host, without leading or trailing slashes",
	},
	{
		displayName:
			`Uploaded files are free and are deleted by KIE after ${UPLOAD_RETENTION_DAYS} days. ` +
			'Each upload gets a unique name, because KIE caches files by name.',
		name: 'uploadNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, items, async (itemIndex) => {
		const rules = inputRules(this.getNode(), itemIndex);
		const uploadPath =
			String(this.getNodeParameter('uploadPath', itemIndex, DEFAULT_UPLOAD_PATH) ?? '').replace(
				/^\/+|\/+$/g,
				'',
			) || DEFAULT_UPLOAD_PATH;
		if (this.getNodeParameter('source', itemIndex) === 'url') {
			const fileUrl = rules.publicUrl(
				'File URL',
				this.getNodeParameter('fileUrl', itemIndex),
				true,
			);
			return await uploadFromUrl.call(this, fileUrl, uploadPath);
		}
		const property = rules.text(
			'Input Binary Field',
			this.getNodeParameter('binaryPropertyName', itemIndex),
		);
		return await uploadBinary.call(this, itemIndex, property, uploadPath);
	});
}
