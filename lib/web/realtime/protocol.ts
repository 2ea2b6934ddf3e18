/**
 * The realtime protocol (webui.md §6, over a plain WebSocket at
 * `/main/realtime`). All messages are JSON objects with a `cmd`.
 *
 * Server -> client:
 *   {cmd:"hello", user: "<nickname>" | null}        on connect
 *   {cmd:"followed", url}                           acknowledges a follow
 *   {cmd:"update", url, activity, html?}            an activity the socket's user may see
 *                                                   was added to a followed stream
 *   {cmd:"reconnect", afterMs}                      the worker is shutting down; the socket
 *                                                   is then closed with code 1012
 *   {cmd:"error", message, url?}                    a message we could not use; with `url`,
 *                                                   a follow refused ("Not authorized" when GET
 *                                                   of that API stream would not answer the user)
 * Client -> server:
 *   {cmd:"follow", url} / {cmd:"unfollow", url}     API stream URLs (`data-stream-url`)
 */

/** Close code sent when the worker restarts (RFC 6455 "Service Restart"). */
export const CLOSE_SERVICE_RESTART = 1012;

/** Most streams one socket may follow (a page shows a handful). */
export const MAX_FOLLOWS = 64;

/** Largest client message we read. */
export const MAX_MESSAGE_BYTES = 4096;

export type ClientMessage = { cmd: "follow"; url: string } | { cmd: "unfollow"; url: string };

/** Parses a client frame; a string explains what was wrong. */
export function parseClientMessage(data: string): ClientMessage | string {
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return "Not JSON";
  }
  if (typeof m !== "object" || m === null) return "Not an object";
  const { cmd, url } = m as Record<string, unknown>;
  if (cmd !== "follow" && cmd !== "unfollow") return "Unknown cmd";
  if (typeof url !== "string" || url.length > 2048 || !/^https?:\/\//.test(url)) return "Bad url";
  return { cmd, url };
}
