import { request, createServer, type Server } from "node:http";
import { connect } from "node:net";

/**
 * A reverse proxy on loopback that serves a pump below `prefix`, as nginx
 * would: Host kept, the path either passed through (`strip: false`) or
 * with the prefix removed (`strip: true`, what the original expected).
 * WebSocket upgrades are piped through. Switch `strip` between requests.
 */
export interface PathProxy {
  url: string;
  strip: boolean;
  close(): Promise<void>;
}

export async function startPathProxy(port: number, backendPort: number, prefix: string): Promise<PathProxy> {
  const state = { strip: false };
  const target = (url: string): string => {
    if (!state.strip || !url.startsWith(prefix)) return url;
    const rest = url.slice(prefix.length);
    return rest.startsWith("/") ? rest : `/${rest}`;
  };
  const server: Server = createServer((req, res) => {
    const up = request({ host: "127.0.0.1", port: backendPort, method: req.method, path: target(req.url ?? "/"), headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  server.on("upgrade", (req, socket, head) => {
    const up = connect(backendPort, "127.0.0.1", () => {
      const lines = [`${req.method} ${target(req.url ?? "/")} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      up.write(head);
      up.pipe(socket).pipe(up);
    });
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    get strip() {
      return state.strip;
    },
    set strip(v: boolean) {
      state.strip = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
