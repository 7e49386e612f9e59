// Serves the built app (app/dist) on a free port, as any static host would,
// and any extra files beside it (a deployment.json, as the README says).
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { freePort } from "./node.js";
import { dist } from "./paths.js";

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

export async function serveApp(extra: Record<string, () => string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    // An absolute path normalises at its root, so ".." cannot leave dist/.
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const served = extra[path.slice(1)];
    if (served) {
      res.setHeader("content-type", TYPES[extname(path)] ?? "text/plain");
      res.end(served());
      return;
    }
    const file = join(dist, path.endsWith("/") ? join(path, "index.html") : path);
    readFile(file).then(
      (body) => {
        res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
        res.end(body);
      },
      () => {
        res.statusCode = 404;
        res.end("not found");
      },
    );
  });
  const port = await freePort();
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
