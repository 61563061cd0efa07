export function typeScriptGrammarErrors(code: string, fileName: string, options?: { forceModule?: boolean }): string[];
