// The national session as the UI knows it (issue 64): whether someone is logged in to the national
// face in this app, and the country's figures it last showed them. The token stays in the core's
// memory; the UI holds only the view.

import type { CountryView } from './types/CountryView';

export const country = $state<{ view: CountryView | null }>({ view: null });
