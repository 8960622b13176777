import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { cannotListen, type Endpoint } from "../core/index.js";

export interface MetricsEndpoint {
  /** Where it is bound (port 0 becomes the port picked). */
  readonly endpoint: Endpoint;
  stop(): Promise<void>;
}

/**
 * A bare HTTP listener for Prometheus: GET /metrics answers the registry's text, anything else
 * 404. For a service run alone; the web console mounts the same registry on its own server.
 */
export function serveMetrics(registry: Registry, endpoint: Endpoint): Promise<MetricsEndpoint> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(cannotListen("metrics", endpoint, error, "change it with --metrics HOST:PORT")),
    );
    server.listen(endpoint.port, endpoint.host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        endpoint: { host: address.address, port: address.port },
        stop: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
