// The header's lookup box: one field for any key an order can be found by.
import type { Route } from '../lib/route.ts';
import { t } from '../lib/strings.ts';

export class Lookup {
  text = $state('');
  /** A hint shown under the box (e.g. when Enter was pressed on nothing). */
  hint = $state<string | null>(null);

  /** The route to open for the typed key, or null (with a hint) when there is nothing to look up. */
  submit(): Route | null {
    const key = this.text.trim();
    if (key === '') {
      this.hint = t.lookup.empty;
      return null;
    }
    this.hint = null;
    // The order API resolves order IDs, business keys and Trace IDs alike; the order page falls back
    // to the trace view for a Trace ID that belongs to no order.
    return { name: 'order', key, trace: null, span: null };
  }
}
