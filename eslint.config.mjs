// Lint: typescript-eslint's recommended rules, an agreed line width, and the layering README.md
// draws, enforced on imports. `npm run lint`; test/unit/lint-boundaries.test.ts shows a violation fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Our layers under server/src (folders) and its top-level modules, as relative import targets. */
const serverParts = ['model', 'frontends', 'simulator', 'rules', 'directives', 'features', 'lsp', 'cli', 'analysis', 'server', 'protocol', 'rule-docs'];
const lspLibraries = ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-protocol', 'vscode-languageserver-protocol/*',
  'vscode-languageserver-textdocument', 'vscode-jsonrpc', 'vscode-jsonrpc/*', 'vscode-languageclient', 'vscode-languageclient/*'];

/** Relative imports of the given parts of server/src, from anywhere inside it. */
function importsOf(parts) {
  return `^(\\.\\.?/)+(${parts.join('|')})(/|$)`;
}

/** `layer` may import only itself and `allowed` of ours, and never the editor or LSP libraries. */
function layer(folder, allowed) {
  const forbidden = serverParts.filter((part) => part !== folder && !allowed.includes(part));
  return {
    files: [`server/src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core never imports VS Code.' }],
        patterns: [
          { group: lspLibraries, message: 'Only server/src/lsp/ and server/src/server.ts use the LSP libraries.' },
          { regex: importsOf(forbidden), message: `${folder}/ may import ${allowed.length ? allowed.join(' and ') : 'nothing of ours'} (README.md, Layout).` },
        ],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // An agreed width instead of a formatter rewriting the tree; long strings and patterns stay whole.
      'max-len': ['error', {
        code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreComments: false,
      }],
      // As tsconfig's noUnusedLocals without noUnusedParameters: a handler may ignore an argument.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // Everything in server/src except the LSP adapter: no LSP libraries, no VS Code.
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/lsp/**', 'server/src/server.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The server never imports VS Code.' }],
        patterns: [{ group: lspLibraries, message: 'Only server/src/lsp/ and server/src/server.ts use the LSP libraries.' }],
      }],
    },
  },
  layer('model', []),
  layer('frontends', ['model']),
  layer('simulator', ['model']),
  layer('rules', ['model', 'simulator']),
  // Rules never ask which front end read the file, nor edit its text: the front end's editor and its
  // vocabulary (model/edits.ts, passed as context.editor) do both. test/unit/lint-boundaries.test.ts probes it.
  {
    files: ['server/src/rules/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        {
          selector: 'BinaryExpression > :matches(MemberExpression[property.name="frontend"], Identifier[name="frontend"])',
          message: 'A rule never branches on the front end: ask context.editor (edits) or context.editor.vocabulary (wording).',
        },
        {
          selector: 'SwitchStatement > :matches(MemberExpression[property.name="frontend"], Identifier[name="frontend"]).discriminant',
          message: 'A rule never branches on the front end: ask context.editor (edits) or context.editor.vocabulary (wording).',
        },
        {
          selector: ':matches(BinaryExpression, SwitchCase) > Literal[value=/^(libvirt|libvirt-xml|qemu-args|shell)$/]',
          message: 'A rule never branches on the file kind: ask context.editor (edits) or context.editor.vocabulary (wording).',
        },
        {
          selector: 'Literal[regex.pattern=/<[A-Za-z\\/!?]/]',
          message: 'A rule never searches XML text: the libvirt front end edits its tree (context.editor).',
        },
      ],
    },
  },
  // The extension talks to the server only through the protocol file.
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(\\.\\./)+server/(?!src/protocol$)', message: 'The client imports only server/src/protocol.ts of the server.' }],
      }],
    },
  },
);
