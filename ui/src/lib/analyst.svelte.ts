// The office's analyst's session as the UI knows it (issue 64): whether an analyst is logged in to
// the office in this app, and the figures the office last showed them. The token stays in the
// core's memory; the UI holds only the view.

import type { AnalystView } from './types/AnalystView';

export const analyst = $state<{ view: AnalystView | null }>({ view: null });
