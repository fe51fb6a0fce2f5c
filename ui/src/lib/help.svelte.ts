// Whether the guide's panel is open, and for which error code (an error shown anywhere links to the
// topics that explain its code). The shell renders the panel; anything may open it.

export const help = $state({ open: false, code: null as string | null });

/** Opens the guide beside the screen: on the topics of the screen in view, or of an error's code. */
export function openHelp(code: string | null = null): void {
  help.code = code;
  help.open = true;
}
