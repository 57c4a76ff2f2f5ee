export { clearedCookie, DEFAULT_LOGIN_TTL_MS, loadTraderToken, LoginSessions, LoginThrottle, MIN_TRADER_TOKEN_CHARS, parseCookies, SESSION_COOKIE, sessionCookie, tokenMatches, TRADER_TOKEN_ENV } from './auth.js';
export type { TraderToken } from './auth.js';
export { attachConnection, COMMAND_BURST, CommandBucket, COMMANDS_PER_SECOND, WebSocketOutlet } from './connection.js';
export { MAX_LOGIN_BODY_BYTES, SECURITY_HEADERS, tokenOfBody } from './routes.js';
export { DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, DEFAULT_PING_INTERVAL_MS, startGateway, WS_PATH } from './server.js';
export type { Gateway, GatewayHost, GatewayOptions } from './server.js';
export { CONTENT_TYPES, DEFAULT_UI_DIR, lightweightChartsModule, staticPath } from './static.js';
