// The types view (Explorer, "Send/Sync types"): every struct, enum and union of the workspace's
// crates by file, each with its verdicts in one line (`Send · !Sync`) and the reasons as its
// tooltip; a click opens the type. A filter keeps the types that are not `Send`, not `Sync`, or
// not fully known, for an audit. Refreshed on demand and whenever the server publishes
// diagnostics (which it does after each analysis).
import * as vscode from 'vscode';
import { COMMANDS, type TypeListItem } from '../../common/protocol';
import type { ServerController } from './client';

type Filter = 'all' | 'notSend' | 'notSync' | 'unknown';

const FILTERS: { filter: Filter; label: string; detail: string }[] = [
  { filter: 'all', label: 'All types', detail: 'every struct, enum and union' },
  { filter: 'notSend', label: 'Not Send', detail: 'types that are never `Send`' },
  { filter: 'notSync', label: 'Not Sync', detail: 'types that are never `Sync`' },
  { filter: 'unknown', label: 'Not fully known', detail: 'a verdict the tool could not decide' },
];

type Node = { kind: 'file'; file: string; items: TypeListItem[] } | { kind: 'type'; item: TypeListItem };

function keep(item: TypeListItem, filter: Filter): boolean {
  return filter === 'all' || item[filter];
}

class TypesView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private filter: Filter = 'all';
  private items: TypeListItem[] | undefined;

  constructor(private readonly controller: ServerController) {}

  refresh(): void {
    this.items = undefined;
    this.changed.fire();
  }

  async chooseFilter(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      FILTERS.map((f) => ({ ...f, description: f.filter === this.filter ? '(current)' : undefined })),
      { title: 'Show which types' },
    );
    if (!picked) return;
    this.filter = picked.filter;
    this.changed.fire();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.file, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = vscode.Uri.parse(node.items[0].uri);
      item.description = `${node.items.length}`;
      return item;
    }
    const { item: type } = node;
    const item = new vscode.TreeItem(type.title, vscode.TreeItemCollapsibleState.None);
    item.description = type.verdicts;
    item.tooltip = new vscode.MarkdownString(
      [`**${type.verdicts}**`, ...type.reasons.map((r) => `- ${r}`)].join('\n\n'),
    );
    const position = new vscode.Position(type.line, type.character);
    item.command = {
      command: 'vscode.open',
      title: 'Open the type',
      arguments: [vscode.Uri.parse(type.uri), { selection: new vscode.Range(position, position) }],
    };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'type') return [];
    if (node?.kind === 'file') return node.items.map((item) => ({ kind: 'type', item }));
    this.items ??= (await this.controller.types()) ?? [];
    const byFile = new Map<string, TypeListItem[]>();
    for (const item of this.items.filter((i) => keep(i, this.filter)))
      byFile.set(item.file, [...(byFile.get(item.file) ?? []), item]);
    return [...byFile].map(([file, items]) => ({ kind: 'file', file, items }));
  }
}

export function registerTypesView(controller: ServerController, view: string): vscode.Disposable[] {
  const provider = new TypesView(controller);
  return [
    vscode.window.createTreeView(view, { treeDataProvider: provider, showCollapseAll: true }),
    vscode.commands.registerCommand(COMMANDS.refreshTypes, () => provider.refresh()),
    vscode.commands.registerCommand(COMMANDS.filterTypes, () => provider.chooseFilter()),
    // The server publishes diagnostics after each analysis: the verdicts may have changed.
    vscode.languages.onDidChangeDiagnostics(() => provider.refresh()),
  ];
}
