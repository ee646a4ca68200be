import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getExecute } from '../../helpers/getTask';

const getVeo = getExecute('veo');
const getMarket = getExecute('market');

/** Veo 3.1 tasks are read on Veo's own record endpoint; every other family's on the Market API. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const family = this.getNodeParameter('resource', 0) as string;
	return await (family === 'veo' ? getVeo : getMarket).call(this, items);
}
