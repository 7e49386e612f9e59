// Entry: reads the configuration, then renders the page (or why it cannot).
import { render } from "preact";
import { loadConfig } from "./config.js";
import { describeError } from "./errors.js";
import { App } from "./components/App.js";
import "./style.css";

const root = document.getElementById("app")!;
loadConfig(window.location).then(
  (config) => render(<App config={config} />, root),
  (error: unknown) =>
    render(
      <p class="status error" role="alert">
        {describeError(error)}
      </p>,
      root,
    ),
);
