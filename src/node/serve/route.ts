// What an API route of the dashboard server is: a method, a pattern over the URL's path, and a
// handler that gets the request's context and returns JSON (or a Raw reply, or STREAMED when it
// wrote the response itself, as the event streams do).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { FormatError } from '../../errors.js';
import type { RunRoot } from './paths.js';

export interface RouteContext {
  /** The first --runs folder (absolute). */
  runsDir: string;
  /** Every --runs folder with its URL label. */
  roots: readonly RunRoot[];
  /** The pattern's groups, still percent-encoded: check them with checkName / runDir. */
  groups: string[];
  url: URL;
  /** The request body (at most the route's maxBodyBytes), or null for none. */
  body: Uint8Array | null;
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** The folder of run `label/name` (raw segments), validated: no traversal, no symlink out. */
  runDir(label: string, name: string): string;
  /** The body parsed as JSON; FormatError (400) when it is missing or malformed. */
  json(): unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  /** Largest accepted body (default 1 MiB). */
  maxBodyBytes?: number;
  handle(ctx: RouteContext): unknown;
}

/** A reply that is not JSON: bytes or text with its content type. */
export class Raw {
  constructor(readonly body: Uint8Array | string, readonly contentType: string, readonly status = 200, readonly headers: Record<string, string> = {}) {}
}

/** Returned by a handler that wrote (or keeps writing) the response itself. */
export const STREAMED: unique symbol = Symbol('streamed');

/** `body` parsed as JSON, for RouteContext.json. */
export function parseJsonBody(what: string, body: Uint8Array | null): unknown {
  if (body === null || body.length === 0) throw new FormatError(`${what}: a JSON body is required`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new FormatError(`${what}: the body is not UTF-8`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${what}: the body is not JSON (${(e as Error).message})`);
  }
}

/** A WebSocket endpoint: the server checks the path, Host, Origin and token before `open` runs. */
export interface SocketRoute {
  pattern: RegExp;
  /** Largest message accepted (default 64 KiB); a larger one closes the socket with 1009. */
  maxMessageBytes?: number;
  open(ctx: SocketContext): void;
}

export interface SocketContext {
  runsDir: string;
  roots: readonly RunRoot[];
  groups: string[];
  url: URL;
  /** Aborted when the socket closes. */
  signal: AbortSignal;
  runDir(label: string, name: string): string;
  /** Sends `value` as JSON; false (and nothing sent) when the peer is gone or already holds `maxBuffered` unsent bytes. */
  send(value: unknown): boolean;
  /** Sends binary data under the same rule. */
  sendBinary(data: Uint8Array): boolean;
  /** Text messages parsed as JSON; a malformed one gets {error} back and closes the socket with 1007. */
  onJson(fn: (msg: unknown) => void): void;
  /** Binary messages, each at most maxMessageBytes. */
  onBinary(fn: (data: Uint8Array) => void): void;
  close(code?: number, reason?: string): void;
}
