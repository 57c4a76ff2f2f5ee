// The Interactive Brokers venue: config, IB code table, mapping and the IbVenue adapter over @stoqey/ib.
export {
  DEFAULT_IB_COMMISSION_WAIT_MS,
  DEFAULT_IB_CONNECT_TIMEOUT_MS,
  DEFAULT_IB_CONTRACT,
  DEFAULT_IB_HOLD_TIMEOUT_MS,
  DEFAULT_IB_MAX_REQUESTS_PER_SECOND,
  DEFAULT_IB_RECONNECT,
  DEFAULT_IB_RECONNECT_INITIAL_DELAY_MS,
  DEFAULT_IB_RECONNECT_MAX_DELAY_MS,
  DEFAULT_IB_REQUEST_TIMEOUT_MS,
  DEFAULT_IB_SUBMIT_TIMEOUT_MS,
  DISCONNECTED_ORDER_POLICIES,
  IB_DEFAULT_PORTS,
  IB_ENV,
  describeIbConfig,
  ibConfigFromEnv,
  ibConfigProblems,
  parseIbConfig,
} from './ib-config.js';
export type { DisconnectedOrderPolicy, IbConfig, IbContractDefaults, IbReconnectConfig } from './ib-config.js';

export {
  IB_ADAPTER_ERROR_CODES,
  IB_ERROR_CATEGORIES,
  IB_ERROR_TABLE,
  IbOrderNotModifiableError,
  IbRequestFailedError,
  InvalidIbConfigError,
  classifyIbCode,
} from './ib-errors.js';
export type { IbAdapterErrorCode, IbErrorCategory, IbErrorRule } from './ib-errors.js';

export type { IbVenueEvent, IbVenueEventKind } from './ib-events.js';

export { IB_ORDER_TYPES, IB_TIMES_IN_FORCE, formatIbFilterTime, ibOrderProblem, modifiedIbOrder, parseIbTime, toIbContract, toIbOrder } from './ib-mapping.js';
export type { IbOrderChanges } from './ib-mapping.js';

export { DEFAULT_IB_VENUE_NAME, IbVenue } from './ib-venue.js';
export type { IbVenueOptions } from './ib-venue.js';
