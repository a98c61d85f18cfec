import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'image/out/**',
      'image/cache/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        window: 'readonly',
        document: 'readonly',
        localStorage: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in daemon/config.ts only.',
        },
      ],
    },
  },
  {
    // The daemon's error message is an English sentence for logs: the UI shows refusals
    // through lib/errors.ts (errorText / errorNotice), translated by code.
    files: ['kiosk-ui/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[property.name='message'][object.type='TSAsExpression'], MemberExpression[property.name='message'][object.name=/^(e|err|error)$/]",
          message:
            'Show errors with errorText()/errorNotice() from lib/errors.ts: the daemon message is English.',
        },
      ],
    },
  },
  {
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['daemon/config.ts', 'scripts/**', 'tests/**', 'image/**', 'eslint.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
