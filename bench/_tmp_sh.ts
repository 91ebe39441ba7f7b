import { createEngine, Project } from '../server/src/engine';
import { nodeFileSystem } from '../server/src/cargo/node-fs';
const T = '/usr/share/cargo/registry/tokio-1.24.2';
(async () => {
  const engine = await createEngine({ wasmDir: 'dist', mentions: false });
  const p: any = new Project(engine as any, nodeFileSystem, process.env, false, { batch: true });
  p.open(T);
  const path = `${T}/src/runtime/signal/mod.rs`;
  const c = p.crateOf(path);
  console.log('active crateOf', c?.name, c?.local, c && [...c.features].join(','));
  if (c) { const rt = c.root.mods.get('runtime'); console.log('runtime mods:', [...rt.mods.keys()].join(','), rt.mods.get('signal')?.cfg); }
  const a = p.analyzeFile(path);
  console.log('  ', a?.types.map((t: any) => `${t.path} ${t.send.status}`).join('; '), a?.inactive);
})();
