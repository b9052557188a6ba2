// ESLint (flat config): TypeScript rules, Next's rules (core web vitals) and the React hooks
// rules, at zero warnings (`npm run lint`), so that a new warning is noticed.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", "lib/generated/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  nextPlugin.configs["core-web-vitals"],
  { files: ["app/**/*.{ts,tsx}"], ...reactHooks.configs.flat.recommended },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Tests type their late imports (`typeof import(…)`): the app's modules read the environment when loaded.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-console": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  {
    // Scripts that run outside the app (tests, benchmarks, build helpers) print for people.
    files: ["tests/**", "prisma/**", "*.config.*", ".dependency-cruiser.cjs"],
    rules: { "no-console": "off" },
  },
  {
    files: ["**/*.{cjs,mjs,js}"],
    languageOptions: { globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly", console: "readonly", URL: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
