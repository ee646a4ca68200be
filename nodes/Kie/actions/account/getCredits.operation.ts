import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { kieRequest } from '../../transport';
import { forEachItem } from '../../helpers/items';

const properties: INodeProperties[] = [
	{
		displayName: 'Returns the credits left on the KIE account. The call is free.',
		name: 'creditsNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getCredits'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, items, async () => {
		const response = await kieRequest.call(this, {
			method: 'GET',
			path: '/api/v1/chat/credit',
			kind: 'read',
		});
		return { credits: Number(response.data) };
	});
}
