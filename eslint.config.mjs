// One lint setup for the whole repository (typescript-eslint, type-aware).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/generated/**', '**/node_modules/**', '.turbo/**', '**/*.mjs', '**/*.js', '**/prisma.config.ts', 'vitest.config.mts'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Apps talk to each other only through @loja/contracts events.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/*', '../../../*'], message: 'import other workspaces as @loja/*' }] }],
    },
  },
);
