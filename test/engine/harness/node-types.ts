// Node types: the classes a test passes in, plus the start node that emits the run's input items
// (a trigger-like node with execute(): a trigger() start node would never finish under WorkflowExecute).
import { NodeConnectionTypes, NodeHelpers } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

import { START_NODE_NAME, START_NODE_TYPE, type Constructor, type NodeTypeInput } from './types';

class StartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items the engine harness was given',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** A class is instantiated, an instance used as it is. */
export function instantiate<T extends object>(input: T | Constructor<T>): T {
	return typeof input === 'function' ? new (input as Constructor<T>)() : input;
}

export class EngineNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {};

	constructor(inputs: Record<string, NodeTypeInput>) {
		for (const [name, input] of Object.entries(inputs)) this.types[name] = instantiate(input);
		this.types[START_NODE_TYPE] = new StartNode();
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Engine harness: unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	defaultVersion(nodeType: string): number {
		const type = this.getByName(nodeType);
		if ('nodeVersions' in type) return type.currentVersion;
		const { version } = type.description;
		return Array.isArray(version) ? Math.max(...version) : version;
	}
}
