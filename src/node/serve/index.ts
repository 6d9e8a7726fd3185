// The dashboard server (`dendrite serve`).
export { startServer, CSP, type ServeOptions, type DashboardServer } from './server.js';
export { API_ROUTES, SOCKET_ROUTES, Raw, STREAMED, type Route, type RouteContext, type SocketRoute, type SocketContext } from './routes.js';
export { openEventStreams } from './events.js';
export { listRuns, summarize, parseMetrics, type RunSummary } from './runs.js';
export { runRoots, resolveRun, checkName, type RunRoot } from './paths.js';
