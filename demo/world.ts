// The simulated retailer's landscape: where each service lives, its topics, its warehouses.
// Constant data shared by the planner (addresses in span attributes) and services.ts (resources).
import type { ServiceName } from './plan.ts';

export interface ServiceInfo {
  /** service.version */
  version: string;
  /** Kubernetes namespace / deployment name, for host.name and k8s.* resource attributes. */
  namespace: string;
  deployment: string;
  /** Implementation language, telemetry flavour only (process.runtime.name). */
  runtime: string;
  /** Where other services reach it. */
  host: string;
  port: number;
}

export const SERVICE_INFO: Record<ServiceName, ServiceInfo> = {
  shop: { version: '4.12.3', namespace: 'shop', deployment: 'shop-api', runtime: 'nodejs', host: 'www.acme-shop.example', port: 443 },
  payment: { version: '2.8.0', namespace: 'payments', deployment: 'payment-api', runtime: 'go', host: 'payment-api.payments.svc.cluster.local', port: 8080 },
  inventory: { version: '7.3.1', namespace: 'inventory', deployment: 'inventory-grpc', runtime: 'java', host: 'inventory.inventory.svc.cluster.local', port: 50051 },
  wms: { version: '2024.11.2', namespace: 'warehouse', deployment: 'wms-core', runtime: 'java', host: 'wms-api.warehouse.svc.cluster.local', port: 8080 },
  carrier: { version: '1.19.4', namespace: 'logistics', deployment: 'carrier-gateway', runtime: 'python', host: 'carrier-gateway.logistics.svc.cluster.local', port: 8080 },
  crm: { version: '3.2.7', namespace: 'crm', deployment: 'crm-service', runtime: 'dotnet', host: 'crm.crm.svc.cluster.local', port: 8080 },
  returns: { version: '1.4.0', namespace: 'returns', deployment: 'returns-api', runtime: 'nodejs', host: 'returns-api.returns.svc.cluster.local', port: 8080 },
};

export const EXTERNAL = {
  psp: 'api.psp.example',
  ups: 'onlinetools.ups.example',
  mailer: 'api.mailer.example',
};

export const DATABASES = {
  shop: { system: 'postgresql', database: 'shop', host: 'shop-db.shop.svc.cluster.local' },
  payment: { system: 'postgresql', database: 'payments', host: 'payments-db.payments.svc.cluster.local' },
  inventory: { system: 'postgresql', database: 'inventory', host: 'inventory-db.inventory.svc.cluster.local' },
  wms: { system: 'mysql', database: 'wms', host: 'wms-db.warehouse.svc.cluster.local' },
  returns: { system: 'postgresql', database: 'returns', host: 'returns-db.returns.svc.cluster.local' },
  carrier: { system: 'postgresql', database: 'tms', host: 'tms-db.logistics.svc.cluster.local' },
} as const;

export const TOPICS = {
  fulfilmentRequests: 'wms.fulfilment-requests',
  fulfilmentCancellations: 'wms.fulfilment-cancellations',
  shipmentEvents: 'wms.shipment-events',
  orderEvents: 'shop.order-events',
  returnApprovals: 'returns.approval-requests',
};
export const PARTITIONS = 12;
/** The wms.fulfilment-requests partition whose consumer is stuck in the stalled-queue scenario. */
export const STALLED_PARTITION = 7;

export const CONSUMER_GROUPS = {
  wms: 'wms-fulfilment',
  shop: 'shop-fulfilment-status',
  crm: 'crm-notifications',
};

export const WAREHOUSES = ['FC-BER-1', 'FC-LEJ-2'] as const;

/** The promo article whose stock row everyone fights over in the error burst. */
export const PROMO_SKU = 'SKU-1234';
export const CURRENCY = 'EUR';

/** Normal stage durations (medians, ms) — what "in time" looks like. */
export const NORMAL = {
  packAfterPaid: 3 * 3600_000,
  pickupAfterPack: 5 * 3600_000,
  deliveryAfterPickup: 28 * 3600_000,
};

/** The retailer's UPS shipper account (the 6 characters after "1Z" in its tracking numbers). */
export const UPS_SHIPPER_ACCOUNT = '8A4V17';
export const PUBLIC_HOSTS = {
  shop: 'www.acme-shop.example',
  carrierWebhooks: 'carrier-gateway.acme-shop.example',
  crm: 'crm.acme-shop.example',
};
