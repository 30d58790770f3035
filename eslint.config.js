// ESLint for the page scripts (static/js, ES modules loaded by the browser as they are).
// `make lint` runs it with the pinned version from package-lock.json.
import js from "@eslint/js";
import globals from "globals";

export default [
  // Only our own page scripts: vendored libraries and installed packages are not ours.
  { ignores: ["static/vendor/**", "node_modules/**", ".venv/**", "tests/**", "bench/**", "instance/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-undef": "error",
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "smart"],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      "no-shadow-restricted-names": "error",
      "no-self-compare": "error",
      "no-template-curly-in-string": "error",
      "no-unreachable-loop": "error",
      "no-duplicate-imports": "error",
      "no-use-before-define": ["error", { functions: false, classes: true, variables: false }],
      "array-callback-return": "error",
      "no-promise-executor-return": "error",
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
