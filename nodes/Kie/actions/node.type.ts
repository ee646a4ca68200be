import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations; the router's handler table is typed against it. */
export type NodeMap = {
	runway: 'generate' | 'extend' | 'get';
	aleph: 'generate' | 'get';
	luma: 'modify' | 'get';
	file: 'upload' | 'getDownloadUrl';
	account: 'getCredits';
};

export type KieNodeType = AllEntities<NodeMap>;
