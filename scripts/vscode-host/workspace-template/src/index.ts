// Placeholder so the workspace is a valid TypeScript project; tests add their own files.
export {};
