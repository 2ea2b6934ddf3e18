import { connect } from "node:net";

/** An HTTP answer as it came off the wire. */
export interface RawAnswer {
  status: number;
  /** Header lines in order (the status line first), Date and X-Request-Id values masked. */
  headers: string[];
  body: Buffer;
}

/**
 * One request on its own connection to 127.0.0.1:`port`, the answer as raw
 * bytes (header order included), for tests that compare two paths' answers
 * byte for byte.
 */
export function rawRequest(port: number, host: string, path: string, headers: string[] = [], method = "GET"): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      const lines = all.subarray(0, split).toString("latin1").split("\r\n");
      resolve({
        status: Number(lines[0]!.split(" ")[1]),
        headers: lines.map((l) => l.replace(/^(Date|X-Request-Id): .*/i, "$1: *")),
        body: all.subarray(split + 4),
      });
    });
    socket.write([`${method} ${path} HTTP/1.1`, `Host: ${host}`, "Connection: close", ...headers, "", ""].join("\r\n"));
  });
}
