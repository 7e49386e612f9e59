// Where the tests find the repository, the built app and the screenshot folder.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file runs from app/dist-test/test/). */
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const dist = join(repo, "app", "dist");
export const screenshots = join(repo, "target", "app-screenshots");
