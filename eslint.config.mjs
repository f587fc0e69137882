// Type-aware lint. Core folders never import `vscode`, so they stay unit-testable in plain Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreFolders = ['src/api/**', 'src/runs/**', 'src/util/**', 'src/context/**', 'src/protocol/**', 'src/webview/**', 'src/secrets-scan/**', 'src/send/**', 'src/runDetails/**', 'src/changes/**', 'src/delegate/**', 'src/ids.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='setInterval']", message: 'Poll with a setTimeout chain and backoff, not setInterval.' }],
    },
  },
  {
    files: coreFolders,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Core modules must not import vscode: keep them testable in plain Node.' }] }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
