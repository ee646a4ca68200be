/**
 * What each KIE body `code` means to a user, and what to do about it. KIE puts the real outcome in
 * the body `code` (HTTP status and body code can differ), so this table is keyed by body code.
 */
export const KIE_CODE_HINTS: Readonly<Record<number, { title: string; action: string }>> = {
	400: { title: 'KIE rejected the request', action: 'Check the input (content policy, format).' },
	401: {
		title: 'KIE rejected the API key',
		action: 'Copy the key again from https://kie.ai/api-key into the KIE credential.',
	},
	402: {
		title: 'Insufficient KIE credits',
		action: 'Top up the KIE account at https://kie.ai/pricing, then run again.',
	},
	404: { title: 'KIE answered "not found"', action: 'Check the Base URL and the task ID.' },
	405: { title: 'KIE does not allow this method', action: 'Check the Upload Base URL.' },
	408: {
		title: "KIE's upstream gave no result for over 10 minutes",
		action: 'Try again later; the task may still finish (check it with the Get operation).',
	},
	422: { title: 'KIE rejected the parameters', action: 'Check the fields named in the message.' },
	429: {
		title: 'KIE rate limit reached (20 new tasks per 10 s per account)',
		action: 'Lower the batch rate or ask KIE support to raise the limit.',
	},
	451: {
		title: 'KIE could not fetch the image or video',
		action: 'Make sure the URL is public (no login, no IP limits) and reachable over HTTPS.',
	},
	455: { title: 'KIE is under maintenance', action: 'Try again later.' },
	500: { title: 'KIE reported a server error', action: 'Try again later.' },
	501: { title: 'KIE could not generate the video', action: 'Try again, or change the prompt.' },
	505: {
		title: 'This KIE feature is disabled for the account',
		action: 'Contact KIE support.',
	},
};

/** A one-line message for a KIE body code, with KIE's own text when it adds something. */
export function describeKieCode(
	code: number,
	kieMessage?: string,
): { message: string; description: string } {
	const hint = KIE_CODE_HINTS[code];
	const title = hint?.title ?? `KIE answered with code ${code}`;
	const said = kieMessage && kieMessage.trim() !== '' ? `: ${kieMessage.trim()}` : '';
	return {
		message: `${title} (code ${code})${said}`,
		description: hint?.action ?? 'See https://docs.kie.ai for this code.',
	};
}
