// One syntax tree per open document, kept in step with its edits so that each re-analysis
// parses incrementally: every incremental change is applied to the old tree with `tree.edit` as
// it arrives, and the next analysis reparses with that tree, then deletes it (a wasm tree is not
// garbage-collected: a tree not deleted is memory lost). A full-text change, a re-open or a close
// drops the tree; the next analysis then parses from scratch. Only the most recently analysed
// documents keep a tree (a tree costs about its text's size several times over, and only the
// documents being typed in gain from one), so memory stays flat with hundreds open. Also numbers every state of every
// document (a revision), so caches never trust a client's version numbers to change.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { SyntaxTree } from '../syntax/parser';
import { treeEditFor, type RangeChange } from './tree-edits';

type Parse = (text: string, oldTree?: SyntaxTree) => SyntaxTree;

/** What `TextDocuments` is constructed with: how a document is created and updated. */
interface DocumentConfiguration {
  create(uri: string, languageId: string, version: number, content: string): TextDocument;
  update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument;
}

export interface DocumentTrees {
  /** Pass to `new TextDocuments(...)`: updates documents as usual, and edits their trees. */
  readonly configuration: DocumentConfiguration;
  /** A number that changes whenever the document's text may have changed. */
  revision(uri: string): number;
  /** The tree of the document's current text, reparsed incrementally when it was edited. */
  treeFor(document: TextDocument, parse: Parse): SyntaxTree;
  /** Deletes the document's tree; the next `treeFor` parses from scratch. */
  dropTree(uri: string): void;
  /** Deletes the document's tree and its revision (the document is closed). */
  forget(uri: string): void;
  /** Whether the document's current text has its tree alive (not evicted, dropped or edited since). */
  hasTree(uri: string): boolean;
  /** How many trees are alive (for tests: one per analysed open document, never more). */
  count(): number;
}

interface Entry {
  tree: SyntaxTree;
  /** The revision the tree was parsed for; the edits since then are already applied to it. */
  revision: number;
}

function isRangeChange(change: TextDocumentContentChangeEvent): change is RangeChange {
  return 'range' in change && change.range !== undefined;
}

/**
 * The change with its range moved inside the text (and start before end). TextDocument clamps a
 * position past the end when it reads it, but its line table goes wrong when updated with one,
 * and every later edit would then land in the wrong place.
 */
function clampChange(document: TextDocument, change: RangeChange): RangeChange {
  const a = document.offsetAt(change.range.start);
  const b = document.offsetAt(change.range.end);
  return {
    range: { start: document.positionAt(Math.min(a, b)), end: document.positionAt(Math.max(a, b)) },
    text: change.text,
  };
}

/** How many documents keep their tree between analyses, by default. */
const DEFAULT_KEPT_TREES = 8;

export function createDocumentTrees(keptTrees = DEFAULT_KEPT_TREES): DocumentTrees {
  const entries = new Map<string, Entry>();
  const revisions = new Map<string, number>();
  let lastRevision = 0;
  const bump = (uri: string): void => void revisions.set(uri, ++lastRevision);
  const forget = (uri: string): void => {
    entries.get(uri)?.tree.delete();
    entries.delete(uri);
  };

  // A Map iterates in insertion order and `treeFor` re-inserts what it uses: the first is the oldest.
  const evictBeyond = (limit: number): void => {
    for (const uri of entries.keys()) {
      if (entries.size <= limit) break;
      forget(uri);
    }
  };

  const update = (document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument => {
    bump(document.uri);
    // One change at a time: each change's range refers to the text left by the one before.
    for (const raw of changes) {
      const change = isRangeChange(raw) ? clampChange(document, raw) : raw;
      const entry = entries.get(document.uri);
      if (entry !== undefined) {
        if (isRangeChange(change)) entry.tree.edit(treeEditFor(document, change));
        else forget(document.uri);
      }
      TextDocument.update(document, [change], version);
    }
    return TextDocument.update(document, [], version);
  };

  return {
    configuration: {
      create(uri, languageId, version, content) {
        forget(uri);
        bump(uri);
        return TextDocument.create(uri, languageId, version, content);
      },
      update,
    },
    revision: (uri) => revisions.get(uri) ?? 0,
    treeFor(document, parse) {
      const revision = revisions.get(document.uri) ?? 0;
      const entry = entries.get(document.uri);
      if (entry?.revision === revision) return entry.tree;
      // On a throw the entry is gone and the old tree deleted: the next call parses afresh.
      entries.delete(document.uri);
      try {
        const tree = parse(document.getText(), entry?.tree);
        entries.set(document.uri, { tree, revision });
        evictBeyond(keptTrees);
        return tree;
      } finally {
        entry?.tree.delete();
      }
    },
    dropTree: forget,
    forget(uri) {
      forget(uri);
      revisions.delete(uri);
    },
    hasTree: (uri) => entries.get(uri)?.revision === (revisions.get(uri) ?? 0),
    count: () => entries.size,
  };
}
