// A config's dataset section holds the keys every dataset shares and, beside them, the named
// dataset's own settings (as disent's dataset configs do); this splits the two. Free of imports
// so the explorer page can use it.

/** The keys of the dataset section that are not a dataset's own settings. */
export const SHARED_DATASET_KEYS = ['name', 'path', 'convention', 'image_size', 'standardise'] as const;

/** The dataset's name and its own settings (every key of the section but the shared ones). */
export function datasetSection(section: { name: string } & Record<string, unknown>): { name: string; settings: Record<string, unknown> } {
  const settings = Object.fromEntries(Object.entries(section).filter(([key, value]) =>
    !(SHARED_DATASET_KEYS as readonly string[]).includes(key) && value !== undefined));
  return { name: section.name, settings };
}
