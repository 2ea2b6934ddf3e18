import express, { type RequestHandler } from "express";

/**
 * Parses form-encoded bodies (flat `querystring` semantics) and keeps the
 * raw bytes, so OAuth signatures are checked against exactly what was sent.
 * Does nothing for other content types or a body already parsed.
 */
export function formBodyParser(): RequestHandler {
  return express.urlencoded({
    extended: false,
    limit: "1mb",
    verify: (req, _res, buf) => {
      (req as unknown as { rawBody?: Buffer }).rawBody = buf;
    },
  });
}
