// Node-only helpers, apart from the main entry so browser bundles never see `node:fs`.
export { loadDeployment } from "./deployment.js";
