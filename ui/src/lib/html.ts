// Escaping for the few places that must hand HTML to a library (ECharts tooltips). Everything else
// goes through Svelte's text interpolation, which escapes on its own.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
