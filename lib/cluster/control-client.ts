import net from "node:net";

/** Why talking to the control socket failed, with the system error code when there is one. */
export class ControlClientError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = "ControlClientError";
  }
}

/**
 * Sends one command line to a pump master's control socket and resolves
 * with its one-line reply (without the newline), e.g. "ACK 1.2.3" or
 * "NACK bad driver".
 */
export function sendControlCommand(path: string, line: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlClientError(`no answer from ${path} within ${timeoutMs} ms`, "ETIMEDOUT"));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${line}\n`));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        socket.end();
        resolve(buffer.slice(0, nl).replace(/\r$/, ""));
      }
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ControlClientError(err.message, err.code));
    });
    socket.once("close", () => {
      clearTimeout(timer);
      reject(new ControlClientError(`${path} closed the connection without answering`, undefined));
    });
  });
}
