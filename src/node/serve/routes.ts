// The API route table of `dendrite serve`. A page's routes live in their own api_<page>.ts and
// are appended here, one line each.

import type { Route, SocketRoute } from './route.js';
import { RUNS_ROUTES } from './api_runs.js';
import { INSIGHT_ROUTES } from './api_insight.js';
import { MRI_ROUTES } from './api_mri.js';
import { REALTIME_ROUTES } from './api_realtime.js';

export type { Route, RouteContext, SocketRoute, SocketContext } from './route.js';
export { Raw, STREAMED } from './route.js';

export const API_ROUTES: Route[] = [
  ...RUNS_ROUTES,
  ...INSIGHT_ROUTES,
  ...MRI_ROUTES,
  ...REALTIME_ROUTES,
];

/** WebSocket endpoints (paths under /ws/), appended the same way. */
export const SOCKET_ROUTES: SocketRoute[] = [];
