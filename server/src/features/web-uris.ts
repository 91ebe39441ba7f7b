// URIs as paths where there is no local disk (the web worker): the workspace may be
// `vscode-vfs://github/owner/repo`, `vscode-remote://host:port/...` or `file:///...`, so each
// scheme and authority gets its own root, `/vscode-vfs:github/owner/repo/src/lib.rs`, and the
// mapping goes both ways. `untitled:` and other URIs without an authority part name no file.

import type { UriPaths } from './workspace';

const HIERARCHICAL = /^([a-zA-Z][\w+.-]*):\/\/([^/?#]*)([^?#]*)/;

export const webUriPaths: UriPaths = {
  toPath(uri) {
    const match = HIERARCHICAL.exec(uri);
    if (!match) return undefined;
    const [, scheme, authority, path] = match;
    try {
      const decoded = decodeURIComponent(path);
      return `/${scheme.toLowerCase()}:${authority}${decoded.startsWith('/') ? '' : '/'}${decoded}`.replace(/\/+$/, '');
    } catch {
      return undefined; // a malformed %-escape names no file
    }
  },
  toUri(path) {
    const match = /^\/([^:/]+):([^/]*)(.*)$/.exec(path);
    if (!match) return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
    const [, scheme, authority, rest] = match;
    return `${scheme}://${authority}${rest.split('/').map(encodeURIComponent).join('/')}`;
  },
};
