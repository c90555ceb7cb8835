// One lint setup for the whole repository (typescript-eslint, type-aware). Which file may import what is
// dependency-cruiser's job: .dependency-cruiser.cjs, run by `npm run lint` after this.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/generated/**',
      '**/node_modules/**',
      '.turbo/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/*.js',
      '**/prisma.config.ts',
      'vitest.config.mts',
      'packages/architecture/fixtures/**',
    ],
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
    },
  },
);
