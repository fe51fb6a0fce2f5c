// The office administrator's session as the UI knows it (issue 64): whether someone is logged in
// as the office's administrator in this app, and what the office last showed them. The session's
// token stays in the core's memory; the UI holds only the view.

import type { AdminView } from './types/AdminView';

export const admin = $state<{ view: AdminView | null }>({ view: null });
