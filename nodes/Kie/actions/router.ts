import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as account from './account';
import * as aleph from './aleph';
import * as catalogue from './catalogue';
import * as file from './file';
import * as luma from './luma';
import * as market from './market';
import type { KieNodeType, NodeMap } from './node.type';
import * as runway from './runway';

export type Operation = {
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
};

/**
 * Every resource x operation of NodeMap and its handler: a pair without a handler fails to compile
 * (test/unit/router.test.ts checks the node's description against this table).
 */
export const handlers: { [R in keyof NodeMap]: { [O in NodeMap[R]]: Operation } } = {
	runway,
	aleph,
	luma,
	file,
	account,
	veo: catalogue,
	kling: catalogue,
	hailuo: catalogue,
	seedance: catalogue,
	wan: catalogue,
	grok: catalogue,
	market,
};

/**
 * Hands the whole item list to the chosen operation: create operations submit every item's task
 * before waiting for any, so they need all items at once.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as KieNodeType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const operations: Partial<Record<string, Operation>> = handlers[resource] ?? {};
	const handler = operations[operation];
	if (!handler || typeof handler.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return [await handler.execute.call(this, items)];
}
