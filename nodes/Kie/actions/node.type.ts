import type { AllEntities } from 'n8n-workflow';

/** Every resource and its operations; the router's handler table is typed against it. */
export type NodeMap = {
	runway: 'generate' | 'extend' | 'get';
	aleph: 'generate' | 'get';
	luma: 'modify' | 'get';
	file: 'upload' | 'getDownloadUrl';
	account: 'getCredits';
	// KIE's video catalogue (actions/catalogue): one resource per family, built from kie/catalogue.
	veo: 'generate' | 'get';
	kling: 'generate' | 'get';
	hailuo: 'generate' | 'get';
	seedance: 'generate' | 'get';
	wan: 'generate' | 'get';
	grok: 'generate' | 'get';
	/** Any other model of KIE's Market API, by its id (actions/market). */
	market: 'generate' | 'get';
};

export type KieNodeType = AllEntities<NodeMap>;
