// Vite builds the app to static files in dist/. The dev and preview servers
// also serve the local chain's deployment file (written by damm-node, see
// scripts/node.sh) at /deployment.json, where the app looks by default.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { defineConfig, type Connect, type Plugin } from "vite";

const deployment = fileURLToPath(new URL("../target/devnode/deployment.json", import.meta.url));

const serveDeployment: Connect.NextHandleFunction = (req, res, next) => {
  if (req.url?.split("?")[0] !== "/deployment.json") return next();
  readFile(deployment).then(
    (body) => {
      res.setHeader("content-type", "application/json");
      res.end(body);
    },
    () => {
      res.statusCode = 404;
      res.end(`no ${deployment}: start the local chain with scripts/node.sh`);
    },
  );
};

const localDeployment: Plugin = {
  name: "damm-local-deployment",
  configureServer: (server) => void server.middlewares.use(serveDeployment),
  configurePreviewServer: (server) => void server.middlewares.use(serveDeployment),
};

export default defineConfig({
  base: "./",
  plugins: [localDeployment],
  // One viem for the app and the linked SDK, so the SDK recognises viem's errors.
  resolve: { dedupe: ["viem"] },
  build: { target: "es2022" },
});
