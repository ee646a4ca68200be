import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations; the router and the descriptions are typed against it. */
type NodeMap = {
	account: 'getCredits';
};

export type KieNodeType = AllEntities<NodeMap>;
export type KieResource = keyof NodeMap;
