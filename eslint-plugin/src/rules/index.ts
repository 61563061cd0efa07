// Every rule the plugin has, by name. Keep this a sorted list of imports and one object literal.

export const rules = {
};
