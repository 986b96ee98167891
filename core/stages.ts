// The stage catalog: the order journey as a sequence of stages, each opened by one milestone event
// and closed by another. The order journey API, the rules and the UI all read it.

export interface StageDef {
  /** Stable identifier, e.g. "stock_lock". */
  id: string;
  title: string;
  /** Event that opens the stage. */
  start: string;
  /** Event that completes it. */
  end: string;
  /** Events that end it unsuccessfully (payment.failed, inventory.lock_failed, …). */
  failOn: string[];
  /** System expected to produce the end event. */
  system: string;
  /** Expected duration; a stage open longer than this is overdue. */
  expectedMs: number;
  /** 'order': once per order; 'shipment': once per shipment.id (split shipments). */
  per: 'order' | 'shipment';
  /** 'forward' (fulfilment) or 'return' (reverse flow, per return.id). */
  flow: 'forward' | 'return';
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const DEFAULT_STAGES: StageDef[] = [
  { id: 'payment', title: 'Payment', start: 'order.created', end: 'payment.succeeded', failOn: ['payment.failed'], system: 'payment', expectedMs: 15 * MIN, per: 'order', flow: 'forward' },
  { id: 'stock_lock', title: 'Stock lock', start: 'payment.succeeded', end: 'inventory.locked', failOn: ['inventory.lock_failed'], system: 'inventory', expectedMs: 2 * HOUR, per: 'order', flow: 'forward' },
  { id: 'packing', title: 'Pick & pack', start: 'inventory.locked', end: 'package.packed', failOn: [], system: 'wms', expectedMs: 24 * HOUR, per: 'shipment', flow: 'forward' },
  { id: 'pickup', title: 'Carrier pick-up', start: 'package.packed', end: 'carrier.picked_up', failOn: [], system: 'carrier', expectedMs: 24 * HOUR, per: 'shipment', flow: 'forward' },
  { id: 'delivery', title: 'Delivery', start: 'carrier.picked_up', end: 'delivery.signed', failOn: [], system: 'carrier', expectedMs: 72 * HOUR, per: 'shipment', flow: 'forward' },
  { id: 'return_approval', title: 'Return approval', start: 'return.requested', end: 'return.approved', failOn: ['return.rejected'], system: 'returns', expectedMs: 24 * HOUR, per: 'order', flow: 'return' },
  { id: 'return_transit', title: 'Return transit', start: 'return.approved', end: 'return.received', failOn: [], system: 'carrier', expectedMs: 7 * 24 * HOUR, per: 'order', flow: 'return' },
  { id: 'return_qc', title: 'Return inspection', start: 'return.received', end: 'return.qc_passed', failOn: ['return.qc_failed'], system: 'wms', expectedMs: 48 * HOUR, per: 'order', flow: 'return' },
  { id: 'refund', title: 'Refund', start: 'return.qc_passed', end: 'refund.issued', failOn: [], system: 'finance', expectedMs: 24 * HOUR, per: 'order', flow: 'return' },
];

/** Events that end an order's forward flow early: no later stage is expected after them. */
export const TERMINAL_EVENTS = ['order.cancelled'];
