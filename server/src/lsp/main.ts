import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createServer } from '../server';

/** dist/server.js: the language server on the transport the editor names (--stdio, --node-ipc, --socket=N). */
createServer(createConnection(ProposedFeatures.all));
