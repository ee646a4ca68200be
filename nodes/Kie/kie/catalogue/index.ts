// KIE's video models as data (docs/market-models.md): the types, one file per family, and the input check.
export * from './types';
export { marketInputIssues, marketInputProblems, type MarketInputIssue } from './check';
import { veo } from './veo';
import { kling } from './kling';
import { hailuo } from './hailuo';
import { seedance } from './seedance';
import { wan } from './wan';
import { grok } from './grok';
import type { MarketModel } from './types';

/** Every curated model, grouped by family. Runway's Market ids are absent: see docs/market-models.md. */
export const MARKET_MODELS: readonly MarketModel[] = [
	...veo,
	...kling,
	...hailuo,
	...seedance,
	...wan,
	...grok,
];
