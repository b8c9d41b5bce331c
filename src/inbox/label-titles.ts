/** Chatwoot keeps label titles lowercase and unique; conversations and contacts store the titles. */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => label.trim().toLowerCase()).filter((label) => label.length > 0))];
}
