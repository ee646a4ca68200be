import type { INodeProperties } from 'n8n-workflow';

import { Kie } from '../../nodes/Kie/Kie.node';
import { handlers } from '../../nodes/Kie/actions/router';

// The router's handler table is typed so that a resource x operation without a handler fails to
// compile; this checks the other direction: the node's description offers exactly those pairs.

function optionValues(property: INodeProperties): string[] {
	return (property.options ?? []).map((option) => String((option as { value: unknown }).value));
}

function describedPairs(): string[] {
	const properties = new Kie().description.properties;
	const resources = optionValues(properties.find((p) => p.name === 'resource')!);
	return resources.flatMap((resource) =>
		properties
			.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))
			.flatMap((p) => optionValues(p).map((operation) => `${resource}:${operation}`)),
	);
}

function handledPairs(): string[] {
	return Object.entries(handlers).flatMap(([resource, operations]) =>
		Object.entries(operations)
			.filter(([, handler]) => typeof (handler as { execute?: unknown }).execute === 'function')
			.map(([operation]) => `${resource}:${operation}`),
	);
}

test('every resource x operation in the description has a handler, and every handler is offered', () => {
	const described = describedPairs();
	expect(described.length).toBeGreaterThan(0);
	expect(new Set(described).size).toBe(described.length);
	expect([...described].sort()).toEqual(handledPairs().sort());
});
