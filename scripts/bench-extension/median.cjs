// The median of a list of timings, shared by the extension benchmark and its probes (CommonJS, so
// the activation probe, which the extension host require()s, can load it too).
exports.median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
