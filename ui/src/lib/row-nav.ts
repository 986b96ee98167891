// Keyboard navigation for lists of rows (waterfall, search results, trace lists): rows are
// focusable, ↑/↓/Home/End move between them, Enter (or Space) opens the focused one.
const ROW = '[data-row]';

export function rowNav(node: HTMLElement): { destroy(): void } {
  const onKey = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement | null;
    const row = target?.closest<HTMLElement>(ROW);
    if (!row || !node.contains(row)) return;
    if (event.key === 'Enter' || event.key === ' ') {
      if (target !== row) return; // a link or button inside the row handles its own keys
      event.preventDefault();
      row.click();
      return;
    }
    const rows = [...node.querySelectorAll<HTMLElement>(ROW)];
    const index = rows.indexOf(row);
    const next =
      event.key === 'ArrowDown' ? rows[index + 1] : event.key === 'ArrowUp' ? rows[index - 1] : event.key === 'Home' ? rows[0] : event.key === 'End' ? rows[rows.length - 1] : undefined;
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };
  node.addEventListener('keydown', onKey);
  return { destroy: () => node.removeEventListener('keydown', onKey) };
}
