// A scriptable TWS peer for the Interactive Brokers adapter's tests.
export { DEFAULT_FAKE_SERVER_VERSION, FakeTws } from './fake-tws.js';
export type { FakeTwsOptions, FakeTwsScript, FakeTwsSession, PlacementRecord } from './fake-tws.js';
export { MAX_FAKE_SERVER_VERSION, MIN_FAKE_SERVER_VERSION } from './messages.js';
export type { FakeExecution, FakeOrder, FakeOrderStatus, PlaceOrderRequest } from './messages.js';
export { formatExecTime, parseFilterTime } from './exec-time.js';
export { waitFor } from './wait.js';
